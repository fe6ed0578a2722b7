"""The soundtrack: music ducked under the voice, faded in and out, and the whole mix at −16 LUFS.

The narration here is a stand-in voice whose sound lies above 1.5 kHz, and the user's music a chord of low
tones, so the music can be heard apart from the voice in the finished file and its ducking measured.
"""

from __future__ import annotations

import re
import subprocess
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from animagenius.pipeline.cli import main
from animagenius.pipeline.compose.audio import soundtrack
from animagenius.pipeline.compose.music import (
    SAMPLE_RATE,
    TRACKS,
    music_file,
    music_loop,
    music_tracks,
    synthesise,
)
from animagenius.pipeline.compose.render import compose
from animagenius.pipeline.domain import VoiceTrack, WordTiming
from animagenius.pipeline.errors import CorruptFile, InvalidOption
from animagenius.pipeline.media.ffmpeg import ffmpeg_exe
from animagenius.pipeline.video import RenderOptions
from animagenius.pipeline.visuals.layout import font_dir
from tests.conftest import Probe

pytestmark = pytest.mark.slow

VOICE_RATE = 22050
CHECK_RATE = 48000
MUSIC_BAND_HZ = (150.0, 500.0)  # where the test music is, and the stand-in voice is not
# scene 1: lead-in, words, then a long pause (music only); scene 2: lead-in, words, a short tail
SCENES = (((1.5, 2.5), 6.0), ((1.0, 2.5), 4.0))  # ((speech start, speech length), scene length), seconds
SPEECH = ((1.5, 4.0), (7.0, 9.5))
GAP = (5.0, 6.5)  # the music has recovered from the ducking 1 s after the last word
MUSIC_CASES = ("none", "calm", "user-file")


@dataclass(frozen=True)
class Rendered:
    case: str
    video: Path
    duration_s: float
    narration_s: float
    probe: dict[str, Any]


# ---------------------------------------------------------------- media made by the tests


def stand_in_speech(seconds: float) -> np.ndarray:
    """Voice-like bursts (syllables at 4 Hz) made of harmonics between 2 and 5 kHz, at about −20 dBFS."""
    t = np.arange(round(seconds * VOICE_RATE)) / VOICE_RATE
    tone = sum(np.sin(2 * np.pi * 200.0 * k * t + k) for k in range(10, 26))
    syllables = np.clip(np.sin(2 * np.pi * 4.0 * t), 0.0, None) ** 0.5
    return np.asarray(tone) * syllables * (0.3 / np.sqrt(16))


def write_mono_wav(samples: np.ndarray, out: Path, rate: int = VOICE_RATE) -> Path:
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return out


def scene_track(index: int, speech_at: tuple[float, float], length_s: float, workdir: Path) -> VoiceTrack:
    start, spoken = speech_at
    samples = np.zeros(round(length_s * VOICE_RATE))
    first = round(start * VOICE_RATE)
    speech = stand_in_speech(spoken)
    samples[first : first + speech.size] = speech
    words = tuple(
        WordTiming(word=word, start_s=start + n * 0.5, end_s=start + n * 0.5 + 0.4)
        for n, word in enumerate(("music", "under", "the", "voice", "here"))
    )
    return VoiceTrack(
        audio=write_mono_wav(samples, workdir / f"scene-{index:02d}.wav"), words=words, duration_s=length_s
    )


def low_chord_file(out: Path, seconds: float = 4.0) -> Path:
    """The user's 'music': 220 and 330 Hz, 44.1 kHz stereo, shorter than the video so it has to loop."""
    completed = subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"sine=frequency=220:duration={seconds}:sample_rate=44100",
         "-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}:sample_rate=44100",
         "-filter_complex", "[0:a][1:a]amerge=inputs=2", "-ac", "2", str(out)],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    return out


def slide(index: int, out: Path) -> Path:
    Image.new("RGB", (1280, 720), (30 + 60 * index, 40, 90)).save(out)
    return out


# ---------------------------------------------------------------- measuring what a listener hears


def loudness(video: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) measured by ffmpeg's ebur128 filter."""
    completed = subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-i", str(video), "-map", "0:a:0",
         "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    summary = completed.stderr[completed.stderr.rindex("Summary:") :]
    integrated = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    assert integrated and peak, summary
    return float(integrated.group(1)), float(peak.group(1))


def decoded(media: Path) -> np.ndarray:
    completed = subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-i", str(media), "-map", "0:a:0",
         "-ac", "1", "-ar", str(CHECK_RATE), "-f", "f32le", "-"],
        capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    return np.frombuffer(completed.stdout, dtype="<f4").astype(np.float64)


def music_level_db(samples: np.ndarray, start_s: float, end_s: float) -> float:
    """RMS level, in dB, of the music band between two moments."""
    segment = samples[round(start_s * CHECK_RATE) : round(end_s * CHECK_RATE)]
    spectrum = np.fft.rfft(segment * np.hanning(segment.size))
    frequencies = np.fft.rfftfreq(segment.size, 1 / CHECK_RATE)
    in_band = (frequencies >= MUSIC_BAND_HZ[0]) & (frequencies <= MUSIC_BAND_HZ[1])
    power = np.sum(np.abs(spectrum[in_band]) ** 2) / segment.size
    return float(10 * np.log10(power + 1e-12))


# ---------------------------------------------------------------- renders


@pytest.fixture(scope="module")
def music_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("music-cache")


def render_case(case: str, *, workdir: Path, ffprobe: Probe) -> Rendered:
    """The stand-in narration (with its pause) rendered to a 720p MP4 with the music of `case`."""
    music = {"none": "", "calm": "calm", "user-file": str(workdir / "chord.wav")}
    if case == "user-file":
        low_chord_file(workdir / "chord.wav")
    tracks = [scene_track(index, *scene, workdir) for index, scene in enumerate(SCENES)]
    duration = compose(
        slides=[slide(index, workdir / f"slide-{index:02d}.png") for index in range(len(tracks))],
        tracks=tracks,
        options=RenderOptions.read(aspect="16:9", resolution="720p", target_duration_s=15, music=music[case]),
        font_name="Inter",
        font_dir=font_dir(),
        workdir=workdir,
        out=workdir / "video.mp4",
        on_fraction=lambda _: None,
    )
    return Rendered(
        case=case,
        video=workdir / "video.mp4",
        duration_s=duration,
        narration_s=sum(length for _, length in SCENES),
        probe=ffprobe(workdir / "video.mp4"),
    )


@pytest.fixture(scope="module")
def renders(
    tmp_path_factory: pytest.TempPathFactory, music_cache: Path, ffprobe: Probe
) -> Iterator[Callable[[str], Rendered]]:
    """Each case is rendered once, when a test first asks for it."""
    done: dict[str, Rendered] = {}

    def render(case: str) -> Rendered:
        if case not in done:
            done[case] = render_case(case, workdir=tmp_path_factory.mktemp(case), ffprobe=ffprobe)
        return done[case]

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(music_cache))  # the built-in loop is cached here, not in ~/.cache
        yield render


@pytest.fixture(params=MUSIC_CASES)
def rendered(request: pytest.FixtureRequest, renders: Callable[[str], Rendered]) -> Rendered:
    return renders(request.param)


@pytest.fixture
def with_user_music(renders: Callable[[str], Rendered]) -> Rendered:
    return renders("user-file")


@pytest.fixture
def without_music(renders: Callable[[str], Rendered]) -> Rendered:
    return renders("none")


def test_the_mix_is_at_minus_16_lufs_with_true_peak_under_minus_1_5(rendered: Rendered) -> None:
    integrated, true_peak = loudness(rendered.video)

    assert integrated == pytest.approx(-16.0, abs=1.0), rendered.case
    assert true_peak <= -1.5, rendered.case


def test_sound_is_48_khz_stereo_aac(rendered: Rendered) -> None:
    (audio,) = [stream for stream in rendered.probe["streams"] if stream["codec_type"] == "audio"]

    assert audio["codec_name"] == "aac"
    assert int(audio["sample_rate"]) == 48000
    assert audio["channels"] == 2


def test_music_leaves_the_duration_of_the_narration(rendered: Rendered) -> None:
    assert rendered.duration_s == pytest.approx(rendered.narration_s, abs=1e-6)
    assert float(rendered.probe["format"]["duration"]) == pytest.approx(rendered.narration_s, abs=0.1)
    for stream in rendered.probe["streams"]:
        assert float(stream["duration"]) == pytest.approx(rendered.narration_s, abs=0.1), stream["codec_type"]


def test_music_is_ducked_under_speech(with_user_music: Rendered) -> None:
    audio = decoded(with_user_music.video)
    alone = music_level_db(audio, *GAP)
    under_speech = [music_level_db(audio, start + 0.5, end - 0.5) for start, end in SPEECH]

    assert alone > -60, "the music plays in the pause, after the 4 s file has looped"
    for level in under_speech:
        assert alone - level >= 6.0, f"music alone {alone:.1f} dB, under the voice {level:.1f} dB"


def test_music_fades_in_and_out(with_user_music: Rendered) -> None:
    audio = decoded(with_user_music.video)
    full = music_level_db(audio, 1.0, 1.4)  # faded in, before the first word
    end = with_user_music.duration_s

    assert full - music_level_db(audio, 0.0, 0.15) >= 10.0, "the music starts quiet"
    assert full - music_level_db(audio, end - 0.2, end) >= 12.0, "and ends so"


def test_without_music_the_pauses_stay_silent(without_music: Rendered) -> None:
    audio = decoded(without_music.video)

    assert np.sqrt(np.mean(audio[:CHECK_RATE] ** 2)) < 1e-3, "the lead-in"
    assert music_level_db(audio, *GAP) < -60


# ---------------------------------------------------------------- built-in tracks and the user's file


def test_built_in_tracks_are_listed_for_the_ui() -> None:
    names = [track.name for track in music_tracks()]

    assert names == ["calm", "bright", "pulse"]
    assert all(track.description for track in music_tracks())


@pytest.mark.parametrize("name", list(TRACKS))
def test_each_built_in_track_is_a_seamless_stereo_loop(name: str) -> None:
    loop = synthesise(TRACKS[name])

    assert loop.shape == (2, TRACKS[name].loop_samples)
    assert 6.0 <= TRACKS[name].loop_s <= 20.0
    assert np.abs(loop).max() == pytest.approx(0.5, abs=1e-3), "headroom, no clipping"
    assert np.sqrt(np.mean(loop**2)) > 0.05, "audible"
    assert not np.allclose(loop[0], loop[1]), "stereo, not two copies of mono"
    typical_step = np.percentile(np.abs(np.diff(loop, axis=1)), 99)
    assert np.abs(loop[:, 0] - loop[:, -1]).max() <= 2 * typical_step, "no click where the loop repeats"


def test_a_built_in_loop_is_made_once_then_read_from_the_cache(tmp_path: Path) -> None:
    first = music_loop("bright", cache_dir=tmp_path)
    written_at = first.stat().st_mtime_ns

    again = music_loop("bright", cache_dir=tmp_path)

    assert again == first
    assert again.stat().st_mtime_ns == written_at
    assert first.name.startswith(f"bright-{TRACKS['bright'].loop_samples}-")
    with wave.open(str(first), "rb") as wav:
        assert (wav.getnchannels(), wav.getframerate()) == (2, SAMPLE_RATE)
    assert sorted(path.name for path in tmp_path.iterdir()) == [first.name], "no partial files left"


def test_a_built_in_loop_repeats_to_the_length_of_a_longer_video(tmp_path: Path) -> None:
    seconds = 20.0  # the pulse loop lasts 8.6 s
    narration = write_mono_wav(np.zeros(round(seconds * VOICE_RATE)), tmp_path / "narration.wav")

    loop = music_loop("pulse", cache_dir=tmp_path)

    sound = soundtrack(narration=narration, music=loop, duration_s=seconds, workdir=tmp_path)

    audio = decoded(sound)
    assert audio.size / CHECK_RATE == pytest.approx(seconds, abs=0.05)
    first, third = (np.sqrt(np.mean(audio[round(a * CHECK_RATE) : round(b * CHECK_RATE)] ** 2))
                    for a, b in ((2.0, 6.0), (13.0, 17.0)))  # fmt: skip
    assert third == pytest.approx(first, rel=0.25), "the loop keeps playing past its end"


@pytest.mark.parametrize(
    ("name", "content"),
    [("song.mp3", b"ID3 this is not really an mp3\n" * 50), ("cover.png", None), ("list.m3u8", None)],
)
def test_a_non_audio_file_is_refused_saying_what_to_use(tmp_path: Path, name: str, content: bytes | None):
    path = tmp_path / name
    if name.endswith(".png"):
        slide(0, path)
    elif name.endswith(".m3u8"):  # a playlist would make ffmpeg read another local file
        low_chord_file(tmp_path / "elsewhere.wav")
        path.write_text("#EXTM3U\n#EXTINF:4,\nelsewhere.wav\n")
    else:
        path.write_bytes(content or b"")

    with pytest.raises(CorruptFile) as refused:
        music_file(str(path), cache_dir=tmp_path)

    message = str(refused.value)
    assert name in message
    assert "MP3" in message and "calm" in message, "says what would work instead"


def test_an_unknown_track_name_is_refused_listing_the_tracks() -> None:
    with pytest.raises(InvalidOption, match="calm, bright, pulse"):
        music_file("jazz", cache_dir=None)


def render_args(corpus: Path, tmp_path: Path, *, music: str) -> list[str]:
    return ["render", str(corpus / "text/pep-0020.rst"), "-o", str(tmp_path / "v.mp4"), "--music", music]


def test_the_cli_refuses_an_unknown_track_in_one_line(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(render_args(corpus, tmp_path, music="jazz"))

    error = capsys.readouterr().err
    assert code == 2
    assert error.count("\n") == 1
    assert "'jazz'" in error and "calm, bright, pulse" in error
    assert not (tmp_path / "v.mp4").exists()


def test_the_cli_refuses_a_broken_music_file_before_rendering(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "track.wav"
    broken.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt broken")

    code = main(render_args(corpus, tmp_path, music=str(broken)))

    error = capsys.readouterr().err
    assert code == 2
    assert error.count("\n") == 1 and "track.wav" in error
