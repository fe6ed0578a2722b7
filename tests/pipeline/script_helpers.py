"""Reading a script the way a reviewer does: which of its words are the writer's own framing, and which
come from the document."""

from __future__ import annotations

import re

from animagenius.pipeline.script.language import Phrases

_SLOT = re.compile(r"\\\{(\w+)\\\}")
_ELIDABLE = re.compile(r"\b([Qq]u|[DdLl])e\\ (?=\.\+)")  # French "que {subject}" → "qu’Apache"
_SLOTS = {"question": r".+?\?", "items": r".+?", "topic": r".+?", "subject": r".+?"}


def _apostrophes(template: str) -> str:
    return "['’]".join(re.escape(part) for part in template.split("’"))


def framing_patterns(phrases: Phrases) -> list[re.Pattern[str]]:
    """Every phrase the writer may add in this language, as a pattern (its slots match anything)."""
    templates = [
        phrases.check,
        phrases.goals,
        *phrases.what_is,
        *phrases.transitions,
        phrases.recap,
        *phrases.closings.values(),
        phrases.recall,
        phrases.plain_closing,
    ]
    return [
        re.compile(
            _ELIDABLE.sub(r"\1(?:e\\ |['’])", _SLOT.sub(lambda m: _SLOTS[m[1]], _apostrophes(t)))
            + r"(?=\s|$)"
        )
        for t in templates
        if t
    ]


def without_framing(narration: str, phrases: Phrases) -> str:
    """The narration with the writer's framing phrases taken out: what is left is the document's."""
    for pattern in framing_patterns(phrases):
        narration = pattern.sub(" ", narration)
    return re.sub(r"\s+", " ", narration).strip()


def framing_words(narration: str, phrases: Phrases) -> list[str]:
    """The framing phrases found in the narration."""
    return [match[0] for pattern in framing_patterns(phrases) for match in pattern.finditer(narration)]
