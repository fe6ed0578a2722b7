"""Pictures placed on a PDF page without a "Figure N" caption: photos, screenshots, logos, diagrams.

Each becomes a figure with the text nearest to it on the page (the line below it, where captions sit, else
the sentence above it). Icons, rules, blank fills, full-page backgrounds and scans are left out
(`pictures.rejection`); pictures inside a captioned figure's region are already part of that figure.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]
from PIL import Image

from animagenius.pipeline.domain import Block, Provenance
from animagenius.pipeline.ingest.pdf_layout import Box, Line, Page, inside, is_running_text
from animagenius.pipeline.ingest.pictures import (
    BACKGROUND_SHARE,
    MIN_PAGE_SHARE,
    MIN_PIXELS,
    MIN_SIDE_PX,
    excerpt,
    is_photo,
    rejection,
    save_picture,
    short_text,
)
from animagenius.pipeline.ingest.text import clean_inline

log = logging.getLogger(__name__)

MAX_OBJECTS_PER_PAGE = 2_000  # page objects walked looking for pictures: a hostile page stops here
MAX_DECODED_PER_PAGE = 30  # pictures decoded on one page; real pages show a handful
MAX_DECODED_PER_DOCUMENT = 150  # ~0.1 s each: a picture book of a PDF stays within the time to read a file
MAX_FORM_DEPTH = 4
NEARBY_GAP = 3.0  # in line heights: text further from the picture than this is not about it
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class PagePicture:
    block: Block
    box: Box
    follows: str  # the line just above it on the page ('' when nothing is above it), to place it in order


def page_pictures(
    pdf_page: pdfium.PdfPage,
    page: Page,
    *,
    taken: Sequence[Box],
    path: Path,
    assets_dir: Path,
    max_pixels: int,
    budget: list[int],
) -> list[PagePicture]:
    """The page's meaningful pictures, top to bottom; none inside `taken` (captioned figures' regions).
    `budget` holds how many more pictures the document may decode; it is counted down."""
    if not page.lines:
        return []  # a page without a text layer is a scan or a picture book: OCR reads it, or nothing does
    page_area = max(page.box.width * page.box.height, 1.0)
    found: list[PagePicture] = []
    decoded = 0
    text_page: pdfium.PdfTextPage | None = None

    def read(box: Box) -> str:
        nonlocal text_page
        text_page = text_page or pdf_page.get_textpage()
        return str(text_page.get_text_bounded(box.x0, box.y0, box.x1, box.y1)).replace("\x02", "-")

    for picture, box in _placed_images(pdf_page, page.box):
        share = box.width * box.height / page_area
        if share >= BACKGROUND_SHARE or share < MIN_PAGE_SHARE:
            continue  # a background, a scan (read by OCR instead) or an icon
        if any(_centre_in(box, region) for region in (*taken, *(kept.box for kept in found))):
            continue
        width, height = picture.get_px_size()
        if min(width, height) < MIN_SIDE_PX or not MIN_PIXELS <= width * height <= max_pixels:
            continue
        if decoded >= MAX_DECODED_PER_PAGE or budget[0] <= 0:
            break
        decoded += 1
        budget[0] -= 1
        image = _decoded(picture)
        if image is None or rejection(image, page_share=share) is not None:
            continue
        target = save_picture(
            image, assets_dir=assets_dir, stem=f"{path.stem}-p{page.number}", photo=is_photo(image)
        )
        source = Provenance(file=path.name, page=page.number)
        block = Block(kind="figure", text=nearby_text(page, box, read), image=target, source=source)
        found.append(PagePicture(block, box, line_above(page, box)))
    if text_page is not None:
        text_page.close()
    return sorted(found, key=lambda item: -item.box.y1)


def _placed_images(pdf_page: pdfium.PdfPage, page_box: Box) -> Iterator[tuple[pdfium.PdfImage, Box]]:
    """Image objects with their bounds on the page (those inside forms mapped out of the form's space)."""
    walked = 0

    def walk(
        form: pdfium.PdfObject | None, outer: list[pdfium.PdfMatrix], depth: int
    ) -> Iterator[tuple[pdfium.PdfImage, Box]]:
        nonlocal walked
        for item in pdf_page.get_objects(form=form, max_depth=1):
            walked += 1
            if walked > MAX_OBJECTS_PER_PAGE:
                return
            if item.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                x0, y0, x1, y1 = item.get_bounds()
                for matrix in outer:
                    x0, y0, x1, y1 = matrix.on_rect(x0, y0, x1, y1)
                box = _clipped(Box(x0, y0, x1, y1), page_box)
                if box is not None:
                    yield item, box
            elif item.type == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
                yield from walk(item, [item.get_matrix(), *outer], depth + 1)

    try:
        yield from walk(None, [], 0)
    except pdfium.PdfiumError as error:
        log.info("page objects not read (%s)", error)


def _clipped(box: Box, page_box: Box) -> Box | None:
    clipped = Box(
        max(box.x0, page_box.x0), max(box.y0, page_box.y0), min(box.x1, page_box.x1), min(box.y1, page_box.y1)
    )
    return clipped if clipped.width > 0 and clipped.height > 0 else None


def _centre_in(box: Box, region: Box) -> bool:
    x, y = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
    return region.x0 <= x <= region.x1 and region.y0 <= y <= region.y1


def _decoded(picture: pdfium.PdfImage) -> Image.Image | None:
    """The picture as drawn (its soft mask applied) at its own resolution; unrendered when that fails."""
    for render in (True, False):
        try:
            bitmap = picture.get_bitmap(render=render)
        except (pdfium.PdfiumError, OSError, ValueError, MemoryError):
            continue
        try:
            return _on_white(bitmap.to_pil())
        except (pdfium.PdfiumError, OSError, ValueError, KeyError):
            continue
    return None


def _on_white(image: Image.Image) -> Image.Image:
    """As it shows on the (white) page: a transparent background is not black, and not see-through."""
    if "A" not in image.getbands():
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    return Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")


# ---------------------------------------------------------------- the text near a picture


def nearby_text(page: Page, box: Box, read: Callable[[Box], str]) -> str:
    """A caption-like block of lines just below the picture, else the last sentence just above it, else
    ''. `read` gives the text inside a box as the PDF's text layer spells it."""
    candidates: list[tuple[float, str]] = []
    below = _stack(_neighbours(page, box, below=True))
    if below:  # where captions sit: a caption is kept whole (and, like any, is not narrated); prose is not
        text = clean_inline(read(_extent(below)))
        prose = any(is_running_text(page, line) for line in below)
        named = (excerpt(text) if prose else short_text(text)) if _wordy(text) else ""
        candidates.append((box.y0 - below[0].box.y1, named))
    above = _stack(_neighbours(page, box, below=False))
    if above:  # a title over a chart, kept whole; or the prose it follows, cut short so it is still narrated
        text = clean_inline(read(_extent(above)))
        if any(is_running_text(page, line) for line in above):
            sentences = [part for part in _SENTENCE_END.split(text) if len(part) >= 20]
            text = excerpt(sentences[-1]) if sentences else ""
        candidates.append((1.5 * (above[0].box.y0 - box.y1), short_text(text) if _wordy(text) else ""))
    return next((text for _, text in sorted(candidates, key=lambda item: item[0]) if text), "")


def _wordy(text: str) -> bool:
    """Two words or more, not a chart's tick labels ("10 20 30") or a page number."""
    return sum(1 for word in text.split() if sum(c.isalpha() for c in word) >= 3) >= 2


def _stack(lines: list[Line]) -> list[Line]:
    """The nearest line and those that follow it closely (the rest of its caption or paragraph), up to 4."""
    stacked = lines[:1]
    for line in lines[1:4]:
        previous = stacked[-1].box
        gap = max(previous.y0 - line.box.y1, line.box.y0 - previous.y1)
        if gap > 0.8 * max(previous.height, line.box.height):
            break
        stacked.append(line)
    return stacked


def _extent(lines: list[Line]) -> Box:
    return Box(
        min(line.box.x0 for line in lines),
        min(line.box.y0 for line in lines),
        max(line.box.x1 for line in lines),
        max(line.box.y1 for line in lines),
    )


def _neighbours(page: Page, box: Box, *, below: bool) -> list[Line]:
    """Lines over or under the picture, nearest first, within NEARBY_GAP line heights of it."""
    span = Box(box.x0, page.box.y0, box.x1, page.box.y1)
    if below:
        lines = [line for line in page.lines if inside(span, line.box) and line.box.y1 <= box.y0 + 2]
        lines.sort(key=lambda line: -line.box.y1)
        near = [line for line in lines if box.y0 - line.box.y1 <= NEARBY_GAP * max(line.box.height, 6.0)]
    else:
        lines = [line for line in page.lines if inside(span, line.box) and line.box.y0 >= box.y1 - 2]
        lines.sort(key=lambda line: line.box.y0)
        near = [line for line in lines if line.box.y0 - box.y1 <= NEARBY_GAP * max(line.box.height, 6.0)]
    return near


def line_above(page: Page, box: Box) -> str:
    """The text of the nearest line above the box that overlaps it across, '' when there is none."""
    span = Box(box.x0, page.box.y0, box.x1, page.box.y1)
    above = [line for line in page.lines if inside(span, line.box) and line.box.y0 >= box.y1 - 2]
    return min(above, key=lambda line: line.box.y0).text if above else ""
