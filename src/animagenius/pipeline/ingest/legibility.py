"""Whether a page's text layer reads as words, and the debris to drop from one that mostly does.

A PDF font without a map from its codes to letters gives glyph names (`/g18/g152`, `/onesansinv`),
private-use code points, or letters shifted in a private encoding ("voir notice" comes out as "YRLU QRWLFH":
the codes are glyph numbers, 29 below the letters). A page is judged by the share of its characters that
are such debris and by the share of its words a dictionary of the page's language knows. The thresholds
were measured with bench/legibility.py on every PDF of the corpus and on the unmapped ones of
tests/pipeline/data (figures in bench/README.md).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from animagenius.pipeline.domain import Provenance
from animagenius.pipeline.script.analyse import language_of

# More than this share of debris and a page is unreadable whatever its words (measured: 0.06 at most on a
# readable page, issue6127.pdf's form; 0.18 and more on unmapped ones, 1.0 for glyph names).
MAX_DEBRIS_SHARE = 0.10
# Fewer words than this of 3+ letters: too few for the dictionary to judge (a cover, a chart's labels).
MIN_WORDS_TO_JUDGE = 12
# Below this share of known words a page is unreadable (measured: 0.72 and more on real text, 0.67 on a
# font specimen; 0.00 on shifted or shuffled letters and 0.01 on made-up words read by OCR).
MIN_KNOWN_SHARE = 0.5
# This many words with a glyph name inside them ("o/g21ces", "di/g20erence": a ligature the font did not
# map) and the page's words cannot be trusted, however few they are (real pages: none).
MAX_BROKEN_WORDS = 2

# "/g18/g152", "/onesansinv", "/uni0041": glyph names pypdf gives for codes it cannot map. Not after a
# letter, dot or colon, so "and/or" and the paths of URLs stay.
_GLYPH_NAMES = re.compile(r"(?<![\w.:/~-])(?:/[A-Za-z_.][\w.+-]*)+")
# glued to a word ("oui/L50776"): only names that are a letter or three and a number
_GLUED_GLYPH_NAME = re.compile(r"(?<=\w)/(?:[A-Za-z]{1,3}\d{2,}|uni[0-9A-Fa-f]{4,})\b")
# private use (BMP and the two supplementary planes), the replacement character, control characters
_DEBRIS_CHARACTERS = re.compile(
    "[\U000f0000-\U000ffffd\U00100000-\U0010fffd\ue000-\uf8ff\ufffd\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]"
)
_INSIDE_WORD = re.compile(r"(?<=[^\W\d_])/[A-Za-z]{1,3}\d+(?=[^\W\d_])")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_WORD = re.compile(r"[^\W\d_]+")
_SHIFT = 29  # a glyph number in the Macintosh standard order is the ASCII code less 29
_SHIFTABLE = re.compile(r"[\x03-\x5d]+")
# wordfreq's languages that split words at spaces (Chinese, Japanese, Korean and Thai need more than it has)
_DICTIONARY_LANGUAGES = frozenset(
    """
    ar bg bn ca cs da de el en es fa fi fil fr he hi hu id is it lt lv mk ms nb nl pl pt ro ru sh sk sl sv
    ta tr uk ur vi
    """.split()  # noqa: SIM905 - a word list reads best as text
)


@dataclass(frozen=True)
class Legibility:
    characters: int  # not counting spaces
    debris: int  # of them, in glyph names or private-use, replacement or control characters
    words: int  # words of three or more letters
    known: int  # of them, words of the page's language (or English)
    language: str
    broken_words: int = 0  # words with a glyph name inside them

    @property
    def debris_share(self) -> float:
        return self.debris / self.characters if self.characters else 0.0

    @property
    def known_share(self) -> float:
        return self.known / self.words if self.words else 1.0

    @property
    def readable(self) -> bool:
        if self.debris_share > MAX_DEBRIS_SHARE or self.broken_words >= MAX_BROKEN_WORDS:
            return False
        return self.words < MIN_WORDS_TO_JUDGE or self.known_share >= MIN_KNOWN_SHARE


def legibility(text: str) -> Legibility:
    """How readable `text` (a page's text layer, or what OCR read of it) is."""
    text = unicodedata.normalize("NFKC", text)
    names = sum(len(match) for match in _glyph_names(text))
    stray = len(_DEBRIS_CHARACTERS.findall(text))
    characters = sum(not character.isspace() for character in text)
    words = _words(_without_glyph_names(text))
    # too few words to judge: not looked up (a cover, a chart's labels)
    known, language = _known_words(words) if len(words) >= MIN_WORDS_TO_JUDGE else (len(words), "und")
    return Legibility(
        characters=characters,
        debris=names + stray,
        words=len(words),
        known=known,
        language=language,
        broken_words=len(_INSIDE_WORD.findall(text)),
    )


def _known_words(words: list[str]) -> tuple[int, str]:
    """How many of the words a dictionary knows, and of which language. English is tried first (most pages
    pass there, and detecting the language costs more than the lookups); a page in a language wordfreq has
    no list for is not judged by its words (all count as known)."""
    english = sum(_known(word, "en") for word in words)
    if english >= MIN_KNOWN_SHARE * len(words):
        return english, "en"
    language = language_of(" ".join(words))
    if language == "zxx":  # py3langid finds no language in it at all
        return english, "en"
    if language in _DICTIONARY_LANGUAGES:
        return sum(_known(word, language) for word in words), language
    return len(words), language


def without_debris(text: str, *, language: str = "en") -> str:
    """`text` without glyph names, private-use and control characters, and runs of words in a shifted
    encoding (`language`: the page's, as `legibility` found it)."""
    language = language if language in _DICTIONARY_LANGUAGES else "en"
    tokens = _without_glyph_names(text).split()
    shifted = [_shifted(token, language) for token in tokens]
    if any(shifted):
        _spread_shifted(tokens, shifted, language)
    kept = [t for t, dropped in zip(tokens, shifted, strict=True) if not dropped and not _CONTROL.search(t)]
    return " ".join(_DEBRIS_CHARACTERS.sub("", " ".join(kept)).split())


def _spread_shifted(tokens: list[str], shifted: list[bool], language: str) -> None:
    """A short word ("WKH": the) in a run of shifted ones is shifted too."""
    for order in (range(len(tokens)), reversed(range(len(tokens)))):
        for index in order:
            beside = any(shifted[i] for i in (index - 1, index + 1) if 0 <= i < len(tokens))
            if beside and not shifted[index]:
                shifted[index] = _decodes(tokens[index], language, min_letters=1)


def _glyph_names(text: str) -> list[str]:
    if "/" not in text:
        return []
    chains = [match.group() for match in _GLYPH_NAMES.finditer(text) if _is_glyph_chain(match.group())]
    rest = _GLYPH_NAMES.sub(" ", text) if chains else text
    return chains + _GLUED_GLYPH_NAME.findall(rest)


def _is_glyph_chain(chain: str) -> bool:
    """A chain of names none of which is an English word: "/usr/bin" and "/etc/hosts" are paths."""
    parts = chain.strip("/").split("/")
    return not any(len(part) >= 3 and part.isalpha() and _known(part, "en") for part in parts)


def _without_glyph_names(text: str) -> str:
    for name in sorted(set(_glyph_names(text)), key=len, reverse=True):
        text = text.replace(name, " ")
    return text


def _words(text: str) -> list[str]:
    return [word for word in _WORD.findall(text) if sum(c.isalpha() for c in word) >= 3]


@functools.lru_cache(maxsize=65_536)
def _known(word: str, language: str) -> bool:
    """In the language's list of common words (wordfreq's "small" lists: a tenth of the time and memory of
    the full ones, and 0.8 or more of the words of real text in every language measured), or English's."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, language, wordlist="small") > 0 or (
        language != "en" and zipf_frequency(word, "en", wordlist="small") > 0
    )


def _shifted(token: str, language: str) -> bool:
    """A word in a font whose codes are glyph numbers: unknown itself, a known word once shifted back."""
    return _decodes(token, language, min_letters=4) and not _known_token(token, language)


def _decodes(token: str, language: str, *, min_letters: int) -> bool:
    if len(token) < min_letters or not _SHIFTABLE.fullmatch(token):
        return False  # most words have lower-case letters, which no shifted letter is
    decoded = "".join(chr(ord(c) + _SHIFT) for c in token).rstrip(".,;:!?")
    return len(decoded) >= min_letters and decoded.isalpha() and _known(decoded, language)


def _known_token(token: str, language: str) -> bool:
    return any(_known(word, language) for word in _words(token))


def unreadable_pages_notices(pages: Sequence[Provenance]) -> list[str]:
    """One plain-words notice per file with pages left out: "Pages 3–7 and 12 of paper.pdf have …"."""
    by_file: dict[str, list[int]] = {}
    for page in pages:
        if page.page is not None:
            by_file.setdefault(page.file, []).append(page.page)
    notices = []
    for name, numbers in by_file.items():
        spans = _spans(sorted(set(numbers)))
        several = len(spans) > 1 or "–" in spans[0]
        listed = f"{', '.join(spans[:-1])} and {spans[-1]}" if len(spans) > 1 else spans[0]
        notices.append(
            f"Pages {listed} of {name} have no readable text, even by OCR; they are left out of the script."
            if several
            else f"Page {listed} of {name} has no readable text, even by OCR; it is left out of the script."
        )
    return notices


def _spans(numbers: list[int]) -> list[str]:
    """[3, 4, 5, 7] → ["3–5", "7"]."""
    spans: list[list[int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return [f"{first}–{last}" if last > first else str(first) for first, last in spans]
