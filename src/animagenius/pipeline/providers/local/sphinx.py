"""Forced alignment of known words with pocketsphinx (the CMU en-us acoustic model ships in its wheel).

Whisper knows what was said but places word starts loosely: its times come from attention weights and run
about ±0.1 s off. Given the same words, an HMM aligner puts each on the 10 ms frame where its sounds begin.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 16_000
FRAMES_PER_S = 100
FILLER = "[SPEECH]"  # stands for a word the dictionary lacks: some speech, of any sounds
_EDGES = re.compile(r"^[^\w']+|[^\w']+$")
_SILENCES = frozenset({"<s>", "</s>", "<sil>"})
_lock = threading.Lock()


@functools.cache
def _decoder() -> Any:
    from pocketsphinx import Decoder  # type: ignore[import-untyped]

    return Decoder(samprate=SAMPLE_RATE, bestpath=False, loglevel="FATAL")


def word_starts(pcm: npt.NDArray[np.int16], words: Sequence[str]) -> list[float | None]:
    """Where each of `words` starts in `pcm` (16 kHz mono), in seconds; None where the aligner cannot tell:
    a word its dictionary lacks, or every word when the speech does not fit the words at all."""
    with _lock:  # one decoder per process, and it keeps state between calls
        decoder = _decoder()
        tokens = [
            (index, part) for index, word in enumerate(words) for part in _dictionary_words(decoder, word)
        ]
        if not tokens:
            return [None] * len(words)
        decoder.set_align_text(" ".join(part for _, part in tokens))
        decoder.start_utt()
        decoder.process_raw(pcm.astype("<i2").tobytes(), full_utt=True)
        decoder.end_utt()
        segments = [segment for segment in decoder.seg() or () if segment.word not in _SILENCES]
    starts: list[float | None] = [None] * len(words)
    if len(segments) != len(tokens):
        return starts
    for (index, part), segment in zip(tokens, segments, strict=True):
        if starts[index] is None and part != FILLER:
            starts[index] = segment.start_frame / FRAMES_PER_S
    return starts


def _dictionary_words(decoder: Any, word: str) -> list[str]:
    """The dictionary words of `word` ("forty-five": forty, five), or the filler if one is missing."""
    parts = [_EDGES.sub("", part.lower()) for part in word.replace("-", " ").split()]
    parts = [part for part in parts if part]
    if not parts:
        return []
    if all(decoder.lookup_word(part) is not None for part in parts):
        return parts
    return [FILLER]
