"""Reading a list of the source as a diagram: which items belong to it, what kind of diagram it is (steps,
a timeline or a comparison), and each item's key phrase and date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from animagenius.pipeline.domain import Block, SourceDocument

DiagramKind = Literal["steps", "timeline", "comparison"]
MAX_ITEMS = 6
MAX_PHRASE_WORDS = 6

_MONTH_WORDS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_MONTHS = _MONTH_WORDS.split()
_MONTH_NUMBER = {name: (index % 12) + 1 for index, name in enumerate(_MONTHS[:12])} | dict(
    zip(_MONTHS[12:], (1, 2, 3, 4, 6, 7, 8, 9, 9, 10, 11, 12), strict=True)
)
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?:1[0-9]{3}|20[0-9]{2})s?"
DATE = re.compile(
    rf"\b(?:(?P<iso>{_YEAR}-[01][0-9](?:-[0-3][0-9])?)"
    rf"|(?:(?P<day>[0-3]?[0-9])\s+)?(?P<month>{_MONTH})\s+(?:(?P<day2>[0-3]?[0-9]),?\s+)?(?P<year>{_YEAR})"
    rf"|(?P<bare>{_YEAR}))\b",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^\s*(?:step\s+)?(?:\d{1,2}|[a-z])[.)]\s+|^\s*step\s+\d+\b", re.IGNORECASE)
_ORDINALS = (
    "first", "firstly", "second", "secondly", "third", "thirdly", "then", "next", "finally", "lastly",
    "after", "afterwards", "before", "once", "now", "start", "begin", "last",
)  # fmt: skip
_IMPERATIVES_WORDS = (
    "add adjust apply ask avoid build buy call change check choose click close collect combine compare "
    "configure connect copy create cut decide define delete deploy describe download drag draw drink enable "
    "enter fill find fix follow gather get give go heat identify import insert install keep label let list "
    "load log make mark measure mix move note open order pay pick place plan plug pour prepare press print "
    "put read record register remove repeat replace review run save scan schedule select send set share "
    "sign sort start stir stop submit switch take tap test tighten turn type unplug update upload use "
    "verify visit wait wash watch write"
)
_IMPERATIVES = frozenset(_IMPERATIVES_WORDS.split())
_CONTRAST = re.compile(r"\b(?:vs\.?|versus|compared (?:with|to)|whereas|unlike|in contrast)\b", re.IGNORECASE)
_CONTRAST_HEADING = re.compile(
    r"\b(?:vs\.?|versus|compared?|comparison|comparing|differences?|pros and cons)\b", re.IGNORECASE
)
_LABEL = re.compile(r"^\s*(?P<label>[^:.;!?]{1,40}?)\s*[:–—]\s+(?P<rest>\S.*)$")
_PHRASE_END = re.compile(r"(?<=\w)[.;!?](?:\s|$)|\s[–—]\s|\s\(")
_TRAILING_SMALL_WORDS = (
    "a an and are as at by for from in into is of on or so than that the their to was were which with "
    "while its this these those though although because when if even but whether where until unless "
    "der die das und von zu mit auf für den dem des ein eine im le la les de des et el y il e di i che del "
    "della dei per con un una da al"
)
_TRAILING_SMALL = frozenset(_TRAILING_SMALL_WORDS.split())


@dataclass(frozen=True)
class Item:
    """One list item as a diagram shows it: its key phrase, the label before a colon, and its date."""

    text: str
    phrase: str
    label: str = ""
    date: str = ""
    when: tuple[int, int, int] = (0, 0, 0)  # year, month, day, for ordering a timeline


def diagram_items(document: SourceDocument | None, index: int | None) -> tuple[Block, ...]:
    """The run of list items a diagram shows: the block at `index` and the list items right after it at the
    same level, at most MAX_ITEMS; none when that block is not a list item."""
    if document is None or index is None or not 0 <= index < len(document.blocks):
        return ()
    first = document.blocks[index]
    if first.kind != "list_item":
        return ()
    run = [first]
    for block in document.blocks[index + 1 :]:
        if len(run) == MAX_ITEMS or block.kind != "list_item" or block.source.file != first.source.file:
            break
        if block.level == first.level:
            run.append(block)
        elif block.level < first.level:
            break
    return tuple(run)


def heading_before(document: SourceDocument | None, index: int | None) -> str:
    if document is None or index is None:
        return ""
    for block in reversed(document.blocks[:index]):
        if block.kind == "heading":
            return block.text
    return ""


def diagram_kind(items: Sequence[str], heading: str = "") -> DiagramKind:
    """What a list is: a timeline when every item is dated, a comparison of two or three items that
    contrast or are labelled (or listed under a heading that compares), else steps."""
    if len(items) >= 2 and all(DATE.search(item) for item in items):
        return "timeline"
    if _reads_as_steps(items):
        return "steps"
    if 2 <= len(items) <= 3 and (
        any(_CONTRAST.search(item) for item in items)
        or all(_LABEL.match(item) for item in items)
        or _CONTRAST_HEADING.search(heading)
    ):
        return "comparison"
    return "steps"


def _reads_as_steps(items: Sequence[str]) -> bool:
    """Numbered, or most items start with an ordinal word or a verb in the imperative."""
    if any(_NUMBERED.match(item) for item in items):
        return True
    openings = [(re.findall(r"[A-Za-z]+", item)[:1] or [""])[0].casefold() for item in items]
    procedural = sum(word in _ORDINALS or word in _IMPERATIVES for word in openings)
    return procedural * 2 > len(items)


def read_items(texts: Sequence[str], kind: DiagramKind) -> tuple[Item, ...]:
    """Each item's key phrase (and label, and date for a timeline); a timeline in the order of its dates."""
    items = tuple(_item(text, kind) for text in texts)
    if kind == "timeline":
        return tuple(sorted(items, key=lambda item: item.when))
    return items


def _item(text: str, kind: DiagramKind) -> Item:
    text = _NUMBERED.sub("", " ".join(text.split()))
    label, rest = "", text
    if (labelled := _LABEL.match(text)) and len(labelled["label"].split()) <= 4:
        label, rest = labelled["label"].strip(), labelled["rest"]
    if kind != "timeline":
        return Item(text=text, phrase=key_phrase(rest), label=label)
    found = DATE.search(text)
    assert found is not None
    date = found.group(0)
    undated = (text[: found.start()] + " " + text[found.end() :]).strip()
    undated = re.sub(r"^(?:in|on|by|since|from|until|after|before)\b\s*", "", undated, flags=re.IGNORECASE)
    undated = re.sub(r"^[\s,:;–—-]+", "", undated)
    if label and DATE.fullmatch(label):
        undated = rest
    return Item(text=text, phrase=key_phrase(undated or text), label=label, date=date, when=_when(found))


def _when(found: re.Match[str]) -> tuple[int, int, int]:
    if found["iso"]:
        parts = [int(part) for part in found["iso"].rstrip("s").split("-")]
        return (parts[0], parts[1] if len(parts) > 1 else 0, parts[2] if len(parts) > 2 else 0)
    if found["year"]:
        month = _MONTH_NUMBER.get(found["month"].rstrip(".").casefold(), 0)
        day = int(found["day"] or found["day2"] or 0)
        return (int(found["year"].rstrip("s")), month, day)
    return (int(found["bare"].rstrip("s")), 0, 0)


def key_phrase(text: str, max_words: int = MAX_PHRASE_WORDS) -> str:
    """The item's first clause, at most `max_words` whole words, without a dangling 'and' or 'of'."""
    text = " ".join(text.split()).strip(" ,;:")
    clause = _PHRASE_END.split(text, maxsplit=1)[0].split()
    words = whole_phrase(clause[:max_words]) if len(clause) > max_words else whole_phrase(clause, cut=False)
    phrase = " ".join(words).rstrip(" ,;:–—-")
    return phrase[:1].upper() + phrase[1:] if phrase else text[:40]


def whole_phrase(words: Sequence[str], *, cut: bool = True) -> tuple[str, ...]:
    """The start of a clause `cut` after `words`, backed off to before the phrase it split ("Leave it to
    rise for two" → "Leave it to rise"), and never ending in "and" or "of"."""
    kept = _without_trailing_small(list(words))
    small = [index for index, word in enumerate(kept) if index >= 3 and word.casefold() in _TRAILING_SMALL]
    if cut and small and len(shorter := _without_trailing_small(kept[: small[-1]])) >= 3:
        return tuple(shorter)  # backed off only while a phrase of a few words is left
    return tuple(kept)


def _without_trailing_small(words: list[str]) -> list[str]:
    while len(words) > 1 and words[-1].casefold().strip(",;:") in _TRAILING_SMALL:
        words = words[:-1]
    return words
