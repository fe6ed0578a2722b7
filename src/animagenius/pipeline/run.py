"""`run()` chains the stages. The CLI, the Celery worker and the tests all call it."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from animagenius.pipeline.compose.caption_fonts import CAPTION_FAMILY, caption_font_dir
from animagenius.pipeline.compose.clips import scene_clips, with_generated
from animagenius.pipeline.compose.cues import subtitle_cues, write_srt, write_vtt
from animagenius.pipeline.compose.encodings import encoding_for
from animagenius.pipeline.compose.farm import RunFarm
from animagenius.pipeline.compose.gif import gif_from
from animagenius.pipeline.compose.previews import poster, preview
from animagenius.pipeline.compose.render import (
    compose,
    compose_sound,
    frame_aligned,
    scene_starts,
    timeline_words,
)
from animagenius.pipeline.compose.segments import Clip
from animagenius.pipeline.compose.shots import SceneStills
from animagenius.pipeline.domain import (
    Block,
    Provenance,
    Script,
    ScriptRequest,
    ScriptStyle,
    SourceDocument,
    VoiceTrack,
)
from animagenius.pipeline.errors import InvalidOption
from animagenius.pipeline.ingest import DEFAULT_LIMITS, IngestLimits, ingest
from animagenius.pipeline.ingest.legibility import unreadable_pages_notices
from animagenius.pipeline.providers.protocols import (
    ImageGenerator,
    ScriptWriter,
    Transcriber,
    VideoGenerator,
    WrittenScript,
)
from animagenius.pipeline.providers.settings import ProviderSettings
from animagenius.pipeline.script.about import about_check, show_described, with_about
from animagenius.pipeline.script.analyse import analyse, document_language
from animagenius.pipeline.script.edit import script_check_against
from animagenius.pipeline.video import Progress, RenderOptions, RenderResult, Rendition, no_progress
from animagenius.pipeline.visuals.brand import colour_parse
from animagenius.pipeline.visuals.focus import focus_of
from animagenius.pipeline.visuals.generated import generated_clips, generated_pictures
from animagenius.pipeline.visuals.layout import Layout
from animagenius.pipeline.visuals.planning import plan_visuals
from animagenius.pipeline.visuals.reveal import reveal_times
from animagenius.pipeline.visuals.slides import render_scene, scene_reveals
from animagenius.pipeline.visuals.themes import THEMES, with_accent
from animagenius.pipeline.voice.narrate import narrate

if TYPE_CHECKING:
    from animagenius.pipeline.voice.voices import VoicePick

# (stage, share of the whole job) — used to turn per-stage fractions into one overall percentage
STAGES = (("reading", 0.04), ("writing script", 0.02), ("narrating", 0.24), ("designing slides", 0.08),
          ("rendering video", 0.62))  # fmt: skip
GENERATED_CACHE_NAME = "generated-pictures"  # next to the workdir, unless image_cache_dir is given
GENERATED_CLIPS_CACHE_NAME = "generated-clips"  # next to the workdir, unless video_cache_dir is given
GENERATED = Provenance(file="generated picture")


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


def read_sources(
    sources: Sequence[Path], *, workdir: Path, limits: IngestLimits = DEFAULT_LIMITS, about: str = ""
) -> SourceDocument:
    """Read files in a child process bounded by `limits` (time, memory, size, pages, pixels, duration).

    `about` is the person's own text about the files (script/about.py): it comes first, as paragraphs.
    """
    about = about_check(about)  # a text too long is refused before any file is read
    assets = workdir / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    return with_about(ingest(list(sources), limits=limits, assets_dir=assets, isolated=True), about)


def draft_script(
    document: SourceDocument, *, request: ScriptRequest, writer: ScriptWriter | None = None
) -> WrittenScript:
    """Analyse the document and write a script; the offline writer unless another is given. Photos and
    clips the person described (`read_sources(about=…)`) are shown on scenes the writer left as slides."""
    from animagenius.pipeline.script.offline import OfflineWriter

    written = (writer or OfflineWriter()).write(document, analyse(document), request)
    written = replace(written, script=plan_visuals(show_described(written.script, document), document))
    script_check_against(written.script, document)
    left_out = unreadable_pages_notices(document.unreadable_pages)
    return replace(written, notices=(*left_out, *written.notices)) if left_out else written


def run(
    sources: Sequence[Path] | SourceDocument,
    *,
    options: RenderOptions,
    workdir: Path,
    out: Path,
    voice_name: str = "piper",
    voice_cache_dir: Path | None = None,
    segment_cache_dir: Path | None = None,
    limits: IngestLimits = DEFAULT_LIMITS,
    on_progress: Progress = no_progress,
    script: Script | None = None,
    writer: ScriptWriter | None = None,
    style: ScriptStyle = "explainer",
    call_to_action: str = "",
    recording: Path | None = None,
    transcriber: Transcriber | None = None,
    renditions: Sequence[tuple[RenderOptions, Path]] = (),
    image_generator: ImageGenerator | None = None,
    image_cache_dir: Path | None = None,
    video_generator: VideoGenerator | None = None,
    video_cache_dir: Path | None = None,
    encoders: int = 1,
    farm: RunFarm | None = None,
    about: str = "",
    providers: ProviderSettings | None = None,
) -> RenderResult:
    """Render `sources` (files, or an already-read document) into the MP4 at `out`.

    `about` is the person's own text about the files, put first in the document (`read_sources`); an
    edited `script` must be given the same text it was drafted with, or its pointers miss their blocks.

    With `script`, that script is narrated as it is (after checking its pointers into the document);
    otherwise `writer` (default: offline) writes one for `options.target_duration_s`. The voice `voice_name`
    reads it when it speaks the script's language; else a voice for that language does, and a notice says
    so (voice/voices.voice_for_script). The voice falls back to espeak-ng if it fails. Scene narrations
    are cached in `voice_cache_dir` and the video's segments in `segment_cache_dir` (both default to a
    folder next to `workdir`): a re-render redoes only what changed. `providers` configure the voices and
    the transcriber (default: read from the environment once, here).
    `encoders` video encoders run at once (compose/segments.py: 2 is faster on two cores, with twice the
    memory); a `farm` hands the video's segments to helpers on other workers too (compose/farm.py).

    `renditions` are more (options, path) pairs of the same video (another aspect, size or format): they
    share the script, the narration and the soundtrack; each is encoded on its own. Every rendition gets
    SRT and WebVTT captions, a poster JPEG and a 3-second muted preview (not a GIF) beside it.

    With `recording` (a person reading the script aloud), that recording is the narration instead of a
    voice: it is aligned to the script by `transcriber` (default: Whisper) and cut into one slice per scene
    (`recording.recording_tracks`). A recording needs an explicit `script`, the text that was read: no script
    is drafted or transcribed for it (InvalidOption otherwise).

    Scenes whose visual is `generated` or `generated-clip` get a picture from `image_generator` or a clip
    from `video_generator`, each kept in its cache folder (`image_cache_dir`, `video_cache_dir`; default: next
    to `workdir`); without one, or when it fails, the scene shows a designed slide and a notice says why.
    """
    if recording is not None and script is None:
        raise InvalidOption(
            f"a recording ({recording.name}) narrates the script it reads: give that script too "
            "(--script script.json; write one with `animagenius script` and edit it to what you said)"
        )
    stages = _Stages(on_progress)
    workdir.mkdir(parents=True, exist_ok=True)
    providers = providers if providers is not None else ProviderSettings.from_env()

    stages.start("reading")
    document = (
        with_about(sources, about)
        if isinstance(sources, SourceDocument)
        else read_sources(sources, workdir=workdir, limits=limits, about=about)
    )

    if script is not None:
        script_check_against(script, document)  # before any progress is shown: a bad edit is the only news
    stages.start("writing script")
    pick = None
    if recording is None:
        language = script.language if script is not None else document_language(document)
        pick = _voice_for(voice_name, language=language, providers=providers)
    if script is None:
        assert pick is not None
        request = ScriptRequest(
            target_duration_s=options.target_duration_s,
            style=style,
            call_to_action=call_to_action,
            words_per_minute=pick.voice.words_per_minute * options.speed,  # a faster voice fits more words
        )
        written = draft_script(document, request=request, writer=writer)
        if written.script.language != language:  # the writer wrote in another language than the document's
            pick = _voice_for(voice_name, language=written.script.language, providers=providers)
    else:
        written = WrittenScript(script=script, writer="edited")
    return _render(
        written, document, pick=pick, voice_cache_dir=voice_cache_dir, segment_cache_dir=segment_cache_dir,
        options=options, workdir=workdir, out=out, stages=stages, recording=recording,
        transcriber=transcriber, limits=limits, renditions=renditions, image_generator=image_generator,
        image_cache_dir=image_cache_dir, video_generator=video_generator, video_cache_dir=video_cache_dir,
        encoders=encoders, farm=farm, providers=providers,
    )  # fmt: skip


def _voice_for(voice_name: str, *, language: str, providers: ProviderSettings) -> VoicePick:
    from animagenius.pipeline.voice.voices import voice_for_script

    return voice_for_script([voice_name], language=language, settings=providers)


def _render(
    written: WrittenScript,
    document: SourceDocument,
    *,
    pick: VoicePick | None,
    voice_cache_dir: Path | None,
    segment_cache_dir: Path | None,
    options: RenderOptions,
    workdir: Path,
    out: Path,
    stages: _Stages,
    recording: Path | None = None,
    transcriber: Transcriber | None = None,
    limits: IngestLimits = DEFAULT_LIMITS,
    renditions: Sequence[tuple[RenderOptions, Path]] = (),
    image_generator: ImageGenerator | None = None,
    image_cache_dir: Path | None = None,
    video_generator: VideoGenerator | None = None,
    video_cache_dir: Path | None = None,
    encoders: int = 1,
    farm: RunFarm | None = None,
    providers: ProviderSettings | None = None,
) -> RenderResult:
    script = written.script
    voiced = stages.start("narrating")
    voice_notices: tuple[str, ...] = pick.notices if pick is not None else ()
    if recording is not None:
        from animagenius.pipeline.voice.recording import recording_tracks
        from animagenius.pipeline.voice.transcribers import TRANSCRIBERS

        hearing = transcriber or TRANSCRIBERS.create("whisper", settings=providers)
        tracks = recording_tracks(
            recording, script.scenes, workdir=workdir / "recording", transcriber=hearing, limits=limits,
            on_fraction=voiced,
        )  # fmt: skip
    else:
        assert pick is not None
        narrations = narrate(
            script.scenes, voice=pick.voice, workdir=workdir, on_fraction=voiced, speed=options.speed,
            cache_dir=voice_cache_dir,
        )  # fmt: skip
        tracks = [narration.track for narration in narrations]
        voice_notices = tuple(
            dict.fromkeys(
                (*voice_notices, *(notice for narration in narrations for notice in narration.notices))
            )
        )
    tracks = frame_aligned(tracks, fps=options.fps, workdir=workdir / "aligned")

    wanted = [(options, out), *renditions]
    sound = compose_sound(tracks, options, workdir=workdir / "sound")
    designed, encoded = stages.start("designing slides"), None
    clips = scene_clips(script.scenes, document)
    made: list[Rendition] = []
    design_notices: list[str] = []
    for number, (chosen, target) in enumerate(wanted):
        share = _share(number, len(wanted))
        folder = workdir / f"rendition-{number}"
        pictures, notices = generated_pictures(
            script.scenes, aspect=chosen.aspect, generator=image_generator,
            cache_dir=image_cache_dir or workdir.parent / GENERATED_CACHE_NAME,
        )  # fmt: skip
        generated, clip_notices = generated_clips(
            script.scenes, aspect=chosen.aspect, scene_s=[track.duration_s for track in tracks],
            generator=video_generator,
            cache_dir=video_cache_dir or workdir.parent / GENERATED_CLIPS_CACHE_NAME,
        )  # fmt: skip
        design_notices += [notice for notice in (*notices, *clip_notices) if notice not in design_notices]
        slides = design_stills(
            script, document, chosen, pictures, tracks, folder=folder, on_fraction=share(designed)
        )
        encoded = encoded or stages.start("rendering video")
        rendition = _rendition(
            slides, tracks, chosen, sound=sound, folder=folder, out=target, cache_dir=segment_cache_dir,
            clips=with_generated(clips, generated), on_fraction=share(encoded), encoders=encoders, farm=farm,
        )  # fmt: skip
        made.append(rendition)
    stages.on_progress("done", 1.0)
    return RenderResult(
        video=out,
        renditions=tuple(made),
        subtitles=made[0].subtitles,
        script=script,
        duration_s=sum(track.duration_s for track in tracks),
        scene_starts_s=tuple(scene_starts(tracks)),
        writer=written.writer,
        notices=(*written.notices, *voice_notices, *design_notices),
    )


def _share(number: int, count: int) -> Callable[[Callable[[float], None]], Callable[[float], None]]:
    """Scale a stage's fraction so rendition `number` of `count` reports its part of the stage."""
    return lambda report: lambda fraction: report((number + fraction) / count)


CARDS_OPEN_EMPTY = ("number", "definition")  # before their first step they show nothing but an icon
LONGEST_EMPTY_OPENING_S = 2.5


def design_stills(
    script: Script,
    document: SourceDocument,
    options: RenderOptions,
    pictures: Mapping[int, Path],
    tracks: Sequence[VoiceTrack],
    *,
    folder: Path,
    on_fraction: Callable[[float], None],
) -> list[SceneStills]:
    """Each scene's stills, laid out for the rendition's frame: the whole visual, and before it one still
    per step of what appears as the voice says it (`pictures` are the generated ones)."""
    folder.mkdir(parents=True, exist_ok=True)
    theme = THEMES[options.theme]
    if options.brand.accent:
        theme = with_accent(theme, colour_parse(options.brand.accent))
    layout = Layout.for_frame(
        options.size, options.aspect, theme, font=options.brand.font, captions_at=options.caption_position
    )
    designed = []
    for index, scene in enumerate(script.scenes):
        shown = document.blocks[scene.visual.block] if scene.visual.block is not None else None
        if index in pictures:
            shown = Block(kind="figure", text=scene.visual.prompt, source=GENERATED, image=pictures[index])
        draw = functools.partial(
            render_scene,
            scene,
            shown=shown,
            number=index + 1,
            total=len(script.scenes),
            layout=layout,
            document=document,
        )
        whole = draw(out=folder / f"slide-{index:02d}.png")
        cues = scene_reveals(scene, shown, document)
        if cues:
            steps = [
                draw(out=folder / f"slide-{index:02d}-{step}.png", stage=step) for step in range(len(cues))
            ]
            track = tracks[index]
            at = reveal_times(cues, track.words, duration_s=track.duration_s)
            if scene.visual.kind in CARDS_OPEN_EMPTY and at[0] > LONGEST_EMPTY_OPENING_S:
                steps, at = steps[1:], at[1:]  # its first item from the start, not a bare card
            designed.append(SceneStills((*steps, whole), at_s=(0.0, *at), focus=focus_of(whole)))
        else:
            designed.append(SceneStills.of(whole))
        on_fraction((index + 1) / len(script.scenes))
    return designed


def _rendition(
    slides: Sequence[SceneStills],
    tracks: Sequence[VoiceTrack],
    options: RenderOptions,
    *,
    sound: Path,
    folder: Path,
    out: Path,
    cache_dir: Path | None,
    on_fraction: Callable[[float], None],
    clips: Sequence[Clip | None] = (),
    encoders: int = 1,
    farm: RunFarm | None = None,
) -> Rendition:
    """Encode one rendition to `out`, with its captions files, poster and preview beside it."""
    partial = folder / f"video.partial{encoding_for(options).suffix}"
    duration = compose(
        slides=slides, tracks=tracks, options=options, font_name=CAPTION_FAMILY,
        font_dir=caption_font_dir(), workdir=folder, out=partial, on_fraction=on_fraction,
        cache_dir=cache_dir, sound=sound, clips=clips, encoders=encoders, farm=farm,
    )  # fmt: skip
    if options.format == "gif":
        partial = gif_from(partial, folder / "video.partial.gif", duration_s=duration, workdir=folder)
    out.parent.mkdir(parents=True, exist_ok=True)
    captions = subtitle_cues(timeline_words(tracks), fps=options.fps, until_s=duration)
    subtitles = (write_srt(captions, out.with_suffix(".srt")), write_vtt(captions, out.with_suffix(".vtt")))
    shown = poster(partial, out.with_suffix(".jpg"), duration_s=duration, workdir=folder)
    clip = None
    if options.format != "gif":
        clip = preview(partial, out.with_name(f"{out.stem}.preview{out.suffix}"), workdir=folder)
    shutil.move(partial, out)
    return Rendition(
        video=out, poster=shown, preview=clip, subtitles=subtitles, aspect=options.aspect,
        resolution=options.resolution, format=options.format, codec=options.codec,
    )  # fmt: skip
