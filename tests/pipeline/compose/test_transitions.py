"""Transitions between scenes, as the viewer sees them: a crossfade between two stills dips through the dark
(two slides' texts are never seen over each other), a wipe or slide moves an edge across the frame, a cut
changes every pixel between two frames. A red scene is followed by a blue one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from animagenius.pipeline.compose.render import CROSSFADE_S, compose
from animagenius.pipeline.domain import WordTiming
from animagenius.pipeline.errors import InvalidOption
from animagenius.pipeline.video import RenderOptions
from animagenius.pipeline.visuals.layout import font_dir
from tests.pipeline.media_helpers import silent_track

FrameGrabber = Callable[[Path, float], Image.Image]
SCENE_S = 1.5
RED, BLUE = (220, 30, 30), (30, 30, 220)


def clip(tmp_path: Path, transition: str) -> Path:
    stills, tracks = [], []
    for index, colour in enumerate((RED, BLUE)):
        still = tmp_path / f"still-{index}.png"
        Image.new("RGB", (1280, 720), colour).save(still)
        stills.append(still)
        words = (WordTiming(word="Hm.", start_s=0.3, end_s=0.6),)
        tracks.append(silent_track(tmp_path / f"silence-{index}.wav", SCENE_S, words))
    video = tmp_path / f"{transition}.mp4"
    options = RenderOptions.read(aspect="16:9", resolution="720p", target_duration_s=60, captions="none",
                                  transition=transition)  # fmt: skip
    compose(
        slides=stills, tracks=tracks, options=options,
        font_name="Inter", font_dir=font_dir(), workdir=tmp_path / f"work-{transition}", out=video,
        on_fraction=lambda _: None,
    )  # fmt: skip
    return video


def redness(frame: Image.Image) -> np.ndarray:
    """Per column of the frame's middle row: 1 where it is the red scene, 0 where blue, between if mixed."""
    row = np.asarray(frame, dtype=np.float64)[frame.height // 2]
    return np.clip((row[:, 0] - BLUE[0]) / (RED[0] - BLUE[0]), 0, 1)


def test_a_crossfade_between_stills_dips_through_the_dark_never_showing_both(
    tmp_path: Path, grab_frame: FrameGrabber
) -> None:
    video = clip(tmp_path, "crossfade")
    start = SCENE_S  # the red scene goes on under the transition into the blue one
    seen = []
    for step in range(1, 10):
        frame = np.asarray(grab_frame(video, start + CROSSFADE_S * step / 10), dtype=np.float64)
        red, blue = frame[..., 0].mean(), frame[..., 2].mean()
        seen.append((red, blue))
        assert min(red, blue) < 45, f"both scenes show at once at step {step}: red {red:.0f}, blue {blue:.0f}"
    darkest = min(max(red, blue) for red, blue in seen)
    assert darkest < 60, f"the frame dips to dark between the scenes: {seen}"


@pytest.mark.parametrize("transition", ["wipe", "slide"])
def test_a_wipe_or_slide_moves_an_edge_across_the_frame(
    transition: str, tmp_path: Path, grab_frame: FrameGrabber
) -> None:
    video = clip(tmp_path, transition)
    edges = []
    for at_s in (SCENE_S + 0.1, SCENE_S + 0.25, SCENE_S + 0.4):
        shown = redness(grab_frame(video, at_s))
        assert np.mean((shown > 0.1) & (shown < 0.9)) < 0.02, (
            "no blending: each column one scene or the other"
        )
        assert shown[0] > 0.9 and shown[-1] < 0.1, (
            "the red scene leaves by the left, the blue comes from the right"
        )
        edges.append(int(np.argmax(shown < 0.5)))
    assert edges[0] > edges[1] > edges[2], f"the edge moves right to left: {edges}"


def test_a_cut_changes_scene_between_two_frames(tmp_path: Path, grab_frame: FrameGrabber) -> None:
    video = clip(tmp_path, "cut")
    frame_s = 1 / 30

    # a seek shows the first frame at or after the time: frame 44 (1.467 s), then frame 45 (1.500 s)
    before = redness(grab_frame(video, SCENE_S - 1.5 * frame_s))
    after = redness(grab_frame(video, SCENE_S - 0.3 * frame_s))

    assert np.all(before > 0.95) and np.all(after < 0.05)


def test_an_unknown_transition_is_refused_with_the_choices() -> None:
    with pytest.raises(InvalidOption, match="transition 'spin' is not supported; use one of crossfade, cut"):
        RenderOptions.read(aspect="16:9", resolution="720p", target_duration_s=60, transition="spin")
