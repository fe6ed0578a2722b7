"""Narration: one WAV per scene with word timings, padded with short pauses between scenes."""

from __future__ import annotations

import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np

from animagenius.pipeline.domain import SCENE_LEAD_IN_S, SCENE_PAUSE_S, Scene, VoiceTrack, WordTiming
from animagenius.pipeline.providers.protocols import Voice

LEAD_IN_S = SCENE_LEAD_IN_S
PAUSE_AFTER_S = SCENE_PAUSE_S


def narrate_scene(scene: Scene, *, voice: Voice, out: Path) -> VoiceTrack:
    speech = voice.synthesize(scene.narration)
    rate = speech.sample_rate
    samples = np.concatenate(
        [
            np.zeros(round(LEAD_IN_S * rate), dtype=np.float32),
            speech.samples,
            np.zeros(round(PAUSE_AFTER_S * rate), dtype=np.float32),
        ]
    )
    _write_wav(out, samples, rate)
    words = tuple(
        WordTiming(word=w.word, start_s=w.start_s + LEAD_IN_S, end_s=w.end_s + LEAD_IN_S)
        for w in speech.words
    )
    return VoiceTrack(audio=out, words=words, duration_s=len(samples) / rate)


def narrate(
    scenes: tuple[Scene, ...], *, voice: Voice, workdir: Path, on_fraction: Callable[[float], None]
) -> list[VoiceTrack]:
    tracks = []
    for index, scene in enumerate(scenes):
        tracks.append(narrate_scene(scene, voice=voice, out=workdir / f"scene-{index:02d}.wav"))
        on_fraction((index + 1) / len(scenes))
    return tracks


def _write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
