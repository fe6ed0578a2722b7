"""Every word the writer adds to a script, in each language it writes, and the few rules of each language it
needs to read sentences (function words, words that lean on the sentence before, defining sentences).

A language not listed here is written in English words around the source's own sentences, and the job says so.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import snowballstemmer

from animagenius.pipeline.domain import ScriptStyle

_CI = re.IGNORECASE


@dataclass(frozen=True)
class Phrases:
    code: str
    name: str
    stemmer: str  # snowball's name for the language
    and_word: str
    what_is: tuple[str, str]  # a question about one thing, and about several: "What is {subject}?"
    transitions: tuple[str, str, str]  # the first body scene's, a middle one's, the last one's
    recap: str  # "{items}": the key points, joined
    goals: str  # a lesson's opening: what it teaches
    check: str  # a lesson's question before the recap: "{question}" is a what-is question
    closings: dict[ScriptStyle, str]  # when the document offers no concluding sentence of its own
    titles: dict[str, str]  # on-screen titles of the framing scenes: recap, check, closing
    function_words: frozenset[str]
    leans_back: re.Pattern[str]  # a sentence opening like this needs the one before it
    connective: re.Pattern[str]  # a leading connective that can go when the sentence stands alone
    defining: tuple[re.Pattern[str], ...]  # "X is a …": a sentence that says what something is
    self_introduction: re.Pattern[str]  # "This paper presents …": the document saying what it is
    conclusion_heading: re.Pattern[str]
    generic_heading: re.Pattern[str]  # headings that name no topic ("Introduction")
    these_ideas: str = ""  # what a closing names when the subject has no short name
    recall: str = ""  # a lesson's check question when the document defines nothing
    plain_closing: str = ""  # the closing when there is no conclusion and no short subject
    benefit: re.Pattern[str] = re.compile(r"(?!)")  # a sentence that promises something: a promo's lead
    refers_back: re.Pattern[str] = re.compile(r"(?!)")  # "…that this assumes…": names something said before
    determiners: frozenset[str] = field(default_factory=frozenset)  # words before a noun: "the", "cette"
    articles: frozenset[str] = field(default_factory=frozenset)  # definite: "the", "la", "die"
    elisions: tuple[tuple[re.Pattern[str], str], ...] = ()  # "que Apache" → "qu’Apache"

    def join(self, items: list[str]) -> str:
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.and_word} {items[-1]}"

    def question(self, subject: str, *, plural: bool) -> str:
        return self.elide(self.what_is[plural].format(subject=subject))

    def elide(self, text: str) -> str:
        for pattern, replacement in self.elisions:
            text = pattern.sub(replacement, text)
        return text

    def stem(self, word: str) -> str:
        return _stemmer(self.stemmer).stemWord(word.lower())


@functools.cache
def _stemmer(name: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(name)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _opening(words: str) -> re.Pattern[str]:
    return re.compile(rf"^(?:{words})\b", _CI)


_EN = Phrases(
    code="en",
    name="English",
    stemmer="english",
    and_word="and",
    what_is=("What is {subject}?", "What are {subject}?"),
    transitions=(
        "Let’s start with {topic}.",
        "Next, let’s look at {topic}.",
        "Finally, let’s look at {topic}.",
    ),
    recap="To sum up: {items}.",
    goals="In this lesson, you will learn about {items}.",
    check="Quick check: {question} Think about your answer before the summary.",
    closings={
        "explainer": "And that is {subject}, in a nutshell.",
        "summary": "That is {subject}, in brief.",
        "lesson": "Now try explaining {subject} in your own words.",
        "promo": "Discover {subject} today.",
    },
    titles={"recap": "In short", "check": "Check yourself", "closing": "Key takeaway"},
    function_words=_words(
        """a about above after again against all also am an and any are as at be because been before being
        below between both but by can could did do does doing down during each either few for from further
        had has have having he her here hers herself him himself his how i if in into is it its itself just
        let like may me might more most must my myself no nor not now of off on once only or other our ours
        out over own same shall she should so some such than that the their theirs them themselves then there
        these they this those through to too under until up upon us very via was we were what when where
        which while who whom why will with within without would you your yours also even still yet however
        thus therefore hence etc per since although though whether whose onto unless"""
    ),
    leans_back=_opening(
        r"this|that|these|those|it|its|they|their|them|he|she|his|her|such|here|there|the latter|the former|"
        r"both|either|neither|another|likewise|otherwise|but|and|or|nor|yet|also|although|though|which|"
        r"as shown|as described|as mentioned|see|at this point|in this case|in that case|to this end|"
        r"for this reason|in these cases|in such cases|after that|with this|in the example|in our example|"
        r"as part of this|so|thus|hence|therefore|let's|let us|"
        r"(?:some|many|most|all|each|one|none|several|few|any|both) of (?:them|these|those|which)|"
        r"\w+ing (?:these|those|this|that|them|it)"
    ),
    connective=re.compile(
        r"^(?:however|moreover|furthermore|in addition|additionally|also|thus|therefore|hence|finally|"
        r"first|second|third|similarly|consequently|instead|indeed|in fact|in particular|for example|"
        r"for instance|as a result|in contrast|by contrast|on the other hand|in other words|of course|"
        r"then|next|now|so|but|and)\s*,\s*",
        _CI,
    ),
    defining=(
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?) (?P<verb>is|are) (?:a|an|the|one of)\b"),
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?),? (?P<verb>lets|allows|enables|helps)\b"),
    ),
    self_introduction=_opening(
        r"this is (?:a|an|the) (?:pep|paper|document|proposal|guide|report|study|review|tutorial)|"
        r"(?:this|the present) (?:pep|paper|document|article|report|proposal|guide|project|library|"
        r"repository|tool|book|chapter|study|review|thesis|form|tutorial|post|talk) "
        r"(?:is|presents|proposes|describes|introduces|explains|defines|specifies|gives|provides|"
        r"shows|lets|allows|covers|discusses|described|presented|proposed|introduced|showed|explained)|"
        r"we (?:present|propose|describe|introduce|show|presented|proposed|described|introduced|showed)"
    ),
    conclusion_heading=re.compile(r"(?:conclusions?|summary|in summary|closing remarks|outlook)\b", _CI),
    generic_heading=re.compile(
        r"(?:introduction|overview|background|abstract|summary|conclusions?|motivation|rationale|"
        r"discussion|preliminaries|related work|future work|getting started|contents)\b",
        _CI,
    ),
    these_ideas="these ideas",
    recall="What are the main ideas you just heard?",
    plain_closing="That is the essence of it.",
    benefit=re.compile(
        r"\b(?:faster|easier|simpler|better|saves?|free|without|up to \d|\d+(?:\.\d+)?\s?(?:x|"
        r"times)\b|lets you|helps you|improv\w+|reduc\w+|speeds? up)",
        _CI,
    ),
    refers_back=re.compile(
        r"\b(?:this|that) (?:assumes|means|implies|requires|allows|lets|ensures|gives|makes|will|"
        r"would)\b|\bin (?:both|either|each of these|these|those|such) cases\b|\b(?:the|this|that|"
        r"these|those) (?:former|latter)\b",
        _CI,
    ),
    determiners=_words("the a an its their our your his her each every another"),
    articles=_words("the"),
)

_FR = Phrases(
    code="fr",
    name="French",
    stemmer="french",
    and_word="et",
    what_is=("Qu’est-ce que {subject} ?", "Que sont {subject} ?"),
    transitions=("Commençons par {topic}.", "Voyons maintenant {topic}.", "Pour finir, voyons {topic}."),
    recap="En résumé : {items}.",
    goals="Dans cette leçon, vous allez découvrir {items}.",
    check="Petite question : {question} Prenez le temps d’y répondre avant le résumé.",
    closings={
        "explainer": "Voilà l’essentiel sur {subject}.",
        "summary": "Voilà {subject}, en bref.",
        "lesson": "À vous maintenant : expliquez {subject} avec vos propres mots.",
        "promo": "Découvrez {subject} dès aujourd’hui.",
    },
    titles={"recap": "En bref", "check": "À vous de jouer", "closing": "À retenir"},
    function_words=_words(
        """le la les l un une des du de d à au aux et ou mais donc or ni car ce cet cette ces ça cela ceci il
        elle ils elles on nous vous je tu se sa son ses leur leurs lui y en qui que qu quoi dont où ne pas
        plus moins très est sont était été être avoir a ont avait sur sous dans par pour avec sans entre vers
        chez comme si quand aussi ainsi alors tout tous toute toutes autre autres même mêmes peut doit fait
        selon lors afin dès depuis pendant après avant notre nos votre vos mon ma mes"""
    ),
    leans_back=_opening(
        r"il|elle|ils|elles|ce|cet|cette|ces|cela|ceci|ça|celui-ci|celle-ci|mais|et|ou|donc|or|ainsi|"
        r"de plus|en outre|par conséquent|dans ce cas|pour cela|c’est pourquoi|c'est pourquoi|lui|leur"
    ),
    connective=re.compile(
        r"^(?:cependant|toutefois|de plus|en outre|par ailleurs|ainsi|donc|enfin|d’abord|d'abord|"
        r"ensuite|par exemple|en effet|en particulier|en revanche|néanmoins|pourtant|aussi)\s*,\s*",
        _CI,
    ),
    defining=(
        re.compile(
            r"^(?P<subject>[^,;:()]{2,60}?) (?P<verb>est|sont) (?:un|une|le|la|l’|l'|les|des|l’un|l'un)\b"
        ),
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?),? (?P<verb>permet|permettent)\b"),
    ),
    self_introduction=_opening(
        r"(?:ce|cette|le présent|la présente) (?:document|formulaire|article|rapport|guide|projet|notice|"
        r"étude|livre|chapitre|proposition|bibliothèque|outil) (?:est|présente|décrit|propose|permet|"
        r"explique|définit|précise)|nous (?:présentons|proposons|décrivons)"
    ),
    conclusion_heading=re.compile(r"(?:conclusions?|en résumé|résumé|synthèse|bilan)\b", _CI),
    generic_heading=re.compile(
        r"(?:introduction|présentation|contexte|résumé|conclusions?|sommaire|généralités|historique)\b", _CI
    ),
    these_ideas="ces idées",
    recall="Quelles sont les idées principales que vous venez d’entendre ?",
    plain_closing="Voilà l’essentiel.",
    benefit=re.compile(
        r"\b(?:plus rapide|plus simple|plus facile|facilement|gratuit|sans|permet|jusqu.à|améliore|réduit)",
        _CI,
    ),
    refers_back=re.compile(
        r"\b(?:cela|ceci|ce qui) (?:signifie|implique|suppose|permet|veut dire)\b|\bdans (?:ces|ce|"
        r"les deux) cas\b|\bce dernier\b|\bcette dernière\b",
        _CI,
    ),
    determiners=_words(
        "le la les l’ l' un une des du ce cet cette ces son sa ses leur leurs notre nos votre vos chaque"
    ),
    articles=_words("le la les l’ l'"),
    elisions=((re.compile(r"\b([Qq]u|[Dd]|[Ll])e (?=[aeiouyéèêàâîôûhAEIOUYÉÈÊÀÂÎÔÛH])"), r"\1’"),),
)

_DE = Phrases(
    code="de",
    name="German",
    stemmer="german",
    and_word="und",
    what_is=("Was ist {subject}?", "Was sind {subject}?"),
    transitions=(
        "Zuerst geht es um {topic}.",
        "Als Nächstes geht es um {topic}.",
        "Zum Schluss geht es um {topic}.",
    ),
    recap="Zusammengefasst: {items}.",
    goals="In dieser Lektion lernen Sie {items} kennen.",
    check="Kurze Frage: {question} Überlegen Sie sich die Antwort vor der Zusammenfassung.",
    closings={
        "explainer": "Das ist {subject} auf den Punkt gebracht.",
        "summary": "Das war {subject} in Kürze.",
        "lesson": "Erklären Sie {subject} jetzt in eigenen Worten.",
        "promo": "Entdecken Sie {subject} noch heute.",
    },
    titles={"recap": "Kurz gesagt", "check": "Testen Sie sich", "closing": "Das Wichtigste"},
    function_words=_words(
        """der die das den dem des ein eine einer eines einem einen und oder aber doch sondern denn weil
        dass daß wenn als wie ob so auch noch nur schon sehr mehr weniger ist sind war waren wird werden
        wurde wurden hat haben hatte hatten sein seine ihr ihre es er sie wir ihr ich du man sich nicht kein
        keine in im an am auf aus bei mit nach von vom zu zum zur für über unter vor hinter zwischen durch
        gegen ohne um bis seit während dieser diese dieses diesem diesen jener alle alles jede jeder jedes
        kann können muss müssen soll sollen darf dürfen damit dazu dabei dadurch daher deshalb also"""
    ),
    leans_back=_opening(
        r"er|dies|diese|dieser|dieses|diesem|diesen|aber|und|oder|daher|deshalb|dadurch|damit|dazu|"
        r"außerdem|ebenso|somit|trotzdem|jedoch|dort|hier"
    ),
    connective=re.compile(
        r"^(?:jedoch|außerdem|zudem|daher|deshalb|somit|schließlich|zunächst|dann|zum beispiel|"
        r"beispielsweise|insbesondere|allerdings|trotzdem)\s*,\s*",
        _CI,
    ),
    defining=(
        re.compile(
            r"^(?P<subject>[^,;:()]{2,60}?) (?P<verb>ist|sind) (?:ein|eine|einer|der|die|das|eines)\b"
        ),
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?),? (?P<verb>ermöglicht|ermöglichen)\b"),
    ),
    self_introduction=_opening(
        r"(?:dieses|diese|dieser|das vorliegende|die vorliegende|der vorliegende) (?:Dokument|Formular|"
        r"Artikel|Bericht|Leitfaden|Projekt|Studie|Buch|Kapitel|Vorschlag|Bibliothek|Werkzeug) "
        r"(?:ist|beschreibt|stellt|schlägt|erklärt|definiert|ermöglicht|zeigt)|wir (?:stellen|präsentieren|"
        r"beschreiben|schlagen)"
    ),
    conclusion_heading=re.compile(r"(?:fazit|zusammenfassung|schluss|schlussfolgerungen?|ausblick)\b", _CI),
    generic_heading=re.compile(
        r"(?:einleitung|einführung|überblick|hintergrund|zusammenfassung|fazit|inhalt|allgemeines)\b", _CI
    ),
    these_ideas="diese Ideen",
    recall="Was sind die wichtigsten Ideen, die Sie gerade gehört haben?",
    plain_closing="Das ist das Wichtigste.",
    benefit=re.compile(
        r"\b(?:schneller|einfacher|leichter|besser|kostenlos|ohne|ermöglicht|bis zu|verbessert|spart|"
        r"reduziert)",
        _CI,
    ),
    refers_back=re.compile(
        r"\b(?:das|dies) (?:bedeutet|setzt voraus|erfordert|ermöglicht|heißt)\b|\bin (?:diesen|"
        r"beiden) Fällen\b|\b(?:letzterer|letztere|letzteres)\b",
        _CI,
    ),
    determiners=_words(
        """der die das den dem des ein eine einen einem einer eines dieser diese dieses diesem diesen jeder
        jede jedes sein seine ihr ihre unser unsere"""
    ),
    articles=_words("der die das"),
)

_ES = Phrases(
    code="es",
    name="Spanish",
    stemmer="spanish",
    and_word="y",
    what_is=("¿Qué es {subject}?", "¿Qué son {subject}?"),
    transitions=("Empecemos por {topic}.", "Veamos ahora {topic}.", "Por último, veamos {topic}."),
    recap="En resumen: {items}.",
    goals="En esta lección aprenderá sobre {items}.",
    check="Una pregunta rápida: {question} Piense su respuesta antes del resumen.",
    closings={
        "explainer": "Eso es {subject}, en pocas palabras.",
        "summary": "Eso es {subject}, en breve.",
        "lesson": "Ahora intente explicar {subject} con sus propias palabras.",
        "promo": "Descubra {subject} hoy mismo.",
    },
    titles={"recap": "En resumen", "check": "Compruébelo", "closing": "Lo esencial"},
    function_words=_words(
        """el la los las lo un una unos unas y e o u pero sino ni que de del al a en con por para sin sobre
        entre hasta desde hacia según durante es son era eran fue fueron ser estar está están ha han había
        se su sus le les me te nos os él ella ellos ellas esto este esta estos estas ese esa eso esos esas
        aquel muy más menos también tampoco ya aún como cuando donde si no cada todo toda todos todas otro
        otra otros otras mismo misma puede pueden debe deben"""
    ),
    leans_back=_opening(
        r"esto|este|esta|estos|estas|eso|ello|él|ella|ellos|ellas|pero|y|o|por eso|por lo tanto|además|"
        r"así|sin embargo|también|allí|aquí"
    ),
    connective=re.compile(
        r"^(?:sin embargo|además|por lo tanto|por eso|así|finalmente|primero|luego|después|por ejemplo|"
        r"en particular|en cambio|no obstante|también)\s*,\s*",
        _CI,
    ),
    defining=(
        re.compile(
            r"^(?P<subject>[^,;:()]{2,60}?) (?P<verb>es|son) (?:un|una|el|la|los|las|uno de|una de)\b"
        ),
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?),? (?P<verb>permite|permiten)\b"),
    ),
    self_introduction=_opening(
        r"(?:este|esta|el presente|la presente) (?:documento|formulario|artículo|informe|guía|proyecto|"
        r"estudio|libro|capítulo|propuesta|biblioteca|herramienta) (?:es|describe|presenta|propone|"
        r"permite|explica|define)|(?:presentamos|proponemos|describimos)"
    ),
    conclusion_heading=re.compile(r"(?:conclusi[oó]n(?:es)?|resumen|síntesis|balance)\b", _CI),
    generic_heading=re.compile(
        r"(?:introducción|presentación|antecedentes|contexto|resumen|conclusi[oó]n(?:es)?|índice)\b", _CI
    ),
    these_ideas="estas ideas",
    recall="¿Cuáles son las ideas principales que acaba de escuchar?",
    plain_closing="Eso es lo esencial.",
    benefit=re.compile(
        r"\b(?:más rápido|más fácil|más sencillo|mejor|gratis|gratuito|sin|permite|hasta|mejora|"
        r"ahorra|reduce)",
        _CI,
    ),
    refers_back=re.compile(
        r"\b(?:esto|eso|lo cual) (?:significa|implica|supone|permite|requiere)\b|\ben (?:estos|ambos|"
        r"tales) casos\b|\beste último\b|\besta última\b",
        _CI,
    ),
    determiners=_words(
        "el la los las un una unos unas este esta estos estas ese esa su sus nuestro nuestra cada"
    ),
    articles=_words("el la los las"),
)

_IT = Phrases(
    code="it",
    name="Italian",
    stemmer="italian",
    and_word="e",
    what_is=("Che cos’è {subject}?", "Che cosa sono {subject}?"),
    transitions=("Cominciamo da {topic}.", "Vediamo ora {topic}.", "Infine, vediamo {topic}."),
    recap="Riassumendo: {items}.",
    goals="In questa lezione scoprirai {items}.",
    check="Una domanda veloce: {question} Pensa alla risposta prima del riepilogo.",
    closings={
        "explainer": "Ecco {subject}, in poche parole.",
        "summary": "Questo è {subject}, in breve.",
        "lesson": "Ora prova a spiegare {subject} con parole tue.",
        "promo": "Scopri {subject} oggi stesso.",
    },
    titles={"recap": "In breve", "check": "Mettiti alla prova", "closing": "Da ricordare"},
    function_words=_words(
        """il lo la i gli le l un uno una e ed o ma però che di del dello della dei degli delle a al allo
        alla ai agli alle da dal dalla dai in nel nello nella nei negli nelle con su sul sulla per tra fra
        è sono era erano essere stato stata ha hanno aveva si sua suo suoi sue loro lui lei esso essa questo
        questa questi queste quello quella molto più meno anche come quando dove se non ogni tutto tutti
        tutte altro altri può possono deve devono già ancora quindi"""
    ),
    leans_back=_opening(
        r"questo|questa|questi|queste|ciò|esso|essa|essi|esse|lui|lei|ma|e|o|quindi|inoltre|perciò|così|"
        r"tuttavia|anche|lì|qui"
    ),
    connective=re.compile(
        r"^(?:tuttavia|inoltre|quindi|perciò|infine|innanzitutto|poi|per esempio|ad esempio|"
        r"in particolare|invece|comunque|anche)\s*,\s*",
        _CI,
    ),
    defining=(
        re.compile(
            r"^(?P<subject>[^,;:()]{2,60}?) (?P<verb>è|sono) (?:un|uno|una|un’|un'|il|lo|la|l’|l'|i|gli|le)\b"
        ),
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?),? (?P<verb>permette|permettono|consente)\b"),
    ),
    self_introduction=_opening(
        r"(?:questo|questa|il presente|la presente) (?:documento|modulo|articolo|rapporto|guida|progetto|"
        r"studio|libro|capitolo|proposta|libreria|strumento) (?:è|descrive|presenta|propone|permette|"
        r"spiega|definisce)|(?:presentiamo|proponiamo|descriviamo)"
    ),
    conclusion_heading=re.compile(r"(?:conclusion[ei]|riepilogo|riassunto|sintesi)\b", _CI),
    generic_heading=re.compile(
        r"(?:introduzione|presentazione|contesto|premessa|riepilogo|conclusion[ei]|indice)\b", _CI
    ),
    these_ideas="queste idee",
    recall="Quali sono le idee principali che hai appena ascoltato?",
    plain_closing="Questo è l’essenziale.",
    benefit=re.compile(
        r"\b(?:più veloce|più facile|più semplice|migliore|gratuito|senza|permette|consente|fino a|"
        r"migliora|riduce|risparmia)",
        _CI,
    ),
    refers_back=re.compile(
        r"\b(?:ciò|questo) (?:significa|implica|presuppone|permette|richiede)\b|\bin (?:questi|"
        r"entrambi i|tali) casi\b|\bquest.ultimo\b|\bquest.ultima\b",
        _CI,
    ),
    determiners=_words(
        "il lo la i gli le l’ l' un uno una un’ questo questa questi queste suo sua suoi sue loro ogni"
    ),
    articles=_words("il lo la i gli le l’ l'"),
)

_PT = Phrases(
    code="pt",
    name="Portuguese",
    stemmer="portuguese",
    and_word="e",
    what_is=("O que é {subject}?", "O que são {subject}?"),
    transitions=("Vamos começar por {topic}.", "Agora, vejamos {topic}.", "Por fim, vejamos {topic}."),
    recap="Em resumo: {items}.",
    goals="Nesta lição, você vai aprender sobre {items}.",
    check="Uma pergunta rápida: {question} Pense na resposta antes do resumo.",
    closings={
        "explainer": "Isso é {subject}, em poucas palavras.",
        "summary": "Isso é {subject}, em resumo.",
        "lesson": "Agora tente explicar {subject} com suas próprias palavras.",
        "promo": "Conheça {subject} hoje mesmo.",
    },
    titles={"recap": "Em resumo", "check": "Teste-se", "closing": "O essencial"},
    function_words=_words(
        """o a os as um uma uns umas e ou mas porém que de do da dos das ao aos à às em no na nos nas com
        por pelo pela para sem sobre entre até desde é são era eram foi foram ser estar está estão tem têm
        havia se seu sua seus suas lhe lhes ele ela eles elas isto isso este esta estes estas esse essa
        aquele muito mais menos também já ainda como quando onde não cada todo toda todos todas outro outra
        outros pode podem deve devem"""
    ),
    leans_back=_opening(
        r"isto|isso|este|esta|estes|estas|ele|ela|eles|elas|mas|e|ou|portanto|além disso|assim|"
        r"no entanto|também|ali|aqui"
    ),
    connective=re.compile(
        r"^(?:no entanto|além disso|portanto|assim|finalmente|primeiro|depois|por exemplo|"
        r"em particular|por outro lado|contudo|também)\s*,\s*",
        _CI,
    ),
    defining=(
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?) (?P<verb>é|são) (?:um|uma|o|a|os|as|um dos|uma das)\b"),
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?),? (?P<verb>permite|permitem)\b"),
    ),
    self_introduction=_opening(
        r"(?:este|esta|o presente|a presente) (?:documento|formulário|artigo|relatório|guia|projeto|estudo|"
        r"livro|capítulo|proposta|biblioteca|ferramenta) (?:é|descreve|apresenta|propõe|permite|explica|"
        r"define)|(?:apresentamos|propomos|descrevemos)"
    ),
    conclusion_heading=re.compile(r"(?:conclus(?:ão|ões)|resumo|síntese|balanço)\b", _CI),
    generic_heading=re.compile(
        r"(?:introdução|apresentação|contexto|resumo|conclus(?:ão|ões)|índice|histórico)\b", _CI
    ),
    these_ideas="essas ideias",
    recall="Quais são as ideias principais que você acabou de ouvir?",
    plain_closing="Isso é o essencial.",
    benefit=re.compile(
        r"\b(?:mais rápido|mais fácil|mais simples|melhor|grátis|gratuito|sem|permite|até|melhora|"
        r"reduz|economiza)",
        _CI,
    ),
    refers_back=re.compile(
        r"\b(?:isso|isto|o que) (?:significa|implica|supõe|permite|exige)\b|\bnesses casos\b|"
        r"\bem ambos os casos\b|\beste último\b|\besta última\b",
        _CI,
    ),
    determiners=_words(
        "o a os as um uma uns umas este esta estes estas esse essa seu sua seus suas nosso nossa cada"
    ),
    articles=_words("o a os as"),
)

_NL = Phrases(
    code="nl",
    name="Dutch",
    stemmer="dutch",
    and_word="en",
    what_is=("Wat is {subject}?", "Wat zijn {subject}?"),
    transitions=(
        "We beginnen met {topic}.",
        "Dan kijken we naar {topic}.",
        "Tot slot kijken we naar {topic}.",
    ),
    recap="Samengevat: {items}.",
    goals="In deze les leer je over {items}.",
    check="Een korte vraag: {question} Denk na over je antwoord voor de samenvatting.",
    closings={
        "explainer": "Dat is {subject}, in een notendop.",
        "summary": "Dat is {subject}, in het kort.",
        "lesson": "Probeer {subject} nu in je eigen woorden uit te leggen.",
        "promo": "Ontdek {subject} vandaag nog.",
    },
    titles={"recap": "Kort samengevat", "check": "Test jezelf", "closing": "Om te onthouden"},
    function_words=_words(
        """de het een en of maar want dus dat die dit deze van voor naar met op in aan bij door over onder
        uit tot om tegen zonder tussen is zijn was waren wordt worden werd werden heeft hebben had hadden
        er hij zij ze het wij we jij je u ik men zich niet geen ook nog al wel zeer meer minder als dan hoe
        wanneer waar waarom wat wie elk elke alle alles ander andere kan kunnen moet moeten zal zullen mag
        hun haar zijn ons onze jullie"""
    ),
    leans_back=_opening(
        r"dit|deze|dat|die|hij|zij|ze|het|maar|en|of|dus|daarom|daardoor|bovendien|ook|toch|daar|hier"
    ),
    connective=re.compile(
        r"^(?:echter|bovendien|daarom|dus|ten slotte|eerst|daarna|bijvoorbeeld|in het bijzonder|"
        r"daarentegen|toch|ook)\s*,\s*",
        _CI,
    ),
    defining=(
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?) (?P<verb>is|zijn) (?:een|de|het|één van)\b"),
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?),? (?P<verb>maakt|maken) het mogelijk\b"),
    ),
    self_introduction=_opening(
        r"(?:dit|deze|het|de) (?:document|formulier|artikel|rapport|handleiding|project|onderzoek|boek|"
        r"hoofdstuk|voorstel|bibliotheek) (?:is|beschrijft|presenteert|stelt|legt|definieert|toont)|"
        r"wij? (?:presenteren|stellen|beschrijven)"
    ),
    conclusion_heading=re.compile(r"(?:conclusies?|samenvatting|tot slot|besluit)\b", _CI),
    generic_heading=re.compile(
        r"(?:inleiding|introductie|overzicht|achtergrond|samenvatting|conclusies?|inhoud)\b", _CI
    ),
    these_ideas="deze ideeën",
    recall="Wat zijn de belangrijkste ideeën die je net hebt gehoord?",
    plain_closing="Dat is de kern.",
    benefit=re.compile(
        r"\b(?:sneller|makkelijker|eenvoudiger|beter|gratis|zonder|maakt het mogelijk|tot wel|"
        r"verbetert|bespaart|vermindert)",
        _CI,
    ),
    refers_back=re.compile(
        r"\b(?:dit|dat) (?:betekent|veronderstelt|vereist|maakt mogelijk)\b|\bin (?:deze|beide|"
        r"zulke) gevallen\b|\b(?:laatstgenoemde|eerstgenoemde)\b",
        _CI,
    ),
    determiners=_words("de het een dit deze dat die zijn haar hun ons onze elk elke"),
    articles=_words("de het"),
)

LANGUAGES: dict[str, Phrases] = {phrases.code: phrases for phrases in (_EN, _FR, _DE, _ES, _IT, _PT, _NL)}
DEFAULT = _EN


def phrases_for(language: str) -> Phrases:
    """The phrase book of a BCP 47 language ("fr", "fr-CA"); English for a language without one."""
    return LANGUAGES.get(language.split("-")[0].lower(), DEFAULT)
