"""The soundtrack of the finished video: the narration, music ducked under it, loudness to EBU R128.

Every step streams through ffmpeg, so memory stays flat however long the video is:

1. measure the narration (and the music) with the quick `ebur128` filter, so the voice can be brought near
   TARGET_LUFS and the music put MUSIC_BELOW_SPEECH_LU under it whatever their own levels;
2. level and mix: the voice gets its gain, the music is ducked by a compressor keyed by the voice, and a
   true-peak limiter catches the peaks the gain pushed up (speech at −16 LUFS often peaks above 0 dBFS,
   and loudnorm only stays linear when the peaks fit under its ceiling); loudnorm's first pass measures
   the result while it is written;
3. loudnorm's second pass applies the measured values, linear: one small, constant gain to TARGET_LUFS.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from animagenius.pipeline.errors import CorruptFile, EncoderKilled, RenderFailed
from animagenius.pipeline.media.ffmpeg import (
    KILLED,
    SAFE_INPUT,
    USER_AUDIO_INPUT,
    FFmpegTimedOut,
    ffmpeg_message,
    ffmpeg_output,
    run_ffmpeg,
)

AUDIO_RATE = 48000
TARGET_LUFS = -16.0
TRUE_PEAK_LIMIT_DBTP = -1.5
# loudnorm aims 0.5 dB under the limit: AAC encoding adds a few tenths of a dB of overshoot to true peaks
TARGET_TRUE_PEAK_DBTP = TRUE_PEAK_LIMIT_DBTP - 0.5
TARGET_LRA = 11.0
SILENCE_LUFS = -70.0  # loudnorm's absolute gate: quieter than this there is nothing to normalise
# The limiter's ceiling leaves 2 dB under loudnorm's: limiting lowers the loudness a little (about 1 LU for
# Piper's narration), so the second pass raises it by as much, and it stays linear only if the raised peaks
# still fit. It runs at 192 kHz, where sample peaks are the true (inter-sample) peaks of the 48 kHz sound.
LIMITER_CEILING_DBTP = TARGET_TRUE_PEAK_DBTP - 2.0
LIMITER_RATE = 192000

MUSIC_BELOW_SPEECH_LU = 10.0  # the music alone, between sentences; ducking takes it further down under words
MUSIC_LUFS = TARGET_LUFS - MUSIC_BELOW_SPEECH_LU
MUSIC_FADE_IN_S = 1.0
MUSIC_FADE_OUT_S = 3.0
# The levelled voice keys a compressor on the music: spoken words are well above the threshold (−26 dBFS)
# and pull the music down 15 dB or so, fast enough to clear the first syllable; it lets go slowly, so the
# short pauses between words don't make the music pump.
DUCKING = "threshold=0.05:ratio=4:attack=15:release=600:knee=4:detection=rms"
# Peaky speech loses more than the 2 dB of room to the limiter: then the level step runs again with the
# shortfall added, so that loudnorm's second pass can stay linear.
MAX_LEVELLING_ROUNDS = 3

_LOUDNORM_JSON = re.compile(r"\{[^{}]*\"input_i\"[^{}]*\}", re.S)
_EBUR128_INTEGRATED = re.compile(r"I:\s+(-?[\d.]+|-inf) LUFS")


@dataclass(frozen=True)
class Loudness:
    """What loudnorm's first pass measured."""

    integrated_lufs: float
    true_peak_dbtp: float
    range_lu: float
    threshold_lufs: float

    @property
    def silent(self) -> bool:
        return self.integrated_lufs <= SILENCE_LUFS

    @property
    def shortfall_lu(self) -> float:
        return 0.0 if self.silent else TARGET_LUFS - self.integrated_lufs

    @property
    def fits_linear_gain(self) -> bool:
        """Whether the gain to TARGET_LUFS keeps the true peak under the ceiling (else: loudnorm dynamic)."""
        return self.silent or self.true_peak_dbtp + self.shortfall_lu <= TARGET_TRUE_PEAK_DBTP


def soundtrack(*, narration: Path, music: Path | None, duration_s: float, workdir: Path) -> Path:
    """Write the finished soundtrack (48 kHz stereo WAV, `duration_s` long) into `workdir` and return it."""
    timeout_s = _timeout(duration_s)
    voice_gain_db = _gain_db(integrated_loudness(narration, timeout_s=timeout_s), TARGET_LUFS)
    music_gain_db = (
        _gain_db(_music_loudness(music, duration_s=duration_s, timeout_s=timeout_s), MUSIC_LUFS)
        if music is not None
        else 0.0
    )
    levelled = workdir / "levelled.wav"
    for _ in range(MAX_LEVELLING_ROUNDS):
        measured = _level_and_mix(
            narration=narration, voice_gain_db=voice_gain_db, music=music, music_gain_db=music_gain_db,
            duration_s=duration_s, out=levelled,
        )  # fmt: skip
        if measured.fits_linear_gain:
            break
        voice_gain_db += measured.shortfall_lu
        music_gain_db += measured.shortfall_lu
    return loudnorm_second_pass(levelled, measured, duration_s=duration_s, out=workdir / "soundtrack.wav")


def integrated_loudness(
    audio: Path, *, timeout_s: float, safe_input: tuple[str, ...] = SAFE_INPUT, max_s: float | None = None
) -> float:
    """Integrated loudness (LUFS) of `audio`, or of its first `max_s` seconds; −70 or less is silence."""
    limit = ["-t", f"{max_s:.3f}"] if max_s is not None else []
    stderr = _ffmpeg_report(
        [*safe_input, *limit, "-i", str(audio), "-map", "0:a:0",
         "-af", "ebur128=framelog=quiet", "-f", "null", "-"],
        timeout_s=timeout_s,
    )  # fmt: skip
    found = _EBUR128_INTEGRATED.search(stderr[stderr.rfind("Summary:") :])
    if found is None:
        raise RenderFailed(f"no loudness measurement for {audio.name} in the encoder's report")
    return float(found.group(1))


def loudnorm_first_pass(audio: Path, *, timeout_s: float) -> Loudness:
    """What loudnorm measures of `audio` (the render measures its mix this way while writing it)."""
    stderr = _ffmpeg_report(
        [*SAFE_INPUT, "-i", str(audio), "-map", "0:a:0",
         "-af", _loudnorm(print_format="json"), "-f", "null", "-"],
        timeout_s=timeout_s,
    )  # fmt: skip
    return _parse_loudness(stderr, source=audio.name)


def loudnorm_second_pass(audio: Path, measured: Loudness, *, duration_s: float, out: Path) -> Path:
    """Bring `audio` to TARGET_LUFS with the first pass's values: a linear gain, 48 kHz stereo PCM."""
    # nothing to bring up to level in silence: a silent narration stays silent
    loudness = "" if measured.silent else f"{_second_pass(measured)},"
    run_ffmpeg(
        [*SAFE_INPUT, "-i", str(audio), "-af", f"{loudness}{_stereo_48k()}",
         "-c:a", "pcm_s16le", "-t", f"{duration_s:.3f}", str(out)],
        cwd=out.parent, duration_s=duration_s, on_fraction=lambda _: None, timeout_s=_timeout(duration_s),
    )  # fmt: skip
    return out


def _gain_db(measured_lufs: float, target_lufs: float) -> float:
    return 0.0 if measured_lufs <= SILENCE_LUFS else target_lufs - measured_lufs


def _music_loudness(music: Path, *, duration_s: float, timeout_s: float) -> float:
    try:
        return integrated_loudness(music, timeout_s=timeout_s, safe_input=USER_AUDIO_INPUT, max_s=duration_s)
    except RenderFailed as error:
        raise CorruptFile(
            f"the music file {music.name!r} cannot be played ({error}); "
            "use an MP3, M4A, WAV, FLAC or OGG file"
        ) from None


def _level_and_mix(
    *,
    narration: Path,
    voice_gain_db: float,
    music: Path | None,
    music_gain_db: float,
    duration_s: float,
    out: Path,
) -> Loudness:
    """Write the levelled (and mixed) sound to `out`, returning loudnorm's first-pass measurement of it."""
    voice = f"[0:a]{_stereo_48k()},volume={voice_gain_db:.2f}dB"
    if music is None:
        chains = [f"{voice}[mixed]"]
        music_input: list[str] = []
    else:
        fade_out_at = max(0.0, duration_s - MUSIC_FADE_OUT_S)
        chains = [
            f"{voice},asplit=2[voice][key]",
            f"[1:a]{_stereo_48k()},atrim=duration={duration_s:.3f},volume={music_gain_db:.2f}dB,"
            f"afade=t=in:d={MUSIC_FADE_IN_S},afade=t=out:st={fade_out_at:.3f}:d={MUSIC_FADE_OUT_S}[bed]",
            f"[bed][key]sidechaincompress={DUCKING}[ducked]",
            "[voice][ducked]amix=inputs=2:duration=first:normalize=0[mixed]",
        ]
        music_input = [*USER_AUDIO_INPUT, "-stream_loop", "-1", "-i", str(music)]
    ceiling = 10 ** (LIMITER_CEILING_DBTP / 20)
    chains += [
        f"[mixed]aresample={LIMITER_RATE},alimiter=limit={ceiling:.4f}:attack=5:release=50:level=false,"
        f"{_stereo_48k()},asplit=2[levelled][measure]",
        f"[measure]{_loudnorm(print_format='json')}[measured]",
    ]
    stderr = _ffmpeg_report(
        [*SAFE_INPUT, "-i", str(narration), *music_input, "-filter_complex", ";".join(chains),
         "-map", "[levelled]", "-c:a", "pcm_f32le", "-t", f"{duration_s:.3f}", str(out),
         "-map", "[measured]", "-f", "null", "-"],
        timeout_s=_timeout(duration_s),
    )  # fmt: skip
    return _parse_loudness(stderr, source=out.name)


def _second_pass(measured: Loudness) -> str:
    return _loudnorm(
        measured_I=f"{measured.integrated_lufs:.2f}",
        measured_TP=f"{measured.true_peak_dbtp:.2f}",
        measured_LRA=f"{measured.range_lu:.2f}",
        measured_thresh=f"{measured.threshold_lufs:.2f}",
        linear="true",
    )


def _loudnorm(**extra: str) -> str:
    options = {"I": f"{TARGET_LUFS}", "TP": f"{TARGET_TRUE_PEAK_DBTP}", "LRA": f"{TARGET_LRA}", **extra}
    return "loudnorm=" + ":".join(f"{key}={value}" for key, value in options.items())


def _stereo_48k() -> str:
    # loudnorm works at 192 kHz internally and hands on 96 kHz; everything after it expects 48 kHz stereo
    return f"aresample={AUDIO_RATE},aformat=sample_fmts=fltp:sample_rates={AUDIO_RATE}:channel_layouts=stereo"


def _timeout(duration_s: float) -> float:
    return max(60.0, duration_s * 2)


def _ffmpeg_report(args: list[str], *, timeout_s: float) -> str:
    """Run ffmpeg for what it prints (loudnorm reports at info level); raise RenderFailed on failure."""
    try:
        completed = ffmpeg_output(["-nostdin", "-hide_banner", "-nostats", "-y", *args], timeout_s=timeout_s)
    except FFmpegTimedOut:
        raise RenderFailed(f"measuring loudness took over {timeout_s:.0f} s and was stopped") from None
    if completed.returncode in KILLED:
        raise EncoderKilled
    stderr = completed.stderr.decode(errors="replace")
    if completed.returncode != 0:
        detail = ffmpeg_message(stderr, lines=2)
        raise RenderFailed(detail or f"ffmpeg exit {completed.returncode}")
    return stderr


def _parse_loudness(report: str, *, source: str) -> Loudness:
    found = _LOUDNORM_JSON.findall(report)
    if not found:
        raise RenderFailed(f"no loudness measurement for {source} in the encoder's report")
    values = json.loads(found[-1])

    def number(key: str, low: float, high: float) -> float:
        # clamped to what loudnorm accepts back: silence is reported as -inf
        return min(high, max(low, float(values[key])))

    return Loudness(
        integrated_lufs=number("input_i", -99.0, 0.0),
        true_peak_dbtp=number("input_tp", -99.0, 99.0),
        range_lu=number("input_lra", 0.0, 99.0),
        threshold_lufs=number("input_thresh", -99.0, 0.0),
    )
