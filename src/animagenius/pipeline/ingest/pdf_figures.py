"""Figures (cropped from the page by their captions, or placed pictures without one) and simple tables
(as rows/cells) found in a PDF."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from PIL import Image, ImageStat

from animagenius.pipeline.domain import Block, Provenance
from animagenius.pipeline.ingest.pdf_layout import Box as _Box
from animagenius.pipeline.ingest.pdf_layout import Line as _Line
from animagenius.pipeline.ingest.pdf_layout import Page as _Page
from animagenius.pipeline.ingest.pdf_layout import column_of as _column
from animagenius.pipeline.ingest.pdf_layout import inside as _inside
from animagenius.pipeline.ingest.pdf_layout import is_running_text as _is_running_text
from animagenius.pipeline.ingest.pdf_layout import paragraph as _paragraph
from animagenius.pipeline.ingest.pdf_layout import read_page as _read_page
from animagenius.pipeline.ingest.pdf_pictures import MAX_DECODED_PER_DOCUMENT, line_above, page_pictures

log = logging.getLogger(__name__)

MAX_BITMAP_PX = 4000
MAX_PICTURE_PIXELS = 40_000_000  # an embedded picture larger than this is not decoded (ingest limits)
MAX_CAPTIONS_PER_PAGE = 40  # each caption may render a region; a page of fake captions must stay cheap
MIN_FIGURE_PT = 40
INK_LEVEL = 235  # grey value below which a rendered pixel counts as ink
MIN_INK_FRACTION = 0.003

MAX_TABLE_CHARS = 20_000  # a page with more characters is not searched for a table inside a figure
MIN_TABLE_ROWS = 4
MAX_TABLE_ROWS = 200
MIN_TABLE_COLUMNS = 3
MAX_TABLE_COLUMNS = 30
MAX_VALUE_CHARS = 12  # a table's value cells are short; longer ones are prose or code
MAX_LABEL_CHARS = 60
WORD_GAP = 0.3  # a gap between characters wider than this, relative to the text height, ends a word
SPACE_GAP = 0.1  # ... and one wider than this is a space inside a word group (letters abut)
COLUMN_GAP = 0.8  # a gap wider than this, relative to the text height, down all rows separates columns

_FIGURE_CAPTION = re.compile(r"^(?:figure|fig\.)\s*(\d{1,3})\s*[.:]", re.IGNORECASE)
_TABLE_CAPTION = re.compile(r"^table\s*(\d{1,3})\s*[.:]", re.IGNORECASE)
_NUMBER = re.compile(r"^[-+\u2212]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:%|x|\u00d7)?$")
_PLACEHOLDERS = frozenset({"-", "\u2013", "\u2014", "n/a", "N/A"})
_CAPTION = re.compile(f"{_FIGURE_CAPTION.pattern}|{_TABLE_CAPTION.pattern}", re.IGNORECASE)


@dataclass(frozen=True)
class PageExtra:
    """A figure or table found on a page, with where it goes among the page's text."""

    page: int
    block: Block
    follows: str | None  # the line just above it ('' when nothing is); None: after the page's text


def find_figures_and_tables(
    path: Path, *, assets_dir: Path, max_pages: int, scale: float = 2.0, max_pixels: int = MAX_PICTURE_PIXELS
) -> list[tuple[int, Block]]:
    """(page, block) for each figure (captioned or not) and recognisable table; unreadable pages give
    nothing."""
    found = find_page_extras(
        path, assets_dir=assets_dir, max_pages=max_pages, scale=scale, max_pixels=max_pixels
    )
    return [(extra.page, extra.block) for extra in found]


def find_page_extras(
    path: Path, *, assets_dir: Path, max_pages: int, scale: float = 2.0, max_pixels: int = MAX_PICTURE_PIXELS
) -> list[PageExtra]:
    """Figures and tables page by page, each with the line it follows on its page."""
    try:
        document = pdfium.PdfDocument(path)
    except (pdfium.PdfiumError, OSError, ValueError):
        return []
    found: list[PageExtra] = []
    budget = [MAX_DECODED_PER_DOCUMENT]
    try:
        for index in range(min(len(document), max_pages)):
            try:
                found.extend(_page_extras(document, index, path, assets_dir, scale, max_pixels, budget))
            except (pdfium.PdfiumError, OSError, ValueError, MemoryError) as error:
                log.info("%s page %d: figures not read (%s)", path.name, index + 1, error)
    finally:
        document.close()
    return found


def _page_extras(
    document: pdfium.PdfDocument,
    index: int,
    path: Path,
    assets_dir: Path,
    scale: float,
    max_pixels: int,
    budget: list[int],
) -> list[PageExtra]:
    pdf_page = document[index]
    try:
        page = _read_page(pdf_page, index + 1)
        source = Provenance(file=path.name, page=page.number)
        extras: list[PageExtra] = []
        regions: list[_Box] = []
        seen: set[str] = set()
        captions = [n for n, line in enumerate(page.lines) if _CAPTION.match(line.text)]
        for position in captions[:MAX_CAPTIONS_PER_PAGE]:
            figure = _figure(pdf_page, page, position, path, assets_dir, scale, source, seen)
            if figure is not None:
                block, region = figure
                regions.append(region)
                extras.append(PageExtra(page.number, block, line_above(page, region)))
                text_table = _text_table(pdf_page, page, region, block.text, source)
                if text_table is not None:  # a table set as a picture: its image and its cells
                    extras.append(PageExtra(page.number, text_table, line_above(page, region)))
                continue
            table = _table(page, position, source, seen)
            if table is not None:
                extras.append(PageExtra(page.number, table, None))
        pictures = page_pictures(
            pdf_page,
            page,
            taken=regions,
            path=path,
            assets_dir=assets_dir,
            max_pixels=max_pixels,
            budget=budget,
        )
        extras.extend(PageExtra(page.number, picture.block, picture.follows) for picture in pictures)
        return extras
    finally:
        pdf_page.close()


# ---------------------------------------------------------------- figures


def _figure(
    pdf_page: pdfium.PdfPage,
    page: _Page,
    position: int,
    path: Path,
    assets_dir: Path,
    scale: float,
    source: Provenance,
    seen: set[str],
) -> tuple[Block, _Box] | None:
    """The figure and the region it was cut from."""
    match = _FIGURE_CAPTION.match(page.lines[position].text)
    if match is None or f"fig{match.group(1)}" in seen:
        return None
    column = _column(page, page.lines[position].box)
    caption, caption_box = _paragraph(page, position, column)
    column = _column(page, caption_box)
    for region in (_region_above(page, caption_box, column), _region_below(page, caption_box, column)):
        if region is None:
            continue
        image = _render(pdf_page, page, region, scale)
        if image is None:
            continue
        assets_dir.mkdir(parents=True, exist_ok=True)
        target = assets_dir / f"{path.stem}-p{page.number}-fig{match.group(1)}.png"
        image.save(target, format="PNG")
        seen.add(f"fig{match.group(1)}")
        return Block(kind="figure", text=caption, image=target, source=source), region
    return None


def _region_above(page: _Page, caption: _Box, column: _Box) -> _Box | None:
    above = [line for line in page.lines if _inside(column, line.box) and line.box.y0 >= caption.y1 - 1]
    above.sort(key=lambda line: line.box.y0)
    top = page.box.y1
    for number, line in enumerate(above):
        if _is_running_text(page, line):
            top = _paragraph_bottom(above, number)
            break
    return _sized(_Box(column.x0, caption.y1 + 1, column.x1, top))


def _paragraph_bottom(above: list[_Line], found: int) -> float:
    """Lines just below a line of running text, aligned with it, are the rest of its paragraph."""
    anchor = above[found]
    bottom = anchor.box.y0
    for line in reversed(above[:found]):
        near = bottom - line.box.y1 <= 0.9 * anchor.box.height
        if not near or abs(line.box.x0 - anchor.box.x0) > 3 * anchor.box.height:
            break
        bottom = line.box.y0
    return bottom - 1


def _region_below(page: _Page, caption: _Box, column: _Box) -> _Box | None:
    below = [line for line in page.lines if _inside(column, line.box) and line.box.y1 <= caption.y0 + 1]
    bottom = page.box.y0
    for line in below:
        if _is_running_text(page, line):
            bottom = line.box.y1 + 1
            break
    return _sized(_Box(column.x0, bottom, column.x1, caption.y0 - 1))


def _sized(region: _Box) -> _Box | None:
    return region if region.width >= MIN_FIGURE_PT and region.height >= MIN_FIGURE_PT else None


def _render(pdf_page: pdfium.PdfPage, page: _Page, region: _Box, scale: float) -> Image.Image | None:
    """The region as a picture with white margins trimmed; None when it is (nearly) blank or too small."""
    scale = min(scale, MAX_BITMAP_PX / region.width, MAX_BITMAP_PX / region.height)
    crop = (
        max(0.0, region.x0 - page.box.x0),
        max(0.0, region.y0 - page.box.y0),
        max(0.0, page.box.x1 - region.x1),
        max(0.0, page.box.y1 - region.y1),
    )
    bitmap = pdf_page.render(scale=scale, crop=crop)
    try:
        image = bitmap.to_pil().convert("RGB")
    finally:
        bitmap.close()
    ink = image.convert("L").point(lambda value: 255 if value < INK_LEVEL else 0)
    bounds = ink.getbbox()
    if bounds is None:
        return None
    image, ink = image.crop(bounds), ink.crop(bounds)
    too_small = min(image.size) < MIN_FIGURE_PT * scale
    if too_small or ImageStat.Stat(ink).mean[0] / 255 < MIN_INK_FRACTION:
        return None
    return image


# ---------------------------------------------------------------- tables


def _table(page: _Page, position: int, source: Provenance, seen: set[str]) -> Block | None:
    match = _TABLE_CAPTION.match(page.lines[position].text)
    if match is None or f"table{match.group(1)}" in seen:
        return None
    column = _column(page, page.lines[position].box)
    caption, caption_box = _paragraph(page, position, column)
    for region in (_table_below(page, caption_box, column), _table_above(page, caption_box, column)):
        rows = _rows(page, region)
        if rows:
            seen.add(f"table{match.group(1)}")
            text = "\n".join([caption, *(" | ".join(row) for row in rows)])
            return Block(kind="table", text=text, rows=rows, source=source)
    return None


def _table_below(page: _Page, caption: _Box, column: _Box) -> _Box:
    return _table_extent(page, caption, column, downwards=True)


def _table_above(page: _Page, caption: _Box, column: _Box) -> _Box:
    return _table_extent(page, caption, column, downwards=False)


def _table_extent(page: _Page, caption: _Box, column: _Box, *, downwards: bool) -> _Box:
    """From the caption to the first line of running text or a gap wider than three lines."""
    lines = [
        line
        for line in page.lines
        if _inside(column, line.box)
        and (line.box.y1 <= caption.y0 + 1 if downwards else line.box.y0 >= caption.y1 - 1)
    ]
    lines.sort(key=lambda line: -line.box.y1 if downwards else line.box.y0)
    edge = caption.y0 if downwards else caption.y1
    reach = edge
    for line in lines:
        gap = (reach - line.box.y1) if downwards else (line.box.y0 - reach)
        if _is_running_text(page, line) or gap > 3 * max(line.box.height, 6.0):
            break
        reach = line.box.y0 if downwards else line.box.y1
    low, high = (reach, edge) if downwards else (edge, reach)
    return _Box(column.x0, low, column.x1, high)


def _rows(page: _Page, region: _Box) -> tuple[tuple[str, ...], ...]:
    """Cells of a column-aligned table: runs grouped into rows by height, into columns by shared x-ranges."""
    runs = [run for run in page.runs if _within(region, run.box)]
    rows = _group_rows(runs)
    bands = _column_bands([run for row in rows for run in row])
    if len(rows) < 2 or len(bands) < 2:
        return ()
    table = tuple(tuple(_cell(row, band) for band in bands) for row in rows)
    filled = sum(1 for row in table if sum(1 for cell in row if cell) >= 2)
    return table if filled >= max(2, len(table) * 0.6) else ()


def _within(region: _Box, box: _Box) -> bool:
    centre_y = (box.y0 + box.y1) / 2
    return region.x0 - 1 <= box.x0 and box.x1 <= region.x1 + 1 and region.y0 <= centre_y <= region.y1


def _group_rows(runs: list[_Line]) -> list[list[_Line]]:
    rows: list[list[_Line]] = []
    for run in sorted(runs, key=lambda r: -(r.box.y0 + r.box.y1) / 2):
        centre = (run.box.y0 + run.box.y1) / 2
        if rows and abs((rows[-1][0].box.y0 + rows[-1][0].box.y1) / 2 - centre) <= 0.5 * run.box.height:
            rows[-1].append(run)
        else:
            rows.append([run])
    return [sorted(row, key=lambda r: r.box.x0) for row in rows]


def _column_bands(runs: list[_Line]) -> list[tuple[float, float]]:
    """x-ranges that runs share across rows; a gap of more than a character separates two columns."""
    bands: list[tuple[float, float]] = []
    for run in sorted(runs, key=lambda r: r.box.x0):
        if bands and run.box.x0 <= bands[-1][1] + 0.5 * run.box.height:
            bands[-1] = (bands[-1][0], max(bands[-1][1], run.box.x1))
        else:
            bands.append((run.box.x0, run.box.x1))
    return bands


def _cell(row: list[_Line], band: tuple[float, float]) -> str:
    return " ".join(run.text for run in row if band[0] <= (run.box.x0 + run.box.x1) / 2 <= band[1])


# ---------------------------------------------------------------- tables set inside a figure's region


def _text_table(
    pdf_page: pdfium.PdfPage, page: _Page, region: _Box, caption: str, source: Provenance
) -> Block | None:
    """The figure's region read as a table when it is one: rows of short, column-aligned numbers.

    PDFium reports such a row as one text piece, so the cells come from character positions: the
    characters of a row split into words at wide gaps, the words into columns where no row has text.
    """
    rows = _group_rows([run for run in page.runs if _within(region, run.box)])
    if not MIN_TABLE_ROWS <= len(rows) <= MAX_TABLE_ROWS:
        return None
    numeric_rows = sum(
        1 for row in rows if sum(1 for run in row for token in run.text.split() if _NUMBER.match(token)) >= 2
    )
    if numeric_rows < MIN_TABLE_ROWS:  # cheap test before reading characters: most figures stop here
        return None
    text_page = pdf_page.get_textpage()
    try:
        chars = _chars_within(text_page, region)
    finally:
        text_page.close()
    if chars is None:
        return None
    lines = [_words(line) for line in _chars_by_row(chars, rows)]
    words = [word for line in lines for word in line]
    if not words:
        return None
    height = sorted(word.box.height for word in words)[len(words) // 2]
    bands = _gapped_bands(words, COLUMN_GAP * height)
    if not MIN_TABLE_COLUMNS <= len(bands) <= MAX_TABLE_COLUMNS:
        return None
    table = tuple(tuple(_cell(line, band) for band in bands) for line in lines if line)
    if not _is_numeric_table(table):
        return None
    text = "\n".join([caption, *(" | ".join(row) for row in table)])
    return Block(kind="table", text=text, rows=table, source=source)


def _chars_within(text_page: pdfium.PdfTextPage, region: _Box) -> list[_Line] | None:
    """The visible characters whose centres lie in the region; None when the page has too many."""
    count = text_page.count_chars()
    if count <= 0 or count > MAX_TABLE_CHARS:
        return None
    text = text_page.get_text_range(0, count)
    if len(text) != count:  # characters outside the BMP would shift indices: don't guess
        return None
    chars = []
    for index, char in enumerate(text.replace("\x02", "-")):  # pdfium reports some hyphens as \x02
        if not char.isprintable() or char.isspace():
            continue
        x0, y0, x1, y1 = text_page.get_charbox(index, loose=True)  # advance width: letters abut
        centre_x, centre_y = (x0 + x1) / 2, (y0 + y1) / 2
        if x1 > x0 and y1 > y0 and region.x0 <= centre_x <= region.x1 and region.y0 <= centre_y <= region.y1:
            chars.append(_Line(_Box(x0, y0, x1, y1), char))
    return chars


def _chars_by_row(chars: list[_Line], rows: list[list[_Line]]) -> list[list[_Line]]:
    """Characters assigned to the row whose height range holds their centre, each row left to right."""
    spans = [(min(run.box.y0 for run in row), max(run.box.y1 for run in row)) for row in rows]
    found: list[list[_Line]] = [[] for _ in rows]
    for char in chars:
        centre = (char.box.y0 + char.box.y1) / 2
        for number, (low, high) in enumerate(spans):
            if low <= centre <= high:
                found[number].append(char)
                break
    return [sorted(row, key=lambda char: char.box.x0) for row in found]


def _words(chars: list[_Line]) -> list[_Line]:
    """A row's characters (advance-width boxes, so letters abut) joined into words at gaps wider than a
    space: a label of several words stays one."""
    words: list[_Line] = []
    if not chars:
        return words
    height = max(char.box.y1 for char in chars) - min(char.box.y0 for char in chars)
    for char in chars:
        last = words[-1] if words else None
        gap = char.box.x0 - last.box.x1 if last is not None else 0.0
        if last is not None and gap <= WORD_GAP * height:
            box, new = last.box, char.box
            last.box = _Box(box.x0, min(box.y0, new.y0), max(box.x1, new.x1), max(box.y1, new.y1))
            last.text += (" " if gap > SPACE_GAP * height else "") + char.text
        else:
            words.append(_Line(char.box, char.text))
    return words


def _gapped_bands(words: list[_Line], gap: float) -> list[tuple[float, float]]:
    """x-ranges covered by words of any row; columns are where a gap wider than `gap` runs down all rows."""
    bands: list[tuple[float, float]] = []
    for word in sorted(words, key=lambda w: w.box.x0):
        if bands and word.box.x0 <= bands[-1][1] + gap:
            bands[-1] = (bands[-1][0], max(bands[-1][1], word.box.x1))
        else:
            bands.append((word.box.x0, word.box.x1))
    return bands


def _is_numeric_table(table: tuple[tuple[str, ...], ...]) -> bool:
    """Rows of short numbers in consistently filled columns, below at most a couple of header rows.

    Code listings, diagrams and charts have few numbers, long cells or columns that are mostly empty.
    """
    header = 0
    while header < min(2, len(table)) and not any(_NUMBER.match(cell) for cell in table[header][1:]):
        header += 1
    body = table[header:]
    if len(body) < MIN_TABLE_ROWS:
        return False
    values = [cell for row in body for cell in row[1:]]
    filled = [cell for cell in values if cell]
    numeric = [cell for cell in filled if _NUMBER.match(cell) or cell in _PLACEHOLDERS]
    columns = len(table[0])
    numeric_columns = sum(
        1 for n in range(1, columns) if sum(1 for row in body if _NUMBER.match(row[n])) >= 0.6 * len(body)
    )
    rows_filled = sum(1 for row in body if sum(1 for cell in row[1:] if cell) >= 0.8 * (columns - 1))
    return (
        len(filled) >= 0.8 * len(values)
        and len(numeric) >= 0.9 * len(filled)
        and numeric_columns >= 2
        and rows_filled >= 0.8 * len(body)
        and all(len(cell) <= MAX_VALUE_CHARS for cell in filled)
        and all(len(row[0]) <= MAX_LABEL_CHARS for row in table)
    )
