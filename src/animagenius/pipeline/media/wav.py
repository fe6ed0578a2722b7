"""16-bit PCM WAV files of float samples in [-1, 1], as the voices, the aligner and the music pass them."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt


def wav_write(path: Path, samples: npt.NDArray[np.floating], rate: int) -> None:
    """`samples` (frames, or frames × channels) as 16-bit PCM, clipped to full scale."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1 if pcm.ndim == 1 else pcm.shape[1])
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(pcm.tobytes())


def wav_read_mono(path: Path) -> npt.NDArray[np.float32]:
    """The samples of a 16-bit mono WAV as float32."""
    with wave.open(str(path), "rb") as reader:
        frames = reader.readframes(reader.getnframes())
    return (np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0).astype(np.float32)


def resampled(samples: npt.NDArray[np.float32], rate: int, to_rate: int) -> npt.NDArray[np.float32]:
    """Linear resampling: enough for a transcriber's or an aligner's ears, not for the finished sound."""
    if rate == to_rate or not len(samples):
        return samples
    count = max(1, round(len(samples) * to_rate / rate))
    positions = np.arange(count) * (rate / to_rate)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)
