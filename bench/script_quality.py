"""Issue 17's judges of a drafted script, written from the issue's words and independent of the writer.

Nothing here imports the writer's cleaning or term code (`pipeline/script/clean.py`, `terms.py`, …). The one
thing read from the writer's package is its phrase book (`script/language.py`), because "template words"
means exactly the sentences in it. Function-word lists, the debris patterns, the document's key terms and
its language are all computed here, with wordfreq, snowballstemmer and py3langid.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import snowballstemmer
import wordfreq
from script_prose import split_sentences

from animagenius.pipeline.script.language import LANGUAGES

LANGUAGE_CODES = ("en", "fr", "de", "es", "it", "pt", "nl")
SNOWBALL = {"en": "english", "fr": "french", "de": "german", "es": "spanish", "it": "italian",
            "pt": "portuguese", "nl": "dutch"}  # fmt: skip
EVERYDAY_ZIPF = 4.5  # a single-word bullet this common is an everyday word ("Code" is 5.1)
TOP_TERMS, TERM_MIN_SENTENCES = 10, 3
FROM_DOCUMENT_SHARE = 0.6  # a sentence whose content words are this much the document's is taken from it
MIN_PROSE_WORDS = 20  # fewer words of prose than this: the document's language is not told

# Our own short lists, not the writer's: articles, pronouns, prepositions, conjunctions, auxiliaries.
_FUNCTION_TEXT = {
    "en": """a an the and or but nor so yet if then than as at by for from in into of off on onto out over
        to up upon with within without about above after against along among around before behind below
        beneath beside between beyond during except inside near since through toward towards under until via
        is are was were be been being am do does did has have had having will would shall should can could
        may might must it its it's this that these those there here he she they them their his her him we us
        our you your i me my which who whom whose what when where why how not no also although though because
        while whereas unless whether such both either neither each every all any some other another very""",
    "fr": """le la les l un une des du de d à au aux et ou mais donc or ni car ce cet cette ces ça cela ceci
        il elle ils elles on nous vous je tu se s sa son ses leur leurs lui y en qui que qu quoi dont où ne n
        pas plus moins très est sont était étaient été être a ont avait avaient sur sous dans par pour avec
        sans entre vers chez comme si quand aussi ainsi alors tout tous toute toutes même peut doit lors afin
        dès depuis pendant après avant notre nos votre vos mon ma mes au-dessus au-dessous au-delà auprès
        parmi selon jusqu jusque c""",
    "de": """der die das den dem des ein eine einer eines einem einen und oder aber doch sondern denn weil
        dass wenn als wie ob so auch noch nur schon sehr mehr ist sind war waren wird werden wurde wurden
        hat haben hatte hatten sein seine seiner seinen seinem ihr ihre ihrer ihren ihrem es er sie wir ich
        du man sich nicht kein keine in im an am auf aus bei beim mit nach von vom zu zum zur für über unter
        vor hinter zwischen durch gegen ohne um bis seit während dieser diese dieses diesem diesen jene alle
        kann können muss müssen soll sollen damit dazu dabei daher deshalb also dort hier""",
    "es": """el la los las lo un una unos unas y e o u pero sino ni que de del al a en con por para sin sobre
        entre hasta desde hacia según durante es son era eran fue fueron ser estar está están ha han había
        se su sus le les me te nos él ella ellos ellas esto este esta estos estas ese esa eso esos esas muy
        más menos también ya aún como cuando donde si no cada todo toda todos todas otro otra otros otras""",
    "it": """il lo la i gli le l un uno una e ed o ma però che di del dello della dei degli delle a al allo
        alla ai agli alle da dal dalla dai in nel nello nella nei negli nelle con su sul sulla per tra fra è
        sono era erano essere stato stata ha hanno aveva si sua suo suoi sue loro lui lei questo questa
        questi queste quello quella molto più meno anche come quando dove se non ogni tutto tutti tutte
        cioè dell all nell dall sull""",
    "pt": """o a os as um uma uns umas e ou mas porém que de do da dos das ao aos à às em no na nos nas num
        numa com por pelo pela pelos pelas para sem sobre entre até desde é são era eram foi foram ser estar
        está estão tem têm se seu sua seus suas lhe ele ela eles elas isto isso este esta estes estas esse
        essa aquele muito mais menos também já ainda como quando onde não cada todo toda todos todas""",
    "nl": """de het een en of maar want dus dat die dit deze van voor naar met op in aan bij door over onder
        uit tot om tegen zonder tussen is zijn was waren wordt worden werd werden heeft hebben had hadden
        er hij zij ze wij we jij je u ik men zich niet geen ook nog al wel zeer meer minder als dan hoe
        wanneer waar wat wie elk elke alle ander andere kan kunnen moet moeten zal zullen hun haar ons
        onze""",
}  # fmt: skip
FUNCTION_WORDS = {code: frozenset(text.split()) for code, text in _FUNCTION_TEXT.items()}
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_TOKEN = re.compile(r"[^\W_]+")  # words and numbers, split at every sign ("o/g21ces" → "o", "g21ces")
_BULLET_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")  # "Au-dessus", "Plug-in", "1755"
_ELIDED = re.compile(r"^(?:[ldjmnstc]|qu|dell|all|nell|dall|sull)['’](?=\w)", re.IGNORECASE)  # l'assuré


def words(text: str) -> list[str]:
    return _WORD.findall(text)


@functools.cache
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer(SNOWBALL.get(language, "english"))


def stem(word: str, language: str) -> str:
    return str(_stemmer(language).stemWord(word.lower().replace("’", "'")))


@functools.cache
def _frequent(language: str) -> frozenset[str]:
    return frozenset(wordfreq.top_n_list(language, 100))


def is_function_word(word: str, language: str) -> bool:
    low = _ELIDED.sub("", word.lower())  # l'autoroute → autoroute
    return low in FUNCTION_WORDS.get(language, FUNCTION_WORDS["en"])


def zipf(word: str, language: str) -> float:
    return float(wordfreq.zipf_frequency(word, language if language in LANGUAGE_CODES else "en"))


# ---------------------------------------------------------------- the document


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)  # our own: the app's is unrestricted
    identifier.set_languages(list(LANGUAGE_CODES))
    return identifier


def language_of(text: str) -> str:
    """One of the seven languages the writer speaks (py3langid restricted to them), "und" when too short."""
    if len(words(text)) < MIN_PROSE_WORDS:
        return "und"
    return str(_identifier().classify(text)[0])


_BACK_MATTER = re.compile(
    r"^\W*(?:\d+(?:\.\d+)*\.?\s*)?(?:references|bibliography|works cited|literature|acknowledge?ments?|"
    r"copyright|footnotes|notes|références|bibliographie|literatur|quellen|referencias|bibliografía|"
    r"riferimenti|bibliografia|referências|literatuur|bronnen)\b",
    re.IGNORECASE,
)
PROSE_KINDS = ("paragraph", "list_item", "quote", "notes", "transcript")


def prose(document: Any) -> list[str]:
    """The document's running text: paragraphs, list items, quotes, notes; not headings, tables, captions or
    code, and nothing under a References, Acknowledgements or Copyright heading."""
    texts, back_matter = [], False
    for block in document.blocks:
        if block.kind == "heading":
            back_matter = bool(_BACK_MATTER.match(block.text))
        elif block.kind in PROSE_KINDS and not back_matter:
            texts.append(block.text)
    return texts


_NOT_WORDS = re.compile(r"https?://\S+|www\.\S+|\S*[_/@=`\\<>{}]\S*")  # URLs, paths, code: no terms in them
_NAME_LIKE = re.compile(r"^(?:[A-Z][a-zà-ÿ]+|[A-Z]{2,5})$")  # "Brenholm", "LST": names and acronyms


def prose_sentences(document: Any, language: str) -> list[str]:
    """Sentences of the prose that read as sentences: four words or more, a function word among them, and
    mostly words of the language or names (not axis labels, name lists or a font's garbled text layer)."""
    kept = []
    for sentence in (s for text in prose(document) for s in split_sentences(_NOT_WORDS.sub(" ", text))):
        found, numbers = words(sentence), re.findall(r"\d+", sentence)
        known = [w for w in found if zipf(w, language) > 0 or _NAME_LIKE.match(w)]
        function = any(is_function_word(w, language) for w in found)
        mostly_words = len(known) >= 0.6 * len(found) and len(numbers) <= 0.4 * (len(found) + len(numbers))
        if len(found) >= 4 and function and mostly_words:
            kept.append(sentence)
    return kept


def top_terms(document: Any, language: str, how_many: int = TOP_TERMS) -> list[dict[str, Any]]:
    """The document's key terms: content-word stems in ≥ 3 sentences of its prose, ranked by the number
    of sentences × specificity (7 − wordfreq zipf of the stem's most common spelling)."""
    sentences: Counter[str] = Counter()
    spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for sentence in prose_sentences(document, language):
        seen = set()
        for word in words(sentence):
            low = _ELIDED.sub("", word.lower())
            if len(low) < 3 or is_function_word(low, language) or low in _frequent(language):
                continue
            key = stem(low, language)
            spellings[key][low] += 1
            seen.add(key)
        sentences.update(seen)
    ranked = []
    for key, count in sentences.items():
        if count < TERM_MIN_SENTENCES:
            continue
        form = spellings[key].most_common(1)[0][0]
        specificity = 7 - zipf(form, language)
        ranked.append({"stem": key, "form": form, "sentences": count, "score": round(count * specificity, 1)})
    return sorted(ranked, key=lambda term: (-term["score"], term["stem"]))[:how_many]


def coverage(terms: list[dict[str, Any]], narration: str, language: str) -> tuple[float | None, list[str]]:
    """Share of `terms` the narration says (by stem), and the ones it leaves out."""
    said = {stem(word, language) for word in words(narration)}
    missed = [term["form"] for term in terms if term["stem"] not in said]
    return (round(1 - len(missed) / len(terms), 3) if terms else None), missed


def vocabulary(document: Any, language: str) -> set[str]:
    """Every word of every block, lower case and as a stem."""
    texts = [document.title, *(block.text for block in document.blocks)]
    found = {word.lower() for text in texts for word in _TOKEN.findall(text)}
    return found | {stem(word, language) for word in found}


# ---------------------------------------------------------------- the writer's framing


_SLOTS = {"question": r".+?\?", "items": r".+?", "topic": r".+?", "subject": r".+?"}


def _template_pattern(template: str) -> re.Pattern[str]:
    pattern = ""
    for literal, slot in re.findall(r"([^{]*)(?:\{(\w+)\})?", template):
        literal = re.sub(r"['’]", "['’]", re.escape(literal))
        literal = re.sub(r"([Qq]u|[DdLl])e\\? $", r"\1(?:e |['’])", literal)  # "que Apache" → "qu’Apache"
        pattern += literal + (_SLOTS[slot] if slot else "")
    return re.compile(rf"(?:^|(?<=[.!?…]\s)){pattern}(?=\s|$)")


@functools.cache
def framing_patterns() -> dict[str, list[re.Pattern[str]]]:
    """Every sentence the writer may add, per language, from its phrase book: the questions, bridges, recap,
    lesson goals and check, closings."""
    patterns = {}
    for code, book in LANGUAGES.items():
        templates = [*book.what_is, *book.transitions, book.recap, book.goals, book.check,
                     *book.closings.values(), book.recall, book.plain_closing]  # fmt: skip
        patterns[code] = [_template_pattern(template) for template in templates if template]
    return patterns


def framing_sentences(narration: str) -> list[tuple[str, str]]:
    """(language, sentence) for every framing sentence in the narration; a sentence that several phrase
    books could have written is given once per language."""
    found = []
    for code, patterns in framing_patterns().items():
        found += [(code, match[0]) for pattern in patterns for match in pattern.finditer(narration)]
    return found


def without_framing(narration: str) -> str:
    for patterns in framing_patterns().values():
        for pattern in patterns:
            narration = pattern.sub(" ", narration)
    return " ".join(narration.split())


def framing_language(scenes: Iterable[Any], language: str) -> dict[str, Any]:
    """Is the writer's own framing in the document's language? py3langid on all of it, and no sentence that
    only another language's phrase book has."""
    expected = language if language in LANGUAGE_CODES else "en"  # the writer's documented default
    found = [(code, text) for scene in scenes for code, text in framing_sentences(scene.narration)]
    own = {text for code, text in found if code == expected}
    foreign = sorted({f"{code}: {text}" for code, text in found if code != expected and text not in own})
    text = " ".join(dict.fromkeys(text for _, text in found))
    detected = str(_identifier().classify(text)[0]) if text else None
    return {
        "expected": expected,
        "framing": list(dict.fromkeys(text for _, text in found)),
        "detected": detected,
        "foreign": foreign,
        "ok": not foreign and detected in (None, expected),
    }


# ---------------------------------------------------------------- hooks


_SAYS_LENGTH = re.compile(
    r"\bexplained in\b|\bin (?:\d+|one|two|three|a) (?:seconds?|minutes?)\b|\bminutes?\b|\bseconds\b|"
    r"\b(?:en|in|em) \d+ (?:secondes|Sekunden|segundos|secondi|seconden)\b|\b(?:une|eine|un|uno|uma|één) "
    r"(?:minute|Minute|minuto|minuut)\b",
    re.IGNORECASE,
)
_OLD_HOOK = re.compile(r"^(?:here is|here's|meet|voici|hier ist|aquí está|ecco|aqui está|hier is)\b", re.I)


def from_document(sentence: str, vocabulary: set[str], language: str) -> bool:
    """A sentence taken from the document: most of its content words are the document's own."""
    content = [w for w in words(sentence) if not is_function_word(w, language)]
    own = [w for w in content if w.lower() in vocabulary or stem(w, language) in vocabulary]
    return len(own) >= 2 and len(own) >= FROM_DOCUMENT_SHARE * len(content)


def template_hook(narration: str, vocabulary: set[str], language: str) -> list[str]:
    """Why a hook is a template hook ([] when it is not)."""
    reasons = []
    rest = split_sentences(without_framing(narration))
    if not any(from_document(sentence, vocabulary, language) for sentence in rest):
        reasons.append("no sentence from the document")
    if found := _SAYS_LENGTH.search(narration):
        reasons.append(f"says the video's length ({found[0]!r})")
    if _OLD_HOOK.match(narration):
        reasons.append("old 'Here is …' / 'Meet …' opening")
    return reasons


# ---------------------------------------------------------------- debris


_FILE_EXTENSIONS = "py|js|json|txt|md|rst|html?|cfg|ini|toml|ya?ml|sh|c|h|cpp|rs|go|java|ts|css|xml|csv|pdf"
DEBRIS = {
    "bracketed marker": r"\[[^\[\]]{1,30}\]",  # [12], [a], [edit], [citation needed]
    "reference target": r"<[^<>\s]{1,20}>",  # "Python <7>"
    "author-year citation": r"\((?:see |cf\. )?[A-Z][\w'’-]+(?: et al\.?| and [A-Z][\w'’-]+)?,? (?:19|20)\d\d"
    r"[a-z]?[^()]*\)|\bet al\b",
    "number(number) citation": r"\b\d+\(\d+\)",  # 9(37)
    "superscript or footnote mark": r"[⁰¹²³⁴⁵⁶⁷⁸⁹∗†‡]|(?<=[^\W\d_])[*§¶]",
    "enumeration marker": r"(?:^|(?<=\s))\(?(?:\d{1,2}|[a-hA-H]|[ivx]{1,4})\)(?=\s|$)"  # 1) a) (ii)
    r"|^\d{1,3}\.$",  # "5." read as a sentence
    "citation back-link": r"\^",  # "^ a b": a wiki reference list's links back to the text
    "glyph name": r"/[A-Za-z]{1,8}\d+[A-Za-z]*|\b[A-Za-z]{1,3}\d{1,4}[a-z]{2,}\b",  # /g18, o/g21ces, g21cient
    "private-use or replacement character": r"[\ue000-\uf8ff\ufffd\U000f0000-\U0010fffd]",
    "URL or e-mail": r"https?://\S+|\bwww\.\S+|\b[\w.+-]+@[\w-]+\.\w+",
    "code: backtick": r"`",
    "code: call": r"\b[A-Za-z_][\w.]*\([^()\s]*\)",  # name(args)
    "code: operator": r":=|==|!=|->|=>|\+=|\b\w+=\S|::",
    "code: comment": r"(?:^|\s)#\s",
    "code: identifier": r"\b\w*[^\W_]_\w+|\b_\w+|\b[a-z]+[A-Z][a-z]\w*",  # snake_case, __dunder__, camelCase
    "code: braces": r"[{}]",
    "file path": rf"(?:^|\s)[~.]{{0,2}}/[\w.-]+/|\b[\w.-]+/[\w.-]+/[\w.-]+"
    rf"|\b[a-z][\w-]*\.(?:{_FILE_EXTENSIONS})\b",
    "figure/table pointer": r"\b(?:fig(?:ure)?s?\.?|tables?|tableaux?|abbildung(?:en)?|abb\.|tabellen?|"
    r"tablas?|figuras?|tabellas?|tabelas?|tabel(?:len)?|figuur|afbeelding(?:en)?|eq(?:uation)?s?\.?|"
    r"listings?)\s*\(?\d+",
}  # fmt: skip
_DEBRIS = {
    kind: re.compile(pattern, re.IGNORECASE if "pointer" in kind else 0) for kind, pattern in DEBRIS.items()
}
_FOOTNOTE_LINE = re.compile(r"^[*†‡§¶]+\s*\S")  # "* Corresponding author.": a footnote read as a sentence
_BARE_NUMBER = re.compile(r"^[«“\"(]?(\d{3,4})\b(?![.,]\d)")
_FORM_CODE = re.compile(r"^[A-Z]{1,2} \d{3,}\b")  # "S 3706 Quiconque …": a form's reference read as words
_HOLE = re.compile(  # "supplies a of heat": a word lost between an article and what follows
    r"\b(?:a|an|the)\s+(?:of|to|in|on|at|for|with|by|from|and|or|the|a|an|is|are)(?![\w-])|\b(?:a|an|the)\s*[,.;:]"
)


def debris(sentence: str, document_text: str) -> list[tuple[str, str]]:
    """(kind, token) for every piece of print or markup debris a voice would read in `sentence`."""
    found = [(kind, match[0]) for kind, pattern in _DEBRIS.items() for match in pattern.finditer(sentence)]
    if (number := _BARE_NUMBER.match(sentence)) and _lost_its_word(number[1], document_text):
        found.append(("number that lost its word (PEP/RFC N)", number[1]))
    if footnote := _FOOTNOTE_LINE.match(sentence):
        found.append(("footnote line", footnote[0]))
    if form := _FORM_CODE.match(sentence):
        found.append(("form or reference code", form[0]))
    return found


def _lost_its_word(number: str, document_text: str) -> bool:
    """A sentence opens on "3107": not a year, or the document writes it after a name ("PEP 3107")."""
    year = 1500 <= int(number) <= 2099
    named = re.search(rf"(?:\b[A-Z]{{2,}}[ -]?|:\w+:`|`){number}\b", document_text)
    return not year or bool(named)


def holes(sentence: str, language: str) -> list[str]:
    return [match[0] for match in _HOLE.finditer(sentence)] if language == "en" else []


def strange_words(sentence: str, vocabulary: set[str], language: str) -> list[str]:
    """Words said that are in no block of the document and not words of the language: "ecient" left when
    a glyph name was cut out of "e/g21cient"."""
    return [
        word
        for word in _TOKEN.findall(sentence)
        if word.isalpha() and word.lower() not in vocabulary and zipf(word, language) < 1.5
    ]


# ---------------------------------------------------------------- bullets


_EVERYDAY_EXCEPT_NAME = re.compile(r"^(?:[A-Z0-9]{2,}|.+[A-Z].*|.*[^\w].*)$")  # LIR, TraceMonkey, PDF.js
_PAST_TENSE = re.compile(r"[a-z]{2}ed$")
_NOT_PAST = re.compile(r"(?:eed|hundred|bed|red)$")
_CLAUSE_LEAD = re.compile(r"^(?:although|though|because|while|whereas|if|unless|since|when|whether)\b", re.I)


_ARTICLE_TEXT = {
    "en": "a an the", "fr": "le la les l un une des",
    "de": "der die das den dem des ein eine einen einem einer eines", "es": "el la los las un una unos unas",
    "it": "il lo la i gli le l un uno una", "pt": "o a os as um uma uns umas", "nl": "de het een",
}  # fmt: skip
ARTICLES = {code: frozenset(text.split()) for code, text in _ARTICLE_TEXT.items()}
ARTICLE_LED = "opens with the article"  # the one reason that a heading such as "La conception" gives


def fragment_reasons(bullet: str, where: list[str], language: str, names: set[str]) -> list[str]:
    """Why an on-screen bullet is a fragment ([] when it reads as a whole). `where`: the scene's narration
    and source text, in which the bullet must occur; `names`: words the document writes only capitalised.
    A bullet that opens with an article is a fragment by the issue's rule (an article is a function word);
    it is told apart (ARTICLE_LED) so that a noun phrase like "La conception" can be seen for what it is."""
    reasons = []
    tokens = _BULLET_TOKEN.findall(bullet)
    if not tokens:
        return ["no words"]
    first, last = tokens[0], tokens[-1]
    if first.lower() in ARTICLES.get(language, ARTICLES["en"]) and len(tokens) > 1:
        reasons.append(f"{ARTICLE_LED} {first!r}")
    elif is_function_word(first, language):
        reasons.append(f"starts with the function word {first!r}")
    if is_function_word(last, language):
        reasons.append(f"ends with the function word {last!r}")
    single = first if len(bullet.split()) == 1 else ""
    is_name = bool(_EVERYDAY_EXCEPT_NAME.match(bullet)) or (language != "de" and single.lower() in names)
    if single and not is_name and zipf(single, language) >= EVERYDAY_ZIPF:
        reasons.append(f"a single everyday word (zipf {zipf(single, language):.1f})")
    if language == "en":
        if _PAST_TENSE.search(last.lower()) and not _NOT_PAST.search(last.lower()):
            reasons.append(f"ends in a past-tense verb ({last!r})")
        if _CLAUSE_LEAD.match(bullet):
            reasons.append("a clause led by a conjunction")
    if not any(_occurs(words(bullet), text, language) for text in where):
        reasons.append("not said in the scene's narration nor found in its source blocks")
    return reasons


def _occurs(tokens: list[str], text: str, language: str) -> bool:
    """`tokens` in a row in `text`, case-insensitively, singular or plural (compared by stem)."""
    wanted = [stem(token, language) for token in tokens]
    have = [stem(token, language) for token in words(text)]
    return any(have[i : i + len(wanted)] == wanted for i in range(len(have) - len(wanted) + 1))


def capitalised_names(document: Any) -> set[str]:
    """Words (lower-cased) the document writes capitalised and never in lower case: "firefox", "python"."""
    seen_lower, seen_title = set(), set()
    for block in document.blocks:
        for word in words(block.text):
            (seen_lower if word.islower() else seen_title).add(word.lower())
    return seen_title - seen_lower
