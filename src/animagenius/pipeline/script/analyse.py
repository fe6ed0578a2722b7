"""Analysis: sentences ranked by importance, sections, figures and numbers worth showing, language, safety.

The script writers build on this; `animagenius inspect` prints it.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from animagenius.pipeline.domain import (
    Block,
    ChartableNumber,
    Highlight,
    KeyPoint,
    Outline,
    OutlineSection,
    SourceDocument,
)
from animagenius.pipeline.script.language import LANGUAGES

READING_WORDS_PER_MINUTE = 238
KEY_POINTS_PER_SECTION = 3

_PROSE = frozenset({"paragraph", "list_item", "quote", "notes", "transcript"})

# not after an initial or an abbreviation such as "L." in "articles L. 161-15" or "F. Štrba"
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])(?<!\b[A-Z]\.)[\"”’»)]?\s+(?=[\"“(«¿¡]?[A-Z0-9À-ÖØ-Þ])")
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|\[\d+(?:[,–-]\s*\d+)*\]|[∗†‡•▪◦●■]")
_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]")
_STOPWORDS = frozenset(word for phrases in LANGUAGES.values() for word in phrases.function_words)


@dataclass
class Sentence:
    text: str
    block: int
    position: int
    score: float = 0.0
    after_code: bool = False  # the first sentence after a code listing (it may talk about the listing)
    data: bool = False  # said of a table's or chart's numbers, not written in the document


@dataclass
class ProseSection:
    heading: str | None
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(sorted((s.score for s in self.sentences), reverse=True)[:3])


TableNarrator = Callable[[Block], list[str]]
"""Spoken sentences that say what a table's or chart's data shows."""


def _collect(document: SourceDocument, tables: TableNarrator | None) -> list[ProseSection]:
    sections: list[ProseSection] = [ProseSection(heading=None)]
    position = 0
    previous = ""
    for index, block in enumerate(document.blocks):
        if block.kind == "heading":
            sections.append(ProseSection(heading=block.text))
        elif block.kind in _PROSE:
            # bullets and slide text are complete thoughts even without a full stop
            terse = block.kind == "list_item" or block.source.slide is not None
            for number, text in enumerate(_sentences_of(block.text, terse=terse)):
                after_code = previous == "code" and number == 0
                sections[-1].sentences.append(Sentence(text, index, position, after_code=after_code))
                position += 1
        elif block.kind == "table" and tables is not None:  # otherwise tables are shown, not read aloud
            for text in tables(block):
                sections[-1].sentences.append(Sentence(text, index, position, data=True))
                position += 1
        previous = block.kind
    return [section for section in sections if section.sentences]


def _sentences_of(text: str, *, terse: bool) -> list[str]:
    text = re.sub(r"\s+", " ", _NOISE.sub("", text)).strip()
    if terse and text and text[-1] not in ".!?:":  # a colon introduces what follows: not a whole thought
        text += "."
    return [sentence for sentence in split_sentences(text) if _narratable(sentence)]


def split_sentences(text: str) -> list[str]:
    """`text` cut after each ".", "!" or "?" that a capital (or a digit) follows."""
    return [sentence for sentence in _SENTENCE_SPLIT.split(text.strip()) if sentence]


def _narratable(sentence: str) -> bool:
    words = sentence.split()
    if not 3 <= len(words) <= 45 or sentence[-1] not in ".!?":
        return False
    letters = sum(char.isalpha() for char in sentence)
    return letters > 0.6 * len(sentence)


def content_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text) if w.lower() not in _STOPWORDS and len(w) > 2]


def _score(sentences: list[Sentence]) -> None:
    frequency = Counter(word for sentence in sentences for word in set(content_words(sentence.text)))
    for sentence in sentences:
        words = content_words(sentence.text)
        if words:
            sentence.score = sum(math.log1p(frequency[w]) for w in words) / math.sqrt(len(words) + 4)


def prose_sections(document: SourceDocument, *, tables: TableNarrator | None = None) -> list[ProseSection]:
    """The document's narratable sentences grouped under their headings, each scored by importance; with
    `tables`, what each table's data shows is narratable too."""
    sections = _collect(document, tables)
    _score([sentence for section in sections for sentence in section.sentences])
    return sections


def analyse(document: SourceDocument) -> Outline:
    sections = prose_sections(document)
    words = document.word_count
    flagged = _flagged_terms(document)
    return Outline(
        title=document.title,
        language=document_language(document),
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


def document_language(document: SourceDocument) -> str:
    """The language the document states (BCP 47), else the one its text is in; "und" if too short to tell."""
    return document.language if document.language != "und" else detect_language(document)


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
