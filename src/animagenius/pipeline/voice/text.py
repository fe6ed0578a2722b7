"""What the voice should say for each written word, where the voice's own reading would be wrong.

espeak-ng (which phonemises for Piper and is the fallback voice) already reads "3.5%", "2,048", "Dr.",
"etc.", "C++", "3rd", "lcov.info" and "e.g. this" well. These rules cover only what it gets wrong, checked
by ear and by its phonemes: "1990s" ("nineteen hundred ninety z"), years ("nineteen hundred ninety"),
"$2,048" ("dollar two thousand…"), URL schemes ("H T T P S colon slash slash"), "i.e." ("I E"), "vs."
("V S"), "Fig. 3" ("fig"), "No. 5" ("no five"), "2x" ("two ex") and ranges "5–10" ("five ten").

Rules work word by word, so every written word keeps its own spoken form and captions can show the written
words while the voice says the spoken ones. They are English: a script in another language is read as written
(espeak-ng reads "1990" or "12 %" in that language itself).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_TRAILING = re.compile(r"^(.*?)([.,;:!?)\]\"'”’]*)$")
_ONES = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
         "nineteen")  # fmt: skip
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_TENS_PLURAL = ("", "tens", "twenties", "thirties", "forties", "fifties", "sixties", "seventies",
                "eighties", "nineties")  # fmt: skip
_ABBREVIATIONS = {
    "e.g.": "for example",
    "i.e.": "that is",
    "vs.": "versus",
    "vs": "versus",
    "cf.": "compare",
    "approx.": "approximately",
    "fig.": "figure",
    "figs.": "figures",
    "eq.": "equation",
    "sec.": "section",
}
_NUMBERED = {"no.": "number", "nos.": "numbers"}  # only before a number: "No. 5", not "I said no."
_CURRENCIES = {"$": ("dollar", "dollars"), "€": ("euro", "euros"), "£": ("pound", "pounds")}
_SCALES = {"k": "thousand", "m": "million", "bn": "billion", "b": "billion"}
_SCALE_WORDS = {"thousand", "million", "billion", "trillion"}
_URL_START = re.compile(r"^(?:https?://(?:www\.)?|www\.)", re.IGNORECASE)
_MONEY = re.compile(r"^([$€£])(\d[\d,]*)(?:\.(\d\d))?(k|m|bn|b)?$", re.IGNORECASE)
_DECADE = re.compile(r"^'?(1\d|20)?(\d)0'?s$")
_YEAR = re.compile(r"^1[1-9]\d\d$")
_TIMES = re.compile(r"^(\d+(?:\.\d+)?)[x×]$")
_RANGE = re.compile(r"^(\d[\d,.]*)[–-](\d[\d,.]*)$")  # en dash or hyphen
_NUMBER = re.compile(r"^\d")


def spoken_forms(text: str, *, language: str = "en") -> list[tuple[str, str]]:
    """(written word, what to say for it) for every whitespace-separated word of `text` in `language`."""
    tokens = text.split()
    if language.split("-")[0].lower() != "en":
        return [(token, token) for token in tokens]
    forms = []
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        previous = tokens[index - 1] if index else ""
        spoken = _currency_after_scale(token, previous) or spoken_form(token, following=following)
        forms.append((token, spoken))
    return forms


def speakable(text: str) -> str:
    """`text` as the voice should read it."""
    return " ".join(spoken for _, spoken in spoken_forms(text))


def spoken_form(token: str, *, following: str = "") -> str:
    body, trailing = _split_trailing(token)
    for rule in _RULES:
        spoken = rule(body, following)
        if spoken is not None:
            return spoken + trailing
    return token


def _split_trailing(token: str) -> tuple[str, str]:
    """("e.g.", ",") from "e.g.,"; an abbreviation keeps its own final dot."""
    lowered = token.lower()
    for abbreviation in (*_ABBREVIATIONS, *_NUMBERED):
        if lowered.startswith(abbreviation) and not lowered[len(abbreviation) :].strip(".,;:!?)\"'"):
            return token[: len(abbreviation)], token[len(abbreviation) :]
    match = _TRAILING.match(token)
    assert match is not None  # the pattern matches every string
    return match.group(1), match.group(2)


def _abbreviation(body: str, following: str) -> str | None:
    lowered = body.lower()
    if lowered in _NUMBERED and _NUMBER.match(following):
        return _NUMBERED[lowered]
    return _ABBREVIATIONS.get(lowered)


def _url(body: str, following: str) -> str | None:
    if not _URL_START.match(body):
        return None
    rest = _URL_START.sub("", body).rstrip("/")
    return rest.replace(".", " dot ").replace("/", " slash ") or body


def _money(body: str, following: str) -> str | None:
    match = _MONEY.match(body)
    if match is None:
        return None
    symbol, whole, cents, scale = match.groups()
    singular, plural = _CURRENCIES[symbol]
    if scale:
        return f"{whole} {_SCALES[scale.lower()]} {plural}"
    if following.lower().strip(".,;:!?") in _SCALE_WORDS:
        return whole  # "$5 million" → "5 million dollars": the unit goes after the scale word
    unit = singular if whole == "1" and not cents else plural
    return f"{whole} {unit} {int(cents)} cents" if cents and int(cents) else f"{whole} {unit}"


def _currency_after_scale(token: str, previous: str) -> str | None:
    """After "$5", "million" is said "million dollars"."""
    body, trailing = _split_trailing(token)
    match = _MONEY.match(previous)
    if body.lower() not in _SCALE_WORDS or match is None or match.group(3) or match.group(4):
        return None
    return f"{body} {_CURRENCIES[match.group(1)][1]}{trailing}"


def _decade(body: str, following: str) -> str | None:
    match = _DECADE.match(body)
    if match is None:
        return None
    century, tens = match.group(1), int(match.group(2))
    if tens == 0:
        if century is None or century == "'":
            return None
        return "two thousands" if century == "20" else f"{_below_hundred(int(century))} hundreds"
    decade = _TENS_PLURAL[tens]
    return f"{_below_hundred(int(century))} {decade}" if century else decade


def _year(body: str, following: str) -> str | None:
    if not _YEAR.match(body) or following.lower().startswith(("%", "percent")):
        return None
    century, rest = divmod(int(body), 100)
    if rest == 0:
        return f"{_below_hundred(century)} hundred"
    if rest < 10:
        return f"{_below_hundred(century)} oh {_ONES[rest]}"
    return f"{_below_hundred(century)} {_below_hundred(rest)}"


def _times(body: str, following: str) -> str | None:
    match = _TIMES.match(body)
    return f"{match.group(1)} times" if match else None


def _range(body: str, following: str) -> str | None:
    match = _RANGE.match(body)
    if match is None:
        return None
    low, high = match.groups()
    return f"{spoken_form(low)} to {spoken_form(high)}"


def _below_hundred(number: int) -> str:
    if number < 20:
        return _ONES[number]
    tens, ones = divmod(number, 10)
    return f"{_TENS[tens]}-{_ONES[ones]}" if ones else _TENS[tens]


_Rule = Callable[[str, str], str | None]
_RULES: tuple[_Rule, ...] = (_abbreviation, _url, _money, _decade, _year, _times, _range)
