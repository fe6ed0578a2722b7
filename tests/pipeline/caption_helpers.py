"""Texts to caption and word timings as a steady speaker's voice would report them."""

from __future__ import annotations

from animagenius.pipeline.domain import WordTiming

ZEN = (
    "Beautiful is better than ugly. Explicit is better than implicit. Simple is better than complex. "
    "Complex is better than complicated. Flat is better than nested. Sparse is better than dense. "
    "Special cases aren't special enough to break the rules. Although practicality beats purity."
)


LONG_SENTENCE = (
    "Dynamic languages such as JavaScript, Python, and Ruby are popular since they are expressive, "
    "accessible to non-experts, and make deployment as easy as distributing a source file."
)


PARAGRAPH = (
    "Ada Lovelace wrote the first published program for Charles Babbage's analytical engine in 1843. "
    "She saw that the machine could work with symbols as well as numbers, and she described how it might "
    "compose elaborate pieces of music. "
    f"{LONG_SENTENCE} Yes. "
    "The moon pulls the oceans, and twice a day the water rises and falls along the coast."
)


def evenly_timed(
    text: str, *, start_s: float = 0.0, word_s: float = 0.3, gap_s: float = 0.05
) -> list[WordTiming]:
    """Word timings as a voice would report them, for a steady speaker."""
    words = []
    at = start_s
    for word in text.split():
        words.append(WordTiming(word=word, start_s=round(at, 3), end_s=round(at + word_s, 3)))
        at += word_s + gap_s
    return words
