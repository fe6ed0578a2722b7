"""The Italian phrase book."""

import re

from animagenius.pipeline.script.phrases import CI, Phrases, opening, words

PHRASES = Phrases(
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
        "summary": "Ecco {subject}, in breve.",
        "lesson": "Ora prova a spiegare {subject} con parole tue.",
        "promo": "Scopri {subject} oggi stesso.",
    },
    titles={"recap": "In breve", "check": "Mettiti alla prova", "closing": "Da ricordare"},
    function_words=words(
        """il lo la i gli le l un uno una e ed o ma però che di del dello della dei degli delle a al allo
        alla ai agli alle da dal dalla dai in nel nello nella nei negli nelle con su sul sulla per tra fra
        è sono era erano essere stato stata ha hanno aveva si sua suo suoi sue loro lui lei esso essa questo
        questa questi queste quello quella molto più meno anche come quando dove se non ogni tutto tutti
        tutte altro altri può possono deve devono già ancora quindi"""
    ),
    leans_back=opening(
        r"questo|questa|questi|queste|ciò|esso|essa|essi|esse|lui|lei|ma|e|o|quindi|inoltre|perciò|così|"
        r"tuttavia|anche|lì|qui"
    ),
    connective=re.compile(
        r"^(?:tuttavia|inoltre|quindi|perciò|infine|innanzitutto|poi|per esempio|ad esempio|"
        r"in particolare|invece|comunque|anche)\s*,\s*",
        CI,
    ),
    defining=(
        re.compile(
            r"^(?P<subject>[^,;:()]{2,60}?) (?P<verb>è|sono) (?:un|uno|una|un’|un'|il|lo|la|l’|l'|i|gli|le)\b"
        ),
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?),? (?P<verb>permette|permettono|consente)\b"),
    ),
    self_introduction=opening(
        r"(?:questo|questa|il presente|la presente) (?:documento|modulo|articolo|rapporto|guida|progetto|"
        r"studio|libro|capitolo|proposta|libreria|strumento) (?:è|descrive|presenta|propone|permette|"
        r"spiega|definisce)|(?:presentiamo|proponiamo|descriviamo)"
    ),
    conclusion_heading=re.compile(r"(?:conclusion[ei]|riepilogo|riassunto|sintesi)\b", CI),
    generic_heading=re.compile(
        r"(?:introduzione|presentazione|contesto|premessa|riepilogo|conclusion[ei]|indice)\b", CI
    ),
    these_ideas="queste idee",
    recall="Quali sono le idee principali che hai appena ascoltato?",
    plain_closing="Questo è l’essenziale.",
    benefit=re.compile(
        r"\b(?:più veloce|più facile|più semplice|migliore|gratuito|senza|permette|consente|fino a|"
        r"migliora|riduce|risparmia)",
        CI,
    ),
    refers_back=re.compile(
        r"\b(?:ciò|questo) (?:significa|implica|presuppone|permette|richiede)\b|\bin (?:questi|"
        r"entrambi i|tali) casi\b|\bquest.ultimo\b|\bquest.ultima\b",
        CI,
    ),
    determiners=words(
        "il lo la i gli le l’ l' un uno una un’ questo questa questi queste suo sua suoi sue loro ogni"
    ),
    articles=words("il lo la i gli le l’ l'"),
    elisions=(
        (re.compile(r"\bda il\b"), "dal"),
        (re.compile(r"\bda lo\b"), "dallo"),
        (re.compile(r"\bda la\b"), "dalla"),
        (re.compile(r"\bda i\b"), "dai"),
        (re.compile(r"\bda gli\b"), "dagli"),
        (re.compile(r"\bda le\b"), "dalle"),
        (re.compile(r"\bda l['’]"), "dall’"),
    ),
)
