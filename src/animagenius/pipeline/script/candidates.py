"""Sentences the writer may narrate: cleaned for the ear, scored for importance, with the key terms each
one covers.

A sentence's score blends how central it is (TextRank over shared content words), how much of the document's
vocabulary it carries (term frequency), and how many of the document's key terms it names; a section's
opening sentence gets a bonus (it tends to state the point), a long one a penalty (hard to follow by ear).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from animagenius.pipeline.domain import Block, speaking_time_s
from animagenius.pipeline.script.about import ABOUT
from animagenius.pipeline.script.analyse import ProseSection, Sentence, content_words
from animagenius.pipeline.script.clean import spoken, with_its_name
from animagenius.pipeline.script.headings import clean_heading
from animagenius.pipeline.script.language import Phrases
from animagenius.pipeline.script.terms import Term, stems_of

TEXTRANK_CANDIDATES = 400
LONG_SENTENCE_WORDS = 32
OPENING_BONUS, LONG_PENALTY = 1.15, 0.75
DESCRIBED_BONUS = 2.0  # the person wrote it to be said: it comes before the document's own sentences
TERM_SHARE = 0.35  # of a sentence's score, how much comes from the key terms it names


@dataclass(eq=False)
class Candidate:
    sentence: Sentence
    text: str
    seconds: float
    score: float
    section: int
    needs_context: bool
    terms: frozenset[tuple[str, ...]]  # the key terms it names, as stems

    @property
    def block(self) -> int:
        return self.sentence.block


def cleaned(sections: list[ProseSection], phrases: Phrases) -> dict[int, str | None]:
    """Every sentence as the voice would say it (`clean.spoken`), by position; None: not to be said."""
    return {
        s.position: spoken(s.text, phrases, after_code=s.after_code)
        for section in sections
        for s in section.sentences
    }


def candidates(
    sections: list[ProseSection],
    *,
    said: dict[int, str | None],
    blocks: tuple[Block, ...],
    terms: list[Term],
    phrases: Phrases,
    words_per_minute: float,
) -> list[Candidate]:
    """Every sentence worth narrating, scored; `said` is `cleaned(sections, phrases)`. Figure and table
    captions, which PDFs often repeat as paragraphs, describe a picture rather than tell the story: they are
    left out."""
    captions = _captions(blocks)
    sentences = [s for section in sections for s in section.sentences]
    central = _textrank(sentences)
    top_frequency = max((s.score for s in sentences), default=1.0) or 1.0
    heaviest = max((term.weight for term in terms), default=1.0)
    found = []
    for index, section in enumerate(sections):
        if section.heading and _back_matter(section.heading):
            continue
        for rank, sentence in enumerate(section.sentences):
            # what a table shows is said in order: its first sentence introduces the rest
            opens_block = rank == 0 or section.sentences[rank - 1].block != sentence.block
            described = blocks[sentence.block].source == ABOUT  # the person's own words about their files
            if not sentence.data and _is_caption(sentence.text, captions):
                continue
            text = said[sentence.position]
            if text is None:
                continue
            if not opens_block and (
                resolved := with_its_name(text, section.sentences[rank - 1].text, phrases)
            ):
                text = resolved  # "It is developed by Mozilla" → "PDF.js is developed by Mozilla"
            named = stems_of(text, phrases)
            covered = frozenset(term.stems for term in terms if term.stems in named)
            weight = sum(term.weight for term in terms if term.stems in covered) / heaviest
            score = 0.5 * sentence.score / top_frequency + 0.5 * central.get(sentence.position, 0.0)
            score = (1 - TERM_SHARE) * score + TERM_SHARE * min(1.0, weight / 2)
            score *= OPENING_BONUS if rank == 0 else 1.0
            score *= LONG_PENALTY if len(text.split()) > LONG_SENTENCE_WORDS else 1.0
            score *= DESCRIBED_BONUS if described else 1.0
            found.append(
                Candidate(
                    sentence=sentence,
                    text=text,
                    seconds=speaking_time_s(text, words_per_minute=words_per_minute),
                    score=score,
                    section=index,
                    needs_context=(
                        not opens_block if sentence.data else not described and _leans_back(text, phrases)
                    ),
                    terms=covered,
                )
            )
    return found


_CAPTION_LABEL = re.compile(r"^\s*(?:fig(?:ure)?|table|chart|graph)\.?\s*\d+[.:]?\s*", re.I)


def _captions(blocks: tuple[Block, ...]) -> list[str]:
    """The figures' and tables' captions without their "Figure 13." label, one line each."""
    lines = (line for block in blocks if block.kind in ("figure", "table") for line in block.text.split("\n"))
    return [caption for line in lines if len((caption := _CAPTION_LABEL.sub("", line)).split()) >= 4]


def _is_caption(sentence: str, captions: list[str]) -> bool:
    """A caption, or a paragraph that starts with one (PDFs print the caption beside the table's cells)."""
    return any(sentence in caption or sentence.startswith(caption.rstrip(".")) for caption in captions)


def _leans_back(text: str, phrases: Phrases) -> bool:
    """ "It also…", "These cases…": the sentence needs the one before it, unless it introduces the document
    itself ("This paper presents…")."""
    if phrases.self_introduction.match(text):
        return False
    return bool(phrases.leans_back.match(text) or phrases.refers_back.search(text))


_BACK_MATTER_WORDS = (
    "copyright", "references", "bibliography", "acknowledgements", "acknowledgments", "acknowledgement",
    "licence", "license", "footnotes", "notes", "see also", "appendix", "external links", "further reading",
    "bibliographie", "références", "remerciements", "literatur", "literaturverzeichnis", "danksagung",
    "referencias", "bibliografía", "agradecimientos", "riferimenti", "bibliografia", "ringraziamenti",
    "referências", "agradecimentos", "referenties", "literatuur", "dankwoord",
)  # fmt: skip


def _back_matter(heading: str) -> bool:
    words = clean_heading(heading).lower()
    return words in _BACK_MATTER_WORDS or words.startswith("appendix")


def _textrank(sentences: list[Sentence], *, damping: float = 0.85, rounds: int = 30) -> dict[int, float]:
    """Centrality of each sentence (by position) in the graph of shared content words, scaled to 0..1."""
    pool = sorted(sentences, key=lambda s: -s.score)[:TEXTRANK_CANDIDATES]
    words = [set(content_words(s.text)) for s in pool]
    edges: list[list[tuple[int, float]]] = [[] for _ in pool]
    for i in range(len(pool)):
        for j in range(i + 1, len(pool)):
            shared = len(words[i] & words[j])
            if shared:
                weight = shared / (math.log(len(words[i]) + 2) + math.log(len(words[j]) + 2))
                edges[i].append((j, weight))
                edges[j].append((i, weight))
    totals = [sum(weight for _, weight in links) or 1.0 for links in edges]
    rank = [1.0] * len(pool)
    for _ in range(rounds):
        rank = [
            (1 - damping) + damping * sum(rank[j] * weight / totals[j] for j, weight in edges[i])
            for i in range(len(pool))
        ]
    top = max(rank, default=1.0) or 1.0
    return {sentence.position: value / top for sentence, value in zip(pool, rank, strict=True)}
