"""The offline script writer: an extractive summary of the document, shaped into timed scenes."""

from __future__ import annotations

import re

from animagenius.pipeline.analyse import ProseSection, Sentence, prose_sections
from animagenius.pipeline.domain import Outline, Scene, Script, ScriptRequest, SourceDocument
from animagenius.pipeline.errors import NoContent
from animagenius.pipeline.providers.protocols import WrittenScript
from animagenius.pipeline.voice import LEAD_IN_S, PAUSE_AFTER_S

WORDS_PER_MINUTE = 165
MIN_SCENES, MAX_SCENES = 4, 12
SECONDS_PER_SCENE = 10
SCENE_PAUSES_S = LEAD_IN_S + PAUSE_AFTER_S


class OfflineWriter:
    """Writes from the document alone: always available, deterministic, no network."""

    name = "offline"

    def write(self, document: SourceDocument, outline: Outline, request: ScriptRequest) -> WrittenScript:
        return WrittenScript(script=write_script(document, request=request), writer=self.name)


def write_script(document: SourceDocument, *, request: ScriptRequest) -> Script:
    """Pick the document's most representative sentences and lay them out as 4-12 scenes."""
    target_duration_s = request.target_duration_s
    sections = prose_sections(document)
    sentences = [sentence for section in sections for sentence in section.sentences]
    if not sentences:
        raise NoContent("the document has no complete sentences to narrate; add some prose and try again")
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


def _fit_sections(sections: list[ProseSection], scene_count: int) -> list[ProseSection]:
    """Split long sections or drop weak ones until there is one section per scene, in document order."""
    sections = list(sections)
    while len(sections) < scene_count:
        longest = max(range(len(sections)), key=lambda i: len(sections[i].sentences))
        section = sections[longest]
        if len(section.sentences) < 2:
            break
        half = len(section.sentences) // 2
        sections[longest : longest + 1] = [
            ProseSection(heading=section.heading, sentences=section.sentences[:half]),
            ProseSection(heading=section.heading, sentences=section.sentences[half:]),
        ]
    if len(sections) > scene_count:
        keep = {0} | set(sorted(range(1, len(sections)), key=lambda i: -sections[i].score)[: scene_count - 1])
        sections = [section for index, section in enumerate(sections) if index in keep]
    return sections


def _scene(section: ProseSection, *, title: str | None, word_budget: float) -> Scene:
    picked: list[Sentence] = []
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
