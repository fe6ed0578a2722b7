"""The Spanish phrase book."""

import re

from animagenius.pipeline.script.phrases import CI, Phrases, opening, words

PHRASES = Phrases(
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
        "explainer": "Y esto es lo esencial sobre {subject}.",
        "summary": "Ese es el resumen sobre {subject}.",
        "lesson": "Ahora intente explicar {subject} con sus propias palabras.",
        "promo": "Descubra {subject} hoy mismo.",
    },
    titles={"recap": "En resumen", "check": "Compruébelo", "closing": "Lo esencial"},
    function_words=words(
        """el la los las lo un una unos unas y e o u pero sino ni que de del al a en con por para sin sobre
        entre hasta desde hacia según durante es son era eran fue fueron ser estar está están ha han había
        se su sus le les me te nos os él ella ellos ellas esto este esta estos estas ese esa eso esos esas
        aquel muy más menos también tampoco ya aún como cuando donde si no cada todo toda todos todas otro
        otra otros otras mismo misma puede pueden debe deben"""
    ),
    leans_back=opening(
        r"esto|este|esta|estos|estas|eso|ello|él|ella|ellos|ellas|pero|y|o|por eso|por lo tanto|además|"
        r"así|sin embargo|también|allí|aquí"
    ),
    connective=re.compile(
        r"^(?:sin embargo|además|por lo tanto|por eso|así|finalmente|primero|luego|después|por ejemplo|"
        r"en particular|en cambio|no obstante|también)\s*,\s*",
        CI,
    ),
    defining=(
        re.compile(
            r"^(?P<subject>[^,;:()]{2,60}?) (?P<verb>es|son) (?:un|una|el|la|los|las|uno de|una de)\b"
        ),
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?),? (?P<verb>permite|permiten)\b"),
    ),
    self_introduction=opening(
        r"(?:este|esta|el presente|la presente) (?:documento|formulario|artículo|informe|guía|proyecto|"
        r"estudio|libro|capítulo|propuesta|biblioteca|herramienta) (?:es|describe|presenta|propone|"
        r"permite|explica|define)|(?:presentamos|proponemos|describimos)"
    ),
    conclusion_heading=re.compile(r"(?:conclusi[oó]n(?:es)?|resumen|síntesis|balance)\b", CI),
    generic_heading=re.compile(
        r"(?:introducción|presentación|antecedentes|contexto|resumen|conclusi[oó]n(?:es)?|índice)\b", CI
    ),
    these_ideas="estas ideas",
    recall="¿Cuáles son las ideas principales que acaba de escuchar?",
    plain_closing="Eso es lo esencial.",
    benefit=re.compile(
        r"\b(?:más rápido|más fácil|más sencillo|mejor|gratis|gratuito|sin|permite|hasta|mejora|"
        r"ahorra|reduce)",
        CI,
    ),
    refers_back=re.compile(
        r"\b(?:esto|eso|lo cual) (?:significa|implica|supone|permite|requiere)\b|\ben (?:estos|ambos|"
        r"tales) casos\b|\beste último\b|\besta última\b",
        CI,
    ),
    determiners=words(
        "el la los las un una unos unas este esta estos estas ese esa su sus nuestro nuestra cada"
    ),
    articles=words("el la los las"),
    elisions=(
        (re.compile(r"\bde el\b"), "del"),
        (re.compile(r"\ba el\b"), "al"),
    ),
)
