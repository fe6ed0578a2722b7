"""What a voice's speech should be (a timing per written word, the preview's length), and a recording of
a voice speaking with pauses."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from animagenius.pipeline.domain import WordTiming, speaking_time_s
from animagenius.pipeline.media.ffmpeg import ffmpeg_exe
from animagenius.pipeline.providers.protocols import Speech, Voice
from animagenius.pipeline.voice.narrate import (
    LEAD_IN_S,
    PAUSE_AFTER_S,
    PREVIEW_TEXT,
)
from animagenius.pipeline.voice.voices import VOICES


def assert_timings_fit(speech: Speech, text: str) -> None:
    written = text.split()
    assert [timing.word for timing in speech.words] == written, "one timing per written word, same order"
    starts = [timing.start_s for timing in speech.words]
    assert starts == sorted(starts), "start times never go backwards"
    for timing in speech.words:
        assert 0.0 <= timing.start_s <= timing.end_s <= speech.duration_s + 1e-3, timing
    for before, after in zip(speech.words, speech.words[1:], strict=False):
        assert before.end_s <= after.start_s + 1e-3, f"{before} overlaps {after}"


def preview_seconds_expected(name: str) -> float:
    """How long the preview sentence should last in this voice: its own pace, lead-in and pause."""
    pace = VOICES.create(name).words_per_minute
    return speaking_time_s(PREVIEW_TEXT, words_per_minute=pace) + LEAD_IN_S + PAUSE_AFTER_S


GAP_S = 0.9  # between the texts of a recording
EDGE_S = 0.4  # before the first and after the last


def speak_with_pauses(voice: Voice, texts: tuple[str, ...], out: Path) -> tuple[float, list[WordTiming]]:
    """`texts` spoken one after another with pauses into an M4A; its length and the words' known times."""
    parts, words, position, rate = [], [], 0.0, 22_050
    for index, text in enumerate(texts):
        speech = voice.synthesize(text)
        rate = speech.sample_rate
        pad = EDGE_S if index == 0 else GAP_S
        parts.append(np.zeros(round(pad * rate), dtype=np.float32))
        position += round(pad * rate) / rate
        words += [WordTiming(word=w.word, start_s=w.start_s + position, end_s=w.end_s + position)
                  for w in speech.words]  # fmt: skip
        parts.append(speech.samples.astype(np.float32))
        position += len(speech.samples) / rate
    parts.append(np.zeros(round(EDGE_S * rate), dtype=np.float32))
    pcm = (np.clip(np.concatenate(parts), -1, 1) * 32767).astype("<i2")
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "-",
         "-c:a", "aac", "-b:a", "96k", "-y", str(out)],
        input=pcm.tobytes(), check=True, timeout=60,
    )  # fmt: skip
    return len(pcm) / rate, words
