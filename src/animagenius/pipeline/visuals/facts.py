"""Facts a card can show, read from what a scene says: its key number, or the term it defines.

Both are found in the narration's own sentences, so a card never shows what is not said. A key number is one
that carries a unit, a share, a factor or a year ("343 m", "25 %", "3.2×", "in 2004"), not a list position or
a footnote. A definition is a sentence that opens with a short name followed by "is a/an/the …" (or the same
shape in French, German, Spanish, Italian, Portuguese or Dutch).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý\"“«(])")
_UNITS = (
    r"%|percent|per cent|pour cent|prozent|por ciento|per cento|por cento|procent|×|x|times|fois|mal|"
    r"veces|volte|vezes|keer|km|kilometres?|kilometers?|kilomètres?|kilometer|m|metres?|meters?|"
    r"mètres?|meter|cm|mm|kg|tonnes?|tons?|t|km/h|mph|ms|seconds?|minutes?|hours?|days?|years?|"
    r"ans|jahre|años|anni|anos|jaar|GB|MB|KB|TB|GHz|MHz|W|kW|MW|GW|kWh|°C|°F|€|\$|£|million|billion|"
    r"millions?|milliards?|millionen|milliarden|millones|milioni|milhões|miljoen|users?|people|lines?"
)
_NUMBER = re.compile(
    r"(?P<currency>[€$£])?\s?(?P<value>\d{1,3}(?:[ ,.\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    rf"\s?(?P<unit>{_UNITS})?(?![\w])",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_COPULA = re.compile(
    r"^(?P<term>[^,;:!?]{2,60}?)\s+(?:is|are|was|est|ist|es|è|é|is)\s+"
    r"(?P<article>a|an|the|un|une|le|la|ein|eine|der|die|das|una|uno|el|il|lo|um|uma|o|een|de|het)\s+"
    r"(?P<rest>.+)$",
    re.IGNORECASE,
)
MAX_TERM_WORDS = 6


@dataclass(frozen=True)
class KeyNumber:
    value: str  # as written, with its unit: "343 m", "25 %", "3.2×", "2004"
    label: str  # the words around it that say what it counts
    sentence: str


@dataclass(frozen=True)
class Definition:
    term: str
    definition: str  # the defining clause, as said
    sentence: str


def sentences_of(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE.split(text.strip()) if part.strip()]


def key_number(text: str) -> KeyNumber | None:
    """The first number in `text` with a unit, share or factor; else the first year; None if neither."""
    for sentence in sentences_of(text):
        for match in _NUMBER.finditer(sentence):
            if match["unit"] or match["currency"]:
                value = f"{match['currency'] or ''}{match['value']}{_unit_spacing(match['unit'] or '')}"
                return KeyNumber(value.strip(), _label(sentence, match.start(), match.end()), sentence)
    for sentence in sentences_of(text):
        year = _YEAR.search(sentence)
        if year:
            return KeyNumber(year.group(), _label(sentence, year.start(), year.end()), sentence)
    return None


def definition(text: str) -> Definition | None:
    """The first sentence of `text` that defines a short name: "PDF.js is a viewer built with HTML5."."""
    for sentence in sentences_of(text):
        match = _COPULA.match(sentence)
        if match is None:
            continue
        term = match["term"].strip(' "“”«»')
        if not term or len(term.split()) > MAX_TERM_WORDS or term.lower() in _NOT_TERMS:
            continue
        return Definition(term, f"{match['article']} {match['rest']}", sentence)
    return None


_NOT_TERMS = {
    "it",
    "this",
    "that",
    "there",
    "here",
    "what",
    "which",
    "il",
    "elle",
    "es",
    "er",
    "sie",
    "ce",
    "c'",
}


def _unit_spacing(unit: str) -> str:
    if not unit:
        return ""
    return unit if unit in ("%", "×") or unit.lower() == "x" else f" {unit}"


def _label(sentence: str, start: int, end: int, *, words: int = 7) -> str:
    """The words around a number that say what it counts: those after it in its clause, else those before."""
    clause_ends = sentence[end:].lstrip().startswith((",", ";", ".", ")", ":"))
    after = re.findall(r"[\w'’-]+", re.split(r"[,;:.)]", sentence[end:], maxsplit=1)[0])[:words]
    before = re.findall(r"[\w'’-]+", re.split(r"[,;:(]", sentence[:start])[-1])[-words:]
    chosen = before if clause_ends or len(after) < 2 else after
    while chosen and len(chosen[-1]) <= 3 and chosen[-1].islower():  # "le plus haut à" → "le plus haut"
        chosen = chosen[:-1]
    return " ".join(chosen)
