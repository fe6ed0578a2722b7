"""The Dutch phrase book."""

import re

from animagenius.pipeline.script.phrases import CI, Phrases, opening, words

PHRASES = Phrases(
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
        "explainer": "Dat is in een notendop het verhaal van {subject}.",
        "summary": "Dat was in het kort het verhaal van {subject}.",
        "lesson": "Probeer {subject} nu in je eigen woorden uit te leggen.",
        "promo": "Ontdek {subject} vandaag nog.",
    },
    titles={"recap": "Kort samengevat", "check": "Test jezelf", "closing": "Om te onthouden"},
    function_words=words(
        """de het een en of maar want dus dat die dit deze van voor naar met op in aan bij door over onder
        uit tot om tegen zonder tussen is zijn was waren wordt worden werd werden heeft hebben had hadden
        er hij zij ze het wij we jij je u ik men zich niet geen ook nog al wel zeer meer minder als dan hoe
        wanneer waar waarom wat wie elk elke alle alles ander andere kan kunnen moet moeten zal zullen mag
        hun haar zijn ons onze jullie"""
    ),
    leans_back=opening(
        r"dit|deze|dat|die|hij|zij|ze|het|maar|en|of|dus|daarom|daardoor|bovendien|ook|toch|daar|hier"
    ),
    connective=re.compile(
        r"^(?:echter|bovendien|daarom|dus|ten slotte|eerst|daarna|bijvoorbeeld|in het bijzonder|"
        r"daarentegen|toch|ook)\s*,\s*",
        CI,
    ),
    defining=(
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?) (?P<verb>is|zijn) (?:een|de|het|één van)\b"),
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?),? (?P<verb>maakt|maken) het mogelijk\b"),
    ),
    self_introduction=opening(
        r"(?:dit|deze|het|de) (?:document|formulier|artikel|rapport|handleiding|project|onderzoek|boek|"
        r"hoofdstuk|voorstel|bibliotheek) (?:is|beschrijft|presenteert|stelt|legt|definieert|toont)|"
        r"wij? (?:presenteren|stellen|beschrijven)"
    ),
    conclusion_heading=re.compile(r"(?:conclusies?|samenvatting|tot slot|besluit)\b", CI),
    generic_heading=re.compile(
        r"(?:inleiding|introductie|overzicht|achtergrond|samenvatting|conclusies?|inhoud)\b", CI
    ),
    these_ideas="deze ideeën",
    recall="Wat zijn de belangrijkste ideeën die je net hebt gehoord?",
    plain_closing="Dat is de kern.",
    benefit=re.compile(
        r"\b(?:sneller|makkelijker|eenvoudiger|beter|gratis|zonder|maakt het mogelijk|tot wel|"
        r"verbetert|bespaart|vermindert)",
        CI,
    ),
    refers_back=re.compile(
        r"\b(?:dit|dat) (?:betekent|veronderstelt|vereist|maakt mogelijk)\b|\bin (?:deze|beide|"
        r"zulke) gevallen\b|\b(?:laatstgenoemde|eerstgenoemde)\b",
        CI,
    ),
    determiners=words("de het een dit deze dat die zijn haar hun ons onze elk elke"),
    articles=words("de het"),
)
