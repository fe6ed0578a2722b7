"""Sentences as they should be heard: the debris of print and markup removed, or the sentence left out.

`spoken(text, phrases)` returns the sentence ready for the voice, or None when no honest rewrite leaves a
sentence a listener could follow. It rewrites before it drops: citation and footnote markers, form-field
numbering, glyph names and "(see Figure 3)" asides are taken out; a trailing clause that holds code goes
when the rest stands on its own. It never adds a word of its own.
"""

from __future__ import annotations

import re

from animagenius.pipeline.script.language import Phrases
from animagenius.pipeline.script.terms import common

MIN_WORDS = 5
LONG_ASIDE_CHARS = 40

_MARKERS = (
    re.compile(r"\s?\[\s*\d+(?:\s*[,;–-]\s*\d+)*\s*\]"),  # [12], [1, 4–6]
    re.compile(
        r"\s?\[(?:citation needed|clarification needed|needs? update|dubious|edit|update|note \d+|[a-z]|"
        r"\d+ ?[a-z]?|#?fn[\w-]*)\]",
        re.I,
    ),
    re.compile(r"\s?\[[A-Z][\w'’-]+(?: et al\.?| and [A-Z][\w'’-]+)?,? ?(?:19|20)\d\d[a-z]?\]"),  # [Gal 2009]
    re.compile(r"\s?<\d{1,3}>"),  # "Python <7>": a reference target left by markup
    re.compile(  # (Smith et al., 2019; Jones 2020)
        r"\s?\((?:(?:see |cf\. )?[A-Z][\w'’-]+(?: et al\.?|,? (?:and|&) [A-Z][\w'’-]+)?,? "
        r"(?:19|20)\d\d[a-z]?(?:, pp?\. ?\d+(?:[-–]\d+)?)?(?:; ?)?)+\)"
    ),
    re.compile(r"\s?\(\d{1,3}(?:\s?[,–-]\s?\d{1,3})*\)"),  # "(37)", "(3, 4)": a citation or equation number
    re.compile(r"(?<=\w)\d{1,3}\(\d{1,3}\)"),  # "9(37)" glued to a word
    re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+|(?<=\w)[*†‡§¶]+"),  # superscript footnote marks
    re.compile(r"[\ue000-\uf8ff\U000f0000-\U0010fffd]"),  # private-use code points (list bullets)
)
_GLYPH_NAME = re.compile(r"/[A-Za-z][A-Za-z]*\d|(?<![\w/])/(?:uni[0-9A-F]{4}|[a-z]+(?:sans|inv)\w*)\b|\ufffd")
_FOOTNOTE = re.compile(
    r"^(?:[*†‡§¶]|\d{1,2}\s+[A-Z][a-z]+ (?:author|address|e-?mail))|^corresponding author\b", re.I
)
_TRAILING_FOOTNOTE = re.compile(
    r"(?<=[.!?])\s+[*†‡§¶∗]\s*[A-Z][^*†‡§¶∗]*$"
)  # "… cities. * Corresponding author."
_FORM_CODE = re.compile(r"^[A-Z]{1,4} ?\d{3,}[A-Z]?\s+(?=[A-ZÀ-Ý])")  # "S 3706 Quiconque…": a form's number
_GLUED_FOOTNOTE = re.compile(r"(?<=[a-z]{4})\d{1,2}(?=[.,;:](?:\s|$))")  # "languages12." → "languages."
_ENUMERATION = re.compile(  # "must 1) sign and 2) date", "(i) … (ii) …"
    r"(?:^|(?<=\s))(?:\(?\d{1,2}\)|\(?[a-h]\)|\((?:i{1,3}|iv|vi{0,3}|ix|x)\))\s+"
)
_LEADING_NUMBER = re.compile(r"^(?:\d{1,2}[.)]|[a-h][.)]|[ivx]{1,4}[.)])\s+(?=[A-Z])")
_FIGURE_ASIDE = re.compile(
    r"\s?\((?:see |cf\. )?(?:fig(?:ure)?s?\.?|tables?|sections?|§|eq(?:uation)?s?\.?|listings?|appendix)"
    r"\s*[\dA-Z][^()]*\)|,? (?:as (?:shown|illustrated|seen|listed|described|summari[sz]ed) in|"
    r"see) (?:fig(?:ure)?s?\.?|tables?|sections?|listings?|appendix) ?[\dA-Z][\w.]*,?",
    re.I,
)
_DANGLING = re.compile(  # "Figure 3 shows…": about a picture the viewer may not be seeing
    r"\b(?:fig(?:ure)?s?\.?|tables?|sections?|listings?|equations?|eq\.|appendix|chapter|abbildung|"
    r"tabelle|tableau|tabla|tabella|tabela|afbeelding|tabel)\s*\(?\d",
    re.I,
)
_ASIDE = re.compile(
    rf"\s?\((?:e\.g\.|i\.e\.|see|cf\.|for example|for instance|par exemple|z\.\s?B\.|por ejemplo|"
    rf"ad esempio|por exemplo|bijvoorbeeld)[^()]*\)|\s?\([^()]{{{LONG_ASIDE_CHARS},}}\)",
    re.I,
)
_ADMONITION = re.compile(r"\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", re.I)
_CODE = re.compile(
    r"`|[A-Za-z_][\w.]*\([^()\s]*\)|[A-Za-z_]\w*\[[^\]\s]*\]|:=|==|!=|<=|>=|->|=>|\+=|-=|\*=|\*\*|&&|\|\||"
    r"::|\s#\s|^#|\b[a-z]+_[a-z0-9_]+\b|(?<![\w.])_+[A-Za-z]\w*|\bimport \*|\bfrom [\w.]+ import\b|"
    r"[{}]|\b[a-z_]\w*\s=\s\S|\\[a-z]|://|"
    r"\b\w+=\S|<\w+>|"  # a keyword argument, a <placeholder>
    r"\b[a-z][\w-]*\.(?:js|json|py|txt|html?|md|cfg|ya?ml|toml|sh|info|css|xml|ts|rs|go|java|cpp)\b|"
    r"(?:\b|/)[\w.-]+/[\w.-]+/[\w.-]*|"  # a file name, or a path of two or more folders
    r"\b[a-z_]\w*\.[a-z_]\w+\b(?<!\be\.g)(?<!\bi\.e)|(?<![\w.])\.[a-z_]\w+"  # fp.readline, .match
)
_CODE_CLAUSE = re.compile(  # a clause that only adds an example or a spelling: it can go
    r"(?:(?:,|;|\s—|\s–)\s*(?:such as|like|using|with|including|for example|for instance|e\.g\.|as in|"
    r"via|namely|written|spelled|as|which is|where)|\s(?:using|with|written as|spelled|such as|e\.g\.|via)"
    r"(?: the (?:notation|syntax|form|command|call|expression))?)\b[^,;—–]*$",
    re.I,
)
_REFERENCE = re.compile(  # a bibliography entry, not a sentence
    r"\bpp?\.\s?\d|\bvol\.\s?\d|\bdoi\b|\bISBN\b|\bISSN\b|\bIn Proceedings\b|\bProc\.\s|"
    r"\bJournal of\b.*\d{4}|"
    r"\b\d+\(\d+\)|\bet al\.,? (?:19|20)\d\d|\barXiv\b|\bRetrieved\b|\bAccessed\b|(?:^|\s)\^(?:\s|$)",
    re.I,
)
_FORM = re.compile(r"_{3,}|\.{4,}|…{2,}|\bn°|☐|☑|□|■|\b[A-Z]{2,}\(E\)", re.I)
_POINTS_ELSEWHERE = re.compile(
    r"\b(?:this|that|the following|the next|the previous) "
    r"(?:page|link|wiki|example|listing|code|snippet|command|figure|table|diagram|screenshot)s?\b|"
    r"^(?:please )?(?:see|refer to|read|check out|visit|consult)\b|\bclick here\b|\bas follows\b|"
    r"\b(?:this|these|those) lines?\b|\bthe (?:above|below)\b|"
    r"\b(?:see|shown|listed|described|given|mentioned|defined|discussed|explained|as) (?:below|above)\b|"
    r"\b(?:below|above)[.:]?$|\bci-dessous\b|\bci-dessus\b|\bsuivant(?:e|es|s)? :|"
    r"\b(?:siehe|wie) (?:unten|oben)\b|\b(?:véase|ver|se muestra) (?:a continuación|más abajo|más arriba)\b|"
    r"\b(?:qui sotto|qui sopra|come segue)\b|\b(?:veja|ver) (?:abaixo|acima)\b|\b(?:hieronder|hierboven)\b",
    re.I,
)
_AFTER_CODE = re.compile(  # a sentence about the listing just before it
    r"^(?:now|here|this|that|these|those|the above|in this example|in the example|the code|this code|"
    r"the output|the result|it|then|again|similarly|likewise|note that|notice)\b|\b(?:this|the) (?:code|"
    r"example|snippet|listing|function|program|call|line)s?\b",
    re.I,
)
_BOILERPLATE = re.compile(
    r"^(?:keywords|key words|index terms|categories and subject descriptors|general terms|copyright|"
    r"permission to make|all rights reserved|this work is licensed|licensed under|"
    r"this document has been placed in the public domain|mots[- ]clés|schlüsselwörter|palabras clave|"
    r"not to be confused with|for other uses|this article is about|main article|further information|"
    r"\S+ redirects here)\b",
    re.I,
)
_UNSPEAKABLE = re.compile(r"(?<![\w.])@[A-Za-z0-9][\w-]*|https?://|www\.|\S+@\S+\.\w")
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+(?=[.,;:!?](?:\s|$))")
_SPACE_BEFORE_STOP = re.compile(r"\s+(?=[.,](?:\s|$))")  # French keeps its space before ; : ! ?


def spoken(text: str, phrases: Phrases, *, after_code: bool = False, own_words: bool = False) -> str | None:
    """`text` as the voice should say it, or None. `after_code`: the sentence comes right after a listing
    that the video does not read, so one that talks about "this code" or "now" cannot be followed.
    `own_words`: a writer's sentence (an LLM's), not one lifted from the page: it is not page furniture (a
    licence, a bibliography entry, a form), so "Researchers accessed the data…" stays; it follows the
    writer's own sentence before it, so it keeps its leading connective ("Next, …"); and it may be short
    ("Readability counts.")."""
    if _GLYPH_NAME.search(text):  # a word whose letters a PDF font did not map: no honest rewrite
        return None
    text = _SITE_FURNITURE.sub("", text)  # a printed wiki page's tagline runs into its first sentence
    if not own_words and (_BOILERPLATE.match(text) or _FORM.search(text) or _FOOTNOTE.match(text)):
        return None
    text = _FIGURE_ASIDE.sub("", text)
    text = _without_markers(text)
    if not own_words and _REFERENCE.search(text):  # what is left is a bibliography entry, not a sentence
        return None
    text = _ADMONITION.sub("", _ASIDE.sub("", text))
    text = _tidy(text, french=phrases.code == "fr")
    if _CODE.search(text):
        text = _without_code_clause(text) or ""
    if not text or _UNSPEAKABLE.search(text) or _POINTS_ELSEWHERE.search(text) or _DANGLING.search(text):
        return None
    if after_code and _AFTER_CODE.search(text):
        return None
    if not own_words:
        text = phrases.connective.sub("", text, count=1)
    text = text[:1].upper() + text[1:]
    return text if _whole(text, min_words=1 if own_words else MIN_WORDS) else None


_NAMED_SUBJECT = re.compile(  # "PDF.js is …", "Git was …": a sentence whose subject is a name
    r"^(?P<name>[A-Z][\w.+#-]*(?: [A-Z][\w.+#-]*){0,2}) (?:is|was|has|had|can|could|will|uses|runs|"
    r"supports|provides|lets|allows|began|became|remains)\b"
)
_PRONOUN = re.compile(r"^It (?=[a-z])")
_EXPLETIVE = re.compile(  # "It is important to …", "It seems that …": an "it" that stands for nothing
    r"^It (?:is|was|has been|would be|will be|can be|may be|might be|could be|seems|seemed|appears|"
    r"appeared|turns out|turned out|follows|remains|takes|took|rains|snows)\b(?: \w+)?"
    r"(?: (?:to|that|whether|if|how|what|when|why)\b|[.!?]?$| (?:important|possible|impossible|necessary|"
    r"likely|unlikely|clear|worth|common|easy|hard|difficult|true|false|better|best|useful|recommended|advisable|"
    r"time|enough|not)\b)"
)


def with_its_name(text: str, previous: str, phrases: Phrases) -> str | None:
    """ "It is developed by Mozilla." after "PDF.js is a viewer …" → "PDF.js is developed by Mozilla.": the
    sentence standing alone, its pronoun replaced by the name it stands for. None when that is not certain:
    only in English, only "It" opening the sentence, only when the sentence before names its subject (a
    name, not "The …" or an everyday word)."""
    found = _NAMED_SUBJECT.match(previous)
    if phrases.code != "en" or not _PRONOUN.match(text) or _EXPLETIVE.match(text) or found is None:
        return None
    name = found["name"]
    first = name.split()[0]
    if first.lower() in phrases.function_words or (first.istitle() and common(first, phrases.code)):
        return None
    return _PRONOUN.sub(f"{name} ", text, count=1)


def looks_like_code(text: str) -> bool:
    """ "sysconfig.py", "__init__", "f(x)": a heading or phrase that is code, not words."""
    return bool(_CODE.search(text))


_SITE_FURNITURE = re.compile(r"^From (?:Wikipedia, )?the free encyclopedia\s*", re.I)


def _without_markers(text: str) -> str:
    for marker in _MARKERS:
        text = marker.sub("", text)
    text = _GLUED_FOOTNOTE.sub("", text)
    text = _TRAILING_FOOTNOTE.sub("", text)
    text = _FORM_CODE.sub("", text)
    text = _LEADING_NUMBER.sub("", text)
    return _ENUMERATION.sub("", text)


def _without_code_clause(text: str) -> str | None:
    """The sentence without its last clause when only that clause holds code ("…, such as `x := 1`.")."""
    body, end = text[:-1], text[-1]
    trimmed = _CODE_CLAUSE.sub("", body).rstrip(" ,;")
    if trimmed == body or _CODE.search(trimmed):
        return None
    return trimmed + end


def _tidy(text: str, *, french: bool) -> str:
    before_punctuation = _SPACE_BEFORE_STOP if french else _SPACE_BEFORE_PUNCTUATION
    text = before_punctuation.sub("", _SPACES.sub(" ", text)).strip()
    return re.sub(r"\(\s*\)|\[\s*\]", "", text).replace(" ,", ",").strip()


def _whole(text: str, *, min_words: int) -> bool:
    """Enough words, ends like a sentence, mostly letters."""
    words = text.split()
    if len(words) < min_words or text.rstrip("\"'”’»)")[-1:] not in (".", "!", "?", "…"):  # 'It says "No."'
        return False
    letters = sum(char.isalpha() for char in text)
    return letters > 0.6 * len(text)
