"""The phrase books of the languages the writer writes in, and how to find the one for a document.

A language without a book is written in English words around the source's own sentences, and the job says so.
"""

from __future__ import annotations

from animagenius.pipeline.script.phrasebook import de, en, es, fr, it, nl, pt
from animagenius.pipeline.script.phrases import Phrases

LANGUAGES: dict[str, Phrases] = {book.PHRASES.code: book.PHRASES for book in (en, fr, de, es, it, pt, nl)}
DEFAULT = en.PHRASES

__all__ = ["DEFAULT", "LANGUAGES", "Phrases", "phrases_for"]


def phrases_for(language: str) -> Phrases:
    """The phrase book of a BCP 47 language ("fr", "fr-CA"); English for a language without one."""
    return LANGUAGES.get(language.split("-")[0].lower(), DEFAULT)
