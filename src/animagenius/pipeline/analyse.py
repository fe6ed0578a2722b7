"""Analysis: sentences ranked by importance, sections, figures and numbers worth showing, language, safety.

The script writers build on this; `animagenius inspect` prints it.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from animagenius.pipeline.domain import (
    ChartableNumber,
    Highlight,
    KeyPoint,
    Outline,
    OutlineSection,
    SourceDocument,
)

READING_WORDS_PER_MINUTE = 238
KEY_POINTS_PER_SECTION = 3

_PROSE = frozenset({"paragraph", "list_item", "quote", "notes", "transcript"})

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9])")
_DANGLING_REFERENCE = re.compile(r"\b(?:fig(?:ure)?s?\.?|table|section|listing|equation|eq\.)\s*\(?\d", re.I)
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|\[\d+(?:[,–-]\s*\d+)*\]|[∗†‡•▪◦●■]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
_STOPWORDS = frozenset(
    """
    a about above after again all also an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he
    her here hers him his how i if in into is it its itself just me more most my no nor not now of off
    on once only or other our ours out over own same she should so some such than that the their theirs
    them then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours one two may might must shall us
    """.split()  # noqa: SIM905 - a word list reads best as text
)


@dataclass
class Sentence:
    text: str
    block: int
    position: int
    score: float = 0.0


@dataclass
class ProseSection:
    heading: str | None
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(sorted((s.score for s in self.sentences), reverse=True)[:3])


def _collect(document: SourceDocument) -> list[ProseSection]:
    sections: list[ProseSection] = [ProseSection(heading=None)]
    position = 0
    for index, block in enumerate(document.blocks):
        if block.kind == "heading":
            sections.append(ProseSection(heading=block.text))
            continue
        if block.kind not in _PROSE:
            continue  # tables and figures are shown, not read aloud
        # bullets and slide text are complete thoughts even without a full stop
        terse = block.kind == "list_item" or block.source.slide is not None
        for text in _sentences_of(block.text, terse=terse):
            sections[-1].sentences.append(Sentence(text=text, block=index, position=position))
            position += 1
    return [section for section in sections if section.sentences]


def _sentences_of(text: str, *, terse: bool) -> list[str]:
    text = re.sub(r"\s+", " ", _NOISE.sub("", text)).strip()
    if terse and text and text[-1] not in ".!?:":  # a colon introduces what follows: not a whole thought
        text += "."
    return [sentence for sentence in _SENTENCE_SPLIT.split(text) if _narratable(sentence)]


def _narratable(sentence: str) -> bool:
    words = sentence.split()
    if not 3 <= len(words) <= 45 or sentence[-1] not in ".!?":
        return False
    letters = sum(char.isalpha() for char in sentence)
    return letters > 0.6 * len(sentence) and not _DANGLING_REFERENCE.search(sentence)


def content_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text) if w.lower() not in _STOPWORDS and len(w) > 2]


def _score(sentences: list[Sentence]) -> None:
    frequency = Counter(word for sentence in sentences for word in set(content_words(sentence.text)))
    for sentence in sentences:
        words = content_words(sentence.text)
        if words:
            sentence.score = sum(math.log1p(frequency[w]) for w in words) / math.sqrt(len(words) + 4)


def prose_sections(document: SourceDocument) -> list[ProseSection]:
    """The document's narratable sentences grouped under their headings, each scored by importance."""
    sections = _collect(document)
    _score([sentence for section in sections for sentence in section.sentences])
    return sections


def analyse(document: SourceDocument) -> Outline:
    sections = prose_sections(document)
    words = document.word_count
    flagged = _flagged_terms(document)
    return Outline(
        title=document.title,
        language=document.language if document.language != "und" else detect_language(document),
        sections=tuple(_outline_section(section) for section in sections),
        highlights=tuple(_highlights(document)),
        numbers=tuple(_chartable_numbers(sections)),
        word_count=words,
        reading_time_s=round(words / READING_WORDS_PER_MINUTE * 60, 1),
        needs_review=bool(flagged or document.unreadable_pages),
        flagged_terms=flagged,
        unreadable_pages=document.unreadable_pages,
    )


def _outline_section(section: ProseSection) -> OutlineSection:
    ranked = sorted(section.sentences, key=lambda s: -s.score)[:KEY_POINTS_PER_SECTION]
    return OutlineSection(
        heading=section.heading,
        blocks=tuple(sorted({s.block for s in section.sentences})),
        key_points=tuple(KeyPoint(text=s.text, score=round(s.score, 3), block=s.block) for s in ranked),
    )


def _highlights(document: SourceDocument) -> list[Highlight]:
    found = []
    for index, block in enumerate(document.blocks):
        if block.kind == "table" and len(block.rows) >= 2:
            numeric = sum(_NUMBER.fullmatch(cell.strip()) is not None for row in block.rows for cell in row)
            why = "a table with numbers that can be charted" if numeric >= 2 else "a table that summarises"
            found.append(Highlight(block=index, kind="table", why=why))
        elif block.kind == "figure":
            why = "a figure with a caption" if block.text.strip() else "a picture from the source"
            found.append(Highlight(block=index, kind="figure", why=why))
    return found


_NUMBER = re.compile(r"[-+]?\$?\d[\d,]*(?:\.\d+)?\s*(?:%|percent|x|×|ms|s|MB|GB|KB|million|billion)?")
_QUANTITY = re.compile(
    r"(?P<value>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>%|percent|x\b|×|times|ms\b|seconds|MB\b|GB\b|million|billion)",
    re.I,
)


def _chartable_numbers(sections: list[ProseSection]) -> list[ChartableNumber]:
    """Sentences stating two or more quantities of the same unit: candidates for a bar chart."""
    found = []
    for section in sections:
        for sentence in section.sentences:
            quantities = [
                (m.group("value"), m.group("unit").lower()) for m in _QUANTITY.finditer(sentence.text)
            ]
            units = Counter(unit for _, unit in quantities)
            if units and units.most_common(1)[0][1] >= 2:
                unit = units.most_common(1)[0][0]
                values = tuple(float(v.replace(",", "")) for v, u in quantities if u == unit)
                found.append(
                    ChartableNumber(text=sentence.text, values=values, unit=unit, block=sentence.block)
                )
    return found


@functools.cache
def _language_model() -> object:
    import py3langid

    return py3langid


def detect_language(document: SourceDocument) -> str:
    return language_of(" ".join(block.text for block in document.blocks if block.kind != "table"))


def language_of(text: str) -> str:
    """The ISO 639-1 code of the text's language (py3langid), 'und' for fewer than three words."""
    sample = text[:20_000]
    if len(sample.split()) < 3:
        return "und"
    code, _ = _language_model().classify(sample)  # type: ignore[attr-defined]
    return str(code)


# a plain word list: enough to route a project to the moderation queue, not to judge it
_REVIEW_TERMS = frozenset(
    """
    porn pornographic nude nudity sex sexual rape terrorist terrorism bomb-making suicide self-harm
    genocide nazi heroin cocaine meth methamphetamine kill murder massacre beheading
    """.split()  # noqa: SIM905
)


def _flagged_terms(document: SourceDocument) -> tuple[str, ...]:
    words = {w.lower() for block in document.blocks for w in _WORD.findall(block.text)}
    return tuple(sorted(words & _REVIEW_TERMS))
