"""Cues for a visual's reveal steps: the phrase of the narration whose being spoken shows the next part.

A renderer that builds up in steps (`stage`) says, with its `<kind>_reveals(scene, shown, document)`, one
cue per step; the timing of the narration's words turns each cue into a time.
"""

from __future__ import annotations

import re

from animagenius.pipeline.script.language import LANGUAGES

CUE_WORDS = 4
_WORD = re.compile(r"\w+", re.UNICODE)
_SMALL_WORDS = frozenset(word for phrases in LANGUAGES.values() for word in phrases.function_words)


def content_words(text: str) -> set[str]:
    return {word for word in _folded_words(text) if word not in _SMALL_WORDS and len(word) > 1}


def cue_in(narration: str, text: str, *, after: int = 0) -> tuple[str, int]:
    """The first few words of `narration`, from word `after` on, that speak about `text` (most of its
    content words), and the position of the word after them; `text`'s own first words when the narration
    never does, and the narration's position unchanged."""
    spoken = narration.split()
    wanted = content_words(text)
    best: tuple[int, int] | None = None  # (shared words, start)
    for start in range(after, len(spoken)):
        window = spoken[start : start + CUE_WORDS]
        shared = sum(word in wanted for word in _folded_words(" ".join(window)))
        if shared and _folded_words(window[0])[:1] and _folded_words(window[0])[0] in wanted:
            if best is None or shared > best[0]:
                best = (shared, start)
            if shared >= min(2, len(wanted)):
                break
    if best is None:
        return " ".join(text.split()[:CUE_WORDS]), after
    start = best[1]
    window = spoken[start : start + CUE_WORDS]
    for position, word in enumerate(window[:-1]):
        if word.endswith((".", "!", "?", ";", ":")):  # a cue never runs on into the next sentence
            window = window[: position + 1]
            break
    while len(window) > 1 and _folded_words(window[-1]) and _folded_words(window[-1])[-1] in _SMALL_WORDS:
        window = window[:-1]
    return " ".join(window).strip(" ,;:.!?"), start + len(window)


def _folded_words(text: str) -> list[str]:
    return [word.casefold() for word in _WORD.findall(text)]
