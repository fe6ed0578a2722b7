"""Prose checks of a drafted script that bench/script.py has made since issue 8: sentences cut mid-way,
dangling "Figure 3" references, Flesch readability (English), the share of scenes whose key terms occur in
the blocks they point at, pointers that do not resolve and source visuals unrelated to their scene."""

from __future__ import annotations

import re
import sys
from collections import Counter
from typing import Any

_CLOSERS = "\"')]}”’»"
_BOUNDARY = re.compile(r"[.!?]+[" + re.escape(_CLOSERS) + r"]*\s+")
_ENDS_WELL = re.compile(r"[.!?][" + re.escape(_CLOSERS) + r"]*$")
_ABBREVIATIONS = {
    "e.g.", "i.e.", "etc.", "vs.", "cf.", "al.", "fig.", "figs.", "no.", "mr.", "mrs.", "dr.",
    "(a.k.a.", "a.k.a.",
}  # fmt: skip
_DANGLING_WORDS = {
    "a", "an", "the", "and", "or", "but", "nor", "of", "to", "with", "for", "from", "in", "on", "at", "by",
    "into", "onto", "than", "as", "via", "its", "their", "our", "your", "whose", "is", "are", "was", "were",
}  # fmt: skip
DANGLING = re.compile(  # a pointer at something the viewer may not see
    r"\b(?:fig(?:ure)?s?\.?|tables?|sections?|listings?|equations?|eq\.|appendix|chapter)\s*\(?\d+"
    r"|\b(?:see|shown|described|listed|mentioned|defined|discussed|given)\s+(?:above|below|earlier|later)\b"
    r"|\b(?:above|below|following|previous|next)\s+(?:figure|table|example|code|section|list|snippet|listing)",
    re.IGNORECASE,
)


def split_sentences(text: str) -> list[str]:
    """Split on . ! ? (plus closing quotes/brackets) followed by space, not after e.g./i.e./etc."""
    sentences, start = [], 0
    for match in _BOUNDARY.finditer(text):
        words = text[start : match.start() + 1].split()
        if words and words[-1].lower() in _ABBREVIATIONS:
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    if text[start:].strip():
        sentences.append(text[start:].strip())
    return [sentence for sentence in sentences if sentence]


def cut_reasons(sentence: str, *, english: bool = True) -> list[str]:
    """Why a sentence looks cut mid-way (empty when it looks whole). The dangling last word is an English
    rule: Dutch and German end a clause on a verb or its particle ("… natuur is.", "… stelde … in.")."""
    reasons = []
    if not _ENDS_WELL.search(sentence):
        reasons.append("no end punctuation")
    first = sentence.lstrip(_CLOSERS + "([{“‘«").split()[0] if sentence.split() else ""
    # a first word that is not a plain word is a name ("pdf.js", "iOS", "access-nbody", "crypto-md5")
    name = any(not char.isalpha() for char in first.rstrip(".,;:!?")) or any(c.isupper() for c in first[1:])
    if first[:1].islower() and not name:
        reasons.append("starts lowercase")
    words = _words(sentence)
    if len(words) < 3:
        reasons.append("fewer than 3 words")
    if english and words and words[-1].lower() in _DANGLING_WORDS:
        reasons.append(f"ends on {words[-1]!r}")
    return reasons


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+(?:[.,]\d+)*", text)  # "plug-in" is one word


# ---------------------------------------------------------------- readability

_SYLLABLE_EXCEPTIONS = {
    "the": 1, "every": 3, "everything": 4, "different": 3, "business": 2, "evening": 2, "area": 3,
    "idea": 3, "being": 2, "create": 2, "created": 3, "creating": 3, "creates": 2, "people": 2, "python": 2,
    "science": 2, "queue": 1, "toward": 2, "whether": 2, "likely": 2, "javascript": 3, "github": 2,
    "firefox": 3, "available": 4, "variable": 4, "variables": 4, "real": 1, "really": 2, "iterable": 4,
    "readme": 2, "use": 1, "used": 1, "uses": 2, "makes": 1, "takes": 1, "lines": 1, "times": 1,
    "something": 2, "sometimes": 2, "somewhere": 2, "more": 1, "before": 2, "therefore": 2, "where": 1,
    "there": 1, "here": 1, "were": 1, "one": 1, "once": 1, "anyone": 3, "someone": 2, "done": 1,
}  # fmt: skip
_SUFFIX_EXTRA = re.compile(r"(?:ia|io(?!n)|(?<![qg])ua|eo|ii|iu|ie(?!s$|d$|f|nd|w))")
_SILENT_INNER_E = re.compile(r"[aeiou][^aeiouy]e(?:ment|ly|ful|ness|less)s?$")


def syllables(word: str) -> int:
    """English syllables by vowel groups, with the usual silent-e / -ed / -es rules and a few exceptions.

    Acronyms are spelled out (PDF = 3), numbers cost one syllable per digit."""
    if word.isdigit() or re.fullmatch(r"\d+(?:[.,]\d+)*", word):
        return max(1, sum(char.isdigit() for char in word))
    if word.isupper() and 1 < len(word) <= 6:
        return len(word) + 2 * word.count("W")
    word = word.lower().replace("’", "'").split("'")[0]
    if word in _SYLLABLE_EXCEPTIONS:
        return _SYLLABLE_EXCEPTIONS[word]
    if len(word) <= 3:
        return 1
    stem = word
    if stem.endswith("es") and not re.search(r"(?:[sxz]|[cs]h|[cg])es$", stem):
        stem = stem[:-2] + "e" if not stem.endswith("ies") else stem[:-1]
    elif stem.endswith("ed") and not re.search(r"[td]ed$", stem):
        stem = stem[:-2]
    count = len(re.findall(r"[aeiouy]+", stem))
    if stem.endswith("e") and not re.search(r"(?:[^aeiouy]le|ee|ye)$", stem) and count > 1:
        count -= 1
    count += len(_SUFFIX_EXTRA.findall(stem)) - len(_SILENT_INNER_E.findall(stem))
    return max(1, count)


def readability(narration: str) -> dict[str, float]:
    """Flesch reading ease and Flesch–Kincaid grade of the whole narration."""
    sentences = split_sentences(narration)
    words = _words(narration)
    if not sentences or not words:
        return {"flesch": 0.0, "fk_grade": 0.0, "words_per_sentence": 0.0, "syllables_per_word": 0.0}
    per_sentence = len(words) / len(sentences)
    per_word = sum(syllables(word) for word in words) / len(words)
    return {
        "flesch": round(206.835 - 1.015 * per_sentence - 84.6 * per_word, 1),
        "fk_grade": round(0.39 * per_sentence + 11.8 * per_word - 15.59, 1),
        "words_per_sentence": round(per_sentence, 1),
        "syllables_per_word": round(per_word, 2),
    }


# ---------------------------------------------------------------- key terms

_STOP_TEXT = """
    a about above after again against all also although always among an and another any are aren't around
    as at back be became because become becomes been before being below between both but by can cannot could
    did do does doing done down during each either else even ever every few first for from further get gets
    got had has have having he her here hers herself him himself his how however i if in into is isn't it
    it's its itself just last least less let let's like made make makes many may me might more most much
    must my myself near need needs never new next no nor not now of off often on once one only onto or other
    others otherwise our ours ourselves out over own per perhaps rather same second see seen she should show
    shows since so some still such than that that's the their theirs them themselves then there there's
    these they this those though three through thus to together too two under until up upon us use used
    uses using very via was way ways we well were what when where whether which while who whom whose why
    will with within without would yet you your yours yourself yourselves"""
_STOP_WORDS = set(_STOP_TEXT.split())


def stem(word: str) -> str:
    """Lower case, no possessive, no plural s (simple, and the same on both sides of the comparison)."""
    word = word.lower().replace("’", "'")
    word = word.removesuffix("'s").strip("'")
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def content_stems(text: str) -> list[str]:
    return [
        stem(word)
        for word in re.findall(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]", text)
        if len(word) >= 3 and word.lower() not in _STOP_WORDS and stem(word) not in _STOP_WORDS
    ]


def key_terms(narration: str, document_counts: Counter[str], how_many: int = 3) -> list[str]:
    """The scene's most salient content words: most frequent in the narration; ties go to the word rarer
    in the document. Words absent from the whole document are the script's own phrasing ("explained",
    "minute"), so among equals they rank last; then first use in the narration."""
    stems = content_stems(narration)
    frequency = Counter(stems)
    first_use = {word: stems.index(word) for word in frequency}

    def rank(word: str) -> tuple[int, int, int]:
        in_document = document_counts.get(word, 0)
        return (-frequency[word], in_document if in_document else sys.maxsize, first_use[word])

    return sorted(frequency, key=rank)[:how_many]


def scene_grounding(scene: Any, blocks: tuple[Any, ...], document_counts: Counter[str]) -> dict[str, Any]:
    """Key terms of one scene and which of them occur in its source blocks (and the block it shows)."""
    pointers = [*scene.source_blocks, *([scene.visual.block] if scene.visual.block is not None else [])]
    source = " ".join(blocks[index].text for index in pointers if 0 <= index < len(blocks))
    source_stems = set(content_stems(source)) | {stem(word) for word in re.findall(r"[A-Za-z]+", source)}
    terms = key_terms(scene.narration, document_counts)
    found = [term for term in terms if term in source_stems]
    return {"terms": terms, "found": found, "has_sources": bool(pointers)}


# ---------------------------------------------------------------- pointers and visuals


def bad_pointers(script: Any, block_count: int) -> list[str]:
    bad = []
    for number, scene in enumerate(script.scenes, start=1):
        bad += [f"scene {number}: source block {i}" for i in scene.source_blocks if not 0 <= i < block_count]
        block = scene.visual.block
        if block is not None and not 0 <= block < block_count:
            bad.append(f"scene {number}: visual block {block}")
    return bad


_LABEL = re.compile(r"^\s*(fig(?:ure)?|table)\.?\s*(\d+)", re.IGNORECASE)


def visuals_unrelated(script: Any, blocks: list[Any]) -> tuple[int, list[str]]:
    """Source visuals shown, and those unrelated to their scene: neither named in the paragraphs the
    narration comes from ("Figure 7 shows…") nor sharing two content words with the narration."""
    shown, unrelated = 0, []
    for number, scene in enumerate(script.scenes, start=1):
        visual = scene.visual
        if visual.block is None:
            continue
        shown += 1
        caption = blocks[visual.block].text
        label = _LABEL.match(caption)
        sources = " ".join(blocks[index].text for index in scene.source_blocks)
        named = bool(label) and re.search(rf"\b{label[1]}\w*\.?\s*{label[2]}\b", sources, re.IGNORECASE)
        shared = _content(caption) & _content(scene.narration)
        if not named and len(shared) < 2:
            unrelated.append(f"scene {number}: {visual.kind} of block {visual.block} ({caption[:60]!r})")
    return shown, unrelated


def _content(text: str) -> set[str]:
    return {stem(word) for word in re.findall(r"[^\W\d_]{4,}", text.lower()) if word not in _STOP_WORDS}


def prose_checks(script: Any, document: Any, *, english: bool) -> dict[str, Any]:
    """Issue 8's checks of one script: pointers, visuals, cut sentences, dangling references, and for an
    English script its readability and the share of scenes whose key terms occur in their sources."""
    sentences = [(n, s) for n, scene in enumerate(script.scenes, 1) for s in split_sentences(scene.narration)]
    shown, unrelated = visuals_unrelated(script, document.blocks)
    figures: dict[str, Any] = {
        "bad_pointers": bad_pointers(script, len(document.blocks)),
        "visuals_shown": shown,
        "visuals_unrelated": unrelated,
        "sentences": len(sentences),
        "cut_sentences": [
            {"scene": n, "sentence": s, "why": why}
            for n, s in sentences
            if (why := cut_reasons(s, english=english))
        ],
        "dangling_references": [{"scene": n, "sentence": s} for n, s in sentences if DANGLING.search(s)],
    }
    if not english:  # Flesch and these stems are English rules
        return figures
    counts = Counter(stem(word) for block in document.blocks for word in re.findall(r"[A-Za-z]+", block.text))
    grounding = [scene_grounding(scene, document.blocks, counts) for scene in script.scenes]
    sourced = [g for g in grounding if g["has_sources"]]
    return (
        figures
        | readability(" ".join(scene.narration for scene in script.scenes))
        | {
            "key_terms_2_of_3": _share(
                sum(len(g["found"]) >= min(2, len(g["terms"])) for g in sourced), sourced
            ),
            "key_terms_all": _share(sum(len(g["found"]) == len(g["terms"]) for g in sourced), sourced),
        }
    )


def _share(hits: int, of: list[Any]) -> float | None:
    return round(hits / len(of), 3) if of else None
