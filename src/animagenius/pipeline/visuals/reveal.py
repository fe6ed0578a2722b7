"""When each item of a scene appears: as the voice reaches it.

A visual names its reveal steps by the words that bring each in (a bullet's key phrase, a chart's category,
a list item). Each is found in the scene's timed words, in order, after the step before; a step the
narration never says is placed evenly between the steps around it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from animagenius.pipeline.domain import WordTiming

_CUE_WORDS = 2  # a cue is recognised by its first two telling words
_STEM = 4  # letters two forms of a word share at least ("trace", "tracing")
_SHORTEST = 3  # shorter words ("a", "of", "the") do not tell one cue from another, unless they are numbers


def reveal_times(cues: Sequence[str], words: Sequence[WordTiming], *, duration_s: float) -> list[float]:
    """Seconds into the scene at which each cue is said (the start of its first telling word)."""
    spoken = [_plain(word.word) for word in words]
    found: list[float | None] = []
    position = 0
    for cue in cues:
        telling = _telling(cue)
        at = _find(telling, spoken, start=position) if telling else None
        if at is None:
            found.append(None)
            continue
        found.append(words[at].start_s)
        position = at + 1
    return _filled(found, start_s=words[0].start_s if words else 0.0, end_s=_speech_end(words, duration_s))


def _telling(cue: str) -> list[str]:
    """The cue's first telling words, each as the voice's words are compared ("PDF.js" → "pdfjs")."""
    tokens = [_plain(token) for token in cue.split()]
    return [token for token in tokens if len(token) >= _SHORTEST or token.isdigit()][:_CUE_WORDS]


def _find(telling: Sequence[str], spoken: Sequence[str], *, start: int) -> int | None:
    """The first spoken word from `start` that matches the cue's first telling word, preferring one followed
    closely by its second."""
    first = [index for index in range(start, len(spoken)) if _same(telling[0], spoken[index])]
    if len(telling) > 1:
        for index in first:
            if any(_same(telling[1], word) for word in spoken[index + 1 : index + 4]):
                return index
    return first[0] if first else None


def _same(cue_word: str, spoken: str) -> bool:
    """Equal, or sharing a stem (a bullet says "caches", the voice "caching")."""
    if cue_word == spoken:
        return True
    shared = next(
        (at for at, (a, b) in enumerate(zip(cue_word, spoken, strict=False)) if a != b),
        min(len(cue_word), len(spoken)),
    )
    return shared >= _STEM and shared >= min(len(cue_word), len(spoken)) - 2


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in folded if char.isalnum())


def _speech_end(words: Sequence[WordTiming], duration_s: float) -> float:
    return words[-1].end_s if words else duration_s


def _filled(found: Sequence[float | None], *, start_s: float, end_s: float) -> list[float]:
    """`found` with each gap spaced evenly between the known times around it, never going back in time."""
    times: list[float] = []
    index = 0
    while index < len(found):
        known = found[index]
        if known is not None:
            times.append(max(known, times[-1] if times else start_s))
            index += 1
            continue
        gap_end = index
        while gap_end < len(found) and found[gap_end] is None:
            gap_end += 1
        before = times[-1] if times else start_s
        after = found[gap_end] if gap_end < len(found) else end_s
        after = max(before, after if after is not None else end_s)
        steps = gap_end - index + 1
        times += [before + (after - before) * step / steps for step in range(1, steps)]
        index = gap_end
    return times
