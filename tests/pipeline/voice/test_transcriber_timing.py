"""Word starts from the transcriber: Whisper's words, forced-aligned by pocketsphinx, snapped to pauses.

The speech is Piper's, whose word times are known from its own phoneme durations; the transcriber sees only
the sound (an AAC file, as a person's recording would be: a kept one, tests/pipeline/data/tides-recording).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

import numpy as np
import pytest

from animagenius.pipeline.domain import WordTiming
from animagenius.pipeline.media.wav import resampled
from animagenius.pipeline.providers.local.sphinx import word_starts
from animagenius.pipeline.providers.local.whisper import WhisperTranscriber
from animagenius.pipeline.providers.protocols import Speech
from tests.pipeline.media_helpers import kept_recording, steady_voice

SENTENCES = (
    "The moon pulls the oceans, and twice a day the water rises and falls along the coast.",
    "Spring tides are the largest of the month.",
    "Neap tides, a week later, are the smallest.",
)


def _comparable(word: str) -> str:
    return re.sub(r"[^a-z0-9]", "", word.lower())


def start_errors(known: list[WordTiming], heard: list[WordTiming]) -> list[float]:
    """|heard start − known start| of every word both share, paired in order."""
    a, b = [_comparable(w.word) for w in known], [_comparable(w.word) for w in heard]
    errors = []
    for block in SequenceMatcher(a=a, b=b, autojunk=False).get_matching_blocks():
        errors += [abs(heard[block.b + k].start_s - known[block.a + k].start_s) for k in range(block.size)]
    return errors


UNKNOWN_WORD = "The zorblaxian tide rises twice a day, and the moon pulls it."


@pytest.fixture(scope="module")
def readings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Speech]:
    """Piper's readings of the sentences these tests align, the same on every run (over 40 random readings
    of the first, the worst word was 0.17 s off, near the 0.2 s bound)."""
    voice = steady_voice(tmp_path_factory.mktemp("voice"))
    return {text: voice.synthesize(text) for text in (SENTENCES[0], UNKNOWN_WORD)}


def _pcm16k(speech: Speech) -> tuple[np.ndarray, tuple[WordTiming, ...]]:
    samples = resampled(speech.samples.astype(np.float32), speech.sample_rate, 16_000)
    return (np.clip(samples, -1, 1) * 32767).astype(np.int16), speech.words


def test_forced_alignment_puts_each_known_word_where_it_is_said(readings: dict[str, Speech]) -> None:
    pcm, words = _pcm16k(readings[SENTENCES[0]])

    starts = word_starts(pcm, [w.word for w in words])

    errors = [abs(found - w.start_s) for found, w in zip(starts, words, strict=True) if found is not None]
    assert len(errors) == len(words), "every word of the sentence is in the dictionary"
    assert float(np.median(errors)) <= 0.08, errors
    assert max(errors) <= 0.2, errors


def test_a_word_the_dictionary_lacks_has_no_start_and_the_others_keep_theirs(
    readings: dict[str, Speech],
) -> None:
    pcm, words = _pcm16k(readings[UNKNOWN_WORD])

    starts = word_starts(pcm, [w.word for w in words])

    assert starts[1] is None
    errors = [abs(found - w.start_s) for found, w in zip(starts, words, strict=True) if found is not None]
    assert len(errors) == len(words) - 1
    assert float(np.median(errors)) <= 0.08, errors


def test_sound_that_is_not_the_words_gives_no_starts() -> None:
    noise = (np.random.default_rng(7).normal(0, 3000, 16_000 * 2)).astype(np.int16)

    assert word_starts(noise, ["twice", "a", "day"]) == [None, None, None]


@pytest.mark.slow
def test_transcribed_word_starts_are_on_the_words_after_pauses_too() -> None:
    recording, _, known = kept_recording("tides-recording")  # SENTENCES + NARRATIONS, read with pauses
    transcriber = WhisperTranscriber.default()

    aligned = start_errors(known, list(transcriber.transcribe(recording).words))

    assert len(aligned) >= 0.9 * len(known)
    assert float(np.median(aligned)) <= 0.08, aligned  # the caption bars of bench/voice.py
    assert float(np.percentile(aligned, 95)) <= 0.2, aligned
