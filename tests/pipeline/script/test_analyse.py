"""The outline: ranked key points per section, language, things worth showing, numbers, safety flag."""

from __future__ import annotations

from pathlib import Path

from animagenius.pipeline.domain import Block, Provenance, SourceDocument
from animagenius.pipeline.ingest import ingest, ingest_text
from animagenius.pipeline.script.analyse import analyse


def test_outline_of_a_paper(corpus: Path):
    document = ingest([corpus / "pdf/tracemonkey.pdf"])
    outline = analyse(document)

    assert outline.language == "en"
    assert outline.word_count == document.word_count
    assert 3000 < outline.reading_time_s < 4000  # ~13,000 words at 238 words a minute
    headings = [section.heading for section in outline.sections]
    assert "Introduction" in headings and "Related Work" in headings
    for section in outline.sections:
        scores = [point.score for point in section.key_points]
        assert scores == sorted(scores, reverse=True), "key points are ranked, most important first"
        assert all(point.block in section.blocks for point in section.key_points)
    assert any(number.unit == "ms" and len(number.values) >= 2 for number in outline.numbers)
    assert not outline.needs_review


def test_language_of_non_english_text_is_detected():
    german = ingest_text(
        "# Die Gezeiten\n\nDer Mond zieht an den Ozeanen. "
        "Zweimal am Tag steigt und fällt das Wasser an der Küste."
    )
    assert analyse(german).language == "de"


def test_tables_and_figures_are_highlighted_with_a_reason():
    source = Provenance(file="report.docx")
    document = SourceDocument(
        title="Report",
        blocks=(
            Block(kind="paragraph", text="Revenue grew in every quarter of the year.", source=source),
            Block(
                kind="table",
                text="Q1 10 Q2 12",
                rows=(("Quarter", "Revenue"), ("Q1", "10"), ("Q2", "12")),
                source=source,
            ),
            Block(kind="figure", text="Revenue by quarter", source=source),
        ),
    )
    highlights = analyse(document).highlights
    assert [(h.block, h.kind) for h in highlights] == [(1, "table"), (2, "figure")]
    assert "numbers" in highlights[0].why


def test_flagged_words_route_to_moderation():
    document = ingest_text("# Notes\n\nThe film depicts a massacre in graphic detail and a terrorist plot.")
    outline = analyse(document)
    assert outline.needs_review
    assert outline.flagged_terms == ("massacre", "terrorist")
