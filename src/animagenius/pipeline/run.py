"""`run()` chains the stages. The CLI, the Celery worker and the tests all call it."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from animagenius.pipeline.compose.captions import caption_lines_for, write_srt, write_vtt
from animagenius.pipeline.compose.render import compose, scene_starts, timeline_words
from animagenius.pipeline.domain import Progress, RenderOptions, RenderResult, SourceDocument, no_progress
from animagenius.pipeline.ingest import DEFAULT_LIMITS, IngestLimits, ingest
from animagenius.pipeline.script import write_script
from animagenius.pipeline.visuals import Layout, font_dir, render_slide
from animagenius.pipeline.voice import narrate

# (stage, share of the whole job) — used to turn per-stage fractions into one overall percentage
STAGES = (("reading", 0.04), ("writing script", 0.02), ("narrating", 0.24), ("designing slides", 0.08),
          ("rendering video", 0.62))  # fmt: skip


class _Stages:
    def __init__(self, on_progress: Progress) -> None:
        self.on_progress = on_progress
        self.done = 0.0
        self.shares = dict(STAGES)

    def start(self, stage: str) -> Callable[[float], None]:
        base, share = self.done, self.shares[stage]
        self.done += share
        self.on_progress(stage, base)
        return lambda fraction: self.on_progress(stage, base + share * fraction)


def run(
    sources: Sequence[Path] | SourceDocument,
    *,
    options: RenderOptions,
    workdir: Path,
    out: Path,
    voice_name: str = "piper",
    limits: IngestLimits = DEFAULT_LIMITS,
    on_progress: Progress = no_progress,
) -> RenderResult:
    """Render `sources` (files, or an already-read document) into the MP4 at `out`.

    Files are read in a child process bounded by `limits` (time, memory, size, pages, pixels, duration).
    """
    from animagenius.pipeline.providers.voices import VOICES

    stages = _Stages(on_progress)
    workdir.mkdir(parents=True, exist_ok=True)

    stages.start("reading")
    if isinstance(sources, SourceDocument):
        document = sources
    else:
        assets = workdir / "assets"
        assets.mkdir(exist_ok=True)
        document = ingest(list(sources), limits=limits, assets_dir=assets, isolated=True)

    stages.start("writing script")
    script = write_script(document, target_duration_s=options.target_duration_s)

    voiced = stages.start("narrating")
    tracks = narrate(script.scenes, voice=VOICES.create(voice_name), workdir=workdir, on_fraction=voiced)

    designed = stages.start("designing slides")
    layout = Layout.for_frame(options.size, options.aspect)
    slides = []
    for index, scene in enumerate(script.scenes):
        slide = workdir / f"slide-{index:02d}.png"
        slides.append(
            render_slide(scene, number=index + 1, total=len(script.scenes), layout=layout, out=slide)
        )
        designed((index + 1) / len(script.scenes))

    encoded = stages.start("rendering video")
    partial = workdir / "video.partial.mp4"
    duration = compose(
        slides=slides, tracks=tracks, options=options, font_name="Inter", font_dir=font_dir(),
        workdir=workdir, out=partial, on_fraction=encoded,
    )  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    captions = caption_lines_for(timeline_words(tracks), options.aspect)
    subtitles = (write_srt(captions, out.with_suffix(".srt")), write_vtt(captions, out.with_suffix(".vtt")))
    shutil.move(partial, out)
    on_progress("done", 1.0)
    return RenderResult(
        video=out,
        subtitles=subtitles,
        script=script,
        duration_s=duration,
        scene_starts_s=tuple(scene_starts(tracks)),
    )
