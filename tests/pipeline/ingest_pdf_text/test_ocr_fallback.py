"""Pages whose text layer does not read are rendered (pdfium) and read by OCR (rapidocr), headings and two
columns included; a page still unreadable is left out, listed, flagged for review and named in the job's
notices. Readable PDFs are never OCR'd."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from pypdf import PdfReader, PdfWriter

from animagenius.pipeline.domain import Provenance, ScriptRequest, SourceDocument
from animagenius.pipeline.errors import NoContent, ProcessingTimeout
from animagenius.pipeline.ingest import IngestLimits, ingest
from animagenius.pipeline.ingest.pdf import SizedLine, read_pdf
from animagenius.pipeline.ingest.pdf_ocr import RENDER_DPI, RenderedPages, column_crops
from animagenius.pipeline.providers.protocols import OCR
from animagenius.pipeline.run import draft_script
from animagenius.pipeline.script.analyse import analyse
from tests.pipeline.cli_helpers import EXIT_OK, cli


class WatchedPages:
    """The real page reader, remembering which pages it was asked to read."""

    def __init__(self, path: Path, *, ocr: OCR, workdir: Path) -> None:
        self.pages = RenderedPages(path, ocr=lambda: ocr, workdir=workdir, budget_s=600)
        self.asked: list[int] = []

    def __call__(self, numbers: Sequence[int]) -> dict[int, list[SizedLine]]:
        self.asked.extend(numbers)
        return self.pages(numbers)


@pytest.fixture(scope="module")
def read_unmapped(
    unmapped: Path, ocr: OCR, tmp_path_factory: pytest.TempPathFactory
) -> tuple[SourceDocument, list[int]]:
    watched = WatchedPages(unmapped, ocr=ocr, workdir=tmp_path_factory.mktemp("ocr"))
    return read_pdf(unmapped, rendered=watched), watched.asked


def page_text(document: SourceDocument, page: int) -> str:
    return " ".join(block.text for block in document.blocks if block.source.page == page)


def test_pages_that_do_not_read_are_read_by_ocr(read_unmapped: tuple[SourceDocument, list[int]]) -> None:
    document, asked = read_unmapped

    assert asked == [2, 3, 4, 5, 6], "only the unreadable pages are rendered and read"
    text = " ".join(block.text for block in document.blocks)
    assert "/g" not in text and "WKH" not in text and "qei" not in text, "no glyph names, no shifted letters"
    assert "so most places see two high tides and two low tides each day." in page_text(document, 2)
    assert "When the Sun and the Moon line up, their pulls add together" in page_text(document, 2)
    assert "Sailors check the tide tables before they leave the harbour." in page_text(document, 3)
    assert "They walk the same route each month and write down every species" in page_text(document, 6)
    assert page_text(document, 1).startswith("Field notes from the estuary We walked the mud flats")
    assert document.title == "Field notes from the estuary"


def test_headings_come_back_from_line_heights(read_unmapped: tuple[SourceDocument, list[int]]) -> None:
    document, _ = read_unmapped
    headings = [(block.source.page, block.text) for block in document.blocks if block.kind == "heading"]

    assert headings == [
        (1, "Field notes from the estuary"),
        (2, "How the tides follow the Moon"),
        (2, "Spring and neap tides"),
        (3, "Reading the harbour charts"),
        (5, "Where the river meets the sea"),
        (6, "Counting birds on the marsh"),
    ]


def test_two_columns_are_read_one_after_the_other(read_unmapped: tuple[SourceDocument, list[int]]) -> None:
    text = page_text(read_unmapped[0], 5)

    left_end = text.index("so the channel is marked again each spring.")
    assert text.index("Fresh water from the river floats on top") < left_end
    assert left_end < text.index("Seals rest on the outer banks at low water")
    assert "The banks move a little after every winter storm" in text


def test_page_still_unreadable_is_listed_and_flagged(
    read_unmapped: tuple[SourceDocument, list[int]],
) -> None:
    document, _ = read_unmapped
    outline = analyse(document)

    assert document.unreadable_pages == (Provenance(file="unmapped-fonts.pdf", page=4),)
    assert page_text(document, 4) == ""
    assert outline.needs_review
    assert outline.unreadable_pages == document.unreadable_pages
    assert outline.flagged_terms == ()


def test_the_job_says_which_pages_were_left_out(read_unmapped: tuple[SourceDocument, list[int]]) -> None:
    written = draft_script(read_unmapped[0], request=ScriptRequest(target_duration_s=30))

    assert written.notices[0] == (
        "Page 4 of unmapped-fonts.pdf has no readable text, even by OCR; it is left out of the script."
    )


@pytest.mark.parametrize(
    "name", ["tracemonkey.pdf", "basicapi.pdf", "issue1905.pdf", "issue6127.pdf", "ArabicCIDTrueType.pdf"]
)
def test_readable_pdfs_keep_their_text_layer(corpus: Path, ocr: OCR, tmp_path: Path, name: str) -> None:
    path = corpus / "pdf" / name
    watched = WatchedPages(path, ocr=ocr, workdir=tmp_path)

    document = read_pdf(path, rendered=watched)

    assert watched.asked == []
    assert document == read_pdf(path)
    assert document.unreadable_pages == ()


def test_gutter_of_a_two_column_paper_is_found(corpus: Path) -> None:
    pdf = pdfium.PdfDocument(corpus / "pdf/tracemonkey.pdf")
    page = pdf[0].render(scale=RENDER_DPI / 72, grayscale=True).to_pil()
    pdf.close()

    crops = column_crops(page)

    (title, left, right) = crops  # title and authors across the page, then the two columns
    assert title[0] == 0 and title[2] == page.width
    assert left[1] == right[1] == title[3] and left[3] == right[3]
    assert abs(left[2] - page.width / 2) < 0.05 * page.width, "cut at the gutter, near the middle"
    assert right[0] == left[2]


def test_one_column_page_is_read_whole(unmapped: Path) -> None:
    pdf = pdfium.PdfDocument(unmapped)
    page = pdf[1].render(scale=RENDER_DPI / 72, grayscale=True).to_pil()
    pdf.close()

    assert column_crops(page) == [(0, 0, page.width, page.height)]


@pytest.fixture
def readable_and_noise(unmapped: Path, tmp_path: Path) -> Path:
    """Page 1 (readable) and page 4 (made-up words) of the unmapped PDF."""
    writer = PdfWriter()
    source = PdfReader(unmapped)
    writer.add_page(source.pages[0])
    writer.add_page(source.pages[3])
    target = tmp_path / "field-notes.pdf"
    writer.write(target)
    return target


def test_inspect_shows_the_pages_left_out(
    animagenius: Path, readable_and_noise: Path, tmp_path: Path
) -> None:
    completed = cli(animagenius, "inspect", readable_and_noise, cwd=tmp_path)

    assert completed.returncode == EXIT_OK, completed.stderr
    assert (
        "  needs review: Page 2 of field-notes.pdf has no readable text, even by OCR; it is left out of the "
        "script." in completed.stdout
    )
    payload = json.loads(cli(animagenius, "inspect", "--json", readable_and_noise, cwd=tmp_path).stdout)
    assert payload["outline"]["needs_review"] is True
    assert payload["document"]["unreadable_pages"] == [
        {"file": "field-notes.pdf", "page": 2, "slide": None, "start_s": None, "end_s": None}
    ]


def test_pdf_with_no_readable_page_is_refused_with_the_reason(unmapped: Path, tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_page(PdfReader(unmapped).pages[3])
    noise = tmp_path / "noise.pdf"
    writer.write(noise)

    with pytest.raises(NoContent, match=r"^noise\.pdf has no readable text, even by OCR"):
        ingest([noise], assets_dir=tmp_path / "assets")


def test_more_unreadable_pages_than_time_allows_fail_at_once_and_say_why(
    many_unmapped_pages: Path, tmp_path: Path
) -> None:
    started = time.monotonic()
    with pytest.raises(ProcessingTimeout) as caught:
        ingest([many_unmapped_pages], limits=IngestLimits(timeout_s=20), assets_dir=tmp_path, isolated=True)

    message = str(caught.value)
    assert message.startswith("unmapped-25-pages.pdf has 25 pages whose text cannot be read from the file")
    assert "more than the 17 s allowed — upload fewer pages at a time" in message  # OCR's share of 20 s
    assert time.monotonic() - started < 15, "refused before reading any page, not when the time ran out"
