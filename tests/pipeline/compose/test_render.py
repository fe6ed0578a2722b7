"""End to end: real documents become MP4s that players accept, with slides, narration and captions in sync.

Each video is rendered once per module; the tests then look at it the way a viewer (or ffprobe) would.
"""

from __future__ import annotations

import subprocess
import wave
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate, pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from animagenius.pipeline.media.ffmpeg import ffmpeg_exe
from animagenius.pipeline.run import run
from animagenius.pipeline.video import Aspect, RenderOptions, RenderResult
from animagenius.pipeline.visuals.layout import Layout
from animagenius.pipeline.voice.narrate import LEAD_IN_S
from tests.conftest import Probe

pytestmark = pytest.mark.slow

FrameGrabber = Callable[[Path, float], Image.Image]

AUDIO_CHECK_RATE = 16000
CASES = {
    "pep-0020-16x9": ("text/pep-0020.rst", "16:9", 60, (1280, 720)),
    "tracemonkey-9x16": ("pdf/tracemonkey.pdf", "9:16", 30, (720, 1280)),
}


@dataclass(frozen=True)
class Rendered:
    name: str
    result: RenderResult
    options: RenderOptions
    workdir: Path
    expected_size: tuple[int, int]
    probe: dict[str, Any]
    scene_audio_s: tuple[float, ...]  # duration of each scene's narration WAV
    progress: tuple[tuple[str, float], ...]

    @property
    def layout(self) -> Layout:
        return Layout.for_frame(self.options.size, self.options.aspect)

    def streams(self, kind: str) -> list[dict[str, Any]]:
        return [stream for stream in self.probe["streams"] if stream["codec_type"] == kind]


@pytest.fixture(scope="module", params=list(CASES))
def rendered(request: pytest.FixtureRequest, corpus: Path, tmp_path_factory, ffprobe: Probe) -> Rendered:
    source, aspect, duration, size = CASES[request.param]
    base = tmp_path_factory.mktemp(request.param)
    options = RenderOptions.read(aspect=aspect, resolution="720p", target_duration_s=duration)
    progress: list[tuple[str, float]] = []

    result = run(
        [corpus / source],
        options=options,
        workdir=base / "work",
        out=base / "out" / "video.mp4",
        on_progress=lambda stage, fraction: progress.append((stage, fraction)),
    )

    scene_audio = []
    for index in range(len(result.script.scenes)):
        with wave.open(str(base / "work" / f"scene-{index:02d}.wav"), "rb") as wav:
            scene_audio.append(wav.getnframes() / wav.getframerate())
    return Rendered(
        name=request.param,
        result=result,
        options=options,
        workdir=base / "work",
        expected_size=size,
        probe=ffprobe(result.video),
        scene_audio_s=tuple(scene_audio),
        progress=tuple(progress),
    )


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image, dtype=np.float64)


def bright(region: np.ndarray) -> int:
    """Pixels that are near white in every channel: text, never the dark gradient background."""
    return int((region.min(axis=2) > 200).sum())


def loudest_moment_s(wav_path: Path, window_s: float = 0.1) -> float:
    """Seconds into the clip where the narration is loudest: certainly inside a spoken word."""
    with wave.open(str(wav_path), "rb") as wav:
        rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.float64)
    window = max(1, round(window_s * rate))
    energy = np.convolve(samples**2, np.ones(window), mode="valid")
    return (int(np.argmax(energy)) + window / 2) / rate


def decoded_audio(video: Path) -> np.ndarray:
    completed = subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-i", str(video), "-map", "0:a:0",
         "-ac", "1", "-ar", str(AUDIO_CHECK_RATE), "-f", "s16le", "-"],
        capture_output=True,
        check=True,
        timeout=120,
    )  # fmt: skip
    return np.frombuffer(completed.stdout, dtype="<i2").astype(np.float64)


def rms(samples: np.ndarray, at_s: float, half_window_s: float) -> float:
    lo = max(0, round((at_s - half_window_s) * AUDIO_CHECK_RATE))
    hi = round((at_s + half_window_s) * AUDIO_CHECK_RATE)
    segment = samples[lo:hi]
    return float(np.sqrt(np.mean(segment**2))) if segment.size else 0.0


def top_level_boxes(path: Path) -> list[str]:
    """The MP4's top-level box types in file order (ftyp, moov, mdat, …)."""
    boxes = []
    size_of_file = path.stat().st_size
    with path.open("rb") as handle:
        offset = 0
        while offset + 8 <= size_of_file:
            handle.seek(offset)
            header = handle.read(16)
            size = int.from_bytes(header[:4], "big")
            kind = header[4:8].decode("latin-1")
            if size == 1:
                size = int.from_bytes(header[8:16], "big")
            elif size == 0:
                size = size_of_file - offset
            assert size >= 8, f"malformed box {kind!r} at {offset} in {path}"
            boxes.append(kind)
            offset += size
    return boxes


# ---------------------------------------------------------------- container and streams


def test_one_h264_video_stream_at_the_requested_size(rendered: Rendered) -> None:
    (video,) = rendered.streams("video")
    assert video["codec_name"] == "h264"
    assert (video["width"], video["height"]) == rendered.expected_size
    assert video["pix_fmt"] == "yuv420p", "plays in browsers and on phones"
    assert video["avg_frame_rate"] == "30/1"


def test_one_aac_audio_stream(rendered: Rendered) -> None:
    (audio,) = rendered.streams("audio")
    assert audio["codec_name"] == "aac"
    assert int(audio["sample_rate"]) == 48000
    assert len(rendered.probe["streams"]) == 2, "no stray subtitle or data streams"


def test_duration_matches_the_narration(rendered: Rendered) -> None:
    container_s = float(rendered.probe["format"]["duration"])
    narration_s = sum(rendered.scene_audio_s)

    assert container_s == pytest.approx(rendered.result.duration_s, abs=0.5)
    assert container_s == pytest.approx(narration_s, abs=0.5)
    for stream in rendered.probe["streams"]:
        assert float(stream["duration"]) == pytest.approx(narration_s, abs=0.5), stream["codec_type"]


def test_scene_starts_follow_the_narration_on_whole_frames(rendered: Rendered) -> None:
    spoken = [0.0, *accumulate(rendered.scene_audio_s)][:-1]
    frame = 1 / rendered.options.fps

    starts = rendered.result.scene_starts_s

    assert len(starts) == len(rendered.result.script.scenes) >= 4
    for index, (start, narration_start) in enumerate(zip(starts, spoken, strict=True)):
        assert narration_start - 1e-6 <= start <= narration_start + index * frame + 1e-6, (
            "at most a frame a scene"
        )
        assert start / frame == pytest.approx(round(start / frame), abs=1e-3), "a scene starts on a frame"


def test_moov_atom_precedes_mdat_for_streaming(rendered: Rendered) -> None:
    boxes = top_level_boxes(rendered.result.video)
    assert boxes[0] == "ftyp"
    assert "moov" in boxes
    assert "mdat" in boxes
    assert boxes.index("moov") < boxes.index("mdat"), f"not faststart: {boxes}"
    head = rendered.result.video.read_bytes()[:65536]
    assert head.find(b"moov") != -1, "the index is within the first 64 KiB a player fetches"


def test_only_the_video_its_captions_poster_and_preview_are_written_beside_it(rendered: Rendered) -> None:
    written = sorted(path.name for path in rendered.result.video.parent.iterdir())
    assert written == ["video.jpg", "video.mp4", "video.preview.mp4", "video.srt", "video.vtt"]


def test_the_poster_is_a_frame_of_the_video_and_the_preview_its_first_seconds_muted(
    rendered: Rendered, ffprobe: Callable[[Path], dict[str, Any]]
) -> None:
    (rendition,) = rendered.result.renditions
    assert rendition.video == rendered.result.video
    assert rendition.poster is not None and rendition.preview is not None
    with Image.open(rendition.poster) as poster:
        assert (poster.format, poster.size) == ("JPEG", rendered.expected_size)
        assert bright(pixels(poster.convert("RGB"))) > 0, "the title slide's text, not a black frame"
    preview = ffprobe(rendition.preview)
    assert [s["codec_type"] for s in preview["streams"]] == ["video"]
    assert 2.9 <= float(preview["format"]["duration"]) <= 3.2  # cut at a packet, without re-encoding


def test_progress_rises_to_done(rendered: Rendered) -> None:
    fractions = [fraction for _, fraction in rendered.progress]
    stages = [stage for stage, _ in rendered.progress]
    assert fractions == sorted(fractions), "progress never goes backwards"
    assert all(0.0 <= fraction <= 1.0 for fraction in fractions)
    assert rendered.progress[-1] == ("done", 1.0)
    for stage in ("reading", "writing script", "narrating", "designing slides", "rendering video"):
        assert stage in stages


# ---------------------------------------------------------------- what a viewer sees and hears


def test_mid_scene_frames_show_distinct_slides(rendered: Rendered, grab_frame: FrameGrabber) -> None:
    starts = rendered.result.scene_starts_s
    slide_rows = rendered.layout.content_bottom

    first = pixels(grab_frame(rendered.result.video, starts[0] + 1.0))[:slide_rows]
    second = pixels(grab_frame(rendered.result.video, starts[1] + 1.0))[:slide_rows]

    assert first.shape[:2] == (slide_rows, rendered.options.size[0])
    for frame in (first, second):
        assert frame.std() > 20, "the frame is not blank"
        assert bright(frame) > 1000, "the slide's title and bullets are visible"
    difference = np.abs(first - second).mean()
    assert difference > 2.0, f"scenes 1 and 2 look the same (mean difference {difference:.2f})"


def test_caption_on_screen_while_each_scene_is_spoken(rendered: Rendered, grab_frame: FrameGrabber) -> None:
    band_rows = rendered.options.size[1] - rendered.layout.zones.captions.top
    for index, start in enumerate(rendered.result.scene_starts_s):
        spoken_at = start + loudest_moment_s(rendered.workdir / f"scene-{index:02d}.wav")
        silent_at = start + LEAD_IN_S / 2

        spoken = pixels(grab_frame(rendered.result.video, spoken_at))[-band_rows:]
        silent = pixels(grab_frame(rendered.result.video, silent_at))[-band_rows:]

        where = f"scene {index + 1}: spoken at {spoken_at:.2f} s, silent at {silent_at:.2f} s"
        assert bright(silent) < 50, f"{where}: text in the caption band before anything is said"
        assert bright(spoken) > 150, f"{where}: no caption on screen while a word is spoken"
        assert np.abs(spoken - silent).mean() > 1.0, where


def test_narration_is_heard_in_sync_with_the_scenes(rendered: Rendered) -> None:
    audio = decoded_audio(rendered.result.video)

    assert audio.size / AUDIO_CHECK_RATE == pytest.approx(rendered.result.duration_s, abs=0.5)
    assert rms(audio, LEAD_IN_S / 2, 0.1) < 100, "the video opens with the lead-in silence"
    for index, start in enumerate(rendered.result.scene_starts_s):
        spoken_at = start + loudest_moment_s(rendered.workdir / f"scene-{index:02d}.wav")
        assert rms(audio, spoken_at, 0.05) > 1500, f"scene {index + 1} is silent at {spoken_at:.2f} s"


def _parse_cues(text: str, separator: str) -> list[tuple[float, float, str]]:
    def seconds(clock: str) -> float:
        hours, minutes, rest = clock.split(":")
        secs, millis = rest.split(separator)
        return int(hours) * 3600 + int(minutes) * 60 + int(secs) + int(millis) / 1000

    cues = []
    for chunk in text.strip().split("\n\n"):
        lines = chunk.splitlines()
        timing = next(line for line in lines if "-->" in line)
        start, end = (part.strip() for part in timing.split("-->"))
        body = " ".join(lines[lines.index(timing) + 1 :])
        cues.append((seconds(start), seconds(end), body))
    return cues


def test_srt_and_webvtt_are_written_next_to_the_video_and_match_the_narration(rendered: Rendered):
    srt, vtt = rendered.result.subtitles
    assert (srt.suffix, vtt.suffix) == (".srt", ".vtt")
    assert srt.parent == vtt.parent == rendered.result.video.parent

    srt_text, vtt_text = srt.read_text(encoding="utf-8"), vtt.read_text(encoding="utf-8")
    assert vtt_text.startswith("WEBVTT\n\n")
    srt_cues = _parse_cues(srt_text, ",")
    vtt_cues = _parse_cues(vtt_text.removeprefix("WEBVTT\n\n"), ".")
    numbers = [int(chunk.splitlines()[0]) for chunk in srt_text.strip().split("\n\n")]
    assert numbers == list(range(1, len(srt_cues) + 1))
    assert [(round(a, 3), round(b, 3)) for a, b, _ in srt_cues] == [
        (round(a, 3), round(b, 3)) for a, b, _ in vtt_cues
    ]
    for (start, end, _), (next_start, _, _) in pairwise(srt_cues):
        assert start < end <= next_start + 1e-3, "cues are ordered and never overlap"
    assert srt_cues[-1][1] <= rendered.result.duration_s + 0.3

    spoken = " ".join(scene.narration for scene in rendered.result.script.scenes).split()
    assert " ".join(body for _, _, body in srt_cues).split() == spoken, "every narrated word, in order, once"
    ass_cues = {
        tuple(line.split(",", 3)[1:3])  # one event per line of a cue: a cue is its start and end
        for line in (rendered.workdir / "rendition-0" / "captions.ass").read_text().splitlines()
        if line.startswith("Dialogue:")
    }
    if rendered.options.aspect is Aspect.LANDSCAPE:
        assert len(ass_cues) == len(srt_cues), "the files carry the same cues as the burned-in captions"
    else:
        assert len(ass_cues) >= len(srt_cues), "burned captions in a narrower frame hold fewer words a cue"
    assert all(len(line) <= 42 for line in srt_text.splitlines()), "broadcast lines: 42 characters at most"
