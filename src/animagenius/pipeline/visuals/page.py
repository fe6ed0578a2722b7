"""The source page itself as a scene's visual: the PDF page cropped to the passage being narrated, the
passage marked in the theme's accent, and a line saying which page of which file it is.

The passage is found by its words, not its exact characters: a PDF breaks lines, hyphenates words, draws
ligatures and quotes its own way, so page and block are both reduced to their letters and digits before
they are compared. A passage that cannot be found is not guessed at: the top of the page is shown, unmarked.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_raw  # type: ignore[import-untyped]
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from animagenius.pipeline.domain import Block, Scene, SourceDocument
from animagenius.pipeline.visuals.cues import cue_in
from animagenius.pipeline.visuals.focus import save_with_focus
from animagenius.pipeline.visuals.layout import Layout, background
from animagenius.pipeline.visuals.typeset import truncate
from animagenius.pipeline.visuals.zones import Box

Rect = tuple[float, float, float, float]
"""left, top, right, bottom in PDF points, measured from the page's top left corner."""

MATCH_WORDS = 12  # the passage's opening words that must be found on the page
NARROWEST_CROP = 0.42  # of the page's width: a short passage is shown with its column around it
SIDE_MARGIN = 0.03  # of the page's width, beside the passage
CONTEXT = 0.04  # of the page's height, above and below the passage at least
MARKER_STRENGTH = 0.42  # how much of the accent the marker mixes into white
MARKER_LIGHTEST = 200  # the marker's luminance at least, so a dark accent never reads as a redaction
GUTTER = 1.5  # line heights: a gap this wide between two runs of text on a line parts two columns
NEIGHBOUR_FADE = 0.88  # how far text beside the passage's column fades into the paper
PAPER = (255, 255, 255)
LEGIBLE_LINE = 0.9  # of the body size: a printed line's box at least this tall, where a crop allows


@dataclass(frozen=True)
class Passage:
    """Where a block's text is on its page: the page's size in points and the passage's line boxes (none
    when the text was not found there)."""

    number: int
    size: tuple[float, float]
    lines: tuple[Rect, ...]
    ink: Rect | None = None  # where the page's text is: a crop keeps to it rather than to blank margins
    column: tuple[float, float] | None = None  # left and right of the column the passage is set in

    @property
    def line_height(self) -> float:
        heights = sorted(line[3] - line[1] for line in self.lines)
        return heights[len(heights) // 2] if heights else 10.0

    @property
    def found(self) -> bool:
        return bool(self.lines)

    @property
    def bounds(self) -> Rect:
        bounds = _bounds(self.lines)
        assert bounds is not None, "a passage not found has no bounds"
        return bounds


def source_pdf(document: SourceDocument | None, shown: Block) -> Path | None:
    """The PDF file `shown` was read from, if the document kept it and the block has a page."""
    return kept_source(document, shown, suffix=".pdf") if shown.source.page is not None else None


def kept_source(document: SourceDocument | None, shown: Block, *, suffix: str) -> Path | None:
    """The file ending in `suffix` that `shown` was read from, if the document kept it."""
    if document is None:
        return None
    for path in document.files:
        if path.name == shown.source.file and path.suffix.lower() == suffix and path.is_file():
            return path
    return None


def page_reveals(
    scene: Scene, shown: Block | None, document: SourceDocument | None = None
) -> tuple[str, ...]:
    """Stage 0 is the page; stage 1 marks the passage, when the narration reaches its opening words."""
    text = shown.text if shown is not None else scene.narration
    return (cue_in(scene.narration, text)[0],)


def page_still(
    scene: Scene,
    shown: Block | None,
    document: SourceDocument | None,
    layout: Layout,
    out: Path,
    stage: int | None = None,
) -> Path | None:
    """The still of a page visual, or None when the block's PDF is not at hand (a PPTX's slide, a Markdown
    file's paragraph): the scene then shows another still."""
    pdf = source_pdf(document, shown) if shown is not None else None
    if shown is None or pdf is None:
        return None
    return render_page(scene, pdf, shown, layout=layout, out=out, stage=stage)


def render_page(
    scene: Scene, pdf: Path, shown: Block, *, layout: Layout, out: Path, stage: int | None = None
) -> Path | None:
    """The page `shown` is on, cropped to it and (from stage 1) with it marked, inside `layout.content`;
    None when the file no longer opens or lacks the page (the scene then falls back to another still)."""
    assert shown.source.page is not None
    size = layout.body_min
    caption_height = round(size * 1.9)
    shadow = shadow_pad(layout)  # the page's shadow stays inside the content box too
    box = Box(
        layout.content.left + shadow,
        layout.content.top + shadow,
        layout.content.right - shadow,
        layout.content.bottom - caption_height,
    )
    try:
        with pdfium.PdfDocument(pdf) as document:
            if not 0 < shown.source.page <= len(document):
                return None
            page = document[shown.source.page - 1]
            passage = find_passage(page, shown.source.page, shown.text)
            legible = layout.body_min * LEGIBLE_LINE / passage.line_height  # pixels per point
            crop = crop_region(passage, aspect=box.width / box.height, widest=box.width / legible)
            picture, scale = _render_crop(page, crop, box)
    except pdfium.PdfiumError:
        return None
    picture = _faded(picture, passage, crop, scale)
    if passage.found and (stage is None or stage >= 1):
        picture = _marked(picture, passage.lines, crop, scale, layout)
    image = background(layout)
    left = box.left + (box.width - picture.width) // 2
    top = box.top + (box.height - picture.height) // 2
    paste_with_shadow(image, picture, (left, top), layout)
    source_line(
        image, f"Page {shown.source.page} · {shown.source.file}", (left, top + picture.height), layout
    )
    focus = _focus(passage, crop, scale, (left, top), picture.size, layout)
    return save_with_focus(image, out, focus)


def find_passage(page: pdfium.PdfPage, number: int, text: str) -> Passage:
    """The line boxes of `text` on `page`, matched by letters and digits only (see the module's note)."""
    width, height = page.get_size()
    left, _, _, top = page.get_bbox()
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        page_chars = textpage.get_text_range()
        if len(page_chars) != count:  # one character per index is needed to find the boxes
            page_chars = "".join(chr(pdfium_raw.FPDFText_GetUnicode(textpage.raw, i)) for i in range(count))
        folded, where = _folded(page_chars)
        span = _span(folded, text)
        if page.get_rotation() != 0:
            return Passage(number, (width, height), ())
        page_lines = _merged_lines(
            [(x0 - left, top - y1, x1 - left, top - y0) for x0, y0, x1, y1 in _rects(textpage, 0, count)]
        )
        if span is None:
            return Passage(number, (width, height), (), _bounds(page_lines))
        first, last = where[span[0]], where[span[1] - 1]
        lines = [
            (x0 - left, top - y1, x1 - left, top - y0) for x0, y0, x1, y1 in _rects(textpage, first, last)
        ]
    finally:
        textpage.close()
    found = _merged_lines([line for line in lines if line[2] > line[0]])
    if not found:
        return Passage(number, (width, height), (), _bounds(page_lines))
    return Passage(number, (width, height), found, _bounds(page_lines), _column(found, page_lines, height))


def _column(passage: Sequence[Rect], page_lines: Sequence[Rect], page_height: float) -> tuple[float, float]:
    """The left and right of most lines set around the passage that share its horizontal span: the column
    it is in, wider than a heading's own words."""
    left, top, right, bottom = _bounds(passage) or (0.0, 0.0, 0.0, 0.0)
    near = page_height * 0.2
    around = [
        line
        for line in page_lines
        if top - near < line[1] < bottom + near
        and min(line[2], right) - max(line[0], left) > 0.5 * min(line[2] - line[0], right - left)
    ]
    if not around:
        return (left, right)
    lefts, rights = sorted(line[0] for line in around), sorted(line[2] for line in around)
    return (min(left, lefts[len(lefts) // 2]), max(right, rights[len(rights) // 2]))  # a title is no column


def _rects(textpage: pdfium.PdfTextPage, first: int, last: int) -> list[Rect]:
    """pdfium's boxes of the text from character `first` to `last`, bottom-up coordinates."""
    return [textpage.get_rect(index) for index in range(textpage.count_rects(first, last - first + 1))]


def _bounds(boxes: Sequence[Rect]) -> Rect | None:
    if not boxes:
        return None
    return (
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
    )


def _merged_lines(boxes: list[Rect]) -> tuple[Rect, ...]:
    """One box per printed line (per column): pdfium gives one per run of a font, often per word, and the
    marker would otherwise have a gap between every two words."""
    rows: list[list[Rect]] = []  # boxes that share a line's height
    for box in sorted(boxes, key=lambda box: (box[1] + box[3]) / 2):
        row = rows[-1] if rows else None
        if row is not None and _overlap(row[-1], box) > 0.5 * min(row[-1][3] - row[-1][1], box[3] - box[1]):
            row.append(box)
        else:
            rows.append([box])
    lines: list[Rect] = []
    for row in rows:
        height = max(box[3] - box[1] for box in row)
        ordered = sorted(row)
        current = ordered[0]
        for box in ordered[1:]:
            if box[0] - current[2] < height * GUTTER:  # the next word; a gutter is wider
                current = (
                    current[0],
                    min(current[1], box[1]),
                    max(current[2], box[2]),
                    max(current[3], box[3]),
                )
            else:
                lines.append(current)
                current = box
        lines.append(current)
    return tuple(lines)


def _overlap(one: Rect, other: Rect) -> float:
    return min(one[3], other[3]) - max(one[1], other[1])


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` reduced to lower-case letters and digits, and each kept character's index in `text`."""
    kept: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKC", char).casefold():
            if part.isalnum():
                kept.append(part)
                where.append(index)
    return "".join(kept), where


def _span(page: str, text: str) -> tuple[int, int] | None:
    """Where the passage starts and ends in the folded page: its opening words (or, failing those, a few
    words further in), through its closing words or as far as its length reaches."""
    words = text.split()
    whole = _folded(text)[0]
    for opening in (words[:MATCH_WORDS], words[:6], words[6 : 6 + MATCH_WORDS]):
        needle = _folded(" ".join(opening))[0]
        if len(needle) < 8:
            continue
        start = page.find(needle)
        if start < 0:
            continue
        closing = _folded(" ".join(words[-MATCH_WORDS:]))[0]
        end = page.find(closing, start)
        if end >= 0 and end - start < len(whole) * 1.5:
            return start, end + len(closing)
        return start, min(len(page), start + len(whole))
    return None


def crop_region(passage: Passage, *, aspect: float, widest: float) -> Rect:
    """The part of the page to show, `aspect` wide per high: the passage's column with context above and
    below; for a passage taller than that, wider (never beyond `widest` points, where the page's type would
    grow too small to read), and then its start. Unfound: the top of the page."""
    page_width, page_height = passage.size
    if not passage.found:
        height = min(page_height, page_width / aspect)
        top = min(max(0.0, (passage.ink or (0.0, 0.0))[1] - page_height * CONTEXT), page_height - height)
        return (0.0, top, page_width, top + height)  # from where the page's text starts
    _, top, _, bottom = passage.bounds
    column = passage.column or (passage.bounds[0], passage.bounds[2])
    context = page_height * CONTEXT
    needed = bottom - top + 2 * context
    width = min(
        page_width, max(column[1] - column[0] + 2 * page_width * SIDE_MARGIN, page_width * NARROWEST_CROP)
    )
    if needed > width / aspect:
        width = min(page_width, max(width, min(needed * aspect, widest)))
    height = min(page_height, width / aspect)
    ink = passage.ink or (0.0, 0.0, page_width, page_height)
    x = _within(
        (column[0] + column[1]) / 2 - width / 2,
        width,
        (ink[0] - page_width * SIDE_MARGIN, ink[2] + page_width * SIDE_MARGIN),
        page_width,
    )
    wanted_top = (top + bottom) / 2 - height / 2 if needed <= height else top - context
    y = _within(wanted_top, height, (ink[1] - context, ink[3] + context), page_height)
    return (x, y, x + width, y + height)


def _within(start: float, length: float, ink: tuple[float, float], page: float) -> float:
    """`start` moved so `start`..`start + length` keeps to the inked part of the page, then to the page."""
    if length <= ink[1] - ink[0]:
        start = min(max(ink[0], start), ink[1] - length)
    else:
        start = (ink[0] + ink[1] - length) / 2
    return min(max(0.0, start), page - length)


def _render_crop(page: pdfium.PdfPage, crop: Rect, box: Box) -> tuple[Image.Image, float]:
    page_width, page_height = page.get_size()
    left, top, right, bottom = crop
    scale = min(box.width / (right - left), box.height / (bottom - top))
    bitmap = page.render(
        scale=scale, crop=(left, page_height - bottom, page_width - right, top), may_draw_forms=False
    )
    return bitmap.to_pil().convert("RGB"), scale


def _faded(picture: Image.Image, passage: Passage, crop: Rect, scale: float) -> Image.Image:
    """The crop's cut edges, and a neighbouring column beside the passage, fade into the paper, so no
    half-cut line draws the eye."""
    page_width, page_height = passage.size
    height, width = picture.height, picture.width
    ramp = max(2.0, page_height * CONTEXT * 0.6 * scale)
    rows = np.arange(height, dtype=np.float32)[:, None]
    columns = np.arange(width, dtype=np.float32)[None, :]
    fade = np.zeros((height, width), dtype=np.float32)
    if crop[1] > 0.5:
        fade = np.maximum(fade, 1 - rows / ramp)
    if crop[3] < page_height - 0.5:
        fade = np.maximum(fade, 1 - (height - 1 - rows) / ramp)
    if passage.found:
        left, right = passage.column or (passage.bounds[0], passage.bounds[2])
        margin = page_width * SIDE_MARGIN * scale
        start, end = (left - crop[0]) * scale - margin, (right - crop[0]) * scale + margin
        outside = np.maximum(start - columns, columns - end) / ramp
        fade = np.maximum(fade, np.clip(outside, 0, 1) * NEIGHBOUR_FADE)
    mask = Image.fromarray((np.clip(fade, 0, 1) * 255).astype(np.uint8))
    return Image.composite(Image.new("RGB", picture.size, PAPER), picture, mask)


def marker_colour(accent: tuple[int, int, int]) -> tuple[int, int, int]:
    """The accent mixed into white: a highlighter in the theme's colour, light enough to read through."""
    red, green, blue = accent
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    strength = min(MARKER_STRENGTH, (255 - MARKER_LIGHTEST) / max(1.0, 255 - luminance))
    return (
        round(255 - (255 - red) * strength),
        round(255 - (255 - green) * strength),
        round(255 - (255 - blue) * strength),
    )


def _marked(
    picture: Image.Image, lines: tuple[Rect, ...], crop: Rect, scale: float, layout: Layout
) -> Image.Image:
    """The picture with a marker in the accent behind `lines`: multiplied, so the ink stays as dark."""
    marker = marker_colour(layout.theme.accent)
    layer = Image.new("RGB", picture.size, (255, 255, 255))
    draw = ImageDraw.Draw(layer)
    for left, top, right, bottom in lines:
        grow = (bottom - top) * 0.18
        draw.rounded_rectangle(
            (
                (left - crop[0] - grow) * scale,
                (top - crop[1] - grow) * scale,
                (right - crop[0] + grow) * scale,
                (bottom - crop[1] + grow) * scale,
            ),
            radius=max(1, round(grow * scale)),
            fill=marker,
        )
    return ImageChops.multiply(picture, layer)


def paste_with_shadow(image: Image.Image, picture: Image.Image, at: tuple[int, int], layout: Layout) -> None:
    """The page on a soft shadow, so it reads as paper lying on the background."""
    pad = shadow_pad(layout)
    blur = pad // 2
    left, top = at
    region = (left - pad, top - pad, left + picture.width + pad, top + picture.height + pad)
    size = (region[2] - region[0], region[3] - region[1])
    shadow = Image.new("L", (size[0] // 4, size[1] // 4), 0)  # blurred small: the shadow has no detail
    offset = max(1, layout.unit // 240)
    ImageDraw.Draw(shadow).rectangle(
        (pad // 4, (pad + offset) // 4, (pad + picture.width) // 4, (pad + picture.height + offset) // 4),
        fill=110,
    )
    shadow = shadow.filter(ImageFilter.GaussianBlur(blur / 4)).resize(size, Image.Resampling.BILINEAR)
    image.paste((0, 0, 0), region, shadow)
    image.paste(picture, at)


def shadow_pad(layout: Layout) -> int:
    return max(4, layout.unit // 60)


def source_line(image: Image.Image, text: str, at: tuple[int, int], layout: Layout) -> None:
    draw = ImageDraw.Draw(image)
    size = layout.body_min
    font = layout.typeface(size, 550)
    left, bottom = at
    left = max(left, layout.content.left)
    y = bottom + round(size * 0.45)
    rule = max(3, size // 8)
    draw.rectangle(
        (left, y + round(size * 0.2), left + rule, y + round(size * 1.05)), fill=layout.theme.accent
    )
    width = layout.content.right - left - rule * 4
    draw.text((left + rule * 4, y), truncate(text, font, width), font=font, fill=layout.theme.muted)


def _focus(
    passage: Passage,
    crop: Rect,
    scale: float,
    at: tuple[int, int],
    size: tuple[int, int],
    layout: Layout,
) -> tuple[float, float]:
    """Where the Ken Burns move closes in: the start of the marked passage, or the page's top."""
    if not passage.found:
        return ((at[0] + size[0] / 2) / layout.width, (at[1] + size[1] / 3) / layout.height)
    left, top, right, bottom = passage.bounds
    x = at[0] + ((left + right) / 2 - crop[0]) * scale
    y = at[1] + ((top + min(bottom, crop[3])) / 2 - crop[1]) * scale
    return (min(1.0, max(0.0, x / layout.width)), min(1.0, max(0.0, y / layout.height)))
