"""What a phrase book holds: every word the writer adds to a script in one language, and the few rules of that
language it needs to read sentences (function words, words that lean on the sentence before, defining
sentences). The books themselves are in `phrasebook/`, one module a language."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import snowballstemmer

from animagenius.pipeline.domain import ScriptStyle

CI = re.IGNORECASE


@dataclass(frozen=True)
class Phrases:
    code: str
    name: str
    stemmer: str  # snowball's name for the language
    and_word: str
    what_is: tuple[str, str]  # a question about one thing, and about several: "What is {subject}?"
    transitions: tuple[str, str, str]  # the first body scene's, a middle one's, the last one's
    recap: str  # "{items}": the key points, joined
    goals: str  # a lesson's opening: what it teaches
    check: str  # a lesson's question before the recap: "{question}" is a what-is question
    closings: dict[ScriptStyle, str]  # when the document offers no concluding sentence of its own
    titles: dict[str, str]  # on-screen titles of the framing scenes: recap, check, closing
    function_words: frozenset[str]
    leans_back: re.Pattern[str]  # a sentence opening like this needs the one before it
    connective: re.Pattern[str]  # a leading connective that can go when the sentence stands alone
    defining: tuple[re.Pattern[str], ...]  # "X is a …": a sentence that says what something is
    self_introduction: re.Pattern[str]  # "This paper presents …": the document saying what it is
    conclusion_heading: re.Pattern[str]
    generic_heading: re.Pattern[str]  # headings that name no topic ("Introduction")
    these_ideas: str = ""  # what a closing names when the subject has no short name
    recall: str = ""  # a lesson's check question when the document defines nothing
    plain_closing: str = ""  # the closing when there is no conclusion and no short subject
    benefit: re.Pattern[str] = re.compile(r"(?!)")  # a sentence that promises something: a promo's lead
    refers_back: re.Pattern[str] = re.compile(r"(?!)")  # "…that this assumes…": names something said before
    determiners: frozenset[str] = field(default_factory=frozenset)  # words before a noun: "the", "cette"
    articles: frozenset[str] = field(default_factory=frozenset)  # definite: "the", "la", "die"
    elisions: tuple[tuple[re.Pattern[str], str], ...] = ()  # "que Apache" → "qu’Apache", "da le" → "dalle"

    def join(self, items: list[str]) -> str:
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.and_word} {items[-1]}"

    def question(self, subject: str, *, plural: bool) -> str:
        return self.elide(self.what_is[plural].format(subject=subject))

    def elide(self, text: str) -> str:
        for pattern, replacement in self.elisions:
            text = pattern.sub(replacement, text)
        return text

    def stem(self, word: str) -> str:
        return _stemmer(self.stemmer).stemWord(word.lower())


@functools.cache
def _stemmer(name: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(name)


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def opening(words: str) -> re.Pattern[str]:
    return re.compile(rf"^(?:{words})\b", CI)
