"""PDF pages whose text layer cannot be read, read again by OCR from a rendering of the page.

The lines come back with a height in points, as the text layer's lines do, so the same code finds the
headings (lines clearly taller than the body) and the paragraphs.
"""

from __future__ import annotations

import logging
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium  # type: ignore[import-untyped]
from PIL import Image

from animagenius.pipeline.errors import ProcessingTimeout
from animagenius.pipeline.ingest.images import text_rows
from animagenius.pipeline.ingest.pdf import SizedLine
from animagenius.pipeline.providers.protocols import OCR, OcrLine

log = logging.getLogger(__name__)

RENDER_DPI = 150  # measured: the same words as at 200 dpi on 11 pt text, in about two thirds of the time
MAX_RENDER_SIDE = 2400  # pixels: a poster-size page is rendered smaller rather than at RENDER_DPI
# A page of a few paragraphs, until this run has measured its own pace: 2.9 s measured on 2 busy cores
# (bench/README.md). A dense two-column page takes 10-40 s; the pace measured after the first page tells.
OCR_SECONDS_PER_PAGE = 3.0
# Of the time allowed to read one file: the rest starts the reader, reads the text layer and finds the figures
# (about 3 s for 25 pages, measured).
OCR_SHARE_OF_TIMEOUT = 0.85
PACE_PAGES = 3  # pages read before their pace, not OCR_SECONDS_PER_PAGE, says whether the rest will fit
# A row this much taller than the page's typical row is a heading. Rows of body text measured within
# ±12% of their page's median (descenders, capitals); a 20 pt heading over 11 pt text ~1.45×.
HEADING_HEIGHT = 1.25
INK_LEVEL = 128  # grey level below which a rendered pixel is ink (not a form's shading)
MIN_GUTTER = 0.02  # of the text's width: a white band narrower than this is a space between words
MIN_CLEAR_ROWS = 0.5  # share of the inked rows a gutter leaves clear: fewer, and the page has one column
MIN_SPLIT_HEIGHT = 0.04  # of the page's height (~3 lines): a shorter stretch clear of the gutter is no column

Box = tuple[int, int, int, int]


class RenderedPages:
    """Reads chosen pages of one PDF by rendering them (pdfium) and OCR, within a time budget.

    Call it with the 1-based page numbers to read; it answers each page's lines, [] for a page it could
    not render. Raises `ProcessingTimeout` before starting when the pages cannot be read in `budget_s`,
    or as soon as the pace measured shows the rest will not fit.
    """

    def __init__(self, path: Path, *, ocr: Callable[[], OCR], workdir: Path, budget_s: float) -> None:
        self.path = path
        self.ocr = ocr
        self.workdir = workdir
        self.budget_s = budget_s

    def __call__(self, numbers: Sequence[int]) -> dict[int, list[SizedLine]]:
        if not numbers:
            return {}
        started = time.monotonic()
        self._check_budget(len(numbers), elapsed_s=0.0, durations=[])
        read: dict[int, list[SizedLine]] = {}
        durations: list[float] = []
        engine = self.ocr()
        try:
            document = pdfium.PdfDocument(self.path)
        except (pdfium.PdfiumError, OSError, ValueError) as error:
            log.info("%s: not rendered (%s)", self.path.name, error)
            return {}
        try:
            self.workdir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=self.workdir, prefix="ocr-") as scratch:
                for done, number in enumerate(numbers):
                    elapsed = time.monotonic() - started
                    self._check_budget(len(numbers) - done, elapsed_s=elapsed, durations=durations)
                    read[number] = self._read(document, number, engine, Path(scratch) / "page.png")
                    durations.append(time.monotonic() - started - elapsed)
        finally:
            document.close()
        return read

    def _read(self, document: pdfium.PdfDocument, number: int, engine: OCR, scan: Path) -> list[SizedLine]:
        try:
            page = document[number - 1]
        except (pdfium.PdfiumError, IndexError) as error:
            log.info("%s page %d: not rendered (%s)", self.path.name, number, error)
            return []
        try:
            width, height = page.get_size()
            scale = min(RENDER_DPI / 72, MAX_RENDER_SIDE / max(width, height, 1.0))
            picture = page.render(scale=scale, grayscale=True).to_pil()
        except (pdfium.PdfiumError, OSError, ValueError, MemoryError) as error:
            log.info("%s page %d: not rendered (%s)", self.path.name, number, error)
            return []
        finally:
            page.close()
        rows: list[tuple[OcrLine, ...]] = []
        for crop in column_crops(picture):
            picture.crop(crop).save(scan, format="PNG", compress_level=1)
            rows.extend(text_rows(engine.read(scan).lines))
        return sized_rows(rows, points_per_pixel=1 / scale)

    def _check_budget(self, pages_left: int, *, elapsed_s: float, durations: list[float]) -> None:
        # the median page (the first one also loads the OCR models), once a few have been read: one page read
        # while the machine is busy with something else says little
        pace = statistics.median(durations) * 1.1 if len(durations) >= PACE_PAGES else OCR_SECONDS_PER_PAGE
        if elapsed_s + pages_left * pace <= self.budget_s:
            return
        total = pages_left + len(durations)
        raise ProcessingTimeout(
            f"{self.path.name} has {total} pages whose text cannot be read from the file (their fonts do not "
            f"map to letters); reading them from the page images would take about {_duration(total * pace)}, "
            f"more than the {_duration(self.budget_s)} allowed — upload fewer pages at a time, or export the "
            "PDF again from the program that made it"
        )


def sized_rows(rows: Sequence[Sequence[OcrLine]], *, points_per_pixel: float) -> list[SizedLine]:
    """The rows, each with its height in points: the page's typical row height for body text, a height of
    its own (in steps of a tenth of it) for a heading."""
    if not rows:
        return []
    heights = [statistics.median(line.box[3] - line.box[1] for line in row) for row in rows]
    body = statistics.median(heights)
    sized = []
    for row, height in zip(rows, heights, strict=True):
        ratio = round(height / body, 1) if height >= HEADING_HEIGHT * body else 1.0
        sized.append((round(ratio * body * points_per_pixel, 1), " ".join(line.text for line in row)))
    return sized


def column_crops(page: Image.Image) -> list[Box]:
    """Parts of a rendered page to read one after the other (left, top, right, bottom, in pixels).

    A page set in two columns is cut at its gutter: where a title or a wide figure spans the gutter it is
    read whole, and each stretch between such parts is read left column first, then right.
    """
    whole = (0, 0, page.width, page.height)
    ink = np.asarray(page.convert("L")) < INK_LEVEL
    inked_rows = np.flatnonzero(ink.any(axis=1))
    gutter = _gutter(ink, inked_rows)
    if gutter is None:
        return [whole]
    left, right = gutter
    crossing = np.asarray(ink[:, left:right].any(axis=1))
    min_split = int(MIN_SPLIT_HEIGHT * page.height)
    middle = (left + right) // 2
    crops: list[Box] = []
    top = 0
    for start, end in _clear_runs(inked_rows, crossing):
        if end - start < min_split or not _both_sides_inked(ink[start:end], left, right):
            continue  # rows clear of the gutter inside a title, or short lines beside a blank: not columns
        if start > top:
            crops.append((0, top, page.width, start))
        crops.extend([(0, start, middle, end), (middle, start, page.width, end)])
        top = end
    if top < page.height:
        crops.append((0, top, page.width, page.height))
    return [crop for crop in crops if ink[crop[1] : crop[3], crop[0] : crop[2]].any()] or [whole]


def _both_sides_inked(ink: np.ndarray, left: int, right: int) -> bool:
    """Text on both sides of the gutter on most of the stretch's inked rows, as in two columns."""
    inked = ink.any(axis=1)
    rows = max(1, int(inked.sum()))
    return min(int(ink[:, :left].any(axis=1).sum()), int(ink[:, right:].any(axis=1).sum())) >= 0.5 * rows


def _gutter(ink: np.ndarray, inked_rows: np.ndarray) -> tuple[int, int] | None:
    """The x range of a white band down the middle of the text, clear on most of its inked rows."""
    if len(inked_rows) == 0:
        return None
    columns = np.flatnonzero(ink.any(axis=0))
    start, end = int(columns[0]), int(columns[-1]) + 1
    band = max(2, int(MIN_GUTTER * (end - start)))
    rows = ink[inked_rows, start:end].astype(np.int32)
    sums = np.concatenate([np.zeros((len(rows), 1), np.int32), np.cumsum(rows, axis=1)], axis=1)
    inked_in_band = ((sums[:, band:] - sums[:, :-band]) > 0).sum(axis=0)  # per band position
    first, last = int(0.3 * (end - start)), int(0.7 * (end - start)) - band
    if last <= first:
        return None
    position = first + int(np.argmin(inked_in_band[first:last]))
    if inked_in_band[position] > (1 - MIN_CLEAR_ROWS) * len(inked_rows):
        return None
    return start + position, start + position + band


def _clear_runs(inked_rows: np.ndarray, crossing: np.ndarray) -> list[tuple[int, int]]:
    """Stretches of inked rows (first, last + 1) with no ink in the gutter; blank rows do not end one."""
    runs: list[tuple[int, int]] = []
    open_run = False
    for row in inked_rows.tolist():
        if crossing[row]:
            open_run = False
        elif open_run:
            runs[-1] = (runs[-1][0], row + 1)
        else:
            runs.append((row, row + 1))
            open_run = True
    return runs


def _duration(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 120 else f"{seconds:.0f} s"
