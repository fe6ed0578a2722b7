"""Figures and tables found in PDFs by their captions: real figures from a real paper, a hand-built table."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from animagenius.pipeline.domain import Block
from animagenius.pipeline.ingest.pdf_figures import find_figures_and_tables
from tests.pipeline.ingest_pictures.pictures_helpers import pdf_file

FIGURE_PAGES = {1: 2, 2: 2, 3: 3, 4: 3, 5: 6, 6: 6, 7: 7, 8: 7, 9: 8, 10: 11, 11: 10, 12: 13, 13: 12}


@pytest.fixture(scope="module")
def tracemonkey_blocks(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> list[tuple[int, Block]]:
    assets = tmp_path_factory.mktemp("assets")
    return find_figures_and_tables(corpus / "pdf/tracemonkey.pdf", assets_dir=assets, max_pages=50)


@pytest.fixture(scope="module")
def tracemonkey(tracemonkey_blocks: list[tuple[int, Block]]) -> dict[int, tuple[int, Path, str]]:
    """Figure number → (page, image, caption)."""
    figures = {}
    for page, block in tracemonkey_blocks:
        assert block.kind in ("figure", "table")
        assert block.source.file == "tracemonkey.pdf" and block.source.page == page
        if block.kind == "figure":
            assert block.image is not None
            number = int(block.text.split()[1].rstrip("."))
            figures[number] = (page, block.image, block.text)
    return figures


@pytest.fixture(scope="module")
def tracemonkey_tables(tracemonkey_blocks: list[tuple[int, Block]]) -> list[tuple[int, Block]]:
    return [(page, block) for page, block in tracemonkey_blocks if block.kind == "table"]


def test_every_figure_of_the_paper_is_found_on_its_page(
    tracemonkey: dict[int, tuple[int, Path, str]],
) -> None:
    assert {number: page for number, (page, _, _) in tracemonkey.items()} == FIGURE_PAGES


def test_each_figure_caption_is_the_whole_caption(tracemonkey: dict[int, tuple[int, Path, str]]) -> None:
    for number, (_, _, caption) in tracemonkey.items():
        assert caption.startswith(f"Figure {number}. ")
    assert tracemonkey[2][2].endswith("then TM can stay in native code until the loop is done.")
    assert "Trace-Monkey" in tracemonkey[2][2]  # the hyphen pdfium reports as \x02 is kept


@pytest.mark.parametrize("number", sorted(FIGURE_PAGES))
def test_each_figure_is_a_picture_of_plausible_size(
    tracemonkey: dict[int, tuple[int, Path, str]], number: int
) -> None:
    page, image_path, _ = tracemonkey[number]
    assert image_path.name == f"tracemonkey-p{page}-fig{number}.png"
    with Image.open(image_path) as image:
        assert image.format == "PNG"
        width, height = image.size
        assert 200 <= width <= 1300 and 80 <= height <= 1200  # at scale 2: a column or the page wide
        assert ImageStat.Stat(image.convert("L")).stddev[0] > 20  # not blank


def test_wide_figures_span_the_page_and_column_figures_a_column(
    tracemonkey: dict[int, tuple[int, Path, str]],
) -> None:
    widths = {number: Image.open(path).width for number, (_, path, _) in tracemonkey.items()}
    assert all(widths[n] > 900 for n in (3, 4, 10, 13))
    assert all(widths[n] < 520 for n in (1, 2, 5, 6, 7, 8, 9, 11, 12))


BENCHMARK = re.compile(r"^(3d|access|bitops|controlflow|crypto|date|math|regexp|string)(-[a-z0-9]+)+$")


def test_a_table_set_as_a_figure_is_also_read_into_rows(
    tracemonkey_tables: list[tuple[int, Block]], tracemonkey: dict[int, tuple[int, Path, str]]
) -> None:
    """Figure 13 is a text table pdfium reports a row at a time: its cells come from character positions."""
    [(page, table)] = [(p, b) for p, b in tracemonkey_tables if b.text.startswith("Figure 13. ")]
    assert page == 12 and table.source.page == 12 and table.image is None
    assert 13 in tracemonkey  # the picture of it is still there
    header, *body = table.rows
    assert header == (
        "",
        "Loops",
        "Trees",
        "Traces",
        "Aborts",
        "Flushes",
        "Trees/Loop",
        "Traces/Tree",
        "Traces/Loop",
        "Speedup",
    )
    assert len(body) >= 20 and all(len(row) == len(header) for row in body)
    names = [row[0] for row in body]
    assert names[:3] == ["3d-cube", "3d-morph", "3d-raytrace"] and names[-1] == "string-validate-input"
    assert all(BENCHMARK.match(name) for name in names)
    for row in body:
        for cell in row[1:]:
            assert cell == "-" or float(cell.removesuffix("x")) >= 0
    assert body[0] == ("3d-cube", "25", "27", "29", "3", "0", "1.1", "1.1", "1.2", "2.20x")
    caption = "Figure 13. Detailed trace recording statistics for the SunSpider benchmark set."
    assert table.text.startswith(caption + "\n")
    assert "\n3d-cube | 25 | 27 | 29 | 3 | 0 | 1.1 | 1.1 | 1.2 | 2.20x\n" in table.text


def test_code_diagrams_and_charts_are_not_read_as_tables(tracemonkey_tables: list[tuple[int, Block]]) -> None:
    """Figures 1-12 are code listings, diagrams and charts: only figure 13 is a table."""
    assert [int(table.text.split()[1].rstrip(".")) for _, table in tracemonkey_tables] == [13]


def test_a_table_drawn_as_a_figure_is_read_from_character_positions(tmp_path: Path) -> None:
    rows = [
        ("", "Time", "Runs", "Speedup"),
        ("sieve of E.", "12.5", "10", "2.20x"),
        ("nbody", "8.25", "12", "4.19x"),
    ]
    rows += [
        ("fannkuch", "3.5", "7", "-"),
        ("spectral norm", "101.0", "3", "0.98x"),
        ("cordic", "7.75", "22", "3.05x"),
    ]
    pdf = tmp_path / "drawn.pdf"
    pdf.write_bytes(_figure_pdf(rows))
    [(_, figure), (page, table)] = find_figures_and_tables(pdf, assets_dir=tmp_path / "assets", max_pages=5)
    assert figure.kind == "figure" and figure.image is not None
    assert table.kind == "table" and page == 1 and table.rows == tuple(rows)
    assert table.text.splitlines()[:3] == [
        "Figure 1. Run times of the benchmark loops.",
        " | Time | Runs | Speedup",
        "sieve of E. | 12.5 | 10 | 2.20x",
    ]


def test_a_code_listing_drawn_as_a_figure_is_not_a_table(tmp_path: Path) -> None:
    rows = [("mov", "eax,", "8(ebx)"), ("add", "eax,", "1"), ("cmp", "eax,", "100"), ("jl", "loop", "2")]
    rows += [("mov", "12(ebp),", "eax"), ("ret", "0", "0")]
    pdf = tmp_path / "code.pdf"
    pdf.write_bytes(_figure_pdf(rows))
    [(_, figure)] = find_figures_and_tables(pdf, assets_dir=tmp_path / "assets", max_pages=5)
    assert figure.kind == "figure"


def test_a_ruled_table_is_read_into_rows_and_cells(tmp_path: Path) -> None:
    pdf = tmp_path / "results.pdf"
    pdf.write_bytes(_table_pdf())
    found = find_figures_and_tables(pdf, assets_dir=tmp_path / "assets", max_pages=5)
    tables = [(page, block) for page, block in found if block.kind == "table"]
    assert len(tables) == 1
    page, table = tables[0]
    assert page == 1 and table.source.page == 1
    assert table.rows == (("Loop", "Time", "Speedup"), ("sieve", "12.5", "2.20x"), ("nbody", "8.25", "4.19x"))
    assert table.text.startswith("Table 1. Run times of the benchmark loops.")
    assert "sieve | 12.5 | 2.20x" in table.text


def test_a_caption_in_running_text_without_a_table_gives_nothing(tmp_path: Path) -> None:
    pdf = tmp_path / "prose.pdf"
    pdf.write_bytes(
        _pdf([(72, 700, "Table 1. is mentioned but no table follows it in this document at all.")])
    )
    assert find_figures_and_tables(pdf, assets_dir=tmp_path, max_pages=5) == []


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (Path(__file__).parents[3] / "../shared/corpus/pdf").glob("*.pdf"))
)
def test_every_corpus_pdf_is_handled_quickly(corpus: Path, tmp_path: Path, name: str) -> None:
    started = time.monotonic()
    found = find_figures_and_tables(corpus / "pdf" / name, assets_dir=tmp_path, max_pages=50)
    assert isinstance(found, list)
    assert time.monotonic() - started < 30  # generous for a busy machine; bench/ingest.py measures speed
    for page, block in found:
        assert block.source.page == page and block.kind in ("figure", "table")


def test_the_corpus_pdfs_are_all_checked(corpus: Path) -> None:
    assert len(list((corpus / "pdf").glob("*.pdf"))) >= 10  # the parametrised check above is not empty


def test_pages_beyond_the_limit_are_not_read(corpus: Path, tmp_path: Path) -> None:
    found = find_figures_and_tables(corpus / "pdf/tracemonkey.pdf", assets_dir=tmp_path, max_pages=3)
    assert [page for page, _ in found] == [2, 2, 3, 3]


def test_a_file_that_is_not_a_pdf_gives_nothing(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40)
    assert find_figures_and_tables(junk, assets_dir=tmp_path, max_pages=5) == []


def test_a_page_of_fake_captions_stays_cheap(tmp_path: Path) -> None:
    pdf = tmp_path / "captions.pdf"
    pdf.write_bytes(_pdf([(72, 10.0 + 1.5 * n, f"Figure {n}. A caption.") for n in range(500)]))
    started = time.monotonic()
    assert isinstance(find_figures_and_tables(pdf, assets_dir=tmp_path, max_pages=5), list)
    assert time.monotonic() - started < 30  # generous for a busy machine; bench/ingest.py measures speed


def test_a_figure_on_a_huge_page_is_rendered_at_a_bounded_size(tmp_path: Path) -> None:
    pdf = tmp_path / "poster.pdf"
    drawing = "0 0 0 rg 100 2000 13000 8000 re f 1 1 1 rg 3000 4000 2000 2000 re f"
    pdf.write_bytes(
        _pdf([(100, 1500, "Figure 1. A poster-sized drawing.")], size=(14400, 14400), extra=drawing)
    )
    [(page, figure)] = find_figures_and_tables(pdf, assets_dir=tmp_path, max_pages=5)
    assert page == 1 and figure.image is not None and figure.text == "Figure 1. A poster-sized drawing."
    with Image.open(figure.image) as image:
        assert max(image.size) <= 4000 and min(image.size) > 100


PROSE = "Each loop was run ten times and the fastest run is reported here; the machine was idle."


def _table_pdf() -> bytes:
    cells = [("Loop", "Time", "Speedup"), ("sieve", "12.5", "2.20x"), ("nbody", "8.25", "4.19x")]
    texts = [(72.0, 760.0 - 14 * n, PROSE) for n in range(5)]
    texts.append((72, 680, "Table 1. Run times of the benchmark loops."))
    for row, values in enumerate(cells):
        texts.extend((x, 655.0 - 16 * row, value) for x, value in zip((90, 220, 350), values, strict=True))
    texts.extend((72.0, 580.0 - 14 * n, PROSE) for n in range(5))
    return _pdf(texts)


def _figure_pdf(rows: Sequence[tuple[str, ...]]) -> bytes:
    """Prose, a figure of rows whose cells are placed 100 pt apart in one text object a row, a caption."""
    texts = [(72.0, 760.0 - 14 * n, PROSE) for n in range(5)]
    drawn = " ".join(
        f"BT /F1 10 Tf 1 0 0 1 90 {680 - 12 * n} Tm "
        + " ".join(f"{100 if column else 0} 0 Td ({cell}) Tj" for column, cell in enumerate(row))
        + " ET"
        for n, row in enumerate(rows)
    )
    caption_y = 670.0 - 12 * len(rows)
    texts.append((72, caption_y, "Figure 1. Run times of the benchmark loops."))
    texts.extend((72.0, caption_y - 25 - 14 * n, PROSE) for n in range(5))
    return _pdf(texts, extra=drawn)


def _pdf(
    texts: list[tuple[float, float, str]], *, size: tuple[int, int] = (612, 792), extra: str = ""
) -> bytes:
    """A one-page Helvetica PDF built by hand, each text placed on its own at (x, y)."""
    content = (extra + " ").encode() + " ".join(
        f"BT /F1 10 Tf 1 0 0 1 {x} {y} Tm ({text}) Tj ET" for x, y, text in texts
    ).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >> "
        b"/Contents 5 0 R >>" % size,
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    return pdf_file(objects)
