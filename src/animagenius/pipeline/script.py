"""The offline script writer: an extractive summary of the document, shaped into timed scenes."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from animagenius.pipeline.domain import Scene, Script, SourceDocument
from animagenius.pipeline.errors import NoContent
from animagenius.pipeline.voice import LEAD_IN_S, PAUSE_AFTER_S

WORDS_PER_MINUTE = 165
MIN_SCENES, MAX_SCENES = 4, 12
SECONDS_PER_SCENE = 10
SCENE_PAUSES_S = LEAD_IN_S + PAUSE_AFTER_S
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
class _Sentence:
    text: str
    block: int
    position: int
    score: float = 0.0


@dataclass
class _Section:
    heading: str | None
    sentences: list[_Sentence] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(sorted((s.score for s in self.sentences), reverse=True)[:3])


def write_script(document: SourceDocument, *, target_duration_s: float) -> Script:
    """Pick the document's most representative sentences and lay them out as 4-12 scenes."""
    sections = _sections(document)
    sentences = [sentence for section in sections for sentence in section.sentences]
    if not sentences:
        raise NoContent("the document has no complete sentences to narrate; add some prose and try again")
    _score(sentences)
    scene_count = max(1, min(_scene_count(target_duration_s), len(sentences)))
    chosen = _fit_sections(sections, scene_count)
    speaking_s = max(target_duration_s * 0.5, target_duration_s - len(chosen) * SCENE_PAUSES_S)
    word_budget = speaking_s * WORDS_PER_MINUTE / 60 / len(chosen)
    scenes = [
        _scene(section, title=document.title if index == 0 else None, word_budget=word_budget)
        for index, section in enumerate(chosen)
    ]
    return Script(title=document.title, target_duration_s=target_duration_s, scenes=tuple(scenes))


def _scene_count(target_duration_s: float) -> int:
    return max(MIN_SCENES, min(MAX_SCENES, round(target_duration_s / SECONDS_PER_SCENE)))


def _sections(document: SourceDocument) -> list[_Section]:
    sections: list[_Section] = [_Section(heading=None)]
    position = 0
    for index, block in enumerate(document.blocks):
        if block.kind == "heading":
            sections.append(_Section(heading=block.text))
            continue
        if block.kind not in _PROSE:
            continue  # tables and figures are shown, not read aloud
        for text in _sentences_of(block.text, is_list_item=block.kind == "list_item"):
            sections[-1].sentences.append(_Sentence(text=text, block=index, position=position))
            position += 1
    return [section for section in sections if section.sentences]


def _sentences_of(text: str, *, is_list_item: bool) -> list[str]:
    text = re.sub(r"\s+", " ", _NOISE.sub("", text)).strip()
    if is_list_item and text and text[-1] not in ".!?":
        text += "."
    return [sentence for sentence in _SENTENCE_SPLIT.split(text) if _narratable(sentence)]


def _narratable(sentence: str) -> bool:
    words = sentence.split()
    if not 3 <= len(words) <= 45 or sentence[-1] not in ".!?":
        return False
    letters = sum(char.isalpha() for char in sentence)
    return letters > 0.6 * len(sentence) and not _DANGLING_REFERENCE.search(sentence)


def _content_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text) if w.lower() not in _STOPWORDS and len(w) > 2]


def _score(sentences: list[_Sentence]) -> None:
    frequency = Counter(word for sentence in sentences for word in set(_content_words(sentence.text)))
    for sentence in sentences:
        words = _content_words(sentence.text)
        if words:
            sentence.score = sum(math.log1p(frequency[w]) for w in words) / math.sqrt(len(words) + 4)


def _fit_sections(sections: list[_Section], scene_count: int) -> list[_Section]:
    """Split long sections or drop weak ones until there is one section per scene, in document order."""
    sections = list(sections)
    while len(sections) < scene_count:
        longest = max(range(len(sections)), key=lambda i: len(sections[i].sentences))
        section = sections[longest]
        if len(section.sentences) < 2:
            break
        half = len(section.sentences) // 2
        sections[longest : longest + 1] = [
            _Section(heading=section.heading, sentences=section.sentences[:half]),
            _Section(heading=section.heading, sentences=section.sentences[half:]),
        ]
    if len(sections) > scene_count:
        keep = {0} | set(sorted(range(1, len(sections)), key=lambda i: -sections[i].score)[: scene_count - 1])
        sections = [section for index, section in enumerate(sections) if index in keep]
    return sections


def _scene(section: _Section, *, title: str | None, word_budget: float) -> Scene:
    picked: list[_Sentence] = []
    words = 0
    for sentence in sorted(section.sentences, key=lambda s: -s.score):
        length = len(sentence.text.split())
        if words + length > word_budget * 1.15:
            continue
        picked.append(sentence)
        words += length
        if words >= word_budget:
            break
    if not picked:  # every sentence is longer than the budget: the shortest one overshoots least
        picked = [min(section.sentences, key=lambda s: len(s.text.split()))]
    picked.sort(key=lambda s: s.position)
    return Scene(
        title=_headline(title or section.heading or picked[0].text),
        bullets=tuple(_bullet(s.text) for s in picked[:3]),
        narration=" ".join(s.text for s in picked),
        source_blocks=tuple(sorted({s.block for s in picked})),
    )


def _headline(text: str, max_words: int = 10) -> str:
    words = text.rstrip(".").split()
    return " ".join(words[:max_words]) + ("…" if len(words) > max_words else "")


def _bullet(sentence: str, max_words: int = 9) -> str:
    clause = re.split(r"[,;:(—–]|\s-\s", sentence)[0].strip().rstrip(".!?")
    return _headline(clause if len(clause.split()) >= 4 else sentence, max_words)
