"""What a key-number or definition card says, read from the scene's narration and the block it shows.

Pure functions on text: `key_number` finds the number worth showing big ("25×", "10%", "1,200 km", a year)
and a short label saying what it counts; `definition` finds a term and its defining clause ("X is a …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LABEL_WORDS = 8
MAX_DEFINITION_WORDS = 20
MAX_TERM_WORDS = 6
MIN_WORTH = 1.0  # a bare number under 10 ("2 crossings") is not worth a card


def _words(text: str) -> list[str]:
    return text.split()


_UNITS = (
    r"%|per ?cent\b|percent\b|×|x\b|times\b|-?fold\b|k\b|bn\b|million\b|billion\b|trillion\b|thousand\b|"
    r"km\b|kg\b|mb\b|gb\b|tb\b|kb\b|ms\b|mph\b|kwh\b|mw\b|gw\b|ghz\b|mhz\b|hz\b|°[cf]\b|"
    r"-?bits?\b|seconds?\b|minutes?\b|hours?\b|days?\b|weeks?\b|months?\b|years?\b|m\b|s\b"
)
_VALUE = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMBER = re.compile(
    rf"(?<![\w.,/#-])(?P<prefix>[$€£¥])?(?P<first>{_VALUE})(?:\s?(?P<first_unit>{_UNITS}))?"
    rf"(?:\s?(?:-|–|to)\s?[$€£¥]?(?P<second>{_VALUE}))?(?:\s?(?P<unit>{_UNITS}))?(?![\w/])",
    re.IGNORECASE,
)
_REFERENCE = re.compile(
    r"\b(?:fig(?:ure)?|table|section|chapter|pages?|step|version|v|pep|rfc|equation|eq|lines?|appendix|"
    r"item|no|ref|listing|issue|bug|chart)\.?\s*$",
    re.IGNORECASE,
)
# Words before a number that bound it: shown with it, so the card never claims more than the text says
_QUALIFIERS = (
    (re.compile(r"\b(?:less|fewer) than(?: an?)?\s*$|\b(?:under|below)\s*$", re.I), "<"),
    (re.compile(r"\b(?:more|greater) than(?: an?)?\s*$|\b(?:over|above)\s*$", re.I), ">"),
    (re.compile(r"\b(?:up to|at most)(?: the| an?)?\s*$", re.I), "≤"),
    (re.compile(r"\bat least\s*$", re.I), "≥"),
    (re.compile(r"\b(?:about|around|nearly|almost|roughly|approximately|some)\s*$", re.I), "~"),
)
_MONTH = re.compile(r"\s*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)
_MONTH_BEFORE = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*$", re.I)
_VERSION = re.compile(r"\b[A-Z][\w+-]*\s$")
_OPERATOR = re.compile(r"[=<>+*]")
_SHOWN_UNIT = {"percent": "%", "per cent": "%", "percent.": "%", "percent,": "%", "times": "×", "x": "×"}
_FUNCTION_WORDS = frozenset(
    _words(
        "a an the of to in on at by for with from as is are was were be been being has have had do does did "
        "and or but so than then that which who whom whose this these those it its their our we they he she "
        "up down about around nearly almost over under more less just only some roughly approximately "
        "usually typically often up to reached reach reaches fell fall falls rose rise rises grew grow "
        "grows hit hits cost costs took take takes can could will would may might rise rising since during "
        "until when after before into while per each every all there here very also"
    )
)
_BAD_LABEL_START = frozenset(
    _words(
        "in on at by since during from to until when after before and or but is was are were has had so "
        "while which that last next this ago"
    )
)
_LEADING_NOISE = _BAD_LABEL_START | frozenset(
    _words("of about around nearly almost just only roughly approximately usually we they it he she have")
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(\[]?[A-Z0-9])")
_CLAUSE_BREAK = re.compile(r"\s*(?:[,;:]|\s[—–-]\s|\bbut\b|\bwhile\b|\bwhereas\b|\bso that\b)\s*")
_BEFORE_BREAK = re.compile(r"\s*(?:\band\b|\bwhere\b|\bwhen\b|\bbecause\b|\bif\b)\s*")
_PARENTHESES = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")
_DEFINING = re.compile(
    r"^(?P<term>[^,;:]{1,80}?)\s*(?:,[^,]{1,80},\s*)?\b(?:is|are)\s+(?P<definition>(?:a|an|the|one)\s.+)$"
    # the same shape in the other languages the writer speaks: "X est un …", "X ist eine …", "X è un …"
    r"|^(?P<term2>[^,;:]{1,80}?)\s+(?:est|ist|es|è|é|is)\s+"
    r"(?P<definition2>(?:un|une|ein|eine|einen|un|una|uno|um|uma|een)\s.+)$"
    r"|^(?P<named>[^,;:]{1,80}?)\s+(?:refers to|means|denotes|stands for)\s+(?P<meaning>.+)$"
)
_NOT_A_TERM = re.compile(
    r"^(?:it|this|that|these|those|there|he|she|they|we|you|i|which|what|here|one|each|all|such|in|since|"
    r"where|while|when|below|above|yet|if|as|so|but|and|or|because|although|for|to|of|at|on|by|with|"
    r"section|figure|table|chapter|appendix)\b",
    re.I,
)
_DEFINITION_END = re.compile(
    r";|\s[—–]\s|, which\b|, and\b|, but\b|, so\b|\.\s|\.$|,? (?:while|whereas|because|although|though)\b"
)


@dataclass(frozen=True)
class _Found:
    shown: str  # as the card shows it: "25×", "10%", "$3.4 million", "2–20×"
    spoken: str  # as the text wrote it
    worth: float  # how much it says on its own: a unit, a year, a size
    score: float  # its worth, more if the narration says it
    sentence: str
    start: int  # in the sentence
    end: int


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(" ".join(text.split())) if part.strip()]


def key_number(narration: str, block_text: str) -> tuple[str, str] | None:
    """The number a key-number card shows big, and a short label saying what it counts; None if the text
    holds no number worth showing. Units, currency and % are kept; a year is a number too."""
    found = [
        item
        for item in _numbers(narration, bonus=1.0) + _numbers(block_text, bonus=0.0)
        if item.worth >= MIN_WORTH
    ]
    if not found:
        return None
    in_both = {item.shown for item in _numbers(narration, bonus=0)} & {
        item.shown for item in _numbers(block_text, bonus=0)
    }
    ranked = sorted(found, key=lambda item: -(item.score + (2.0 if item.shown in in_both else 0.0)))
    for best in ranked:
        label = label_for(best.sentence, best.start, best.end)
        if _readable(label):
            return best.shown, label
    return None


def _readable(label: str) -> bool:
    """A label of words, not a bibliography's or a table's run of numbers and signs."""
    letters = sum(character.isalpha() or character == " " for character in label)
    return bool(label) and letters >= len(label) * 0.85


def number_in(text: str) -> tuple[str, str] | None:
    """A card text such as "3.2× faster" split into its number and the rest (the label), or None."""
    for item in _numbers(text, bonus=0.0):
        rest = " ".join((item.sentence[: item.start] + " " + item.sentence[item.end :]).split())
        return item.shown, rest.strip(" ,.;:")
    return None


def spoken_number(narration: str, shown: str) -> str | None:
    """The words of the narration that say the number `shown`, for timing its appearance."""
    for item in _numbers(narration, bonus=0.0):
        if item.shown == shown:
            return item.spoken
    return None


def _numbers(text: str, *, bonus: float) -> list[_Found]:
    found: list[_Found] = []
    for order, sentence in enumerate(sentences(_PARENTHESES.sub("", text))):
        for match in _NUMBER.finditer(sentence):
            before, after = sentence[: match.start()], sentence[match.end() :]
            if _REFERENCE.search(before) or _MONTH.match(after) or _MONTH_BEFORE.search(before):
                continue  # "Figure 12", "section 3", "15–20 June": a reference or a date, not a quantity
            if _OPERATOR.search(before[-3:] + after[:3]):
                continue  # "v13 = 3000": code, not prose
            if (
                _VERSION.search(before)
                and "." in match["first"]
                and not (match["unit"] or match["first_unit"])
            ):
                continue  # "Python 3.8", "Firefox 3.5": a version
            shown, worth = _shown(match)
            shown = _qualified(before) + shown
            score = worth + bonus - order * 0.01
            found.append(_Found(shown, match.group(0).strip(), worth, score, sentence, *match.span()))
    return found


def _qualified(before: str) -> str:
    return next((sign for pattern, sign in _QUALIFIERS if pattern.search(before)), "")


def _shown(match: re.Match[str]) -> tuple[str, float]:
    prefix, first, second = match["prefix"] or "", match["first"], match["second"]
    unit = (match["unit"] or match["first_unit"] or "").strip()
    shown_unit = _SHOWN_UNIT.get(unit.lower(), unit)
    value = float(first.replace(",", ""))
    year = not prefix and not unit and not second and first.isdigit() and 1000 <= value <= 2100
    number = f"{prefix}{first}–{second}" if second else f"{prefix}{first}"
    joined = "" if shown_unit in ("%", "×") or not shown_unit or shown_unit.startswith("-") else " "
    shown = f"{number}{joined}{shown_unit}"
    score = 1.0 if year else (0.5 if value < 10 and "." not in first else 1.0)
    if prefix or shown_unit:
        score += 3.5 if shown_unit in ("%", "×") else 3.0
    return shown, score + (0.5 if second else 0.0)


def label_for(sentence: str, start: int, end: int) -> str:
    """What the number at sentence[start:end] counts: the phrase after it ("of total execution time",
    "faster than V8"), else the subject before it ("The total time spent in the monitor"), else the rest
    of the sentence."""
    before_clause = _BEFORE_BREAK.split(_CLAUSE_BREAK.split(sentence[:start])[-1])[-1]
    after_clause = _CLAUSE_BREAK.split(sentence[end:])[0]
    after = after_clause.split()
    if after and after[0].lower() not in _BAD_LABEL_START:
        label = _trimmed(after[:MAX_LABEL_WORDS])
        if label:
            return label
    label = _trimmed(before_clause.split(), keep_last=MAX_LABEL_WORDS)
    if not label:
        rest = sentence[end:].strip(" ,;:").split()
        label = _trimmed([word for word in rest if not _NUMBER.fullmatch(word)][:MAX_LABEL_WORDS])
    return label


def _trimmed(words: list[str], *, keep_last: int = 0) -> str:
    """`words` without function words at their end nor prepositions and pronouns at their start (only the
    last `keep_last` of them if given), punctuation dropped, first letter capital."""
    words = [word.strip(" ,.;:!?\"“”'") for word in words]
    words = [word for word in words if word]
    while words and words[-1].lower() in _FUNCTION_WORDS:
        words.pop()
    if keep_last:
        words = words[-keep_last:]
        article = next((i for i, word in enumerate(words) if i and word.lower() in ("the", "a", "an")), 0)
        words = words[article:]  # a subject's noun phrase starts at its article
    while words and words[0].lower() in _LEADING_NOISE:
        words.pop(0)
    if not words or all(word.lower() in _FUNCTION_WORDS for word in words):
        return ""
    text = " ".join(words)
    return text[0].upper() + text[1:]


def definition(narration: str, block_text: str, term: str = "") -> tuple[str, str] | None:
    """A term and its definition shortened to the defining clause (≤ 20 words), from the first "X is a …"
    sentence of the narration or the block (about `term` when given); None when there is none."""
    for text in (narration, block_text):
        for sentence in sentences(_PARENTHESES.sub("", text)):
            match = _DEFINING.match(sentence)
            if match is None:
                continue
            named = match["term"] or match["term2"] or match["named"]
            meaning = match["definition"] or match["definition2"] or match["meaning"]
            subject = _term(named)
            if not subject or (term and term.lower() not in named.lower()):
                continue
            clause = _clause(meaning)
            if clause:
                return (term or subject), clause
    return None


def _term(subject: str) -> str:
    words = subject.split()
    if not words or len(words) > MAX_TERM_WORDS or _NOT_A_TERM.match(subject):
        return ""
    if words[0].lower() in ("a", "an", "the") and len(words) > 1:
        words = words[1:]
    text = " ".join(words).strip(" \"“”'")
    return text[0].upper() + text[1:] if text else ""


def _clause(text: str) -> str:
    end = _DEFINITION_END.search(text)
    clause = (text[: end.start()] if end else text).strip(" ,.;:")
    words = clause.split()
    if len(words) < 2:
        return ""
    if len(words) > MAX_DEFINITION_WORDS:
        kept = words[:MAX_DEFINITION_WORDS]
        while kept and kept[-1].lower() in _FUNCTION_WORDS:
            kept.pop()
        clause = " ".join(kept) + "…"
    return clause[0].upper() + clause[1:]


def shortened(text: str, words: int = MAX_DEFINITION_WORDS) -> str:
    """The first sentence of `text`, cut to `words` words (with … if cut)."""
    first = next(iter(sentences(_PARENTHESES.sub("", text))), "").rstrip(".")
    kept = first.split()
    return " ".join(kept[:words]) + ("…" if len(kept) > words else "")
