"""A scene of an uploaded video plays in the finished video: its own moving picture from the scene's start,
filling the frame (cropped, not letterboxed), muted under the narration."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from animagenius.pipeline.compose.clips import scene_clips
from animagenius.pipeline.compose.ffmpeg import ffmpeg_exe
from animagenius.pipeline.domain import (
    Block,
    Provenance,
    RenderOptions,
    RenderResult,
    Scene,
    Script,
    ScriptRequest,
    SourceDocument,
    Visual,
)
from animagenius.pipeline.ingest import ingest
from animagenius.pipeline.run import run
from animagenius.pipeline.script.offline import write_script

FrameGrabber = Callable[[Path, float], Image.Image]
CLIP_BLOCK = 2  # "Scene 3 of scene_cuts.mp4", 3.04–5.48 s


@pytest.fixture(scope="module")
def video_document(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> SourceDocument:
    return ingest([corpus / "video" / "scene_cuts.mp4"], assets_dir=tmp_path_factory.mktemp("assets"))


@pytest.fixture(scope="module")
def rendered(video_document: SourceDocument, tmp_path_factory: pytest.TempPathFactory) -> RenderResult:
    folder = tmp_path_factory.mktemp("clip")
    script = Script(
        title="Scene cuts",
        target_duration_s=15,
        scenes=(
            Scene(title="A chase", narration="Here the two of them race along the path through the woods.",
                  visual=Visual(kind="clip", block=CLIP_BLOCK)),
            Scene(title="Afterwards", narration="Then everything is quiet again."),
        ),
    )  # fmt: skip
    return run(
        video_document, options=RenderOptions(captions="none"), workdir=folder / "work",
        out=folder / "out.mp4",
        script=script, voice_name="espeak", voice_cache_dir=folder / "voice",
    )  # fmt: skip


def source_frame(video: Path, at_s: float, size: tuple[int, int]) -> np.ndarray:
    """The source's frame at `at_s`, scaled to cover `size` and centre-cropped, as grey levels."""
    raw = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-ss", f"{at_s:.3f}", "-i", str(video), "-frames:v", "1",
         "-vf", f"scale={size[0]}:{size[1]}:force_original_aspect_ratio=increase,crop={size[0]}:{size[1]}",
         "-pix_fmt", "gray", "-f", "rawvideo", "-"],
        capture_output=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, dtype=np.uint8).reshape(size[1], size[0]).astype(np.float64)


def grey(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"), dtype=np.float64)


def test_the_clip_plays_its_own_frames_from_the_scenes_start(
    rendered: RenderResult, video_document: SourceDocument, grab_frame: FrameGrabber, corpus: Path
) -> None:
    source = corpus / "video" / "scene_cuts.mp4"
    start = video_document.blocks[CLIP_BLOCK].source.start_s or 0.0
    shown = {at: grey(grab_frame(rendered.video, at)) for at in (0.4, 1.6)}

    assert np.abs(shown[0.4] - shown[1.6]).mean() > 3, "a moving picture, not a still"
    for at, frame in shown.items():
        same = np.abs(frame - source_frame(source, start + at, (1280, 720))).mean()
        other = np.abs(frame - source_frame(source, start + (1.6 if at == 0.4 else 0.4), (1280, 720))).mean()
        assert same < 12 and same < other / 2, (
            f"at {at} s: {same:.1f} from its source frame, {other:.1f} from another"
        )


def test_the_clip_fills_the_frame_and_the_next_scene_is_a_slide(
    rendered: RenderResult, grab_frame: FrameGrabber
) -> None:
    frame = grey(grab_frame(rendered.video, 1.0))
    assert frame[:40].std() > 5 and frame[-40:].std() > 5, "picture to the top and bottom edges: no bars"
    later = rendered.scene_starts_s[1] + 0.8
    assert (
        np.abs(grey(grab_frame(rendered.video, later)) - grey(grab_frame(rendered.video, later + 0.3))).mean()
        < 3
    )


def test_a_clip_without_its_video_falls_back_to_the_keyframe(video_document: SourceDocument) -> None:
    scenes = [
        Scene(title="A", narration="A.", visual=Visual(kind="clip", block=CLIP_BLOCK)),
        Scene(title="B", narration="B."),
    ]
    clips = scene_clips(scenes, video_document)
    assert clips[0] is not None and clips[0].start_s == pytest.approx(3.04) and clips[1] is None
    without_media = video_document.model_copy(update={"media": ()})
    assert scene_clips(scenes, without_media) == [None, None]


def test_the_offline_writer_plays_the_scenes_of_an_uploaded_video() -> None:
    spoken = [
        "The rabbit wakes up under the old oak tree and stretches in the morning sun.",
        "A butterfly lands on his nose, and the rabbit laughs and follows it across the meadow.",
        "By noon the rabbit is tired and lies down in the tall grass of the meadow.",
        "The butterfly circles above him until he falls asleep.",
        "In the evening his friends come looking for him and find him dreaming.",
    ]
    film = Provenance(file="film.mp4")
    blocks = [Block(kind="heading", text="A morning in the meadow", level=1, source=film)]
    for index, sentence in enumerate(spoken):
        if index == 1:  # a scene of the film, as reading a video makes it: a keyframe and its time
            caption = "Scene 2 of film.mp4: the rabbit chases the butterfly over the meadow"
            scene = Provenance(file="film.mp4", start_s=4.0, end_s=8.0)
            blocks.append(Block(kind="figure", text=caption, source=scene, image=Path("/keyframe.jpg")))
        timed = Provenance(file="film.mp4", start_s=index * 4.0, end_s=index * 4.0 + 4)
        blocks.append(Block(kind="transcript", text=sentence, source=timed))
    document = SourceDocument(title="Meadow", blocks=tuple(blocks))

    script = write_script(document, request=ScriptRequest(target_duration_s=45))

    assert [scene.visual.kind for scene in script.scenes if scene.visual.block == 2] == ["clip"]
