"""On-screen bullets: the key terms a scene names, as the document writes them, never a clause cut in two.

A bullet is one of the document's key terms (a word or short phrase it repeats: a noun phrase in practice)
that the scene's narration says, or a name, acronym or number-bearing term; never the scene's title again,
never an everyday word alone ("Code"), never a run of words that ends in a verb ("Andreas Gal launched").
"""

from __future__ import annotations

import re

from animagenius.pipeline.script.language import Phrases
from animagenius.pipeline.script.terms import Term, common, zipf

MAX_BULLETS = 3
MAX_BULLET_WORDS = 5
MAX_BULLET_CHARS = 36

_VERB_TAIL = re.compile(r"(?:ed|ing)$")


def bullets(narration: str, *, title: str, terms: list[Term], phrases: Phrases) -> tuple[str, ...]:
    """Up to three key terms of `narration`, in the order it says them, as it says them."""
    lowered = narration.lower()
    chosen: list[tuple[int, str]] = []
    for term in terms:
        if not _said_as_written(term.text, lowered) or not complete(term.text, phrases):
            continue
        verb_like = not term.nominal or (phrases.code == "en" and _VERB_TAIL.search(term.text.lower()))
        if term.words == 1 and not _name_like(term.text) and verb_like:
            continue  # "Generate", "Containing": a verb or a participle, not a thing
        text = _upper_first(term.text)
        if _overlaps(text, [title, *(c for _, c in chosen)]):
            continue
        where = lowered.find(term.text.lower().split()[0])
        chosen.append((where if where >= 0 else len(lowered), text))
        if len(chosen) == MAX_BULLETS:
            break
    return tuple(text for _, text in sorted(chosen))


def complete(phrase: str, phrases: Phrases, *, opening_article: bool = False) -> bool:
    """A phrase that reads as a whole on a slide: short, not an everyday word alone, not starting (but with
    `opening_article`, on an article: "The meaning of annotations") or ending on a function word, and (in
    English) not a subject followed by its verb."""
    words = phrase.split()
    if not words or len(words) > MAX_BULLET_WORDS or len(phrase) > MAX_BULLET_CHARS:
        return False
    first = words[0].lower()
    if first in phrases.function_words and not (opening_article and first in phrases.determiners):
        return False
    if words[-1].lower() in phrases.function_words:
        return False
    if len(words) == 1:
        return _name_like(words[0]) or not common(words[0], phrases.code)
    if phrases.code == "en" and _adverb(words[-1].lower()):
        return False  # "the reef safely"
    if phrases.code == "en" and _VERB_TAIL.search(words[-1].lower()):
        before = words[-2]
        return not (words[-1].lower().endswith("ed") or before.endswith("s") or before.istitle())
    return True


def _adverb(word: str) -> bool:
    """ "safely" (from "safe"), not "family" or "supply"."""
    return word.endswith("ly") and len(word) > 4 and _known(word[:-2])


def _known(word: str) -> bool:
    return zipf(word, "en") >= 3.0


def _said_as_written(text: str, narration: str) -> bool:
    """The narration says the term in the very form the bullet would show ("annotated" is not
    "Annotation")."""
    return re.search(rf"(?<![\w-]){re.escape(text.lower())}(?![\w-])", narration) is not None


def _name_like(word: str) -> bool:
    """An acronym, a name with inner capitals or a technical token: "LIR", "TraceMonkey", "PDF.js", "HTML5"
    (not a hyphenated word such as "au-dessus")."""
    return any(ch.isupper() for ch in word[1:]) or any(not ch.isalpha() and ch not in "-'’" for ch in word)


def _overlaps(text: str, others: list[str]) -> bool:
    low = text.lower()
    return any(low in other.lower() or other.lower() in low for other in others if other)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]
