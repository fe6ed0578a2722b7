"""The document's key terms: the words and short phrases it repeats that are rare in the language at large.

A term's weight grows with the number of sentences that use it and with how specific it is (wordfreq's
frequency of its words in everyday text), and doubles when the title names it; "trace tree" in a paper on
tracing JITs outweighs "results", which every paper says. The writer uses the terms to choose sentences that
cover the document's concepts, and for bullets that name them.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import wordfreq

from animagenius.pipeline.script.language import Phrases

MAX_TERM_WORDS = 3
HEAD_SHARE = 0.4  # a word that ends its phrase this often is a noun, not a modifier
COMMON_ZIPF = 6.5  # "the" is 7.7, "code" 5.0, "interpreter" 3.4, "tracemonkey" 0

_TOKEN = re.compile(r"[^\W_](?:[\w'’+#-]*[\w+#])?(?:\.(?=[a-z]{1,4}\b)[a-z]{1,4})?")  # PDF.js, C++, don't
_ELIDED = re.compile(r"^(?:[ldnsjcmt]|qu|dell|all|nell|dall|sull|un|quest|quell)['’](?=\w)", re.I)
_BREAK = re.compile(r"[,;:()\[\]\"“”«»!?]|\.(?:\s|$)|\s[-–—]\s")


@dataclass(frozen=True)
class Term:
    text: str  # as the document most often writes it
    stems: tuple[str, ...]
    weight: float
    sentences: int  # how many sentences use it
    nominal: bool = False  # used after a determiner ("the compiler") and as a phrase's head: it names a thing
    named: str = ""  # how it is said in a list: with the article the document uses most ("the compiler")

    @property
    def words(self) -> int:
        return len(self.stems)


def key_terms(
    sentences: Sequence[str], *, title: str, headings: Iterable[str], phrases: Phrases, limit: int = 12
) -> list[Term]:
    """The document's most telling terms, heaviest first."""
    counts: Counter[tuple[str, ...]] = Counter()
    spellings: defaultdict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    as_nouns: defaultdict[tuple[str, ...], Counter[str]] = defaultdict(Counter)  # spellings after "the"
    with_articles: defaultdict[tuple[str, ...], Counter[str]] = defaultdict(Counter)  # "the trace tree"
    heads: Counter[tuple[str, ...]] = Counter()
    uses: Counter[tuple[str, ...]] = Counter()
    for sentence in sentences:
        seen: set[tuple[str, ...]] = set()
        for chunk in _chunks(sentence, phrases):
            for gram, text, determiner, head in _grams(chunk):
                spellings[gram][text] += 1
                uses[gram] += 1
                heads[gram] += head
                if determiner:
                    as_nouns[gram][text] += 1
                    if determiner in phrases.articles:
                        with_articles[gram][_with_article(determiner, text)] += 1
                seen.add(gram)
        counts.update(seen)
    named = {
        stem for text in (title, *headings) for chunk in _chunks(text, phrases) for _, stem in chunk.words
    }
    in_title = {stem for chunk in _chunks(title, phrases) for _, stem in chunk.words}
    terms = []
    for gram, count in counts.items():
        titled = all(stem in in_title for stem in gram)
        if count < 2 and not titled:
            continue
        text = (as_nouns[gram] or spellings[gram]).most_common(1)[0][0]
        weight = count**0.8 * _specificity(text, phrases.code) * (1.2 ** (len(gram) - 1))
        weight *= 2.0 if titled else 1.3 if all(stem in named for stem in gram) else 1.0
        terms.append(
            Term(
                text=text,
                stems=gram,
                weight=weight,
                sentences=count,
                nominal=bool(as_nouns[gram]) and heads[gram] >= HEAD_SHARE * uses[gram],
                named=(with_articles[gram] or Counter({text: 1})).most_common(1)[0][0],
            )
        )
    heaviest = sorted(terms, key=lambda term: -term.weight)[: limit * 5]
    return _without_fragments(heaviest)[:limit]


def stems_of(text: str, phrases: Phrases) -> set[tuple[str, ...]]:
    """Every term-shaped n-gram of `text`, as stems: what a sentence can be said to cover."""
    return {gram for chunk in _chunks(text, phrases) for gram, *_ in _grams(chunk)}


@dataclass
class _Chunk:
    words: list[tuple[str, str]]  # each as written, and its stem
    determiner: str  # the article or possessive right before it ("the", "l’"), or ""

    @property
    def after_determiner(self) -> bool:  # "the trace monitor": what starts it is used as a noun
        return bool(self.determiner)


def _chunks(text: str, phrases: Phrases) -> list[_Chunk]:
    """Runs of content words between punctuation and function words."""
    chunks: list[_Chunk] = []
    for part in _BREAK.split(text):
        current = _Chunk([], determiner="")
        for found in _TOKEN.findall(part):
            elided = _ELIDED.match(found)  # l’assuré, dell’opera: the article is glued on
            token = found[elided.end() :] if elided else found
            lowered = token.lower()
            if lowered in phrases.function_words or "_" in token or not any(ch.isalpha() for ch in token):
                if current.words:
                    chunks.append(current)
                current = _Chunk([], determiner=lowered if lowered in phrases.determiners else "")
                continue
            if elided and current.words:
                chunks.append(current)
            if elided:
                current = _Chunk([], determiner=elided.group(0).lower())
            current.words.append((token, phrases.stem(token) if token.isalpha() else lowered))
        if current.words:
            chunks.append(current)
    return chunks


def _grams(chunk: _Chunk) -> Iterable[tuple[tuple[str, ...], str, str, bool]]:
    """Each n-gram of the chunk: stems, text, the determiner right before it (or ""), and whether it ends
    the chunk (the head of a noun phrase, rather than a modifier such as "nested" in "nested loop")."""
    words = chunk.words
    for size in range(1, MAX_TERM_WORDS + 1):
        for start in range(len(words) - size + 1):
            window = words[start : start + size]
            if size == 1 and len(window[0][0]) < 3:
                continue
            determiner = chunk.determiner if start == 0 else ""
            head = start + size == len(words)
            yield tuple(stem for _, stem in window), " ".join(text for text, _ in window), determiner, head


def _with_article(article: str, text: str) -> str:
    return f"{article}{text}" if article.endswith(("'", "’")) else f"{article} {text}"


def _without_fragments(terms: list[Term]) -> list[Term]:
    """A word that mostly appears inside a longer term is that term ("nested" in "nested trace trees"); a
    longer term that adds a word to a much more frequent shorter one is a stray combination."""
    kept: list[Term] = []
    for term in terms:
        longer = [other for other in terms if other.words > term.words and _inside(term.stems, other.stems)]
        if any(other.sentences >= 0.7 * term.sentences for other in longer):
            continue
        kept.append(term)
    return kept


def _inside(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    return any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1))


def _specificity(text: str, language: str) -> float:
    """0..1: how rare the term's rarest word is in everyday text; names and coinages score 1."""
    rarest = min(_zipf(word.lower(), language) for word in text.split())
    return max(0.05, (COMMON_ZIPF - rarest) / COMMON_ZIPF)


@functools.lru_cache(maxsize=65_536)
def _zipf(word: str, language: str) -> float:
    return float(wordfreq.zipf_frequency(word, language if language in _known_languages() else "en"))


@functools.cache
def _known_languages() -> frozenset[str]:
    return frozenset(wordfreq.available_languages())


def zipf(word: str, language: str) -> float:
    """How common a word is in everyday text of the language, on wordfreq's Zipf scale (0: unknown)."""
    return _zipf(word.lower(), language)


def common(word: str, language: str) -> bool:
    """An everyday word of the language ("code", "results"): alone, it says little on a slide."""
    return _zipf(word.lower(), language) >= 4.5
