"""Word, PowerPoint and HTML readers: the content a person sees comes out in order, with its tables, pictures,
charts and speaker notes; hostile archives are refused before any parser opens them; nothing is fetched."""

from __future__ import annotations

import io
import random
import struct
import threading
import time
import tracemalloc
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import docx
import pptx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches
from PIL import Image, ImageDraw
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches as PptxInches

from animagenius.pipeline.domain import Block, SourceDocument
from animagenius.pipeline.errors import CorruptFile, Encrypted, InputError, TooLarge, UnsupportedFormat
from animagenius.pipeline.ingest.html import read_html
from animagenius.pipeline.ingest.powerpoint import read_pptx
from animagenius.pipeline.ingest.word import read_docx

MB = 1024 * 1024
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
W_NAMESPACE = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def of_kind(document: SourceDocument, kind: str) -> list[Block]:
    return [block for block in document.blocks if block.kind == kind]


def texts(document: SourceDocument) -> list[str]:
    return [block.text for block in document.blocks]


def png_bytes(colour: str, size: tuple[int, int] = (160, 120)) -> bytes:
    """A small drawing in `colour`: a disc and a bar on white, worth showing (a flat fill is not)."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.ellipse((width // 8, height // 8, width // 2, height * 7 // 8), fill=colour)
    draw.rectangle((width * 5 // 8, height // 4, width * 7 // 8, height * 7 // 8), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def assert_valid_image(path: Path | None, *, expected: bytes | None = None) -> None:
    assert path is not None and path.is_file(), "the figure's picture was written to the assets folder"
    with Image.open(path) as image:
        image.verify()
    if expected is not None:
        assert path.read_bytes() == expected, "the picture is extracted byte for byte"


# ---------------------------------------------------------------- Word: corpus files


def test_known_paragraphs_heading_and_body_in_order(corpus: Path) -> None:
    document = read_docx(corpus / "docx/par-known-paragraphs.docx", assets_dir=None)

    # the heading's text is split in two runs around a bookmark: it must come out whole
    assert [(b.kind, b.level, b.text) for b in document.blocks] == [
        ("heading", 1, "Heading Paragraph"),
        ("paragraph", 0, "Normal paragraph"),
    ]
    assert document.title == "Heading Paragraph"
    assert {block.source.file for block in document.blocks} == {"par-known-paragraphs.docx"}


def test_python_docx_sample_heading_and_paragraph(corpus: Path) -> None:
    document = read_docx(corpus / "docx/test.docx", assets_dir=None)

    assert texts(document) == ["python-docx was here!", "python-docx was here too!"]
    assert document.blocks[0].kind == "heading"
    assert document.title == "python-docx was here!"


def test_headers_and_footers_are_not_content(corpus: Path) -> None:
    path = corpus / "docx/hdr-header-footer.docx"
    with zipfile.ZipFile(path) as archive:  # the file really has header and footer text
        assert b"Header for section-1" in archive.read("word/header2.xml")
        assert b"Footer for section" in archive.read("word/footer2.xml")

    document = read_docx(path, assets_dir=None)

    assert texts(document) == ["section with header", "section without header of its own."]
    body = " ".join(texts(document))
    assert "Header for" not in body and "Footer for" not in body


def test_empty_2x2_table_gives_no_table_block(corpus: Path) -> None:
    # The corpus table is a real 2x2 grid whose four cells are all empty: nothing worth showing.
    path = corpus / "docx/tbl-2x2-table.docx"
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml")
    assert xml.count(b"<w:tr ") == 2 and xml.count(b"<w:tc>") == 4 and b"<w:t>" not in xml

    document = read_docx(path, assets_dir=None)

    assert document.blocks == ()
    assert document.title == "Tbl 2x2 table"


def test_inline_images_are_extracted_as_figures_once_each(corpus: Path, tmp_path: Path) -> None:
    path = corpus / "docx/having-images.docx"
    with zipfile.ZipFile(path) as archive:
        media = [archive.read(f"word/media/image{n}.png") for n in (1, 2, 3)]

    document = read_docx(path, assets_dir=tmp_path / "assets")

    figures = of_kind(document, "figure")
    assert len(document.blocks) == len(figures) == 3, "five inline pictures, two of them repeats, no text"
    for figure in figures:
        assert_valid_image(figure.image)
        assert figure.image is not None and figure.image.parent == tmp_path / "assets"
    # document order: python.bmp, monty-truth, python-powered; monty-truth and python-powered again are
    # repeats, not new pictures to show
    assert [figure.image.read_bytes() for figure in figures if figure.image] == media


def test_images_without_an_assets_folder_or_caption_are_left_out(corpus: Path) -> None:
    document = read_docx(corpus / "docx/having-images.docx", assets_dir=None)

    assert document.blocks == ()


# ---------------------------------------------------------------- Word: a document with everything


@pytest.fixture
def rich_docx(tmp_path: Path) -> Path:
    document = docx.Document()
    document.core_properties.title = "Field guide to coffee"
    document.sections[0].header.paragraphs[0].text = "CONFIDENTIAL header line"
    document.sections[0].footer.paragraphs[0].text = "Page footer line"
    document.add_paragraph("Coffee basics", style="Title")
    document.add_heading("Growing regions", level=1)
    document.add_paragraph("Coffee grows in a belt around the equator.")
    document.add_paragraph("Ethiopia", style="List Bullet")
    document.add_paragraph("Sidamo", style="List Bullet 2")
    document.add_paragraph("Colombia", style="List Number")
    table = document.add_table(rows=3, cols=3)
    for row, values in enumerate(
        [("Region", "Altitude", "Harvest"), ("Sidamo", "1800", "Nov"), ("Huila", "", "")]
    ):
        for column, value in enumerate(values):
            table.cell(row, column).text = value
    merged = table.cell(2, 1).merge(table.cell(2, 2))
    merged.text = "varies"
    table.cell(0, 0).merge(table.cell(1, 0)).text = "Region"  # spans two rows (Word joins their text)
    document.add_paragraph("Roasting changes the flavour.")
    document.add_paragraph("Coffee is a language in itself.", style="Intense Quote")
    document.add_picture(io.BytesIO(png_bytes("brown")), width=Inches(1))
    document.add_paragraph("Figure 1: green beans before roasting", style="Caption")
    run = document.add_paragraph("Line one").add_run()
    run.add_break(WD_BREAK.LINE)
    run.add_text("line two")
    document.add_heading("Brewing", level=2)
    path = tmp_path / "guide.docx"
    document.save(str(path))
    return path


def test_docx_blocks_keep_document_order_with_tables_interleaved(rich_docx: Path, tmp_path: Path) -> None:
    document = read_docx(rich_docx, assets_dir=tmp_path / "assets")

    assert [(b.kind, b.text if b.kind != "table" else "<table>") for b in document.blocks] == [
        ("heading", "Coffee basics"),
        ("heading", "Growing regions"),
        ("paragraph", "Coffee grows in a belt around the equator."),
        ("list_item", "Ethiopia"),
        ("list_item", "Sidamo"),
        ("list_item", "Colombia"),
        ("table", "<table>"),
        ("paragraph", "Roasting changes the flavour."),
        ("quote", "Coffee is a language in itself."),
        ("figure", "Figure 1: green beans before roasting"),
        ("paragraph", "Line one line two"),
        ("heading", "Brewing"),
    ]
    assert document.title == "Field guide to coffee", "core properties title wins"
    levels = {b.text: b.level for b in document.blocks if b.kind in ("heading", "list_item")}
    assert levels == {"Coffee basics": 1, "Growing regions": 1, "Brewing": 2, "Ethiopia": 0, "Sidamo": 0} | {
        "Colombia": 0
    }
    assert "CONFIDENTIAL" not in " ".join(texts(document)) and "footer" not in " ".join(texts(document))


def test_docx_merged_cells_appear_once(rich_docx: Path) -> None:
    document = read_docx(rich_docx, assets_dir=None)
    (table,) = of_kind(document, "table")

    assert table.rows == (
        ("Region", "Altitude", "Harvest"),
        ("", "1800", "Nov"),
        ("Huila", "varies", ""),
    )
    assert table.text == "Region | Altitude | Harvest\n | 1800 | Nov\nHuila | varies | "


def test_docx_picture_caption_and_file(rich_docx: Path, tmp_path: Path) -> None:
    document = read_docx(rich_docx, assets_dir=tmp_path / "assets")
    (figure,) = of_kind(document, "figure")

    assert figure.text == "Figure 1: green beans before roasting"
    assert_valid_image(figure.image, expected=png_bytes("brown"))
    assert "Figure 1" not in [b.text for b in document.blocks if b.kind == "paragraph"]


def test_docx_title_style_is_the_title_when_properties_have_none(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Not the title", level=1)
    document.add_paragraph("Annual report", style="Title")
    document.add_paragraph("Revenue grew.")
    path = tmp_path / "report.docx"
    document.save(str(path))

    assert read_docx(path, assets_dir=None).title == "Annual report"


def test_docx_custom_styles_outline_levels_and_numbering_are_understood(tmp_path: Path) -> None:
    document = docx.Document()
    chapter = document.styles.add_style("Chapter", WD_STYLE_TYPE.PARAGRAPH)
    chapter.base_style = document.styles["Heading 2"]
    document.add_paragraph("Based on Heading 2", style="Chapter")
    outlined = document.add_paragraph("Outline level 3")
    outlined._p.get_or_add_pPr().append(oxml_element("w:outlineLvl", val="2"))
    numbered = document.add_paragraph("Numbered by Word", style="List Paragraph")
    numbering = oxml_element("w:numPr")
    numbering.append(oxml_element("w:ilvl", val="1"))
    numbering.append(oxml_element("w:numId", val="3"))
    numbered._p.get_or_add_pPr().append(numbering)
    unnumbered = document.add_paragraph("Numbering switched off")
    switched_off = oxml_element("w:numPr")
    switched_off.append(oxml_element("w:numId", val="0"))
    unnumbered._p.get_or_add_pPr().append(switched_off)
    path = tmp_path / "styles.docx"
    document.save(str(path))

    read = read_docx(path, assets_dir=None)

    assert [(b.kind, b.level, b.text) for b in read.blocks] == [
        ("heading", 2, "Based on Heading 2"),
        ("heading", 3, "Outline level 3"),
        ("list_item", 1, "Numbered by Word"),
        ("paragraph", 0, "Numbering switched off"),
    ]


def oxml_element(tag: str, **attributes: str) -> Any:
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


# ---------------------------------------------------------------- PowerPoint: corpus files


def test_speaker_notes_become_notes_blocks(corpus: Path) -> None:
    document = read_pptx(corpus / "pptx/prs-notes.pptx", assets_dir=None)

    assert [(b.kind, b.text, b.source.slide) for b in document.blocks] == [("notes", "Notes", 1)]
    assert document.blocks[0].source.file == "prs-notes.pptx"


def test_slide_pictures_are_extracted(corpus: Path, tmp_path: Path) -> None:
    path = corpus / "pptx/shp-picture.pptx"
    with zipfile.ZipFile(path) as archive:
        small, large = archive.read("ppt/media/image1.png"), archive.read("ppt/media/image2.png")

    document = read_pptx(path, assets_dir=tmp_path)

    figures = of_kind(document, "figure")
    assert [figure.source.slide for figure in figures] == [1, 2], "each picture twice on its slide: once"
    for figure, expected in zip(figures, [small, large], strict=True):
        assert_valid_image(figure.image, expected=expected)
        assert figure.text == "", "alt text that is only the file name (python-powered.png) is not a caption"


def test_chart_data_becomes_a_table_of_numbers(corpus: Path) -> None:
    document = read_pptx(corpus / "pptx/cht-charts.pptx", assets_dir=None)

    (chart,) = document.blocks
    assert chart.kind == "table" and chart.source.slide == 1
    assert chart.rows == (
        ("", "Series 1", "Series 2", "Series 3"),
        ("Category 1", "4.3", "2.4", "2"),
        ("Category 2", "2.5", "4.4", "2"),
        ("Category 3", "3.5", "1.8", "3"),
        ("Category 4", "4.5", "2.8", "5"),
    )
    assert chart.text.startswith("Chart\n")
    assert "Category 4 | 4.5 | 2.8 | 5" in chart.text


def test_populated_placeholders(corpus: Path, tmp_path: Path) -> None:
    path = corpus / "pptx/ph-populated-placeholders.pptx"
    with zipfile.ZipFile(path) as archive:
        monty, powered = archive.read("ppt/media/image1.png"), archive.read("ppt/media/image2.png")

    document = read_pptx(path, assets_dir=tmp_path)

    summary = [(b.source.slide, b.kind, b.text.split("\n")[0]) for b in document.blocks]
    assert summary == [
        (1, "figure", ""),  # picture placeholder
        (2, "figure", ""),  # clip-art placeholder
        # slide 3: a table placeholder with empty cells; slide 8: SmartArt without text; 9: empty media
        (4, "table", "Chart: Sales"),
        (5, "heading", "Title Text"),
        (6, "list_item", "Content"),  # content placeholders show bullets
        (7, "list_item", "Body text"),
    ]
    assert_valid_image(document.blocks[0].image, expected=monty)
    assert_valid_image(document.blocks[1].image, expected=powered)
    assert document.blocks[2].rows == (
        ("", "Sales"),
        ("1st Qtr", "8.2"),
        ("2nd Qtr", "3.2"),
        ("3rd Qtr", "1.4"),
        ("4th Qtr", "1.2"),
    )
    assert document.blocks[3].level == 1
    assert document.title == "Title Text", "the generic core title 'Presentation' is not a title"


# ---------------------------------------------------------------- PowerPoint: a deck with everything


@pytest.fixture
def rich_pptx(tmp_path: Path) -> Path:
    deck = pptx.Presentation()
    deck.core_properties.title = "Presentation"

    slide = deck.slides.add_slide(deck.slide_layouts[1])  # title and content
    slide.shapes.title.text = "Quarterly results"
    body = slide.placeholders[1].text_frame
    body.text = "Revenue grew 12%"
    detail = body.add_paragraph()
    detail.text = "Mostly from exports"
    detail.level = 1
    slide.notes_slide.notes_text_frame.text = "Start with the good news.\nThen take questions."

    slide = deck.slides.add_slide(deck.slide_layouts[5])  # title only
    slide.shapes.title.text = "Numbers"
    table = slide.shapes.add_table(3, 2, PptxInches(1), PptxInches(2), PptxInches(4), PptxInches(2)).table
    for row, values in enumerate([("Quarter", "Revenue"), ("Q1", "10"), ("Q2", "12")]):
        for column, value in enumerate(values):
            table.cell(row, column).text = value
    table.cell(0, 0).merge(table.cell(0, 1))
    table.cell(0, 0).text = "Results"
    data = CategoryChartData()
    data.categories = ["Q1", "Q2"]
    data.add_series("Revenue", (10.0, 12.5))
    data.add_series("Costs", (7.0, 1234567.0))
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, PptxInches(5), PptxInches(2), PptxInches(4), PptxInches(3), data
    )
    frame.chart.has_title = True
    frame.chart.chart_title.text_frame.text = "Revenue and costs"

    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    group = slide.shapes.add_group_shape()
    group.shapes.add_textbox(
        PptxInches(1), PptxInches(1), PptxInches(3), PptxInches(1)
    ).text_frame.text = "Text inside a group"
    picture = slide.shapes.add_picture(io.BytesIO(png_bytes("navy")), PptxInches(1), PptxInches(3))
    picture.element.xpath("./p:nvPicPr/p:cNvPr")[0].set("descr", "Our new office")

    hidden = deck.slides.add_slide(deck.slide_layouts[5])
    hidden.shapes.title.text = "Backup slide"
    hidden.element.set("show", "0")

    path = tmp_path / "results.pptx"
    deck.save(str(path))
    return path


def test_pptx_slides_in_order_with_titles_bullets_and_notes(rich_pptx: Path, tmp_path: Path) -> None:
    document = read_pptx(rich_pptx, assets_dir=tmp_path / "assets")

    slide_one = [(b.kind, b.level, b.text) for b in document.blocks if b.source.slide == 1]
    assert slide_one == [
        ("heading", 1, "Quarterly results"),
        ("list_item", 0, "Revenue grew 12%"),
        ("list_item", 1, "Mostly from exports"),
        ("notes", 0, "Start with the good news. Then take questions."),
    ]
    assert document.title == "Quarterly results"
    assert "Backup slide" not in texts(document), "hidden slides are not part of the talk"
    assert {b.source.slide for b in document.blocks} == {1, 2, 3}


def test_pptx_tables_charts_groups_and_pictures(rich_pptx: Path, tmp_path: Path) -> None:
    document = read_pptx(rich_pptx, assets_dir=tmp_path / "assets")
    table, chart = of_kind(document, "table")

    assert table.source.slide == 2
    assert table.rows == (("Results", ""), ("Q1", "10"), ("Q2", "12"))
    assert chart.rows == (("", "Revenue", "Costs"), ("Q1", "10", "7"), ("Q2", "12.5", "1234567"))
    assert chart.text.startswith("Chart: Revenue and costs\n")
    slide_three = [(b.kind, b.text) for b in document.blocks if b.source.slide == 3]
    assert slide_three == [("paragraph", "Text inside a group"), ("figure", "Our new office")]
    assert_valid_image(of_kind(document, "figure")[0].image, expected=png_bytes("navy"))


def test_pptx_over_the_slide_limit_is_too_large(rich_pptx: Path) -> None:
    with pytest.raises(TooLarge, match=r"results\.pptx has 4 slides; your plan's limit is 2"):
        read_pptx(rich_pptx, assets_dir=None, max_slides=2)


# ---------------------------------------------------------------- hostile and broken packages


def write_zip_bomb(path: Path, *, template: Path, member_mb: int) -> None:
    """A real .docx whose document.xml is valid XML padded with `member_mb` MB of spaces, written in steps."""
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                archive.writestr(item.filename, source.read(item))
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(f'<w:document xmlns:w="{W_NAMESPACE}"><w:body><w:p><w:r><w:t>Pay now'.encode())
            for _ in range(member_mb):
                member.write(b" " * MB)
            member.write(b"</w:t></w:r></w:p></w:body></w:document>")


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "invoice.docx"
    write_zip_bomb(path, template=corpus / "docx/test.docx", member_mb=300)
    return path


def test_zip_bomb_disguised_as_docx_is_refused_quickly_in_little_memory(zip_bomb: Path) -> None:
    assert zip_bomb.stat().st_size < 2 * MB, "the bomb itself is small"
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(TooLarge, match=r"invoice\.docx would unpack to 300 MB") as raised:
            read_docx(zip_bomb, assets_dir=None)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert elapsed < 10.0  # generous for a busy machine: inflating 300 MB is what must not happen
    assert peak < 8 * MB, f"refusing the bomb allocated {peak / MB:.1f} MB"
    assert "save it again from Word" in str(raised.value)


def test_highly_compressed_part_is_refused(corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    write_zip_bomb(path, template=corpus / "docx/test.docx", member_mb=20)  # a 1000-fold ratio

    with pytest.raises(TooLarge, match=r"report\.docx contains a part \(word/document\.xml\) that expands"):
        read_docx(path, assets_dir=None)


def test_archive_with_too_many_parts_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "slides.pptx"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(10_001):
            archive.writestr(f"ppt/slides/slide{number}.xml", "")

    with pytest.raises(TooLarge, match=r"slides\.pptx holds 10,001 parts \(limit 10,000\)"):
        read_pptx(path, assets_dir=None)


def test_archive_declaring_a_huge_file_index_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "index.docx"
    end_record = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, 512 * MB, 30, 0)
    path.write_bytes(b"PK\x03\x04" + bytes(26) + end_record)

    with pytest.raises(TooLarge, match=r"index\.docx lists far too many parts"):
        read_docx(path, assets_dir=None)


def test_random_bytes_named_docx_are_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "notes.docx"
    path.write_bytes(random.Random(7).randbytes(50_000))

    with pytest.raises(
        CorruptFile, match=r"notes\.docx is not a valid Word document.*save it again as \.docx"
    ):
        read_docx(path, assets_dir=None)


def test_truncated_docx_is_corrupt(corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.docx"
    path.write_bytes((corpus / "docx/having-images.docx").read_bytes()[:60_000])

    with pytest.raises(CorruptFile, match=r"cut\.docx"):
        read_docx(path, assets_dir=None)


def test_docx_with_broken_xml_is_corrupt(corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(corpus / "docx/test.docx") as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = b"<w:document><w:body><w:p>" if item.filename == "word/document.xml" else source.read(item)
            target.writestr(item, data)

    with pytest.raises(CorruptFile, match=r"broken\.docx is a damaged Word document"):
        read_docx(path, assets_dir=None)


def test_other_zip_archives_are_named_for_what_they_are(corpus: Path, tmp_path: Path) -> None:
    plain = tmp_path / "photos.docx"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("holiday.txt", "not a document")
    with pytest.raises(UnsupportedFormat, match=r"photos\.docx is a zip archive, not a Word document"):
        read_docx(plain, assets_dir=None)

    with pytest.raises(
        UnsupportedFormat, match=r"is a PowerPoint presentation \(\.pptx\), not a Word document"
    ):
        read_docx(corpus / "pptx/prs-notes.pptx", assets_dir=None)
    with pytest.raises(
        UnsupportedFormat, match=r"is a Word document \(\.docx\), not a PowerPoint presentation"
    ):
        read_pptx(corpus / "docx/test.docx", assets_dir=None)


def test_docx_without_content_types_is_corrupt(corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / "stripped.docx"
    with zipfile.ZipFile(corpus / "docx/test.docx") as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            if item.filename != "[Content_Types].xml":
                target.writestr(item, source.read(item))

    with pytest.raises(
        CorruptFile, match=r"stripped\.docx is a damaged Word document: it has no \[Content_Types\]"
    ):
        read_docx(path, assets_dir=None)


def compound_file(path: Path, streams: list[str]) -> Path:
    """A minimal well-formed OLE2 compound file (512-byte sectors) whose directory lists empty `streams`."""
    free, end_of_chain, fat_marker, no_stream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    entries = [("Root Entry", 5), *((name, 2) for name in streams)]
    directory_sectors = (len(entries) + 3) // 4
    header = bytearray(512)
    header[:8] = OLE2_MAGIC
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 0x2C, 1, 1, 0, 4096, end_of_chain, 0, end_of_chain, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))  # the FAT lives in sector 0
    chain = [*range(2, directory_sectors + 1), end_of_chain]  # directory: sectors 1..n
    fat = struct.pack("<128I", fat_marker, *chain, *([free] * (127 - len(chain))))
    directory = bytearray(512 * directory_sectors)
    for index, (name, kind) in enumerate(entries):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        sibling = index + 1 if 0 < index < len(entries) - 1 else no_stream
        child = 1 if index == 0 and len(entries) > 1 else no_stream
        struct.pack_into(
            "<64sHBBIII16sI16sIQ", directory, index * 128,
            encoded, len(encoded), kind, 1, no_stream, sibling, child,
            bytes(16), 0, bytes(16), end_of_chain, 0,
        )  # fmt: skip
    path.write_bytes(bytes(header) + fat + bytes(directory))
    return path


def test_password_protected_docx_is_reported_as_encrypted(tmp_path: Path) -> None:
    # Office stores a password-protected .docx as an OLE2 file holding EncryptionInfo + EncryptedPackage.
    path = compound_file(tmp_path / "salaries.docx", ["EncryptionInfo", "EncryptedPackage"])

    with pytest.raises(Encrypted, match=r"salaries\.docx is password-protected; remove the password"):
        read_docx(path, assets_dir=None)


def test_legacy_doc_and_ppt_ask_for_the_modern_format(tmp_path: Path) -> None:
    doc = compound_file(tmp_path / "old.docx", ["WordDocument", "1Table"])
    ppt = compound_file(tmp_path / "old.pptx", ["PowerPoint Document", "Current User"])
    bare = tmp_path / "bare.docx"
    bare.write_bytes(OLE2_MAGIC + bytes(4088))

    with pytest.raises(
        UnsupportedFormat, match=r"old\.docx is an older Word document \(\.doc\).*save it as \.docx"
    ):
        read_docx(doc, assets_dir=None)
    with pytest.raises(UnsupportedFormat, match=r"old\.pptx is an older PowerPoint presentation.*as \.pptx"):
        read_pptx(ppt, assets_dir=None)
    with pytest.raises(UnsupportedFormat, match=r"bare\.docx is an older Microsoft Office file"):
        read_docx(bare, assets_dir=None)


OFFICE_FILES = [
    "docx/having-images.docx",
    "docx/hdr-header-footer.docx",
    "docx/par-known-paragraphs.docx",
    "docx/tbl-2x2-table.docx",
    "docx/test.docx",
    "pptx/cht-charts.pptx",
    "pptx/ph-populated-placeholders.pptx",
    "pptx/prs-notes.pptx",
    "pptx/shp-picture.pptx",
]


def damaged_copy(source: Path, target: Path, rng: random.Random) -> None:
    """The same package with one XML part damaged: a cut, a repeat, an absurd attribute value or a bad tag."""
    with zipfile.ZipFile(source) as original:
        parts = [item for item in original.infolist() if item.filename.endswith((".xml", ".rels"))]
        victim = rng.choice(parts).filename
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
            for item in original.infolist():
                data = original.read(item)
                copy.writestr(item.filename, damage(data, rng) if item.filename == victim else data)


def damage(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data))
    choice = rng.randrange(4)
    if choice == 0:
        return data[:at] + data[at + rng.randrange(1, 400) :]
    if choice == 1:
        return data[:at] + data[at : at + 300] + data[at:]
    if choice == 2:
        return data.replace(
            b'="', rng.choice([b'="-1', b'="99999999999', b'="x', b'="rId404']), rng.randrange(1, 6)
        )
    return data[:at] + b"<w:p><a:t>" + data[at:]


@pytest.mark.parametrize("name", OFFICE_FILES)
def test_damaged_copies_are_read_or_refused_with_a_reason(corpus: Path, tmp_path: Path, name: str) -> None:
    reader = read_docx if name.endswith(".docx") else read_pptx
    rng = random.Random(name)
    refusals: list[tuple[str, str]] = []
    for attempt in range(12):
        path = tmp_path / f"damaged-{attempt}{Path(name).suffix}"
        damaged_copy(corpus / name, path, rng)
        try:  # anything but a document or an InputError fails the test here
            document = reader(path, assets_dir=tmp_path / "assets")
        except InputError as error:
            refusals.append((path.name, str(error)))
        else:
            assert {block.source.file for block in document.blocks} <= {path.name}
    for file_name, message in refusals:
        assert message.startswith(file_name), "the message names the file"


# ---------------------------------------------------------------- HTML

ARTICLE_PAGE = """<!doctype html>
<html lang="en-GB"><head><title>Coffee guide | Beans Inc</title>
<script>document.write("tracking code")</script><style>p { color: red }</style></head>
<body>
<header><a href="/">Beans Inc home</a><nav><ul><li>About us</li><li>Shop</li></ul></nav></header>
<aside>Related posts you may like</aside>
<main><article>
  <header><h1>Coffee guide</h1></header>
  <p>Coffee is a <b>brewed</b> drink<br>made from roasted beans.</p>
  <h2>Origins</h2>
  <ul><li>Ethiopia<ul><li>Sidamo</li></ul></li><li><p>Yemen</p></li></ul>
  <blockquote><p>Coffee is a language in itself.</p></blockquote>
  <form><input name="email"><button>Subscribe to our newsletter</button></form>
  <div hidden>hidden promo</div>
  <noscript>Enable JavaScript</noscript>
</article></main>
<footer>Copyright 2024 Beans Inc. All rights reserved.</footer>
</body></html>"""


def test_html_keeps_the_article_and_drops_boilerplate() -> None:
    document = read_html(ARTICLE_PAGE, name="coffee.html")

    assert [(b.kind, b.level, b.text) for b in document.blocks] == [
        ("heading", 1, "Coffee guide"),
        ("paragraph", 0, "Coffee is a brewed drink made from roasted beans."),
        ("heading", 2, "Origins"),
        ("list_item", 0, "Ethiopia"),
        ("list_item", 1, "Sidamo"),
        ("list_item", 0, "Yemen"),
        ("quote", 0, "Coffee is a language in itself."),
    ]
    everything = " ".join(texts(document))
    for boilerplate in (
        "tracking",
        "About us",
        "Beans Inc home",
        "Related",
        "Subscribe",
        "promo",
        "Copyright",
    ):
        assert boilerplate not in everything
    assert document.title == "Coffee guide", "the <title> minus the site name"
    assert document.language == "en-GB"
    assert {block.source.file for block in document.blocks} == {"coffee.html"}


def test_html_without_main_reads_the_body_and_loose_text_not_sidebar_articles() -> None:
    page = (
        "<html><head><title>Notes</title></head><body><nav>Menu</nav>"
        "<div>Loose text in a div.<p>A paragraph.</p></div>"
        "<aside><article><p>Sponsored story</p></article></aside></body></html>"
    )

    document = read_html(page, name="notes.html")

    assert texts(document) == ["Loose text in a div.", "A paragraph."]
    assert document.title == "Notes"


def test_html_tables_become_rows_with_spans_laid_out() -> None:
    page = """<body><h1>Caffeine</h1><table><caption>Caffeine per cup</caption>
      <thead><tr><th>Drink</th><th>Size</th><th>mg</th></tr></thead>
      <tbody><tr><td rowspan="2">Espresso</td><td>single</td><td>63</td></tr>
      <tr><td>double</td><td>126</td></tr>
      <tr><td colspan="2">Drip coffee</td><td>95</td></tr></tbody></table></body>"""

    document = read_html(page, name="caffeine.html")
    (table,) = of_kind(document, "table")

    assert table.rows == (
        ("Drink", "Size", "mg"),
        ("Espresso", "single", "63"),
        ("", "double", "126"),
        ("Drip coffee", "", "95"),
    )
    assert table.text.startswith("Caffeine per cup\nDrink | Size | mg\n")
    assert document.title == "Caffeine", "no <title>: the first <h1>"


def test_html_layout_tables_are_read_as_text() -> None:
    page = (
        "<body><table><tr><td><p>Welcome to the club.</p>"
        "<p>Meetings are on Fridays.</p></td></tr></table></body>"
    )

    document = read_html(page, name="club.html")

    assert [(b.kind, b.text) for b in document.blocks] == [
        ("paragraph", "Welcome to the club."),
        ("paragraph", "Meetings are on Fridays."),
    ]


class _CountingHandler(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def image_server() -> Iterator[tuple[str, list[str]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    _CountingHandler.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _CountingHandler.requests
    server.shutdown()
    server.server_close()


def test_html_images_become_figures_without_any_fetch(image_server: tuple[str, list[str]]) -> None:
    base, requests = image_server
    page = f"""<html><body><article><h1>Sales</h1><p>Sales doubled this year.</p>
      <img src="http://127.0.0.1:9/x.png" alt="A chart">
      <figure><img src="{base}/beans.png" alt="beans">
        <figcaption>Green beans before roasting</figcaption></figure>
      <img src="{base}/pixel.gif" width="1" height="1">
      <picture><source srcset="{base}/a.webp"><img src="{base}/a.jpg" alt="The roastery"></picture>
      </article></body></html>"""

    document = read_html(page, name="sales.html")

    assert [(b.kind, b.text, b.image) for b in of_kind(document, "figure")] == [
        ("figure", "A chart", None),
        ("figure", "Green beans before roasting", None),
        ("figure", "The roastery", None),
    ]
    time.sleep(0.2)  # a stray background fetch would have arrived by now
    assert requests == [], "the reader must never fetch anything a page points at"


def test_html_empty_or_xml_declared_pages_do_not_crash() -> None:
    assert read_html("", name="empty.html").blocks == ()
    declared = "<?xml version='1.0' encoding='utf-8'?><html><body><p>Plain words here.</p></body></html>"
    assert texts(read_html(declared, name="page.xhtml")) == ["Plain words here."]
