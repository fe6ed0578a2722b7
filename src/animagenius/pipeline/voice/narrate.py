"""Narration: one WAV per scene with word timings, padded with short pauses between scenes.

The voice says the spoken form of each word (voice/text.py); the timings name the written words, so
captions show what the script says. Each scene's narration is cached on disk by (written and spoken
text, voice identity, speed): re-rendering after editing one scene synthesises only that scene.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from animagenius.pipeline.domain import SCENE_LEAD_IN_S, SCENE_PAUSE_S, Scene, VoiceTrack, WordTiming
from animagenius.pipeline.errors import ProviderBadOutput, ProviderError
from animagenius.pipeline.media.wav import wav_write
from animagenius.pipeline.providers.protocols import Speech, Voice, VoiceQuality
from animagenius.pipeline.providers.settings import ProviderSettings
from animagenius.pipeline.voice.text import spoken_forms

LEAD_IN_S = SCENE_LEAD_IN_S
PAUSE_AFTER_S = SCENE_PAUSE_S
CACHE_DIR_NAME = "voice-cache"
PREVIEW_TEXT = "Hello! This is how your video will sound: clear, friendly, and about 3.5% more fun."
_CACHE_FORMAT = 3  # bump when the cached files or the way words are timed change


@dataclass(frozen=True)
class Narration:
    """A scene's narration; `notices` say, e.g., that a fallback voice spoke it."""

    track: VoiceTrack
    cached: bool
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class VoiceInfo:
    name: str  # what VOICES.create takes
    language: str  # BCP 47
    language_name: str  # e.g. "English (America)"
    quality: VoiceQuality
    description: str
    words_per_minute: float


def narrate_scene(
    scene: Scene, *, voice: Voice, out: Path, speed: float = 1.0, cache_dir: Path | None = None
) -> VoiceTrack:
    return narrate_text(scene.narration, voice=voice, out=out, speed=speed, cache_dir=cache_dir).track


def narrate(
    scenes: tuple[Scene, ...],
    *,
    voice: Voice,
    workdir: Path,
    on_fraction: Callable[[float], None],
    speed: float = 1.0,
    cache_dir: Path | None = None,
) -> list[Narration]:
    """One narration per scene, in `workdir`; `cache_dir` defaults to a folder next to `workdir`."""
    cache = cache_dir or workdir.parent / CACHE_DIR_NAME
    narrations = []
    for index, scene in enumerate(scenes):
        out = workdir / f"scene-{index:02d}.wav"
        narrations.append(narrate_text(scene.narration, voice=voice, out=out, speed=speed, cache_dir=cache))
        on_fraction((index + 1) / len(scenes))
    return narrations


def narrate_text(
    text: str, *, voice: Voice, out: Path, speed: float = 1.0, cache_dir: Path | None = None
) -> Narration:
    """`text` spoken into the WAV at `out`, lead-in and pause included, from the cache when it is there."""
    forms = spoken_forms(text, language=voice.language)
    spoken_text = " ".join(spoken for _, spoken in forms)
    key = narration_key(text, spoken_text, voice=voice, speed=speed)
    cached = _cache_read(cache_dir, key, out) if cache_dir else None
    if cached is not None:
        return Narration(track=cached, cached=True)
    speech = voice.synthesize(spoken_text, speed=speed)
    words = _written_words(forms, speech)
    track = _write_track(speech, words, out)
    if cache_dir and not speech.notices:  # a fallback voice answered: try the voice asked for next time
        _cache_write(cache_dir, key, track)
    return Narration(track=track, cached=False, notices=speech.notices)


def narration_key(text: str, spoken_text: str, *, voice: Voice, speed: float) -> str:
    """The written words count too: the cached timings carry them, and "1990s" says "nineteen nineties"."""
    identity = {
        "format": _CACHE_FORMAT,
        "text": " ".join(text.split()),
        "spoken": " ".join(spoken_text.split()),
        "voice": voice.identity,
        "speed": round(speed, 3),
        "lead_in_s": LEAD_IN_S,
        "pause_s": PAUSE_AFTER_S,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:32]


def _written_words(forms: list[tuple[str, str]], speech: Speech) -> tuple[WordTiming, ...]:
    """One timing per written word from those of its spoken words ("1990s" ← "nineteen nineties")."""
    expected = sum(len(spoken.split()) for _, spoken in forms)
    if len(speech.words) != expected:
        raise ProviderBadOutput(f"the voice timed {len(speech.words)} words of {expected}")
    words, cursor = [], 0
    for written, spoken in forms:
        parts = speech.words[cursor : cursor + len(spoken.split())]
        cursor += len(parts)
        words.append(WordTiming(word=written, start_s=parts[0].start_s, end_s=parts[-1].end_s))
    return tuple(words)


def _write_track(speech: Speech, words: tuple[WordTiming, ...], out: Path) -> VoiceTrack:
    rate = speech.sample_rate
    samples = np.concatenate(
        [
            np.zeros(round(LEAD_IN_S * rate), dtype=np.float32),
            speech.samples,
            np.zeros(round(PAUSE_AFTER_S * rate), dtype=np.float32),
        ]
    )
    wav_write(out, samples, rate)
    shifted = tuple(
        WordTiming(word=w.word, start_s=round(w.start_s + LEAD_IN_S, 3), end_s=round(w.end_s + LEAD_IN_S, 3))
        for w in words
    )
    return VoiceTrack(audio=out, words=shifted, duration_s=len(samples) / rate)


# ---------------------------------------------------------------- cache


def _cache_read(cache_dir: Path, key: str, out: Path) -> VoiceTrack | None:
    audio, timings = cache_dir / f"{key}.wav", cache_dir / f"{key}.json"
    try:
        saved = json.loads(timings.read_text(encoding="utf-8"))
        shutil.copyfile(audio, out)
    except (OSError, ValueError):
        return None  # not there, or half-removed by a cleaner: synthesise again
    words = tuple(WordTiming.model_validate(word) for word in saved["words"])
    return VoiceTrack(audio=out, words=words, duration_s=saved["duration_s"])


def _cache_write(cache_dir: Path, key: str, track: VoiceTrack) -> None:
    """The audio first, then the timings: an entry counts only once its timings file exists."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    with _atomic(cache_dir / f"{key}.wav", "wb") as audio:
        audio.write(track.audio.read_bytes())
    saved = {"words": [word.model_dump() for word in track.words], "duration_s": track.duration_s}
    with _atomic(cache_dir / f"{key}.json", "w") as timings:
        timings.write(json.dumps(saved))


@contextmanager
def _atomic(path: Path, mode: str) -> Iterator[IO]:
    """Write to a temporary file beside `path`, then rename it over `path`; readers never see half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, mode) as file:
            yield file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- voice picker


def voice_list(*, settings: ProviderSettings | None = None) -> list[VoiceInfo]:
    """Every voice the registry knows and can make with `settings` (default: read from the environment),
    for the voice picker of the UI and the API."""
    from animagenius.pipeline.providers.local.espeak import language_name
    from animagenius.pipeline.voice.voices import VOICES

    settings = settings if settings is not None else ProviderSettings.from_env()
    infos = []
    for name in VOICES.names:
        try:
            voice = VOICES.create(name, settings=settings)
        except ProviderError:
            continue  # not set up here (a remote voice without its key): nothing to pick
        infos.append(
            VoiceInfo(
                name, voice.language, language_name(voice.language), voice.quality, voice.description,
                voice.words_per_minute,
            )
        )  # fmt: skip
    return infos


def voice_preview(
    name: str,
    out: Path,
    *,
    speed: float = 1.0,
    cache_dir: Path | None = None,
    settings: ProviderSettings | None = None,
) -> Path:
    """A short sample of the voice `name` as a WAV at `out` (cached in `cache_dir`, default beside `out`)."""
    from animagenius.pipeline.voice.voices import VOICES

    voice = VOICES.create(name, settings=settings)
    out.parent.mkdir(parents=True, exist_ok=True)
    cache = cache_dir or out.parent / CACHE_DIR_NAME
    narrate_text(PREVIEW_TEXT, voice=voice, out=out, speed=speed, cache_dir=cache)
    return out
