"""Word timings of known text in speech that came without them (a remote voice, a person's own recording).

The speech is transcribed with word timestamps, and the heard words are matched to the written ones
(difflib on normalised tokens: lower case, letters and digits only). A written word the transcriber heard
takes the heard word's time; when a run of written words was heard as a run of the same length ("3" heard as
"three"), they pair up in order. Any other unmatched run shares the time between its matched neighbours
(or the heard words in that stretch) in proportion to its length in characters: a guess confined to one gap,
never an even split of the whole clip.

Whisper's word times drift at pauses (a sentence's first word may be put a third of a second late), so when
the audio is at hand its pauses correct them: a word heard just after a pause starts where the sound resumes,
and the word before it ends where the sound stopped.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np
import numpy.typing as npt

from animagenius.pipeline.domain import WordTiming
from animagenius.pipeline.errors import ProviderBadOutput
from animagenius.pipeline.media.wav import resampled, wav_write
from animagenius.pipeline.providers.protocols import Transcriber

ASR_SAMPLE_RATE = 16_000
SILENCE = 0.02  # of the peak: quieter samples before the first / after the last sound are not speech
PAUSE_LEVEL = 0.03  # of the loudest 10 ms: quieter frames are silence
MIN_PAUSE_S = 0.1  # shorter silences are inside words (the closure of p, t, k)
FRAME_S = 0.01
MAX_SNAP_S = 0.5  # a heard start further from a pause's end is left alone (a word may have gone unheard)
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def align_speech(
    samples: npt.NDArray[np.float32], sample_rate: int, text: str, *, transcriber: Transcriber
) -> tuple[WordTiming, ...]:
    """The start and end of every written word of `text` in the mono `samples`."""
    with tempfile.TemporaryDirectory(prefix="align-") as folder:
        audio = Path(folder) / "speech.wav"
        wav_write(audio, resampled(samples, sample_rate, ASR_SAMPLE_RATE), ASR_SAMPLE_RATE)
        heard = transcriber.transcribe(audio).words
    span = sound_span_s(samples, sample_rate)
    return align_words(text, heard, span, pauses=pauses_s(samples, sample_rate))


def align_recording(audio: Path, text: str, *, transcriber: Transcriber) -> tuple[WordTiming, ...]:
    """The written words of `text` timed in a recording (any format ffmpeg reads)."""
    transcript = transcriber.transcribe(audio)
    return align_words(text, transcript.words, (0.0, transcript.duration_s))


def align_words(
    text: str,
    heard: Sequence[WordTiming],
    span_s: tuple[float, float],
    *,
    pauses: Sequence[tuple[float, float]] = (),
) -> tuple[WordTiming, ...]:
    """Time the written words of `text` (split at white space, punctuation kept) from timed `heard` words.

    `span_s` is where the sound is: words before the first or after the last match are placed inside it.
    `pauses` (start, end of each silence) correct heard times that drift across a pause.
    Raises ProviderBadOutput when nothing written was heard, since timings would then be pure guesses.
    """
    written = text.split()
    if not written:
        return ()
    start_s, end_s = span_s
    heard = _monotonic(snapped_to_pauses(heard, pauses), start_s, end_s)
    times: list[tuple[float, float] | None] = [None] * len(written)
    matcher = SequenceMatcher(
        None, [_norm(w) for w in written], [_norm(w.word) for w in heard], autojunk=False
    )
    gaps: list[tuple[int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for offset in range(i2 - i1):
                word = heard[j1 + offset]
                times[i1 + offset] = (word.start_s, word.end_s)
        elif tag in ("replace", "delete"):
            gaps.append((i1, i2, j1, j2))
    if all(time is None for time in times):
        raise ProviderBadOutput(
            "the speech could not be aligned to its text: the transcriber heard none of the written words"
        )
    for i1, i2, j1, j2 in gaps:
        before = next((t[1] for t in reversed(times[:i1]) if t is not None), start_s)
        after = next((t[0] for t in times[i2:] if t is not None), end_s)
        if j2 > j1:  # heard, but differently: the heard words' stretch is where they were said
            before, after = max(before, heard[j1].start_s), min(after, heard[j2 - 1].end_s)
        after = max(after, before)
        lengths = [len(word) for word in written[i1:i2]]
        total = sum(lengths)
        position = before
        for index, length in zip(range(i1, i2), lengths, strict=True):
            end = position + (after - position if index == i2 - 1 else (after - before) * length / total)
            times[index] = (position, end)
            position = end
    words: list[WordTiming] = []
    previous_start = start_s
    for token, time in zip(written, times, strict=True):
        assert time is not None
        begin = min(max(time[0], previous_start), end_s)
        words.append(WordTiming(word=token, start_s=begin, end_s=min(max(time[1], begin), end_s)))
        previous_start = begin
    return tuple(words)


def words_heard(text: str, heard: Sequence[WordTiming]) -> list[bool]:
    """For each written word of `text` (split at white space), whether the transcriber heard it as written."""
    written = [_norm(word) for word in text.split()]
    found = [False] * len(written)
    matcher = SequenceMatcher(None, written, [_norm(w.word) for w in heard], autojunk=False)
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            found[block.a + offset] = bool(written[block.a + offset])
    return found


def sound_span_s(samples: npt.NDArray[np.float32], sample_rate: int) -> tuple[float, float]:
    """From the first to the last sample louder than SILENCE of the peak; the whole clip if all is quiet."""
    duration = len(samples) / sample_rate
    if not len(samples):
        return 0.0, 0.0
    level = np.abs(samples)
    loud = np.flatnonzero(level > SILENCE * float(level.max()))
    if not len(loud) or float(level.max()) == 0.0:
        return 0.0, duration
    return float(loud[0]) / sample_rate, min(duration, float(loud[-1] + 1) / sample_rate)


def pauses_s(samples: npt.NDArray[np.float32], sample_rate: int) -> list[tuple[float, float]]:
    """(start, end) of every silence of at least MIN_PAUSE_S, from the loudness of 10 ms frames."""
    hop = max(1, round(sample_rate * FRAME_S))
    count = len(samples) // hop
    if count == 0:
        return []
    frames = samples[: count * hop].reshape(count, hop)
    loudness = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    quiet = loudness < PAUSE_LEVEL * float(loudness.max())
    pauses: list[tuple[float, float]] = []
    first: int | None = None
    for index, silent in enumerate([*quiet.tolist(), False]):
        if silent and first is None:
            first = index
        elif not silent and first is not None:
            if (index - first) * hop / sample_rate >= MIN_PAUSE_S:
                pauses.append((first * hop / sample_rate, index * hop / sample_rate))
            first = None
    return pauses


def snapped_to_pauses(heard: Sequence[WordTiming], pauses: Sequence[tuple[float, float]]) -> list[WordTiming]:
    """A word heard to start inside or shortly after a pause that began after the previous word started
    (or anywhere before the first word), starts where the pause ends; the previous word then ends where the
    pause began."""
    words = list(heard)
    for index, word in enumerate(words):
        previous = words[index - 1] if index else None
        after = [
            (start, end)
            for start, end in pauses
            if (previous is None or previous.start_s < start) and start <= word.start_s
            and end - MAX_SNAP_S <= word.start_s <= end + MAX_SNAP_S
        ]  # fmt: skip
        if not after:
            continue
        pause_start, pause_end = after[-1]
        if pause_end > word.end_s:
            continue
        words[index] = WordTiming(word=word.word, start_s=pause_end, end_s=word.end_s)
        if previous is not None and previous.end_s > pause_start:
            words[index - 1] = WordTiming(
                word=previous.word, start_s=previous.start_s, end_s=max(previous.start_s, pause_start)
            )
    return words


def _monotonic(heard: Sequence[WordTiming], start_s: float, end_s: float) -> list[WordTiming]:
    words: list[WordTiming] = []
    floor = start_s
    for word in heard:
        begin = min(max(word.start_s, floor), end_s)
        words.append(WordTiming(word=word.word, start_s=begin, end_s=min(max(word.end_s, begin), end_s)))
        floor = begin
    return words


def _norm(word: str) -> str:
    return _NOT_WORD.sub("", word.lower())
