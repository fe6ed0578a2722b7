"""A scene of an uploaded video plays in the finished video: its own moving picture from the scene's start,
filling the frame (cropped, not letterboxed), muted under the narration, and never past its shot: a scene
longer than its shot slows it (down to half speed), then holds its last picture."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from animagenius.pipeline.compose.clips import scene_clips, shots_shown_again
from animagenius.pipeline.compose.render import CROSSFADE_S
from animagenius.pipeline.compose.segments import Clip
from animagenius.pipeline.domain import (
    Block,
    Provenance,
    Scene,
    Script,
    ScriptRequest,
    SourceDocument,
    Visual,
)
from animagenius.pipeline.ingest import ingest
from animagenius.pipeline.media.ffmpeg import ffmpeg_exe
from animagenius.pipeline.run import run
from animagenius.pipeline.script.offline import write_script
from animagenius.pipeline.video import RenderOptions, RenderResult

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
    shot = video_document.blocks[CLIP_BLOCK].source
    start = shot.start_s or 0.0
    # the narration outlasts the 2.4 s shot: it plays slowed to last the scene
    rate = Clip(source, start, shot.end_s).rate(rendered.scene_starts_s[1] + CROSSFADE_S)
    assert 0.5 <= rate < 1
    shown = {at: grey(grab_frame(rendered.video, at)) for at in (0.4, 1.6)}

    assert np.abs(shown[0.4] - shown[1.6]).mean() > 3, "a moving picture, not a still"
    for at, frame in shown.items():  # the source's frame at that point of the slowed shot, give or take one
        same = min(
            np.abs(frame - source_frame(source, start + at * rate + nudge, (1280, 720))).mean()
            for nudge in (-0.04, 0.0)
        )
        elsewhere = start + (1.6 if at == 0.4 else 0.4) * rate
        other = np.abs(frame - source_frame(source, elsewhere, (1280, 720))).mean()
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


def two_shot_video(folder: Path) -> Path:
    """2 s of a test pattern (colour bars and a counter that changes each second), then 4 s of plain red."""
    video = folder / "two-shots.mp4"
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=2",
         "-f", "lavfi", "-i", "color=c=red:size=320x240:rate=25:duration=4",
         "-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]", "-c:v", "libx264",
         "-pix_fmt", "yuv420p", "-g", "250", str(video)],
        check=True, timeout=60,
    )  # fmt: skip
    return video


def frames_of(video: Path, *, size: tuple[int, int] = (320, 180)) -> np.ndarray:
    raw = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(video), "-vf",
         f"scale={size[0]}:{size[1]}:force_original_aspect_ratio=increase,crop={size[0]}:{size[1]}",
         "-pix_fmt", "rgb24", "-f", "rawvideo", "-"],
        capture_output=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, size[1], size[0], 3).astype(np.int16)


def red_share(frames: np.ndarray) -> np.ndarray:
    red = (frames[..., 0] > 180) & (frames[..., 1] < 80) & (frames[..., 2] < 80)
    return red.mean(axis=(1, 2))


def test_a_clip_stays_inside_its_shot_slowed_then_held(tmp_path: Path) -> None:
    document = ingest([two_shot_video(tmp_path)], assets_dir=tmp_path / "assets")
    shots = [block.source for block in document.blocks if block.kind == "figure"]
    assert [(shot.start_s, shot.end_s) for shot in shots] == [(0.0, 2.0), (2.0, 6.0)]
    script = Script(
        title="Two shots",
        target_duration_s=15,
        scenes=(
            Scene(title="The pattern", narration="Here the test pattern shows its colours and a counter that "
                  "runs, while the narration goes on for a good while longer than the shot.",
                  visual=Visual(kind="clip", block=0)),
            Scene(title="Afterwards", narration="Then everything is quiet again."),
        ),
    )  # fmt: skip
    result = run(
        document, options=RenderOptions(captions="none"), workdir=tmp_path / "work", out=tmp_path / "out.mp4",
        script=script, voice_name="espeak", voice_cache_dir=tmp_path / "voice",
    )  # fmt: skip
    fps = 30
    frames = frames_of(result.video)
    first_scene = frames[: round(result.scene_starts_s[1] * fps)]
    assert result.scene_starts_s[1] > 5, "the scene is more than twice as long as its 2 s shot"
    assert red_share(first_scene).max() < 0.3, "a frame of the next shot (plain red) in the clip's scene"

    pattern = frames_of(document.media[0].path, size=(320, 180))  # the source at 25 frames a second

    def source_at(seconds: float) -> np.ndarray:
        return pattern[round(seconds * 25)]

    for at in (1.5, 3.0):  # at half speed: the counter shows 0 at 1.5 s and 1 at 3 s
        shown = first_scene[round(at * fps)]
        slowed = np.abs(shown - source_at(at / 2)).mean()
        played = np.abs(shown - source_at(min(at, 1.96))).mean()
        assert slowed < played, f"at {at} s: {slowed:.1f} from the slowed source, {played:.1f} from 1×"
    held = first_scene[round(4.5 * fps) :]
    assert np.abs(held - held[0]).max(axis=(1, 2, 3)).mean() < 40, "after 4 s the shot's last picture holds"


def test_a_clip_plays_slower_only_as_far_as_half_speed() -> None:
    clip = Clip(Path("film.mp4"), start_s=10.0, end_s=12.0)
    assert clip.rate(1.5) == 1.0, "a scene shorter than the shot plays it at its own pace"
    assert clip.rate(3.0) == pytest.approx(2.0 / 3.0, abs=0.01), "slowed to last the scene"
    assert clip.rate(10.0) == 0.5, "no slower than half speed: then the last picture holds"
    assert Clip(Path("made.mp4"), start_s=0.0).rate(10.0) == 1.0, "a generated clip runs to its end"


def test_a_clip_without_its_video_falls_back_to_the_keyframe(video_document: SourceDocument) -> None:
    scenes = [
        Scene(title="A", narration="A.", visual=Visual(kind="clip", block=CLIP_BLOCK)),
        Scene(title="B", narration="B."),
    ]
    clips = scene_clips(scenes, video_document)
    assert clips[0] is not None and clips[0].start_s == pytest.approx(3.04) and clips[1] is None
    without_media = video_document.model_copy(update={"media": ()})
    assert scene_clips(scenes, without_media) == [None, None]


def test_a_shot_shown_by_an_earlier_scene_is_found(video_document: SourceDocument) -> None:
    def scene(kind: str, block: int | None) -> Scene:
        return Scene(title="A", narration="A.", visual=Visual(kind=kind, block=block))

    distinct = [scene("clip", 1), scene("clip", 2), scene("slide", None), scene("figure", 3)]
    assert shots_shown_again(distinct, video_document) == ()
    repeated = [scene("clip", 1), scene("clip", 2), scene("figure", 1), scene("clip", 2)]
    assert shots_shown_again(repeated, video_document) == (2, 3)


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
