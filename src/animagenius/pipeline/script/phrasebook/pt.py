"""The Portuguese phrase book."""

import re

from animagenius.pipeline.script.phrases import CI, Phrases, opening, words

PHRASES = Phrases(
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
        "explainer": "Esse é o essencial sobre {subject}.",
        "summary": "Esse é o resumo sobre {subject}.",
        "lesson": "Agora tente explicar {subject} com suas próprias palavras.",
        "promo": "Conheça {subject} hoje mesmo.",
    },
    titles={"recap": "Em resumo", "check": "Teste-se", "closing": "O essencial"},
    function_words=words(
        """o a os as um uma uns umas e ou mas porém que de do da dos das ao aos à às em no na nos nas com
        por pelo pela para sem sobre entre até desde é são era eram foi foram ser estar está estão tem têm
        havia se seu sua seus suas lhe lhes ele ela eles elas isto isso este esta estes estas esse essa
        aquele muito mais menos também já ainda como quando onde não cada todo toda todos todas outro outra
        outros pode podem deve devem"""
    ),
    leans_back=opening(
        r"isto|isso|este|esta|estes|estas|ele|ela|eles|elas|mas|e|ou|portanto|além disso|assim|"
        r"no entanto|também|ali|aqui"
    ),
    connective=re.compile(
        r"^(?:no entanto|além disso|portanto|assim|finalmente|primeiro|depois|por exemplo|"
        r"em particular|por outro lado|contudo|também)\s*,\s*",
        CI,
    ),
    defining=(
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?) (?P<verb>é|são) (?:um|uma|o|a|os|as|um dos|uma das)\b"),
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?),? (?P<verb>permite|permitem)\b"),
    ),
    self_introduction=opening(
        r"(?:este|esta|o presente|a presente) (?:documento|formulário|artigo|relatório|guia|projeto|estudo|"
        r"livro|capítulo|proposta|biblioteca|ferramenta) (?:é|descreve|apresenta|propõe|permite|explica|"
        r"define)|(?:apresentamos|propomos|descrevemos)"
    ),
    conclusion_heading=re.compile(r"(?:conclus(?:ão|ões)|resumo|síntese|balanço)\b", CI),
    generic_heading=re.compile(
        r"(?:introdução|apresentação|contexto|resumo|conclus(?:ão|ões)|índice|histórico)\b", CI
    ),
    these_ideas="essas ideias",
    recall="Quais são as ideias principais que você acabou de ouvir?",
    plain_closing="Isso é o essencial.",
    benefit=re.compile(
        r"\b(?:mais rápido|mais fácil|mais simples|melhor|grátis|gratuito|sem|permite|até|melhora|"
        r"reduz|economiza)",
        CI,
    ),
    refers_back=re.compile(
        r"\b(?:isso|isto|o que) (?:significa|implica|supõe|permite|exige)\b|\bnesses casos\b|"
        r"\bem ambos os casos\b|\beste último\b|\besta última\b",
        CI,
    ),
    determiners=words(
        "o a os as um uma uns umas este esta estes estas esse essa seu sua seus suas nosso nossa cada"
    ),
    articles=words("o a os as"),
    elisions=(
        (re.compile(r"\bpor o\b"), "pelo"),
        (re.compile(r"\bpor a\b"), "pela"),
        (re.compile(r"\bpor os\b"), "pelos"),
        (re.compile(r"\bpor as\b"), "pelas"),
    ),
)
