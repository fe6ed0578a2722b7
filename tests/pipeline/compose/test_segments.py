"""The picture rendered as cached segments: every frame once, the right still at the right time, and a
re-render that redoes only what an edit touched."""

from __future__ import annotations

import os
import pickle
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from animagenius.pipeline.compose.captions import AssEvent, captions_script
from animagenius.pipeline.compose.farm import Elsewhere
from animagenius.pipeline.compose.segments import (
    Picture,
    RunPlan,
    cache_trim,
    render_picture,
    run_render,
    segments_for,
)
from animagenius.pipeline.compose.shots import shots_for
from animagenius.pipeline.domain import Scene, Script
from animagenius.pipeline.media.ffmpeg import ffmpeg_exe
from animagenius.pipeline.run import run
from animagenius.pipeline.video import Aspect, RenderOptions
from animagenius.pipeline.visuals.layout import font_dir
from tests.conftest import FFPROBE

SIZE, FPS = (640, 360), 30
COLOURS = ((200, 30, 30), (30, 160, 40), (40, 60, 210))
STARTS, TOTAL = (0.0, 2.0, 4.1), 6.0


def test_segments_cover_every_frame_once_with_a_crossfade_at_each_scene_start() -> None:
    stills = [Path(f"s{i}.png") for i in range(3)]
    shots = shots_for(stills, STARTS, TOTAL, fps=FPS, crossfade_s=0.5, zoom_end=1.1)

    segments = segments_for(shots)

    assert [(s.first_frame, s.frames, [i for i, _ in s.shots]) for s in segments] == [
        (0, 60, [0]), (60, 15, [0, 1]), (75, 48, [1]), (123, 15, [1, 2]), (138, 42, [2]),
    ]  # fmt: skip
    assert segments[1].shots == ((0, 60), (1, 0)), "the fade starts at the next scene's first frame"
    assert segments[2].shots == ((1, 15),), "the scene carries on where its fade-in ended"


def test_a_crossfade_never_takes_more_than_half_a_short_scene() -> None:
    shots = shots_for([Path("a"), Path("b")], (0.0, 0.4), 3.0, fps=FPS, crossfade_s=0.5, zoom_end=1.0)

    assert shots[0].frames - (shots[1].first_frame - shots[0].first_frame) == 6  # 12 frames // 2


def _stills(folder: Path, colours: tuple[tuple[int, int, int], ...]) -> list[Path]:
    paths = []
    for index, colour in enumerate(colours):
        path = folder / f"still-{index}-{colour[0]}.png"
        Image.new("RGB", (1280, 720), colour).save(path)
        paths.append(path)
    return paths


def _sound(folder: Path) -> Path:
    out = folder / "sound.wav"
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-f", "lavfi",
         "-i", f"sine=frequency=330:duration={TOTAL}", "-ar", "48000", "-ac", "2", str(out)],
        check=True, timeout=60,
    )  # fmt: skip
    return out


def _frame(video: Path, at_s: float) -> np.ndarray:
    raw = subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-ss", f"{at_s:.3f}", "-i", str(video), "-frames:v", "1",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, dtype=np.uint8).reshape(SIZE[1], SIZE[0], 3)


def _render(
    folder: Path, stills: list[Path], cache: Path, name: str, *, captions: bool = False
) -> list[bool]:
    script = None
    if captions:
        events = [AssEvent(2.5, 3.5, "Green scene")]
        script = captions_script(events, size=SIZE, aspect=Aspect.LANDSCAPE, font_name="Inter", style="bold")
    shots = shots_for(stills, STARTS, TOTAL, fps=FPS, crossfade_s=0.5, zoom_end=1.1)
    picture = Picture(size=SIZE, fps=FPS, captions=script, fonts_dir=font_dir() if captions else None)
    return render_picture(
        shots, picture, sound=_sound(folder), workdir=folder / f"work-{name}", cache_dir=cache,
        out=folder / f"{name}.mp4", on_fraction=lambda _: None,
    )  # fmt: skip


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], list[bool]]:
    folder = tmp_path_factory.mktemp("segments")
    stills = _stills(folder, COLOURS)
    hits = _render(folder, stills, folder / "cache", "first", captions=True)
    return folder, stills, hits


def test_the_joined_video_plays_for_its_length_at_a_constant_rate(
    rendered: tuple[Path, list[Path], list[bool]], ffprobe: Callable[[Path], dict[str, Any]]
) -> None:
    folder, _, hits = rendered

    info = ffprobe(folder / "first.mp4")

    assert hits == [False] * 5
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    audio = next(s for s in info["streams"] if s["codec_type"] == "audio")
    assert (video["codec_name"], video["width"], video["height"]) == ("h264", *SIZE)
    assert video["avg_frame_rate"] == "30/1"
    assert int(video["nb_frames"]) == round(TOTAL * FPS)
    assert audio["codec_name"] == "aac"
    assert abs(float(info["format"]["duration"]) - TOTAL) <= 0.05


def test_each_cached_segment_holds_its_frames_from_a_keyframe(
    rendered: tuple[Path, list[Path], list[bool]],
) -> None:
    folder, _, _ = rendered
    shots = shots_for(_stills(folder, COLOURS), STARTS, TOTAL, fps=FPS, crossfade_s=0.5, zoom_end=1.1)
    by_frames = sorted(segment.frames for segment in segments_for(shots))
    files = sorted((folder / "cache").glob("*.mp4"))

    packets = [_packet_flags(file) for file in files]

    assert sorted(len(flags) for flags in packets) == by_frames, "a run is cut into each segment's own file"
    assert all("K" in flags[0] for flags in packets), "each starts on a keyframe"
    assert all(_start_s(file) == 0 for file in files), "and at time 0, as the join expects"


def _packet_flags(video: Path) -> list[str]:
    return _probed(video, "packet=flags").split()


def _start_s(video: Path) -> float:
    return float(_probed(video, "stream=start_time"))


def _probed(video: Path, entries: str) -> str:
    completed = subprocess.run(
        [FFPROBE, "-v", "error", "-select_streams", "v", "-show_entries", entries, "-of", "csv=p=0",
         str(video)],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return completed.stdout


def test_two_encoders_at_once_render_the_same_video(
    rendered: tuple[Path, list[Path], list[bool]], tmp_path: Path
) -> None:
    folder, stills, _ = rendered
    shots = shots_for(stills, STARTS, TOTAL, fps=FPS, crossfade_s=0.5, zoom_end=1.1)
    picture = Picture(size=SIZE, fps=FPS, captions=None, fonts_dir=None)

    hits = render_picture(
        shots, picture, sound=_sound(tmp_path), workdir=tmp_path / "work", cache_dir=tmp_path / "cache",
        out=tmp_path / "two.mp4", on_fraction=lambda _: None, encoders=2,
    )  # fmt: skip

    assert hits == [False] * 5
    for at in (1.0, 2.25, 3.0, 5.5):
        ours = _frame(tmp_path / "two.mp4", at)[100:260, 100:540].astype(int)
        single = _frame(folder / "first.mp4", at)[100:260, 100:540].astype(int)
        assert np.abs(ours.mean(axis=(0, 1)) - single.mean(axis=(0, 1))).max() <= 4, at


class _ThreadFarm:
    """A farm whose helper is a thread: it gets the plan as bytes, as a helper in another process would,
    and renders the runs it claims; the render's own worker claims the rest."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.claimed: dict[int, str] = {}
        self.finished: set[int] = set()
        self.runs = 0
        self.helper: threading.Thread | None = None
        self.closed = False

    def share(self, plan: RunPlan) -> _ThreadFarm:
        self.runs = len(plan.runs)
        self.helper = threading.Thread(target=self._help, args=(plan.dumps(),))
        self.helper.start()
        return self

    def _help(self, data: bytes) -> None:
        plan = RunPlan.loads(data)
        while (number := self._claim("helper")) is not None:
            run_render(plan, number, on_fraction=lambda _: None)
            with self.lock:
                self.finished.add(number)

    def _claim(self, who: str) -> int | None:
        with self.lock:
            number = next((n for n in range(self.runs) if n not in self.claimed), None)
            if number is not None:
                self.claimed[number] = who
            return number

    def claim(self) -> int | None:
        return self._claim("here")

    def done(self, number: int) -> None:
        with self.lock:
            self.finished.add(number)

    def elsewhere(self) -> Elsewhere:
        with self.lock:
            helpers = [number for number, who in self.claimed.items() if who != "here"]
            theirs = {number: float(number in self.finished) for number in helpers}
            return Elsewhere(fractions=theirs, left=self.runs - len(self.finished))

    def close(self) -> None:
        self.closed = True


def test_runs_shared_with_a_helper_make_the_same_video(
    rendered: tuple[Path, list[Path], list[bool]], tmp_path: Path, ffprobe: Callable[[Path], dict[str, Any]]
) -> None:
    folder, stills, _ = rendered
    shots = shots_for(stills, STARTS, TOTAL, fps=FPS, crossfade_s=0.5, zoom_end=1.1)
    picture = Picture(size=SIZE, fps=FPS, captions=None, fonts_dir=None)
    farm, fractions = _ThreadFarm(), list[float]()

    render_picture(
        shots, picture, sound=_sound(tmp_path), workdir=tmp_path / "work", cache_dir=tmp_path / "cache",
        out=tmp_path / "shared.mp4", on_fraction=fractions.append, farm=farm,
    )  # fmt: skip

    assert farm.closed and farm.helper is not None and not farm.helper.is_alive()
    assert sorted(farm.claimed.values()).count("helper") >= 1, farm.claimed
    assert "here" in farm.claimed.values()  # the render's own worker renders its share too
    assert fractions[-1] == 1.0 and fractions == sorted(fractions)
    video = next(s for s in ffprobe(tmp_path / "shared.mp4")["streams"] if s["codec_type"] == "video")
    assert int(video["nb_frames"]) == round(TOTAL * FPS)
    for at in (1.0, 2.25, 3.0, 5.5):
        ours = _frame(tmp_path / "shared.mp4", at)[100:260, 100:540].astype(int)
        single = _frame(folder / "first.mp4", at)[100:260, 100:540].astype(int)
        assert np.abs(ours.mean(axis=(0, 1)) - single.mean(axis=(0, 1))).max() <= 4, at


def test_a_run_plan_builds_nothing_but_its_own_classes() -> None:
    with pytest.raises(pickle.UnpicklingError, match=r"subprocess\.Popen has no place in a run plan"):
        RunPlan.loads(pickle.dumps(subprocess.Popen))


def test_each_scene_shows_its_own_still_and_the_crossfade_blends_them(
    rendered: tuple[Path, list[Path], list[bool]],
) -> None:
    folder, _, _ = rendered
    video = folder / "first.mp4"

    middles = [_frame(video, at)[100:260, 100:540].reshape(-1, 3).mean(axis=0) for at in (1.0, 3.0, 5.5)]
    blend = _frame(video, 2.25)[100:260, 100:540].reshape(-1, 3).mean(axis=0)

    for colour, seen in zip(COLOURS, middles, strict=True):
        assert np.abs(seen - colour).max() <= 12, (colour, seen)
    halfway = (np.array(COLOURS[0]) + np.array(COLOURS[1])) / 2
    assert np.abs(blend - halfway).max() <= 45, blend


def test_captions_are_burned_in_only_while_they_are_shown(
    rendered: tuple[Path, list[Path], list[bool]],
) -> None:
    folder, _, _ = rendered
    video = folder / "first.mp4"

    def white_pixels(at: float) -> int:
        return int((_frame(video, at).min(axis=2) > 235).sum())

    assert white_pixels(3.0) > 100, "the caption's white letters"
    assert white_pixels(1.0) == 0
    assert white_pixels(4.0) == 0


class _Stopped(Exception):
    pass


def test_an_error_from_the_progress_report_starts_no_run_still_queued(tmp_path: Path) -> None:
    """A cancelled job's progress report raises (JobCancelled). The runs still queued must not start then:
    each would start an encoder that the job's watch kills at once, and the job would give up only when the
    last had, seconds later (bench/cancel.py measured 6 s for a 2-minute video)."""
    count = 16
    stills = _stills(tmp_path, tuple((15 * index, 120, 240 - 15 * index) for index in range(count)))
    shots = shots_for(stills, tuple(2.0 * index for index in range(count)), 2.0 * count, fps=FPS,
                      crossfade_s=0.5, zoom_end=1.1)  # fmt: skip
    picture = Picture(size=SIZE, fps=FPS, captions=None, fonts_dir=None)
    reports: list[float] = []

    def on_fraction(fraction: float) -> None:
        reports.append(fraction)
        if len(reports) > 1:  # the first is the report before any run starts
            raise _Stopped

    with pytest.raises(_Stopped):
        render_picture(
            shots, picture, sound=_sound(tmp_path), workdir=tmp_path / "work", cache_dir=tmp_path / "cache",
            out=tmp_path / "stopped.mp4", on_fraction=on_fraction,
        )  # fmt: skip

    segments = len(segments_for(shots))
    rendered = len(list((tmp_path / "cache").glob("*.mp4")))
    assert rendered <= segments // 2, f"{rendered} of {segments} segments rendered after the report raised"


def test_rendering_again_takes_every_segment_from_the_cache(
    rendered: tuple[Path, list[Path], list[bool]],
) -> None:
    folder, stills, _ = rendered

    hits = _render(folder, stills, folder / "cache", "again", captions=True)

    assert hits == [True] * 5
    assert (folder / "again.mp4").stat().st_size > 10_000


def test_editing_one_scene_re_renders_only_it_and_its_crossfades(
    rendered: tuple[Path, list[Path], list[bool]],
) -> None:
    folder, stills, _ = rendered
    edited = [stills[0], _stills(folder, ((240, 200, 20),))[0], stills[2]]

    hits = _render(folder, edited, folder / "cache", "edited", captions=True)

    assert hits == [True, False, False, False, True]
    seen = _frame(folder / "edited.mp4", 3.0)[100:200, 100:540].reshape(-1, 3).mean(axis=0)
    assert np.abs(seen - (240, 200, 20)).max() <= 16, seen  # YUV 4:2:0 round trip


@pytest.mark.slow
def test_a_re_render_after_editing_one_scene_adds_only_that_scenes_segments(
    corpus: Path, tmp_path: Path
) -> None:
    scenes = tuple(
        Scene(title=title, narration=text)
        for title, text in (
            ("Beauty", "Beautiful is better than ugly."),
            ("Explicit", "Explicit is better than implicit."),
            ("Simple", "Simple is better than complex."),
        )
    )
    script = Script(title="Zen", target_duration_s=15, scenes=scenes)
    edited = Script(
        title="Zen",
        target_duration_s=15,
        scenes=(scenes[0], Scene(title="Explicit", narration="Say what you mean."), scenes[2]),
    )
    cache = tmp_path / "segments"
    options = RenderOptions.read(aspect="16:9", resolution="720p", target_duration_s=15)

    def render(name: str, chosen: Script) -> set[str]:
        run([corpus / "text/pep-0020.rst"], options=options, workdir=tmp_path / name,
            out=tmp_path / f"{name}.mp4", script=chosen, segment_cache_dir=cache,
            voice_cache_dir=tmp_path / "voice")  # fmt: skip
        return {path.name for path in cache.iterdir()}

    first = render("first", script)
    again = render("again", script)
    after_edit = render("edited", edited)

    def sounds(names: set[str]) -> set[str]:
        return {name for name in names if name.startswith("sound-")}

    assert len(first - sounds(first)) == 5, "three scenes and two crossfades"
    assert len(sounds(first)) == 1, "the soundtrack, encoded once"
    assert again == first, "nothing changed, nothing rendered"
    new = after_edit - first
    assert len(new - sounds(new)) == 3, "the edited scene and the crossfades on either side of it"
    assert len(sounds(new)) == 1, "the edited narration's soundtrack"


def test_the_cache_is_trimmed_least_recently_used_first_sparing_what_is_in_use(tmp_path: Path) -> None:
    cache = tmp_path / "segments"
    cache.mkdir()
    now = time.time()

    def cached(name: str, *, age_s: float, size: int = 1000) -> Path:
        path = cache / name
        path.write_bytes(b"\0" * size)
        os.utime(path, (now - age_s, now - age_s))
        return path

    oldest = cached("a.mp4", age_s=5 * 86400)
    older = cached("b.mp4", age_s=3 * 86400)
    old = cached("c.mp4", age_s=2 * 86400)
    in_use = cached("d.mp4", age_s=60, size=5000)  # a render may be about to join it
    leftover = cached(".e.1234.partial.mp4", age_s=2 * 3600, size=10)  # a render that died
    being_written = cached(".f.5678.partial.mp4", age_s=5, size=10)

    freed = cache_trim(cache, max_bytes=7000)

    assert not oldest.exists() and not older.exists() and not leftover.exists()
    assert old.exists() and in_use.exists() and being_written.exists()
    assert freed == 2010
    assert cache_trim(cache, max_bytes=100) == 1000, "over the limit: all but what is in use goes"
    assert in_use.exists() and being_written.exists()
