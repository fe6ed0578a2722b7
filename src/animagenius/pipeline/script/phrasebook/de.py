"""The German phrase book."""

import re

from animagenius.pipeline.script.phrases import CI, Phrases, opening, words

PHRASES = Phrases(
    code="de",
    name="German",
    stemmer="german",
    and_word="und",
    what_is=("Was ist {subject}?", "Was sind {subject}?"),
    transitions=(
        "Zuerst zum Thema {topic}.",
        "Weiter geht es mit dem Thema {topic}.",
        "Zum Schluss das Thema {topic}.",
    ),
    recap="Zusammengefasst: {items}.",
    goals="In dieser Lektion geht es um diese Themen: {items}.",
    check="Kurze Frage: {question} Überlegen Sie sich die Antwort vor der Zusammenfassung.",
    closings={
        "explainer": "Damit kennen Sie das Wichtigste zum Thema {subject}.",
        "summary": "Soweit die Kurzfassung zum Thema {subject}.",
        "lesson": "Erklären Sie das Thema {subject} jetzt in eigenen Worten.",
        "promo": "Entdecken Sie jetzt mehr zum Thema {subject}.",
    },
    titles={"recap": "Kurz gesagt", "check": "Testen Sie sich", "closing": "Das Wichtigste"},
    function_words=words(
        """der die das den dem des ein eine einer eines einem einen und oder aber doch sondern denn weil
        dass daß wenn als wie ob so auch noch nur schon sehr mehr weniger ist sind war waren wird werden
        wurde wurden hat haben hatte hatten sein seine ihr ihre es er sie wir ihr ich du man sich nicht kein
        keine in im an am auf aus bei mit nach von vom zu zum zur für über unter vor hinter zwischen durch
        gegen ohne um bis seit während dieser diese dieses diesem diesen jener alle alles jede jeder jedes
        kann können muss müssen soll sollen darf dürfen damit dazu dabei dadurch daher deshalb also hier
        dort"""
    ),
    leans_back=opening(
        r"er|dies|diese|dieser|dieses|diesem|diesen|aber|und|oder|daher|deshalb|dadurch|damit|dazu|"
        r"außerdem|ebenso|somit|trotzdem|jedoch|dort|hier"
    ),
    connective=re.compile(
        r"^(?:jedoch|außerdem|zudem|daher|deshalb|somit|schließlich|zunächst|dann|zum beispiel|"
        r"beispielsweise|insbesondere|allerdings|trotzdem)\s*,\s*",
        CI,
    ),
    defining=(
        re.compile(
            r"^(?P<subject>[^,;:()]{2,60}?) (?P<verb>ist|sind) (?:ein|eine|einer|der|die|das|eines)\b"
        ),
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?),? (?P<verb>ermöglicht|ermöglichen)\b"),
    ),
    self_introduction=opening(
        r"(?:dieses|diese|dieser|das vorliegende|die vorliegende|der vorliegende) (?:Dokument|Formular|"
        r"Artikel|Bericht|Leitfaden|Projekt|Studie|Buch|Kapitel|Vorschlag|Bibliothek|Werkzeug) "
        r"(?:ist|beschreibt|stellt|schlägt|erklärt|definiert|ermöglicht|zeigt)|wir (?:stellen|präsentieren|"
        r"beschreiben|schlagen)"
    ),
    conclusion_heading=re.compile(r"(?:fazit|zusammenfassung|schluss|schlussfolgerungen?|ausblick)\b", CI),
    generic_heading=re.compile(
        r"(?:einleitung|einführung|überblick|hintergrund|zusammenfassung|fazit|inhalt|allgemeines)\b", CI
    ),
    these_ideas="diese Ideen",
    recall="Was sind die wichtigsten Ideen, die Sie gerade gehört haben?",
    plain_closing="Das ist das Wichtigste.",
    benefit=re.compile(
        r"\b(?:schneller|einfacher|leichter|besser|kostenlos|ohne|ermöglicht|bis zu|verbessert|spart|"
        r"reduziert)",
        CI,
    ),
    refers_back=re.compile(
        r"\b(?:das|dies) (?:bedeutet|setzt voraus|erfordert|ermöglicht|heißt)\b|\bin (?:diesen|"
        r"beiden) Fällen\b|\b(?:letzterer|letztere|letzteres)\b",
        CI,
    ),
    determiners=words(
        """der die das den dem des ein eine einen einem einer eines dieser diese dieses diesem diesen jeder
        jede jedes sein seine ihr ihre unser unsere"""
    ),
    articles=words("der die das"),
)
