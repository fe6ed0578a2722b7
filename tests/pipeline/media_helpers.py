"""Small media files tests compose videos from."""

from __future__ import annotations

import wave
from pathlib import Path

from animagenius.pipeline.domain import VoiceTrack, WordTiming


def silent_track(path: Path, seconds: float, words: tuple[WordTiming, ...] = ()) -> VoiceTrack:
    """A narration track of `seconds` of silence (a 22.05 kHz mono WAV written at `path`) with `words`."""
    with wave.open(str(path), "wb") as silence:
        silence.setnchannels(1)
        silence.setsampwidth(2)
        silence.setframerate(22050)
        silence.writeframes(b"\0\0" * round(22050 * seconds))
    return VoiceTrack(audio=path, words=words, duration_s=seconds)
