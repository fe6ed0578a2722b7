"""Where a caption line or cue may break: after punctuation, before a conjunction or preposition, never
inside a tight phrase (an article and its noun, a pronoun or auxiliary and its verb, a first and last name, an
adjective and its noun), following the Netflix Timed Text Style Guide (../shared/VIDEO-STYLE.md "Captions").

The function words of English, French, German, Spanish, Italian, Portuguese and Dutch tell a phrase's edges;
the language is guessed from which list the words fall in most. In any other language only punctuation
and the lines' balance decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

FORBIDDEN = 100.0  # a break only taken when nothing else fits


@dataclass(frozen=True)
class FunctionWords:
    """A language's words that bind to the word after them, and those that open a new phrase."""

    binding: frozenset[str]  # articles, determiners, subject pronouns, auxiliaries, negations
    conjunctions: frozenset[str]
    prepositions: frozenset[str]
    tight: frozenset[str] = frozenset()  # prepositions that hold on to the noun before: "pieces of music"
    adjective_endings: tuple[str, ...] = ()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


LANGUAGES: dict[str, FunctionWords] = {
    "en": FunctionWords(
        tight=_words("of"),
        binding=_words(
            "a an the this these those my your his her its our their every each another no some any several "
            "such i you he she it we they is are was were be been being am has have had do does did will "
            "would shall should can could may might must not isn't aren't wasn't weren't don't doesn't "
            "didn't won't can't couldn't shouldn't wouldn't hasn't haven't very more most less least too"
        ),
        conjunctions=_words(
            "and or but nor so yet because although though while whereas if unless since when whenever "
            "where that which who whom whose than as until once"
        ),
        prepositions=_words(
            "of in on at by for with from to into onto about above across after against along among around "
            "before behind below beneath beside between beyond during except inside near off over past "
            "through throughout toward towards under upon within without via per like"
        ),
        adjective_endings=("al", "ic", "ive", "ous", "ful", "less", "able", "ible", "ary", "ent", "ant"),
    ),
    "fr": FunctionWords(
        tight=_words("de du des"),
        binding=_words(
            "le la les un une des du au aux ce cet cette ces mon ma mes ton ta tes son sa ses notre nos "
            "votre vos leur leurs quelques chaque je tu il elle on nous vous ils elles se ne est sont était "
            "étaient être a ont avait avaient sera seront serait peut peuvent doit doivent va vont très "
            "plus moins"
        ),
        conjunctions=_words("et ou mais donc ni car que qui quand si comme lorsque puisque parce tandis"),
        prepositions=_words(
            "de à en dans par pour sur sous avec sans chez entre vers contre depuis pendant selon avant "
            "après malgré parmi"
        ),
    ),
    "de": FunctionWords(
        tight=_words("des"),
        binding=_words(
            "der die das den dem des ein eine einen einem einer eines kein keine keinen keinem keiner mein "
            "meine dein sein seine ihre unser unsere jeder jede jedes dieser diese dieses ich du er sie es "
            "wir man ist sind war waren bin bist wird werden wurde wurden hat haben hatte hatten kann können "
            "muss müssen soll sollen will wollen darf nicht sehr"
        ),
        conjunctions=_words(
            "und oder aber denn sondern dass weil wenn als ob obwohl während damit bevor nachdem doch"
        ),
        prepositions=_words(
            "an auf aus bei bis durch für gegen hinter in mit nach neben ohne seit über um unter von vor zu "
            "zwischen zum zur im am ins vom beim trotz wegen"
        ),
    ),
    "es": FunctionWords(
        tight=_words("de del"),
        binding=_words(
            "el la los las un una unos unas lo este esta estos estas ese esa esos esas mi mis tu tus su sus "
            "nuestro nuestra nuestros nuestras cada yo tú él ella nosotros ellos ellas usted ustedes se no "
            "es son era eran fue fueron está están estaba ha han había habían he hemos puede pueden debe "
            "deben muy más menos"
        ),
        conjunctions=_words("y e o u pero sino que porque aunque cuando si como mientras pues ni"),
        prepositions=_words(
            "a de en con por para sin sobre entre hasta desde hacia según contra bajo ante tras del al "
            "durante mediante"
        ),
    ),
    "it": FunctionWords(
        tight=_words("di del della dei delle"),
        binding=_words(
            "il lo la i gli le un uno una questo questa questi queste quel quella mio mia miei mie tuo tua "
            "suo sua nostro nostra ogni io tu lui lei noi voi si ci non è sono era erano fu ha hanno aveva "
            "avevano ho abbiamo può possono deve devono sarà molto più meno"
        ),
        conjunctions=_words("e ed o ma però che perché se quando come mentre oppure né"),
        prepositions=_words(
            "di a da in con su per tra fra nel nella nei negli nelle al alla ai agli alle dal dalla sul "
            "sulla verso senza sotto sopra dopo durante contro del della dei degli delle"
        ),
    ),
    "pt": FunctionWords(
        tight=_words("de do da dos das"),
        binding=_words(
            "o a os as um uma uns umas este esta estes estas esse essa esses essas aquele aquela meu minha "
            "meus minhas seu sua seus suas nosso nossa cada eu tu ele ela nós eles elas você vocês se não "
            "é são era eram foi foram está estão estava tem têm tinha há pode podem deve devem vai vão "
            "muito mais menos"
        ),
        conjunctions=_words("e ou mas porém que porque embora quando se como enquanto nem pois"),
        prepositions=_words(
            "de em com por para sem sobre entre até desde contra do da dos das no na nos nas ao aos à às "
            "pelo pela pelos pelas num numa"
        ),
    ),
    "nl": FunctionWords(
        tight=_words("van"),
        binding=_words(
            "de het een dit deze die mijn jouw zijn haar ons onze hun elk elke ieder iedere geen ik jij je "
            "hij zij ze wij we u men is was waren ben bent heeft hebben had hadden wordt worden werd werden "
            "kan kunnen moet moeten zal zullen wil willen mag mogen niet zeer heel meer"
        ),
        conjunctions=_words("en of maar want dus omdat als dat wanneer terwijl hoewel toen zodat noch"),
        prepositions=_words(
            "van in op aan met voor door naar bij uit over onder tussen tot zonder tegen om na sinds achter "
            "naast tijdens volgens"
        ),
    ),
}

_SENTENCE_END = (".", "!", "?", "…", "。", "！", "？")
_CLAUSE_END = (",", ";", ":", ")", "]", "»", '"', "”", "—", "–", "、", "，", "；", "：")
_LEAST_SHARE = 0.12  # of the words that must be some language's function words before its rules apply


def bare(word: str) -> str:
    """The word lower-cased, without the punctuation around it."""
    return word.strip(".,;:!?…\"'“”‘’«»()[]{}—–-").lower()


def guess_language(words: Sequence[str]) -> str | None:
    """The language whose function words these are most often; None if none of ours is clearly it."""
    if not words:
        return None
    bares = [bare(word) for word in words]
    counts = {
        code: sum(w in lang.binding or w in lang.conjunctions or w in lang.prepositions for w in bares)
        for code, lang in LANGUAGES.items()
    }
    code, hits = max(counts.items(), key=lambda item: item[1])
    return code if hits >= _LEAST_SHARE * len(words) else None


def ends_sentence(word: str) -> bool:
    return word.rstrip("\"'”’»)").endswith(_SENTENCE_END)


def break_cost(before: str, after: str, language: str | None) -> float:
    """What breaking a line or a cue between two words costs: 0 after a sentence, FORBIDDEN inside a tight
    phrase; lower is a more natural place to break."""
    if ends_sentence(before):
        return 0.0
    if before.endswith(_CLAUSE_END) or after.startswith(("(", "[", "«", "—", "–", "“", '"')):
        return 1.0
    lang = LANGUAGES.get(language or "")
    if lang is None:
        return 10.0  # unknown language: only punctuation and balance tell
    head, tail = bare(before), bare(after)
    if head in lang.binding:
        return FORBIDDEN
    if _names(before, after) or _modifies(head, tail, lang):
        return FORBIDDEN * 0.6
    if head in lang.prepositions:
        return 40.0
    if head in lang.conjunctions:
        return 30.0
    if tail in lang.conjunctions:
        return 2.0
    if tail in lang.tight:
        return 12.0
    if tail in lang.prepositions:
        return 3.0
    if tail in lang.binding:
        return 5.0  # a new noun phrase or clause begins
    return 20.0


def _names(before: str, after: str) -> bool:
    """Two capitalised words in a row: a first and last name, or a name of several words."""
    return before[:1].isupper() and after[:1].isupper() and before[-1:].isalpha()


def _modifies(head: str, tail: str, lang: FunctionWords) -> bool:
    """A number before what it counts, or (by its ending) an adjective before its noun."""
    if tail in lang.binding or tail in lang.conjunctions or tail in lang.prepositions:
        return False
    return head[:1].isdigit() or (len(head) > 4 and head.endswith(lang.adjective_endings))
