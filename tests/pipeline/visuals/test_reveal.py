"""Text appears as the voice reaches it: a slide's bullets come in one by one at the words that say them, with
the Ken Burns move carrying on smoothly underneath."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from animagenius.pipeline.compose.render import compose
from animagenius.pipeline.compose.shots import REVEAL_S, SceneStills, scene_shots
from animagenius.pipeline.domain import Scene, WordTiming
from animagenius.pipeline.video import Aspect, RenderOptions
from animagenius.pipeline.visuals.layout import Layout, font_dir
from animagenius.pipeline.visuals.reveal import reveal_times
from animagenius.pipeline.visuals.slides import render_scene, scene_reveals
from tests.pipeline.media_helpers import silent_track

FrameGrabber = Callable[[Path, float], Image.Image]


def timed(text: str, *, start_s: float = 0.3, each_s: float = 0.4) -> tuple[WordTiming, ...]:
    return tuple(
        WordTiming(word=word, start_s=start_s + i * each_s, end_s=start_s + (i + 1) * each_s - 0.05)
        for i, word in enumerate(text.split())
    )


def test_each_cue_is_timed_at_the_word_that_says_it_in_order() -> None:
    words = timed("Tracing compilers record hot loops, and trace trees join the side exits back.")
    times = reveal_times(["Hot loops", "Trace trees", "Side exits"], words, duration_s=6.0)

    assert times == [words[3].start_s, words[6].start_s, words[10].start_s]


def test_a_cue_matches_another_form_of_its_word_and_the_second_word_breaks_ties() -> None:
    words = timed("Caching helps. The cache keeps compiled traces, and compiled code runs fast.")
    # "Compiled code" is said at the second "compiled", the one followed by "code"
    assert reveal_times(["Caches", "Compiled code"], words, duration_s=6.0) == [
        words[0].start_s,
        words[8].start_s,
    ]


def test_cues_never_said_are_spaced_evenly_between_those_that_are() -> None:
    words = timed("First we measure. Then the results. Finally the verdict.")
    times = reveal_times(["Measure", "Unsaid point", "Verdict"], words, duration_s=5.0)

    assert times[0] == words[2].start_s and times[2] == words[8].start_s
    assert times[1] == (times[0] + times[2]) / 2
    assert reveal_times(["nothing", "at all"], (), duration_s=4.0) == [4.0 / 3, 8.0 / 3]


def test_stills_due_too_soon_come_in_together_and_the_zoom_never_jumps(tmp_path: Path) -> None:
    scene = SceneStills(
        (Path("s0.png"), Path("s1.png"), Path("s2.png"), Path("s3.png")), at_s=(0.0, 1.0, 1.2, 3.0)
    )
    shots = scene_shots(
        [scene, SceneStills.of(Path("next.png"))], [0.0, 4.0], 6.0,
        fps=30, transitions=[None, "fadeblack"], transition_s=0.5, zoom_end=1.06,
    )  # fmt: skip

    assert [shot.still.name for shot in shots] == ["s0.png", "s2.png", "s3.png", "next.png"]
    assert [shot.first_frame for shot in shots] == [0, 36, 90, 120], "s2 comes in with s1, a moment late"
    assert [shot.transition for shot in shots[1:]] == ["fade", "fade", "fadeblack"]
    assert shots[0].first_frame + shots[0].frames == 36 + round(REVEAL_S * 30), "each item fades in"
    for before, after in itertools.pairwise(shots[:3]):  # one slow move across the scene
        per_frame = (before.zoom_end - before.zoom_start) / (before.frames - 1)
        at_overlap = before.zoom_start + per_frame * (after.first_frame - before.first_frame)
        assert abs(at_overlap - after.zoom_start) < 1e-4
    assert shots[0].zoom_start == 1.0 and shots[3].zoom_start == 1.0


def test_a_bullet_appears_when_the_voice_says_it_and_nothing_moves_when_it_does(
    tmp_path: Path, grab_frame: FrameGrabber
) -> None:
    layout = Layout.for_frame((1280, 720), Aspect.LANDSCAPE)
    scene = Scene(title="Trace trees", bullets=("Hot loops", "Side exits"), narration="x")
    words = timed("We record hot loops first and then we patch side exits into the tree.", each_s=0.35)
    cues = scene_reveals(scene, None)
    assert cues == ("Hot loops", "Side exits")
    stills = [
        render_scene(scene, shown=None, number=1, total=1, layout=layout, out=tmp_path / f"s{k}.png", stage=k)
        for k in range(len(cues))
    ]
    whole = render_scene(scene, shown=None, number=1, total=1, layout=layout, out=tmp_path / "whole.png")
    at = reveal_times(cues, words, duration_s=6.0)
    video = tmp_path / "reveal.mp4"
    compose(
        slides=[SceneStills((*stills, whole), at_s=(0.0, *at))],
        tracks=[silent_track(tmp_path / "quiet.wav", 6.0, words)],
        options=RenderOptions(captions="none"), font_name="Inter", font_dir=font_dir(),
        workdir=tmp_path / "work", out=video, on_fraction=lambda _: None,
    )  # fmt: skip

    def text_pixels(frame: Image.Image) -> int:
        return int((np.asarray(frame.convert("L")) > 150).sum())

    before_first = text_pixels(grab_frame(video, at[0] - 0.15))
    after_first = text_pixels(grab_frame(video, at[0] + REVEAL_S + 0.15))
    after_second = text_pixels(grab_frame(video, at[1] + REVEAL_S + 0.15))
    assert before_first * 1.1 < after_first, "the first bullet appears when 'hot loops' is said"
    assert after_first * 1.1 < after_second, "then the second, at 'side exits'"
    title_before = np.asarray(grab_frame(video, at[1] - 0.05).convert("L"), dtype=np.float64)[:250]
    title_after = np.asarray(grab_frame(video, at[1] + REVEAL_S + 0.05).convert("L"), dtype=np.float64)[:250]
    assert np.abs(title_before - title_after).mean() < 3, "the title stays where it is as a bullet appears"


def test_a_still_held_longer_than_eight_seconds_closes_in_faster_for_a_while() -> None:
    shots = scene_shots(
        [SceneStills.of(Path("quote.png")), SceneStills.of(Path("next.png"))], [0.0, 20.0], 24.0,
        fps=30, transitions=[None, None], transition_s=0.5, zoom_end=1.06,
    )  # fmt: skip

    assert [shot.still.name for shot in shots] == ["quote.png"] * 3 + ["next.png"]
    assert [shot.first_frame for shot in shots[:3]] == [0, 200, 400], "20 s held: three stretches under 8 s"
    rates = [(shot.zoom_end - shot.zoom_start) / (shot.frames - 1) for shot in shots[:3]]
    assert rates[1] > 2.5 * rates[0] and abs(rates[2] - rates[0]) < 1e-9, "slow, faster, slow again"
    for before, after in itertools.pairwise(shots[:3]):
        assert abs(before.zoom_start + rates[shots.index(before)] * before.frames - after.zoom_start) < 1e-4
        assert after.first_frame == before.first_frame + before.frames, "cut between the same picture"
