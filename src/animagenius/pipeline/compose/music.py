"""Background music the project makes itself, and the user's own music file.

Each built-in track is a few bars of chords synthesised with numpy into a seamless stereo 48 kHz loop (the
release of the last notes wraps round to the start), written once to a cache folder and looped by ffmpeg to
any length, so a ten-minute video never holds ten minutes of samples in memory.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from animagenius.pipeline.errors import CorruptFile, InvalidOption
from animagenius.pipeline.media.ffmpeg import USER_AUDIO_INPUT, FFmpegTimedOut, ffmpeg_message, ffmpeg_output
from animagenius.pipeline.media.wav import wav_write

SAMPLE_RATE = 48000
SYNTH_VERSION = 2  # change whenever the synthesis changes: it invalidates the cached loops
LOOP_PEAK = 0.5  # −6 dBFS; the mix sets the level that is heard
MUSIC_PROBE_TIMEOUT_S = 30.0

Chord = tuple[int, ...]  # MIDI note numbers, lowest first


@dataclass(frozen=True)
class MusicTrack:
    """A loop of chords, one per bar, played by up to four layers (a level of 0 leaves a layer out)."""

    name: str
    description: str
    bpm: float
    chords: tuple[Chord, ...]
    beats_per_chord: int = 4
    pad: float = 0.0
    arpeggio: float = 0.0
    arpeggio_steps_per_beat: int = 2
    pulse: float = 0.0
    bass: float = 0.0

    @property
    def beat_samples(self) -> int:
        return round(60.0 / self.bpm * SAMPLE_RATE)

    @property
    def chord_samples(self) -> int:
        return self.beat_samples * self.beats_per_chord

    @property
    def loop_samples(self) -> int:
        return self.chord_samples * len(self.chords)

    @property
    def loop_s(self) -> float:
        return self.loop_samples / SAMPLE_RATE


TRACKS: dict[str, MusicTrack] = {
    track.name: track
    for track in (
        MusicTrack(
            name="calm",
            description="slow warm pads with soft bells, C major",
            bpm=64,
            chords=((48, 55, 64, 71), (45, 52, 60, 67), (41, 48, 57, 64), (43, 50, 59, 62)),
            pad=1.0,
            arpeggio=0.35,
            arpeggio_steps_per_beat=1,
            bass=0.5,
        ),
        MusicTrack(
            name="bright",
            description="light plucked arpeggios over a pad, D major",
            bpm=96,
            chords=((50, 57, 62, 66), (45, 52, 61, 64), (47, 54, 62, 66), (43, 50, 59, 62)),
            pad=0.5,
            arpeggio=0.6,
            arpeggio_steps_per_beat=2,
            bass=0.5,
        ),
        MusicTrack(
            name="pulse",
            description="steady eighth-note chords and bass, A minor",
            bpm=112,
            chords=((45, 52, 57, 60, 64), (41, 48, 57, 60, 65), (48, 55, 60, 64, 67), (43, 50, 59, 62, 67)),
            pad=0.35,
            pulse=0.7,
            bass=0.45,
        ),
    )
}


def music_tracks() -> tuple[MusicTrack, ...]:
    """The built-in tracks, for pickers in the UI and the API."""
    return tuple(TRACKS.values())


def music_cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "animagenius" / "music"


def music_check(choice: str) -> None:
    """Raise an InputError-family exception now if `choice` could not be played as music later."""
    music_file(choice, cache_dir=None)


def music_file(choice: str, *, cache_dir: Path | None) -> Path | None:
    """The audio file to loop under the narration: a built-in loop, the user's file, or None for no music.

    With `cache_dir` None a built-in track is only named, not generated (a check without side effects).
    """
    choice = choice.strip()
    if not choice:
        return None
    if choice in TRACKS:
        return music_loop(choice, cache_dir=cache_dir) if cache_dir is not None else None
    path = Path(choice).expanduser()
    if not path.is_file():
        raise InvalidOption(
            f"music {choice!r} is neither a built-in track ({', '.join(TRACKS)}) "
            "nor an audio file that exists"
        )
    _probe_audio(path)
    return path


def music_loop(name: str, *, cache_dir: Path) -> Path:
    """The cached seamless loop of a built-in track, synthesised on first use."""
    track = TRACKS[name]
    cached = cache_dir / f"{track.name}-{track.loop_samples}-{SAMPLE_RATE}-v{SYNTH_VERSION}.wav"
    if cached.is_file():
        return cached
    samples = synthesise(track)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        _write_wav_atomically(samples, cached)
    except OSError:
        # a read-only or full cache must not fail the render: keep the loop in a private temporary folder
        cached = Path(tempfile.mkdtemp(prefix="animagenius-music-")) / cached.name
        _write_wav_atomically(samples, cached)
    return cached


def synthesise(track: MusicTrack) -> np.ndarray:
    """One seamless loop of `track`: float32, shape (2, loop_samples), peak at LOOP_PEAK."""
    loop = np.zeros((2, track.loop_samples), dtype=np.float64)
    for bar, chord in enumerate(track.chords):
        bar_start = bar * track.chord_samples
        if track.pad:
            _add_pad(loop, track, chord, bar_start)
        if track.arpeggio:
            _add_arpeggio(loop, track, chord, bar_start)
        if track.pulse:
            _add_pulse(loop, track, chord, bar_start)
        if track.bass:
            _add_bass(loop, track, chord, bar_start)
    loop = _ping_pong_echo(loop, delay=track.beat_samples * 3 // 4)
    return (loop * (LOOP_PEAK / np.abs(loop).max())).astype(np.float32)


def _add_pad(loop: np.ndarray, track: MusicTrack, chord: Chord, start: int) -> None:
    release = SAMPLE_RATE  # the pad of one chord fades out under the next
    length = track.chord_samples + release
    envelope = _attack_release(length, attack=int(0.7 * SAMPLE_RATE), release=release)
    for note in chord:
        frequency = _hertz(note)
        # two copies a few cents apart, one per side: the slow beating between them makes the pad breathe
        left = _harmonics(frequency * _cents(-6), length, rolloff=1.4, count=8)
        right = _harmonics(frequency * _cents(6), length, rolloff=1.4, count=8)
        _add_wrapped(loop, np.stack([left, right]) * envelope * track.pad * 0.12, start)


def _add_arpeggio(loop: np.ndarray, track: MusicTrack, chord: Chord, start: int) -> None:
    step = track.beat_samples // track.arpeggio_steps_per_beat
    steps = track.beats_per_chord * track.arpeggio_steps_per_beat
    upper = [note + 12 for note in chord[1:]]
    pattern = upper + upper[-2:0:-1]  # up and back down, without repeating the ends
    for index in range(steps):
        note = pattern[index % len(pattern)]
        pan = 0.5 + 0.3 * np.sin(index * 0.9)
        pluck = _pluck(_hertz(note), int(1.6 * SAMPLE_RATE))
        _add_wrapped(loop, _panned(pluck, pan) * track.arpeggio * 0.25, start + index * step)


def _add_pulse(loop: np.ndarray, track: MusicTrack, chord: Chord, start: int) -> None:
    step = track.beat_samples // 2
    length = int(0.4 * SAMPLE_RATE)
    decay = np.exp(-np.arange(length) / (0.12 * SAMPLE_RATE))
    envelope = decay * _attack_release(length, attack=240, release=480)
    stab = sum(_harmonics(_hertz(note), length, rolloff=2.2, count=4) for note in chord[1:]) * envelope
    for index in range(track.beats_per_chord * 2):
        on_beat = index % 2 == 0
        level = track.pulse * 0.1 * (1.0 if on_beat else 0.6)
        _add_wrapped(loop, _panned(stab, 0.65 if on_beat else 0.35) * level, start + index * step)


def _add_bass(loop: np.ndarray, track: MusicTrack, chord: Chord, start: int) -> None:
    root = chord[0] - 12
    length = track.chord_samples
    tone = _harmonics(_hertz(root), length, rolloff=3.0, count=3)
    envelope = _attack_release(length, attack=int(0.02 * SAMPLE_RATE), release=int(0.3 * SAMPLE_RATE))
    _add_wrapped(loop, _panned(tone * envelope, 0.5) * track.bass * 0.12, start)


def _hertz(note: int) -> float:
    return 440.0 * 2.0 ** ((note - 69) / 12)


def _cents(cents: float) -> float:
    return float(2.0 ** (cents / 1200))


def _harmonics(frequency: float, length: int, *, rolloff: float, count: int) -> np.ndarray:
    """A soft tone: sine harmonics whose amplitudes fall as 1/k**rolloff (kept below 16 kHz)."""
    phase = 2 * np.pi * frequency * np.arange(length) / SAMPLE_RATE
    tone = np.zeros(length)
    for k in range(1, count + 1):
        if frequency * k < 16000:
            tone += np.sin(k * phase) / k**rolloff
    return tone


def _pluck(frequency: float, length: int) -> np.ndarray:
    """A bell-like pluck: higher harmonics die away faster than the fundamental."""
    t = np.arange(length) / SAMPLE_RATE
    tone = sum(np.sin(2 * np.pi * frequency * k * t) * np.exp(-t * 2.5 * k) / k**1.5 for k in range(1, 5))
    return np.asarray(tone) * _attack_release(length, attack=200, release=length // 4)


def _attack_release(length: int, *, attack: int, release: int) -> np.ndarray:
    envelope = np.ones(length)
    envelope[:attack] = np.sin(np.linspace(0, np.pi / 2, attack)) ** 2
    envelope[length - release :] *= np.cos(np.linspace(0, np.pi / 2, release)) ** 2
    return envelope


def _panned(mono: np.ndarray, pan: float) -> np.ndarray:
    """Constant-power pan: 0 is left, 1 is right."""
    return np.stack([mono * np.cos(pan * np.pi / 2), mono * np.sin(pan * np.pi / 2)])


def _add_wrapped(loop: np.ndarray, sound: np.ndarray, start: int) -> None:
    """Add `sound` (2, n) into the loop at `start`, wrapping what runs past the end round to the start."""
    size = loop.shape[1]
    offset, position = 0, start % size
    while offset < sound.shape[1]:
        count = min(sound.shape[1] - offset, size - position)
        loop[:, position : position + count] += sound[:, offset : offset + count]
        offset += count
        position = 0


def _ping_pong_echo(loop: np.ndarray, *, delay: int) -> np.ndarray:
    """Echoes bouncing between the sides; rolling the loop keeps them seamless too."""
    echoed = loop.copy()
    for repeat in range(1, 4):
        source = loop[::-1] if repeat % 2 else loop
        echoed += np.roll(source, repeat * delay, axis=1) * 0.3**repeat
    return echoed


def _write_wav_atomically(samples: np.ndarray, out: Path) -> None:
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    wav_write(partial, samples.T, SAMPLE_RATE)
    os.replace(partial, out)  # another render writing the same loop at once leaves one whole file


def _probe_audio(path: Path) -> None:
    """Decode the first seconds of the user's music, so a broken file is reported before anything renders;
    read only through audio containers (`USER_AUDIO_INPUT`), within ffmpeg_output's time and memory bounds."""
    try:
        completed = ffmpeg_output(
            ["-nostdin", "-hide_banner", "-v", "error", *USER_AUDIO_INPUT, "-i", str(path),
             "-map", "0:a:0", "-t", "5", "-f", "null", "-"],
            timeout_s=MUSIC_PROBE_TIMEOUT_S,
        )  # fmt: skip
    except FFmpegTimedOut:
        raise _unplayable(path, f"reading it took over {MUSIC_PROBE_TIMEOUT_S:.0f} s") from None
    if completed.returncode != 0:
        stderr = completed.stderr.decode(errors="replace")
        said = ffmpeg_message(stderr, path=path) or "unreadable"
        raise _unplayable(path, "it has no sound" if "matches no streams" in stderr else said)


def _unplayable(path: Path, reason: str) -> CorruptFile:
    return CorruptFile(
        f"the music file {path.name!r} cannot be played ({reason}); "
        f"use an MP3, M4A, WAV, FLAC or OGG audio file, or one of the built-in tracks ({', '.join(TRACKS)})"
    )
