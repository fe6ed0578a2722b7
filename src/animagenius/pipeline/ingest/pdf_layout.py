"""A PDF page's text as lines with their positions (pdfium): what figures, tables and pictures are
found between, and the columns and paragraphs they belong to."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pypdfium2 as pdfium  # type: ignore[import-untyped]

from animagenius.pipeline.ingest.text import clean_inline

MAX_RUNS_PER_PAGE = 5_000  # text runs beyond this on one page are a hostile or degenerate file
FULL_LINE = 0.85  # without justified text: a line this wide, relative to the long lines, is running text
JUSTIFIED_LINES = 4  # this many lines ending at the same x make that x the right edge of justified text


@dataclass(frozen=True)
class Box:
    """A rectangle in PDF points, y growing upwards."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Line:
    box: Box
    text: str


@dataclass(frozen=True)
class Page:
    number: int
    box: Box  # the visible page (crop box)
    lines: list[Line]  # runs merged into lines, top to bottom
    runs: list[Line]  # text runs as pdfium reports them, each a word or a group of words
    long_line: float  # width of a typical full line of running text
    right_edges: frozenset[int]  # where justified lines end; code listings and labels end anywhere
    left_edges: frozenset[int]  # where many lines start: the columns' left margins

    @property
    def centre(self) -> float:
        return (self.box.x0 + self.box.x1) / 2


def read_page(pdf_page: pdfium.PdfPage, number: int) -> Page:
    left, bottom, right, top = pdf_page.get_cropbox()
    text_page = pdf_page.get_textpage()
    try:
        runs = []
        for index in range(min(text_page.count_rects(), MAX_RUNS_PER_PAGE)):
            x0, y0, x1, y1 = text_page.get_rect(index)
            text = clean_inline(text_page.get_text_bounded(x0, y0, x1, y1).replace("\x02", "-"))
            if text:
                runs.append(Line(Box(x0, y0, x1, y1), text))
    finally:
        text_page.close()
    lines = _merge_runs(runs)
    edges = _right_edges(lines)
    justified = [line.box.width for line in lines if round(line.box.x1) in edges]
    widths = sorted(justified or [line.box.width for line in lines])
    long_line = widths[int(len(widths) * (0.5 if justified else 0.8))] if widths else 0.0
    starts = Counter(round(line.box.x0) for line in lines)
    left_edges = frozenset(x for x, count in starts.items() if count >= JUSTIFIED_LINES)
    return Page(number, Box(left, bottom, right, top), lines, runs, long_line, edges, left_edges)


def _right_edges(lines: list[Line]) -> frozenset[int]:
    """x where many lines end and few lines crossing it go on: monospaced code lines of equal length
    end together too, but longer code lines run past them."""
    ends = Counter(round(line.box.x1) for line in lines)
    edges = set()
    for x, count in ends.items():
        past = sum(1 for line in lines if line.box.x0 < x - 50 and line.box.x1 > x + 5)
        if count >= JUSTIFIED_LINES and count >= past:
            edges.add(x)
    return frozenset(edges)


def _merge_runs(runs: list[Line]) -> list[Line]:
    """Runs on the same baseline with a word-sized gap between them form a line; columns stay apart."""
    lines: list[Line] = []
    by_height: dict[
        int, list[Line]
    ] = {}  # lines by their middle, in 4 pt bands, so a run is compared with few
    for run in sorted(runs, key=lambda r: r.box.x0):
        band = int((run.box.y0 + run.box.y1) / 8)
        nearby = [line for key in (band - 1, band, band + 1) for line in by_height.get(key, [])]
        line = next((line for line in nearby if _same_line(line.box, run.box)), None)
        if line is None:
            line = Line(run.box, run.text)
            lines.append(line)
            by_height.setdefault(band, []).append(line)
        else:
            box = line.box
            line.box = Box(box.x0, min(box.y0, run.box.y0), max(box.x1, run.box.x1), max(box.y1, run.box.y1))
            line.text = join(line.text, run.text)
    return sorted(lines, key=lambda line: (-round(line.box.y1), line.box.x0))


def _same_line(line: Box, run: Box) -> bool:
    overlap = min(line.y1, run.y1) - max(line.y0, run.y0)
    height = max(min(line.height, run.height), 1.0)
    return overlap >= 0.4 * height and -height <= run.x0 - line.x1 <= 1.2 * max(line.height, run.height)


def join(left: str, right: str) -> str:
    if left.endswith("-") or left.endswith("¨") or right.startswith("¨"):
        return left + right
    return f"{left} {right}"


def column_of(page: Page, caption: Box) -> Box:
    """The caption's column: a caption across the page centre belongs to a full-width figure."""
    left = min((line.box.x0 for line in page.lines), default=page.box.x0)
    right = max((line.box.x1 for line in page.lines), default=page.box.x1)
    if not _two_columns(page) or (caption.x0 < page.centre - 20 and caption.x1 > page.centre + 20):
        return Box(left, page.box.y0, right, page.box.y1)
    if caption.x1 <= page.centre + 20:
        return Box(left, page.box.y0, page.centre, page.box.y1)
    return Box(page.centre, page.box.y0, right, page.box.y1)


def _two_columns(page: Page) -> bool:
    running = [line.box for line in page.lines if is_running_text(page, line)]
    crossing = sum(1 for box in running if box.x0 < page.centre - 20 and box.x1 > page.centre + 20)
    return bool(running) and crossing < 0.5 * len(running)


def inside(column: Box, box: Box) -> bool:
    return box.x1 > column.x0 + 2 and box.x0 < column.x1 - 2


def is_running_text(page: Page, line: Line) -> bool:
    if line.box.width > 0.9 * line.box.height * len(line.text):
        return False  # sparse like a table row or a chart's axis labels: prose sets a character in ~0.5 em
    if page.right_edges:
        ends_at_edge = any(abs(line.box.x1 - edge) <= 2 for edge in page.right_edges)
        starts_at_edge = any(-2 <= line.box.x0 - edge <= 2 * line.box.height for edge in page.left_edges)
        return ends_at_edge and starts_at_edge and line.box.width >= 0.5 * page.long_line
    return line.box.width >= FULL_LINE * page.long_line


def paragraph(page: Page, start: int, column: Box) -> tuple[str, Box]:
    """The text and extent of the paragraph that starts at `page.lines[start]`."""
    first = page.lines[start]
    parts, box = [first.text], first.box
    for line in page.lines[start + 1 :]:
        if not inside(column, line.box) or line.box.y1 > box.y0 + 1:
            continue
        if (
            box.y0 - line.box.y1 > 0.9 * first.box.height
            or abs(line.box.x0 - first.box.x0) > 3 * first.box.height
        ):
            break
        parts.append(line.text)
        box = Box(min(box.x0, line.box.x0), line.box.y0, max(box.x1, line.box.x1), box.y1)
        if not is_running_text(page, line):
            break
    text = ""
    for part in parts:
        text = (
            text[:-1] + part
            if text.endswith("-") and part[:1].islower()
            else join(text, part)
            if text
            else part
        )
    return text, box
