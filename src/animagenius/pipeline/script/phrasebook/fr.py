"""The French phrase book."""

import re

from animagenius.pipeline.script.phrases import CI, Phrases, opening, words

PHRASES = Phrases(
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
    function_words=words(
        """le la les l un une des du de d à au aux et ou mais donc or ni car ce cet cette ces ça cela ceci il
        elle ils elles on nous vous je tu se sa son ses leur leurs lui y en qui que qu quoi dont où ne pas
        plus moins très est sont était été être avoir a ont avait sur sous dans par pour avec sans entre vers
        chez comme si quand aussi ainsi alors tout tous toute toutes autre autres même mêmes peut doit fait
        selon lors afin dès depuis pendant après avant notre nos votre vos mon ma mes"""
    ),
    leans_back=opening(
        r"il|elle|ils|elles|ce|cet|cette|ces|cela|ceci|ça|celui-ci|celle-ci|mais|et|ou|donc|or|ainsi|"
        r"de plus|en outre|par conséquent|dans ce cas|pour cela|c’est pourquoi|c'est pourquoi|lui|leur"
    ),
    connective=re.compile(
        r"^(?:cependant|toutefois|de plus|en outre|par ailleurs|ainsi|donc|enfin|d’abord|d'abord|"
        r"ensuite|par exemple|en effet|en particulier|en revanche|néanmoins|pourtant|aussi)\s*,\s*",
        CI,
    ),
    defining=(
        re.compile(
            r"^(?P<subject>[^,;:()]{2,60}?) (?P<verb>est|sont) (?:un|une|le|la|l’|l'|les|des|l’un|l'un)\b"
        ),
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?),? (?P<verb>permet|permettent)\b"),
    ),
    self_introduction=opening(
        r"(?:ce|cette|le présent|la présente) (?:document|formulaire|article|rapport|guide|projet|notice|"
        r"étude|livre|chapitre|proposition|bibliothèque|outil) (?:est|présente|décrit|propose|permet|"
        r"explique|définit|précise)|nous (?:présentons|proposons|décrivons)"
    ),
    conclusion_heading=re.compile(r"(?:conclusions?|en résumé|résumé|synthèse|bilan)\b", CI),
    generic_heading=re.compile(
        r"(?:introduction|présentation|contexte|résumé|conclusions?|sommaire|généralités|historique)\b", CI
    ),
    these_ideas="ces idées",
    recall="Quelles sont les idées principales que vous venez d’entendre ?",
    plain_closing="Voilà l’essentiel.",
    benefit=re.compile(
        r"\b(?:plus rapide|plus simple|plus facile|facilement|gratuit|sans|permet|jusqu.à|améliore|réduit)",
        CI,
    ),
    refers_back=re.compile(
        r"\b(?:cela|ceci|ce qui) (?:signifie|implique|suppose|permet|veut dire)\b|\bdans (?:ces|ce|"
        r"les deux) cas\b|\bce dernier\b|\bcette dernière\b",
        CI,
    ),
    determiners=words(
        "le la les l’ l' un une des du ce cet cette ces son sa ses leur leurs notre nos votre vos chaque"
    ),
    articles=words("le la les l’ l'"),
    elisions=((re.compile(r"\b([Qq]u|[Dd]|[Ll])e (?=[aeiouyéèêàâîôûhAEIOUYÉÈÊÀÂÎÔÛH])"), r"\1’"),),
)
