"""The words `data.py` narrates tables and charts with, one set per language.

Each sentence is written whole for its language, so word order, articles and prepositions are that
language's own rather than a translation of the English. Templates avoid agreeing with the labels they
quote (a series or category name has no known gender or number): "the highest value, 4.5, belongs to
North" rather than "North is the highest". Placeholders: {subject} "this chart", {names} series names,
{n}/{k} counts, {v} values, {t} a time with its preposition, {where} a category or time with its
preposition, {count} an "in k of the n categories" phrase, {span} "from 2019 to 2023".
"""

from __future__ import annotations

from dataclasses import dataclass

# Italian elides its articles before a number said with a vowel: "l'8%", "dall'11%", "l'8 marzo", "nell'80%"
_SAID_WITH_A_VOWEL = r"(?:8[\d.]*|11(?:\.\d{3})*|1)(?:,\d+)?(?:%| [a-z])"


@dataclass(frozen=True)
class Phrases:
    decimal: str  # decimal mark and thousands separator, as the language's voice reads them
    group: str
    minus: str
    and_: str
    more: str  # the tail of a shortened list: "4 more"
    months: tuple[str, ...]
    month_date: str  # {month} {year}
    day_date: str  # {day} {month} {year}
    in_year: str  # a time with its preposition: {t} is the year, month or day as spoken
    in_month: str
    on_day: str
    in_other: str  # "Q3 2023", "Week 4"
    span: str  # {a} {b}
    span_years: str
    span_days: str
    at_category: str  # {c}
    the_value: str  # the subject when a series has no name
    this_chart: str
    this_table: str
    it_table: str  # the table again, as a pronoun ("" where the language drops it)
    titled: str
    shows: str
    compares: str
    shows_by: str  # {by}: the header of the label column ("Region")
    compares_by: str
    over_time: str
    unnamed: str
    unnamed_time: str
    extremes: str
    all_same: str
    rise: str
    fall: str
    flat: str
    from_value: tuple[str, str]  # before a plain number, before a percentage ("del 10 %" in Spanish)
    to_value: tuple[str, str]
    peak: str
    low: str
    categories: tuple[str, str]  # {count} for categories, for periods: "in {k} of the {n} categories"
    every: tuple[str, str]
    higher: str
    even: str
    gap: str
    leader: str
    overall_high: str
    overall_low: str
    shares: str
    share_of_total: str
    rows_listed: str
    colon: str  # between a row's label and its value: ": ", or " : " in French
    contractions: tuple[tuple[str, str], ...] = ()  # (pattern, replacement) the language's spelling needs


ENGLISH = Phrases(
    decimal=".", group=",", minus="minus", and_="and", more="{k} more",
    months=("January", "February", "March", "April", "May", "June", "July", "August", "September",
            "October", "November", "December"),
    month_date="{month} {year}", day_date="{day} {month} {year}",
    in_year="in {t}", in_month="in {t}", on_day="on {t}", in_other="in {t}",
    span="from {a} to {b}", span_years="from {a} to {b}", span_days="from {a} to {b}",
    at_category="in {c}",
    the_value="the value", this_chart="this chart", this_table="this table", it_table="it",
    titled="{subject} is titled {title}.",
    shows="{subject} shows {names} for {n} categories.",
    compares="{subject} compares {names} across {n} categories.",
    shows_by="{subject} shows {names} by {by}.", compares_by="{subject} compares {names} by {by}.",
    over_time="{subject} shows {names} {span}.",
    unnamed="{subject} gives a value for each of {n} categories.",
    unnamed_time="{subject} shows one value per period {span}.",
    extremes="The highest value, {v}, belongs to {names}, and the lowest, {v2}, to {names2}.",
    all_same="All {n} categories have the same value, {v}.",
    rise="{subject} rose {from_v} {t} {to_v} {t2}.",
    fall="{subject} fell {from_v} {t} {to_v} {t2}.",
    flat="{subject} stood at {v} both {t} and {t2}.",
    from_value=("from {v}", "from {v}"), to_value=("to {v}", "to {v}"),
    peak="The high point is {v}, {t}.", low="The low point is {v}, {t}.",
    categories=("in {k} of the {n} categories", "in {k} of the {n} periods"),
    every=("in every category", "in every period"),
    higher="{a} is higher than {b} {count}.",
    even="{a} and {b} are each higher {count}.",
    gap="The biggest gap is {where}: {va} for {a} against {vb} for {b}.",
    leader="{a} has the highest value {count}.",
    overall_high="The highest single value, {v}, is for {a} {where}.",
    overall_low="The lowest, {v}, is for {a} {where}.",
    shares="The largest share, {v}, goes to {names}, and the smallest, {v2}, to {names2}.",
    share_of_total="The largest share is about {p} of the total.",
    rows_listed="{subject} has {n} rows: {items}.",
    colon=": ",
)  # fmt: skip

FRENCH = Phrases(
    decimal=",", group=" ", minus="moins", and_="et", more="{k} autres",
    months=("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
            "novembre", "décembre"),
    month_date="{month} {year}", day_date="{day} {month} {year}",
    in_year="en {t}", in_month="en {t}", on_day="le {t}", in_other="en {t}",
    span="de {a} à {b}", span_years="de {a} à {b}", span_days="du {a} au {b}",
    at_category="pour {c}",
    the_value="la valeur", this_chart="ce graphique", this_table="ce tableau", it_table="il",
    titled="{subject} s'intitule {title}.",
    shows="{subject} présente {names} pour {n} catégories.",
    compares="{subject} compare {names} sur {n} catégories.",
    shows_by="{subject} présente {names} par {by}.", compares_by="{subject} compare {names} par {by}.",
    over_time="{subject} présente {names} {span}.",
    unnamed="{subject} donne une valeur pour chacune des {n} catégories.",
    unnamed_time="{subject} présente une valeur par période {span}.",
    extremes="La valeur la plus élevée, {v}, est celle de {names}, et la plus basse, {v2}, celle de "
             "{names2}.",
    all_same="Les {n} catégories ont toutes la même valeur, {v}.",
    rise="{subject} augmente {from_v} {t} {to_v} {t2}.",
    fall="{subject} diminue {from_v} {t} {to_v} {t2}.",
    flat="{subject} est à {v} {t} comme {t2}.",
    from_value=("de {v}", "de {v}"), to_value=("à {v}", "à {v}"),
    peak="Le point haut est de {v}, {t}.", low="Le point bas est de {v}, {t}.",
    categories=("dans {k} des {n} catégories", "sur {k} des {n} périodes"),
    every=("dans toutes les catégories", "sur toutes les périodes"),
    higher="{a} dépasse {b} {count}.",
    even="{a} et {b} l'emportent chacun {count}.",
    gap="L'écart le plus grand est {where} : {va} pour {a} contre {vb} pour {b}.",
    leader="{a} a la valeur la plus élevée {count}.",
    overall_high="La valeur la plus élevée, {v}, est celle de {a} {where}.",
    overall_low="La plus basse, {v}, est celle de {a} {where}.",
    shares="La plus grande part, {v}, revient à {names}, et la plus petite, {v2}, à {names2}.",
    share_of_total="La plus grande part représente environ {p} du total.",
    rows_listed="{subject} compte {n} lignes : {items}.",
    colon=" : ",
    contractions=((r"\b(le|du|au) 1 (?=[a-zé])", r"\1 1er "),),
)  # fmt: skip

GERMAN = Phrases(
    decimal=",", group=".", minus="minus", and_="und", more="{k} weitere",
    months=("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
            "November", "Dezember"),
    month_date="{month} {year}", day_date="{day}. {month} {year}",
    in_year="im Jahr {t}", in_month="im {t}", on_day="am {t}", in_other="in {t}",
    span="von {a} bis {b}", span_years="von {a} bis {b}", span_days="vom {a} bis zum {b}",
    at_category="bei {c}",
    the_value="der Wert", this_chart="dieses Diagramm", this_table="diese Tabelle", it_table="sie",
    titled="{subject} trägt den Titel {title}.",
    shows="{subject} zeigt {names} für {n} Kategorien.",
    compares="{subject} vergleicht {names} in {n} Kategorien.",
    shows_by="{subject} zeigt {names} nach {by}.", compares_by="{subject} vergleicht {names} nach {by}.",
    over_time="{subject} zeigt {names} {span}.",
    unnamed="{subject} nennt für {n} Kategorien je einen Wert.",
    unnamed_time="{subject} zeigt einen Wert pro Zeitraum {span}.",
    extremes="Der höchste Wert, {v}, entfällt auf {names}, der niedrigste, {v2}, auf {names2}.",
    all_same="Alle {n} Kategorien haben denselben Wert, {v}.",
    rise="{subject} steigt {from_v} {t} {to_v} {t2}.",
    fall="{subject} sinkt {from_v} {t} {to_v} {t2}.",
    flat="{subject} liegt {t} wie {t2} bei {v}.",
    from_value=("von {v}", "von {v}"), to_value=("auf {v}", "auf {v}"),
    peak="Der Höchststand liegt bei {v}, {t}.", low="Der Tiefststand liegt bei {v}, {t}.",
    categories=("in {k} der {n} Kategorien", "in {k} der {n} Zeiträume"),
    every=("in allen Kategorien", "in allen Zeiträumen"),
    higher="{a} liegt {count} über {b}.",
    even="{a} und {b} liegen jeweils {count} vorn.",
    gap="Der größte Abstand liegt {where}: {va} bei {a} gegenüber {vb} bei {b}.",
    leader="{a} hat {count} den höchsten Wert.",
    overall_high="Den höchsten Einzelwert, {v}, hat {a} {where}.",
    overall_low="Den niedrigsten, {v}, hat {a} {where}.",
    shares="Der größte Anteil, {v}, entfällt auf {names}, der kleinste, {v2}, auf {names2}.",
    share_of_total="Der größte Anteil macht etwa {p} der Summe aus.",
    rows_listed="{subject} hat {n} Zeilen: {items}.",
    colon=": ",
)  # fmt: skip

SPANISH = Phrases(
    decimal=",", group=".", minus="menos", and_="y", more="{k} más",
    months=("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
            "octubre", "noviembre", "diciembre"),
    month_date="{month} de {year}", day_date="{day} de {month} de {year}",
    in_year="en {t}", in_month="en {t}", on_day="el {t}", in_other="en {t}",
    span="de {a} a {b}", span_years="de {a} a {b}", span_days="del {a} al {b}",
    at_category="en {c}",
    the_value="el valor", this_chart="este gráfico", this_table="esta tabla", it_table="",
    titled="{subject} se titula {title}.",
    shows="{subject} muestra {names} para {n} categorías.",
    compares="{subject} compara {names} en {n} categorías.",
    shows_by="{subject} muestra {names} por {by}.", compares_by="{subject} compara {names} por {by}.",
    over_time="{subject} muestra {names} {span}.",
    unnamed="{subject} da un valor para cada una de las {n} categorías.",
    unnamed_time="{subject} muestra un valor por periodo {span}.",
    extremes="El valor más alto, {v}, corresponde a {names}, y el más bajo, {v2}, a {names2}.",
    all_same="Las {n} categorías tienen el mismo valor, {v}.",
    rise="{subject} sube {from_v} {t} {to_v} {t2}.",
    fall="{subject} baja {from_v} {t} {to_v} {t2}.",
    flat="{subject} está en {v} tanto {t} como {t2}.",
    from_value=("de {v}", "del {v}"), to_value=("a {v}", "al {v}"),
    peak="El máximo, {v}, se alcanza {t}.", low="El mínimo, {v}, se registra {t}.",
    categories=("en {k} de las {n} categorías", "en {k} de los {n} periodos"),
    every=("en todas las categorías", "en todos los periodos"),
    higher="{a} supera a {b} {count}.",
    even="{a} y {b} quedan por delante {count} cada uno.",
    gap="La mayor diferencia está {where}: {va} de {a} frente a {vb} de {b}.",
    leader="{a} tiene el valor más alto {count}.",
    overall_high="El valor más alto, {v}, es el de {a} {where}.",
    overall_low="El más bajo, {v}, es el de {a} {where}.",
    shares="La mayor parte, {v}, corresponde a {names}, y la menor, {v2}, a {names2}.",
    share_of_total="La mayor parte supone alrededor del {p} del total.",
    rows_listed="{subject} tiene {n} filas: {items}.",
    colon=": ",
)  # fmt: skip

ITALIAN = Phrases(
    decimal=",", group=".", minus="meno", and_="e", more="altri {k}",
    months=("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
            "ottobre", "novembre", "dicembre"),
    month_date="{month} {year}", day_date="{day} {month} {year}",
    in_year="nel {t}", in_month="a {t}", on_day="il {t}", in_other="in {t}",
    span="da {a} a {b}", span_years="dal {a} al {b}", span_days="dal {a} al {b}",
    at_category="per {c}",
    the_value="il valore", this_chart="questo grafico", this_table="questa tabella", it_table="",
    titled="{subject} si intitola {title}.",
    shows="{subject} mostra {names} per {n} categorie.",
    compares="{subject} confronta {names} in {n} categorie.",
    shows_by="{subject} mostra {names} per {by}.", compares_by="{subject} confronta {names} per {by}.",
    over_time="{subject} mostra {names} {span}.",
    unnamed="{subject} riporta un valore per ciascuna delle {n} categorie.",
    unnamed_time="{subject} mostra un valore per periodo {span}.",
    extremes="Il valore più alto, {v}, è quello di {names}, e il più basso, {v2}, quello di {names2}.",
    all_same="Le {n} categorie hanno tutte lo stesso valore, {v}.",
    rise="{subject} sale {from_v} {t} {to_v} {t2}.",
    fall="{subject} scende {from_v} {t} {to_v} {t2}.",
    flat="{subject} vale {v} sia {t} sia {t2}.",
    from_value=("da {v}", "dal {v}"), to_value=("a {v}", "al {v}"),
    peak="Il massimo, {v}, si raggiunge {t}.", low="Il minimo, {v}, si registra {t}.",
    categories=("in {k} delle {n} categorie", "in {k} dei {n} periodi"),
    every=("in tutte le categorie", "in tutti i periodi"),
    higher="{a} supera {b} {count}.",
    even="{a} e {b} sono in vantaggio {count} ciascuno.",
    gap="Il divario maggiore è {where}: {va} per {a} contro {vb} per {b}.",
    leader="{a} ha il valore più alto {count}.",
    overall_high="Il valore più alto, {v}, è quello di {a} {where}.",
    overall_low="Il più basso, {v}, è quello di {a} {where}.",
    shares="La quota più grande, {v}, va a {names}, e la più piccola, {v2}, a {names2}.",
    share_of_total="La quota più grande vale circa il {p} del totale.",
    rows_listed="{subject} ha {n} righe: {items}.",
    colon=": ",
    contractions=(
        (r"\b(il|dal|al) 1 (?=[a-z])", r"\1 1º "),  # "il primo gennaio", before "l'" takes the article
        (rf"\bil (?={_SAID_WITH_A_VOWEL})", "l'"),
        (rf"\b(d?a|de|ne)l (?={_SAID_WITH_A_VOWEL})", r"\1ll'"),
        (r"\ba (?=[aA])", "ad "),
    ),
)  # fmt: skip

PORTUGUESE = Phrases(
    decimal=",", group=".", minus="menos", and_="e", more="mais {k}",
    months=("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
            "outubro", "novembro", "dezembro"),
    month_date="{month} de {year}", day_date="{day} de {month} de {year}",
    in_year="em {t}", in_month="em {t}", on_day="em {t}", in_other="em {t}",
    span="de {a} a {b}", span_years="de {a} a {b}", span_days="de {a} a {b}",
    at_category="em {c}",
    the_value="o valor", this_chart="este gráfico", this_table="esta tabela", it_table="",
    titled="{subject} tem o título {title}.",
    shows="{subject} mostra {names} para {n} categorias.",
    compares="{subject} compara {names} em {n} categorias.",
    shows_by="{subject} mostra {names} por {by}.", compares_by="{subject} compara {names} por {by}.",
    over_time="{subject} mostra {names} {span}.",
    unnamed="{subject} indica um valor para cada uma das {n} categorias.",
    unnamed_time="{subject} mostra um valor por período {span}.",
    extremes="O valor mais alto, {v}, é o de {names}, e o mais baixo, {v2}, o de {names2}.",
    all_same="As {n} categorias têm todas o mesmo valor, {v}.",
    rise="{subject} sobe {from_v} {t} {to_v} {t2}.",
    fall="{subject} desce {from_v} {t} {to_v} {t2}.",
    flat="{subject} fica em {v} tanto {t} como {t2}.",
    from_value=("de {v}", "de {v}"), to_value=("para {v}", "para {v}"),
    peak="O máximo, {v}, ocorre {t}.", low="O mínimo, {v}, ocorre {t}.",
    categories=("em {k} das {n} categorias", "em {k} dos {n} períodos"),
    every=("em todas as categorias", "em todos os períodos"),
    higher="{a} supera {b} {count}.",
    even="{a} e {b} ficam à frente {count} cada um.",
    gap="A maior diferença está {where}: {va} de {a} contra {vb} de {b}.",
    leader="{a} tem o valor mais alto {count}.",
    overall_high="O valor mais alto, {v}, é o de {a} {where}.",
    overall_low="O mais baixo, {v}, é o de {a} {where}.",
    shares="A maior parte, {v}, cabe a {names}, e a menor, {v2}, a {names2}.",
    share_of_total="A maior parte representa cerca de {p} do total.",
    rows_listed="{subject} tem {n} linhas: {items}.",
    colon=": ",
)  # fmt: skip

DUTCH = Phrases(
    decimal=",", group=".", minus="min", and_="en", more="nog {k}",
    months=("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
            "oktober", "november", "december"),
    month_date="{month} {year}", day_date="{day} {month} {year}",
    in_year="in {t}", in_month="in {t}", on_day="op {t}", in_other="in {t}",
    span="van {a} tot {b}", span_years="van {a} tot {b}", span_days="van {a} tot {b}",
    at_category="bij {c}",
    the_value="de waarde", this_chart="deze grafiek", this_table="deze tabel", it_table="hij",
    titled="{subject} heeft als titel {title}.",
    shows="{subject} toont {names} voor {n} categorieën.",
    compares="{subject} vergelijkt {names} over {n} categorieën.",
    shows_by="{subject} toont {names} per {by}.", compares_by="{subject} vergelijkt {names} per {by}.",
    over_time="{subject} toont {names} {span}.",
    unnamed="{subject} geeft één waarde voor elk van de {n} categorieën.",
    unnamed_time="{subject} toont één waarde per periode {span}.",
    extremes="De hoogste waarde, {v}, hoort bij {names}, de laagste, {v2}, bij {names2}.",
    all_same="Alle {n} categorieën hebben dezelfde waarde, {v}.",
    rise="{subject} stijgt {from_v} {t} {to_v} {t2}.",
    fall="{subject} daalt {from_v} {t} {to_v} {t2}.",
    flat="{subject} staat {t} en {t2} op {v}.",
    from_value=("van {v}", "van {v}"), to_value=("naar {v}", "naar {v}"),
    peak="Het hoogste punt, {v}, ligt {t}.", low="Het laagste punt, {v}, ligt {t}.",
    categories=("in {k} van de {n} categorieën", "in {k} van de {n} perioden"),
    every=("in alle categorieën", "in alle perioden"),
    higher="{a} ligt {count} boven {b}.",
    even="{a} en {b} liggen elk {count} voor.",
    gap="Het grootste verschil zit {where}: {va} voor {a} tegen {vb} voor {b}.",
    leader="{a} heeft {count} de hoogste waarde.",
    overall_high="De hoogste waarde, {v}, is die van {a} {where}.",
    overall_low="De laagste, {v}, is die van {a} {where}.",
    shares="Het grootste aandeel, {v}, gaat naar {names}, het kleinste, {v2}, naar {names2}.",
    share_of_total="Het grootste aandeel is ongeveer {p} van het totaal.",
    rows_listed="{subject} heeft {n} rijen: {items}.",
    colon=": ",
)  # fmt: skip

PHRASES = {"en": ENGLISH, "fr": FRENCH, "de": GERMAN, "es": SPANISH, "it": ITALIAN, "pt": PORTUGUESE,
           "nl": DUTCH}  # fmt: skip


def phrases_for(language: str) -> Phrases:
    """The phrases for a BCP 47 language tag ("fr", "pt-BR", "de_CH"); English for any other."""
    return PHRASES.get(language.replace("_", "-").split("-")[0].lower(), ENGLISH)
