"""Tables and charts narrated from their data, in the document's language, with numbers as written."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

import docx
import pytest
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from animagenius.pipeline.domain import Block, Provenance
from animagenius.pipeline.ingest.chart_cells import format_value
from animagenius.pipeline.ingest.powerpoint import read_pptx
from animagenius.pipeline.ingest.text import table_text
from animagenius.pipeline.ingest.word import read_docx
from animagenius.pipeline.script.data import table_narration, table_title
from animagenius.pipeline.visuals.charts import chart_data, parse_number

LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl")
SOURCE = Provenance(file="report.md")
Rows = tuple[tuple[str, ...], ...]
STARS: Rows = (
    ("Language", "Stars"),
    ("Python", "60,000"),
    ("Rust", "90,000"),
    ("Go", "120,000"),
    ("Zig", "30,000"),
)
REVENUE: Rows = (
    ("Year", "Revenue"),
    ("2019", "$1.2M"),
    ("2020", "$1.9M"),
    ("2021", "$3.4M"),
    ("2022", "$4.8M"),
)
CHURN: Rows = (
    ("Quarter", "Churn"),
    ("Q1 2023", "12.5%"),
    ("Q2 2023", "14.0%"),
    ("Q3 2023", "9.5%"),
    ("Q4 2023", "8.0%"),
)
REGIONS: Rows = (
    ("Region", "2022", "2023"),
    ("North", "1,200", "1,450"),
    ("South", "980", "1,020"),
    ("East", "1,500", "1,310"),
    ("West", "700", "910"),
)
TRAFFIC: Rows = (
    ("Source", "Share"),
    ("Search", "50%"),
    ("Social", "25%"),
    ("Direct", "15%"),
    ("Email", "10%"),
)
# English words the templates use: none may reach a narration in another language (labels avoid them)
ENGLISH_WORDS = {
    "the", "highest", "lowest", "value", "values", "chart", "table", "rose", "fell", "and", "categories",
    "category", "share", "largest", "smallest", "from", "to", "belongs", "goes", "than", "every", "period",
    "periods", "rows", "columns", "titled", "shows", "compares", "for", "of", "has", "high",
    "low", "single", "about", "total", "gap", "against", "biggest", "its", "stood", "both",
}  # fmt: skip


def table(rows: Rows, caption: str = "", chart: Literal["bar", "line", "pie", "area"] | None = None) -> Block:
    text = f"{caption}\n{table_text(rows)}" if caption else table_text(rows)
    return Block(kind="table", text=text, rows=rows, source=SOURCE, chart=chart)


def assert_speakable(sentences: list[str]) -> None:
    assert 1 <= len(sentences) <= 4, sentences
    for sentence in sentences:
        assert sentence.endswith(".") and not sentence[0].islower(), sentence
        assert len(sentence.split()) <= 25, sentence
        assert "Column" not in sentence and not re.search(r"\b\d{5}\.0\b", sentence), sentence


def words_of(sentences: list[str]) -> set[str]:
    return {word.lower() for sentence in sentences for word in re.findall(r"[^\W\d_]+", sentence)}


# ---------------------------------------------------------------- what the data shows


def test_the_corpus_chart_deck_is_narrated_from_its_data(corpus: Path) -> None:
    (chart,) = read_pptx(corpus / "pptx/cht-charts.pptx", assets_dir=None).blocks

    sentences = table_narration(chart, language="en")

    assert chart.chart == "bar", "the source drew it as bars"
    assert sentences == [
        "This chart compares Series 1, Series 2 and Series 3 across 4 categories.",
        "Series 1 has the highest value in 2 of the 4 categories.",  # 4.3 in Category 1, 3.5 in Category 3
        "The highest single value, 5, is for Series 3 in Category 4.",
        "The lowest, 1.8, is for Series 2 in Category 3.",
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_corpus_chart_deck_speaks_every_language(corpus: Path, language: str) -> None:
    (chart,) = read_pptx(corpus / "pptx/cht-charts.pptx", assets_dir=None).blocks

    sentences = table_narration(chart, language=language)

    assert_speakable(sentences)
    assert len(sentences) == 4
    assert "Series 3" in sentences[2] and "Category 4" in sentences[2]
    assert ("1.8" if language == "en" else "1,8") in sentences[3], "decimal mark of the language"
    if language != "en":
        assert not words_of(sentences) & ENGLISH_WORDS - {"series", "category"}, sentences


def test_the_largest_and_smallest_are_named_with_the_tables_labels() -> None:
    sentences = table_narration(table(STARS), language="en")

    assert sentences == [
        "This table shows Stars by Language.",
        "The highest value, 120,000, belongs to Go, and the lowest, 30,000, to Zig.",
    ]


def test_a_total_row_is_not_one_of_the_things_compared() -> None:
    rows = (*STARS, ("Total", "300,000"))

    (_, extremes) = table_narration(table(rows), language="en")

    assert "Go" in extremes and "300,000" not in extremes


def test_a_rising_series_over_time() -> None:
    sentences = table_narration(table(REVENUE, caption="Table 2: Revenue by year"), language="en")

    assert sentences == [
        "This table is titled Revenue by year.",
        "Revenue rose from $1.2M in 2019 to $4.8M in 2022.",
    ]


def test_an_area_chart_over_months_is_a_trend_said_in_dates() -> None:
    rows = (("", "Sales"), ("2002-01", "120"), ("2002-02", "150"), ("2002-03", "180"))
    sentences = table_narration(table(rows, caption="Chart: Sales", chart="area"), language="en")

    assert "Sales rose from 120 in January 2002 to 180 in March 2002." in sentences


def test_a_falling_series_and_its_peak_between() -> None:
    sentences = table_narration(table(CHURN), language="en")

    assert sentences == [
        "This table shows Churn from Q1 2023 to Q4 2023.",
        "Churn fell from 12.5% in Q1 2023 to 8.0% in Q4 2023.",  # "8.0%" as written, not "8%"
        "The high point is 14.0%, in Q2 2023.",
    ]


def test_a_dip_between_two_ends_is_the_low_point() -> None:
    rows = (("Year", "Visitors"), ("2018", "800"), ("2019", "1,100"), ("2020", "300"), ("2021", "650"))

    sentences = table_narration(table(rows), language="de")

    assert sentences == [
        "Diese Tabelle zeigt Visitors von 2018 bis 2021.",
        "Visitors sinkt von 800 im Jahr 2018 auf 650 im Jahr 2021.",
        "Der Höchststand liegt bei 1.100, im Jahr 2019.",
        "Der Tiefststand liegt bei 300, im Jahr 2020.",
    ]


def test_two_series_are_compared() -> None:
    sentences = table_narration(table(REGIONS), language="en")

    assert sentences == [
        "This table compares 2022 and 2023 by Region.",
        "2023 is higher than 2022 in 3 of the 4 categories.",  # East is the exception
        "The biggest gap is in North: 1,200 for 2022 against 1,450 for 2023.",  # 250, more than West's 210
    ]


def test_two_series_over_time_each_get_their_trend() -> None:
    rows = (
        ("Month", "Sales", "Costs"),
        ("2002-01", "10.5", "8"),
        ("2002-02", "12", "9"),
        ("2002-03", "9", "9.5"),
    )

    sentences = table_narration(table(rows), language="fr")

    assert sentences == [
        "Ce tableau présente Sales et Costs de janvier 2002 à mars 2002.",
        "Sales diminue de 10,5 en janvier 2002 à 9 en mars 2002.",
        "Costs augmente de 8 en janvier 2002 à 9,5 en mars 2002.",
        "Sales dépasse Costs sur 2 des 3 périodes.",
    ]


def test_shares_of_a_whole_name_the_largest() -> None:
    sentences = table_narration(table(TRAFFIC), language="en")

    assert sentences[1] == "The largest share, 50%, goes to Search, and the smallest, 10%, to Email."


def test_a_pie_of_counts_also_gives_the_largest_part_of_the_total() -> None:
    rows = (("", "Votes"), ("Nord", "80"), ("Sud", "12"), ("Est", "8"))

    sentences = table_narration(table(rows, caption="Chart: Votes", chart="pie"), language="it")

    assert sentences == [
        "Questo grafico mostra Votes per 3 categorie.",  # the chart is named after its one series
        "La quota più grande, 80, va a Nord, e la più piccola, 8, a Est.",
        "La quota più grande vale circa l'80% del totale.",  # 80 of 100; "l'80%", as Italian elides
    ]


def test_a_table_of_words_is_listed_briefly() -> None:
    rows = (
        ("Task", "Owner", "Due"),
        ("Design", "Ada", "May"),
        ("Build", "Grace", "June"),
        ("Test", "Lin", "July"),
    )

    assert table_narration(table(rows), language="en") == ["This table has 3 rows: Design, Build and Test."]
    assert table_narration(table(rows, caption="Table 1: Plan"), language="es") == [
        "Esta tabla se titula Plan.",
        "Tiene 3 filas: Design, Build y Test.",
    ]


def test_a_table_of_labels_and_values_is_read_row_by_row() -> None:
    rows = (
        ("Caractéristique", "Valeur"),
        ("Longueur totale du tablier", "2 460 m"),
        ("Nombre de piles", "sept"),
        ("Hauteur de la plus haute pile", "245 m"),
    )

    assert table_narration(table(rows), language="fr") == [
        "Longueur totale du tablier : 2 460 m.",
        "Nombre de piles : sept.",
        "Hauteur de la plus haute pile : 245 m.",
    ]


def test_a_long_listing_is_shortened() -> None:
    rows = (("Name",), *((name,) for name in ("Ada", "Grace", "Lin", "Barbara", "Frances", "Margaret")))

    assert table_narration(table(rows), language="nl") == [
        "Deze tabel heeft 6 rijen: Ada, Grace, Lin en nog 3."
    ]


@pytest.mark.parametrize(
    "rows",
    [
        (),
        (("", ""), ("", "")),  # all blanks
        (("Year", "Revenue"), ("2019", "$1.2M")),  # one row
        (("Name", "Role"), ("Ada", "Analyst")),  # one row of words
        (("Item", "Price"), ("Total", "3"), ("Sum", "4")),  # nothing but totals
    ],
)
def test_degenerate_tables_say_nothing(rows: Rows) -> None:
    assert table_narration(table(rows), language="en") == []


def test_the_empty_corpus_table_says_nothing(corpus: Path) -> None:
    path = corpus / "docx/tbl-2x2-table.docx"
    cells = tuple(tuple(cell.text for cell in row.cells) for row in docx.Document(str(path)).tables[0].rows)

    assert cells == (("", ""), ("", "")), "the corpus table is a 2×2 grid of empty cells"
    assert table_narration(table(cells), language="en") == []
    assert not [b for b in read_docx(path, assets_dir=None).blocks if b.kind == "table"]


def test_missing_values_and_words_in_cells_are_not_zero() -> None:
    rows = (("City", "Sales"), ("Oslo", "12"), ("Rome", "n/a"), ("Lima", "7"), ("Kyiv", "9"), ("Pune", "10"))

    (_, extremes) = table_narration(table(rows), language="en")

    assert extremes == "The highest value, 12, belongs to Oslo, and the lowest, 7, to Lima."


def test_equal_values_are_said_to_be_equal() -> None:
    rows = (("Item", "Count"), ("A1", "3"), ("B2", "3"), ("C3", "3"))

    assert table_narration(table(rows), language="pt")[1] == "As 3 categorias têm todas o mesmo valor, 3."


# ---------------------------------------------------------------- languages and numbers


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "The highest value, 1,234.5, belongs to Nord, and the lowest, minus 2.25, to Sud."),
        (
            "fr",
            "La valeur la plus élevée, 1 234,5, est celle de Nord, et la plus basse, moins 2,25, celle de "
            "Sud.",
        ),
        ("de", "Der höchste Wert, 1.234,5, entfällt auf Nord, der niedrigste, minus 2,25, auf Sud."),
        ("es", "El valor más alto, 1.234,5, corresponde a Nord, y el más bajo, menos 2,25, a Sud."),
        ("it", "Il valore più alto, 1.234,5, è quello di Nord, e il più basso, meno 2,25, quello di Sud."),
        ("pt", "O valor mais alto, 1.234,5, é o de Nord, e o mais baixo, menos 2,25, o de Sud."),
        ("nl", "De hoogste waarde, 1.234,5, hoort bij Nord, de laagste, min 2,25, bij Sud."),
        (
            "ja",
            "The highest value, 1,234.5, belongs to Nord, and the lowest, minus 2.25, to Sud.",
        ),  # fallback
        ("pt-BR", "O valor mais alto, 1.234,5, é o de Nord, e o mais baixo, menos 2,25, o de Sud."),
    ],
)
def test_numbers_are_said_the_languages_way(language: str, expected: str) -> None:
    rows = (("Zone", "Saldo"), ("Nord", "1,234.5"), ("Sud", "−2.25"), ("Est", "12"))

    assert table_narration(table(rows), language=language)[1] == expected


@pytest.mark.parametrize("language", LANGUAGES[1:])
@pytest.mark.parametrize(
    "rows",
    [
        STARS,
        REVENUE,
        CHURN,
        REGIONS,
        TRAFFIC,
        (
            ("Mes", "A1", "B2", "C3"),
            ("2002-01", "1", "2", "3"),
            ("2002-02", "2", "1", "3"),
            ("2002-03", "4", "2", "1"),
        ),
        (("Tarea", "Dueño"), ("Diseño", "Ada"), ("Prueba", "Lin")),
    ],
)
def test_no_english_leaks_into_other_languages(language: str, rows: Rows) -> None:
    sentences = table_narration(table(rows), language=language)

    assert_speakable(sentences)
    labels = {word.lower() for row in rows for cell in row for word in re.findall(r"[^\W\d_]+", cell)}
    assert not (words_of(sentences) - labels) & ENGLISH_WORDS, sentences


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Sales rose from 1.5% on 1 January 2002 to 2% on 1 April 2002."),
        ("fr", "Sales augmente de 1,5% le 1er janvier 2002 à 2% le 1er avril 2002."),
        ("de", "Sales steigt von 1,5% am 1. Januar 2002 auf 2% am 1. April 2002."),
        ("es", "Sales sube del 1,5% el 1 de enero de 2002 al 2% el 1 de abril de 2002."),
        ("it", "Sales sale dall'1,5% il 1º gennaio 2002 al 2% il 1º aprile 2002."),
        ("pt", "Sales sobe de 1,5% em 1 de janeiro de 2002 para 2% em 1 de abril de 2002."),
        ("nl", "Sales stijgt van 1,5% op 1 januari 2002 naar 2% op 1 april 2002."),
    ],
)
def test_dates_are_said_as_dates(language: str, expected: str) -> None:
    rows = (("", "Sales"), ("2002-01-01", "1.5%"), ("2002-03-08", "2.5%"), ("2002-04-01", "2%"))

    sentences = table_narration(table(rows, caption="Chart: Sales", chart="line"), language=language)

    assert sentences[1] == expected


def test_titles_lose_their_labels() -> None:
    assert table_title(table(STARS, caption="Chart: GitHub stars")) == "GitHub stars"
    assert (
        table_title(table(STARS, caption="Table 3. Stars by language. Counted in May."))
        == "Stars by language"
    )
    assert table_title(table(STARS, caption="Tableau 2 : Étoiles")) == "Étoiles"
    assert table_title(table(STARS, caption="Chart")) == ""
    assert table_title(table(STARS)) == "", "the header row is no title"


@pytest.mark.parametrize(
    ("cell", "value"),
    [("4,5", 4.5), ("1.234,5", 1234.5), ("1.234.567", 1234567.0), ("1 234,56", 1234.56), ("12,5 %", 12.5),
     ("1,234", 1234.0), ("1,23,456", 123456.0), ("1.2.3", None)],
)  # fmt: skip
def test_decimal_commas_are_read_as_european_tables_write_them(cell: str, value: float | None) -> None:
    assert parse_number(cell) == value


# ---------------------------------------------------------------- charts read from PowerPoint


def deck_with_chart(path: Path, chart_type: XL_CHART_TYPE, data: CategoryChartData) -> Path:
    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[6])
    slide.shapes.add_chart(chart_type, Inches(1), Inches(1), Inches(6), Inches(4), data)
    presentation.save(str(path))
    return path


def test_a_date_axis_gives_dates_not_serial_numbers(tmp_path: Path) -> None:
    data = CategoryChartData()
    data.categories = [dt.date(2002, 1, 1), dt.date(2002, 2, 1), dt.date(2002, 3, 1)]
    data.categories.number_format = "mmm-yy"  # the slide shows "Jan-02": months
    data.add_series("Churn", (0.015, 0.025, 0.0125), number_format="0.0%")
    path = deck_with_chart(tmp_path / "dates.pptx", XL_CHART_TYPE.LINE_MARKERS, data)

    (chart,) = read_pptx(path, assets_dir=None).blocks

    assert chart.chart == "line"
    assert chart.rows == (("", "Churn"), ("2002-01", "1.5%"), ("2002-02", "2.5%"), ("2002-03", "1.3%"))
    assert chart_data(chart.rows).kind == "line"  # type: ignore[union-attr]
    assert table_narration(chart, language="en") == [
        "This chart shows Churn from January 2002 to March 2002.",
        "Churn fell from 1.5% in January 2002 to 1.3% in March 2002.",
        "The high point is 2.5%, in February 2002.",
    ]


def test_a_date_axis_follows_its_format_and_the_1904_calendar(tmp_path: Path) -> None:
    data = CategoryChartData()
    data.categories = [dt.date(2024, 5, 6), dt.date(2024, 5, 7)]
    data.categories.number_format = "d/m/yyyy"  # days
    data.add_series("Visits", (10, 12))
    path = deck_with_chart(tmp_path / "days.pptx", XL_CHART_TYPE.COLUMN_CLUSTERED, data)
    assert read_pptx(path, assets_dir=None).blocks[0].rows[1:] == (("2024-05-06", "10"), ("2024-05-07", "12"))

    presentation = Presentation(str(path))
    chart = presentation.slides[0].shapes[0].chart
    chart.element.find("{http://schemas.openxmlformats.org/drawingml/2006/chart}date1904").set("val", "1")
    presentation.save(str(path))

    rows = read_pptx(path, assets_dir=None).blocks[0].rows
    assert rows[1][0] == "2028-05-07", "the same serial day counted from 1904"


def test_a_pie_chart_keeps_its_kind_and_its_percent_format(tmp_path: Path) -> None:
    data = CategoryChartData()
    data.categories = ["Search", "Social", "Direct"]
    data.add_series("Traffic", (0.625, 0.25, 0.125), number_format="0%")
    path = deck_with_chart(tmp_path / "pie.pptx", XL_CHART_TYPE.PIE, data)

    (chart,) = read_pptx(path, assets_dir=None).blocks

    assert chart.chart == "pie"
    assert chart.rows[1:] == (("Search", "63%"), ("Social", "25%"), ("Direct", "13%")), "Excel rounds half up"
    assert table_narration(chart, language="de")[1] == (
        "Der größte Anteil, 63%, entfällt auf Search, der kleinste, 13%, auf Direct."
    )


@pytest.mark.parametrize(
    ("value", "code", "shown"),
    [
        (1234567, "#,##0", "1,234,567"),
        (1234.5, "$#,##0.00", "$1,234.50"),
        (1234.5, "[$€-407]#,##0", "€1,235"),
        (0.1234, "0.0%", "12.3%"),
        (3.4, "#,##0.0#", "3.4"),
        (3.456, "#,##0.0#", "3.46"),
        (1_500_000, '$#,##0.0,,"M"', "$1.5M"),
        (-2.5, "0.0", "-2.5"),
        (1234, "General", "1234"),
        (1234, '#,##0 "kg"', "1234"),  # words after the number would stop the chart reading it back
        (12, "0.00E+00", "12"),
        (None, "0", ""),
    ],
)
def test_chart_values_show_as_their_number_format(value: float | None, code: str, shown: str) -> None:
    assert format_value(value, code) == shown
