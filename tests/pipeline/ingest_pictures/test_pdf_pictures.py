"""Pictures on PDF pages without a "Figure N" caption: kept with the text near them, in reading order;
icons, rules, backgrounds and logos repeated on every page left out."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from animagenius.pipeline.domain import Block, SourceDocument
from animagenius.pipeline.ingest.reader import ingest
from tests.pipeline.ingest_pictures.pictures_helpers import PdfPage, logo, pdf, photo, prose_lines

CAPTION = "The lamp room of the old lighthouse at dusk, seen from the gallery."


def figures(document: SourceDocument) -> list[Block]:
    return [block for block in document.blocks if block.kind == "figure"]


def read(tmp_path: Path, pages: list[PdfPage]) -> SourceDocument:
    path = tmp_path / "lighthouse.pdf"
    path.write_bytes(pdf(pages))
    return ingest([path], assets_dir=tmp_path / "assets")


def test_an_uncaptioned_photo_is_a_figure_with_the_line_under_it(tmp_path: Path) -> None:
    page = PdfPage(
        texts=[
            (72, 740, "Lighthouses", 18),
            *prose_lines(710, 3),
            (72, 440, CAPTION, 9),
            (72, 400, "History", 18),
            *prose_lines(370, 3, start=3),
        ],
        pictures=[(photo(), 72, 460, 300, 200)],
    )

    document = read(tmp_path, [page])

    [figure] = figures(document)
    assert figure.text == CAPTION and figure.source.page == 1
    assert figure.image is not None and figure.image.parent == tmp_path / "assets"
    with Image.open(figure.image) as saved:
        assert saved.size == (480, 320), "kept at its own resolution"
        green = saved.convert("RGB").getextrema()[1]
        assert isinstance(green, tuple) and green[1] > 200, "the picture itself, not a blank"
    order = [block.text for block in document.blocks]
    at = document.blocks.index(figure)
    assert any("Oil lamps" in text for text in order[:at]), "after the paragraph above it"
    assert order.index("History") > at, "before the section that follows it on the page"


def test_a_photo_with_text_only_above_takes_that_sentence(tmp_path: Path) -> None:
    page = PdfPage(
        texts=[(72, 740, "Lighthouses", 18), *prose_lines(710, 2)], pictures=[(photo(), 72, 380, 360, 300)]
    )

    [figure] = figures(read(tmp_path, [page]))

    assert figure.text == "Oil lamps gave way to electric light in the nineteen twenties, and…"


def test_a_logo_on_every_page_is_decoration_and_a_repeated_photo_is_kept_once(tmp_path: Path) -> None:
    mark, view = logo(), photo(seed=4)
    pages = [
        PdfPage(
            texts=[(72, 740, f"Chapter {n}", 18), *prose_lines(600, 4, start=n)],
            pictures=[(mark, 440, 690, 100, 100)],
        )
        for n in range(1, 5)
    ]
    for page in pages[1:3]:  # the same photo on two pages of four: content, shown once
        page.pictures.append((view, 72, 250, 300, 200))
        page.texts.append((72, 230, CAPTION, 9))

    found = figures(read(tmp_path, pages))

    assert [(figure.source.page, figure.text) for figure in found] == [(2, CAPTION)]


def test_icons_rules_blank_fills_and_backgrounds_are_not_figures(tmp_path: Path) -> None:
    icon = logo((16, 16))
    rule = Image.new("RGB", (2000, 4), "black")
    fill = Image.new("RGB", (400, 300), (230, 230, 230))
    stripes = logo((600, 60))  # wide, but not a rule: a banner of 10:1 is
    background = photo((850, 1100), seed=7)
    page = PdfPage(
        texts=[(72, 740, "Lighthouses", 18), *prose_lines(700, 4)],
        pictures=[
            (background, 0, 0, 612, 792),
            (icon, 72, 600, 16, 16),
            (rule, 72, 580, 468, 1),
            (fill, 72, 300, 300, 220),
            (stripes, 72, 200, 468, 46),
        ],
    )

    assert figures(read(tmp_path, [page])) == []


def test_a_scanned_page_is_read_not_shown(corpus: Path, tmp_path: Path) -> None:
    """A page that is one full-page picture is a scan: OCR reads it; it is not a figure."""
    path = tmp_path / "scan.pdf"
    path.write_bytes(
        pdf([PdfPage(pictures=[(photo((850, 1100)), 0, 0, 612, 792)]), PdfPage(texts=prose_lines(700, 4))])
    )

    document = ingest([path], assets_dir=tmp_path / "assets")

    assert figures(document) == []


def test_a_picture_inside_a_captioned_figure_is_that_figure(tmp_path: Path) -> None:
    page = PdfPage(
        texts=[
            *prose_lines(740, 5),
            (72, 420, "Figure 1. The lens of the lighthouse, seen from below.", 10),
            *prose_lines(390, 5),
        ],
        pictures=[(photo(seed=2), 100, 440, 300, 220)],
    )

    [figure] = figures(read(tmp_path, [page]))

    assert figure.text == "Figure 1. The lens of the lighthouse, seen from below."
    assert figure.image is not None and figure.image.name == "lighthouse-p1-fig1.png"
