"""A presentation's slide itself as a scene's visual: the slide redrawn from its own shapes (text, pictures,
tables), the shape being narrated marked in the theme's accent, and a line saying which slide of which file.

No office suite runs here, so the slide is drawn from what python-pptx reads: each shape at its place and
size, its text in Inter at the slide's own point sizes, its pictures as they are. Charts and drawings other
than pictures are left out rather than guessed at. A shape is found by its words, as a PDF passage is.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pptx
from PIL import Image, ImageDraw
from pptx.exc import PythonPptxError
from pptx.shapes.base import BaseShape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.shapes.group import GroupShape
from pptx.shapes.picture import Picture
from pptx.util import Emu

from animagenius.pipeline.domain import Block, Scene, SourceDocument
from animagenius.pipeline.visuals.focus import save_with_focus
from animagenius.pipeline.visuals.layout import Layout, background
from animagenius.pipeline.visuals.page import (
    PAPER,
    kept_source,
    marker_colour,
    paste_with_shadow,
    shadow_pad,
    source_line,
)
from animagenius.pipeline.visuals.typeset import wrap
from animagenius.pipeline.visuals.zones import Box

DEFAULT_POINTS = 18  # a text frame whose runs name no size
TITLE_POINTS = 36
EMU_PER_POINT = 12700
MATCH_CHARACTERS = 60  # of the block's letters and digits, looked for in a shape's


def source_pptx(document: SourceDocument | None, shown: Block) -> Path | None:
    """The presentation `shown` was read from, if the document kept it and the block has a slide."""
    return kept_source(document, shown, suffix=".pptx") if shown.source.slide is not None else None


def slide_still(
    scene: Scene,
    shown: Block | None,
    document: SourceDocument | None,
    layout: Layout,
    out: Path,
    stage: int | None = None,
) -> Path | None:
    """The still of a `page` visual on a slide, or None when the presentation is not at hand or does not
    open (the scene then shows another still). From stage 1 the narrated shape is marked."""
    path = source_pptx(document, shown) if shown is not None else None
    if shown is None or path is None or shown.source.slide is None:
        return None
    try:
        deck = pptx.Presentation(str(path))
        if not 0 < shown.source.slide <= len(deck.slides):
            return None
        slide = deck.slides[shown.source.slide - 1]
        size = (int(deck.slide_width or 0), int(deck.slide_height or 0))
        if min(size) <= 0:
            return None
        caption = round(layout.body_min * 1.9)
        pad = shadow_pad(layout)
        box = Box(
            layout.content.left + pad,
            layout.content.top + pad,
            layout.content.right - pad,
            layout.content.bottom - caption,
        )
        scale = min(box.width / size[0], box.height / size[1])  # pixels per EMU
        marked = shown.text if stage is None or stage >= 1 else ""
        picture, focus = _drawn(slide.shapes, size, scale, layout, marked)
    except (PythonPptxError, KeyError, ValueError, OSError):
        return None
    image = background(layout)
    left = box.left + (box.width - picture.width) // 2
    top = box.top + (box.height - picture.height) // 2
    paste_with_shadow(image, picture, (left, top), layout)
    source_line(
        image, f"Slide {shown.source.slide} · {shown.source.file}", (left, top + picture.height), layout
    )
    centre = ((left + focus[0]) / layout.width, (top + focus[1]) / layout.height)
    return save_with_focus(image, out, centre)


def _drawn(
    shapes: object, size: tuple[int, int], scale: float, layout: Layout, marked: str
) -> tuple[Image.Image, tuple[float, float]]:
    """The slide as a picture, and the point of it the move closes in on (the marked shape, else the top)."""
    canvas = Image.new("RGB", (max(1, round(size[0] * scale)), max(1, round(size[1] * scale))), PAPER)
    draw = ImageDraw.Draw(canvas)
    wanted = _folded(marked)[:MATCH_CHARACTERS]
    focus = (canvas.width / 2, canvas.height / 3)
    for shape in _flat(shapes):
        box = _box(shape, scale)
        if box is None:
            continue
        if isinstance(shape, Picture):
            _paste_picture(canvas, shape, box)
            continue
        text = _text_of(shape)
        if not text:
            continue
        if wanted and wanted in _folded(text):
            draw.rectangle(box, fill=marker_colour(layout.theme.accent))
            focus = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
        _write(draw, text, box, points=_points(shape), scale=scale, layout=layout)
    return canvas, focus


def _flat(shapes: object) -> Iterator[BaseShape]:
    for shape in shapes:  # type: ignore[attr-defined]
        if isinstance(shape, GroupShape):
            yield from _flat(shape.shapes)
        else:
            yield shape


def _box(shape: BaseShape, scale: float) -> tuple[int, int, int, int] | None:
    if shape.left is None or shape.top is None or not shape.width or not shape.height:
        return None
    left, top = round(shape.left * scale), round(shape.top * scale)
    return left, top, left + round(shape.width * scale), top + round(shape.height * scale)


def _paste_picture(canvas: Image.Image, shape: Picture, box: tuple[int, int, int, int]) -> None:
    try:
        with Image.open(io.BytesIO(shape.image.blob)) as source:
            source.load()
            picture = source.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        return
    width, height = max(1, box[2] - box[0]), max(1, box[3] - box[1])
    canvas.paste(picture.resize((width, height), Image.Resampling.LANCZOS), box[:2])


def _text_of(shape: BaseShape) -> str:
    if shape.has_text_frame:
        return "\n".join(p.text for p in shape.text_frame.paragraphs if p.text.strip())  # type: ignore[attr-defined]
    if isinstance(shape, GraphicFrame) and shape.has_table:
        return "\n".join("   ".join(cell.text for cell in row.cells) for row in shape.table.rows)
    return ""


def _points(shape: BaseShape) -> float:
    """The size the shape's text is set in: its first run's, else a title's or the default."""
    if shape.has_text_frame:
        for paragraph in shape.text_frame.paragraphs:  # type: ignore[attr-defined]
            for run in paragraph.runs:
                if run.font.size is not None:
                    return float(Emu(run.font.size).pt)
    title = shape.is_placeholder and "title" in str(shape.placeholder_format.type).lower()
    return TITLE_POINTS if title else DEFAULT_POINTS


def _write(
    draw: ImageDraw.ImageDraw,
    text: str,
    box: tuple[int, int, int, int],
    *,
    points: float,
    scale: float,
    layout: Layout,
) -> None:
    """The shape's text from its top left, wrapped to its width, as much as its height holds."""
    size = max(6, round(points * EMU_PER_POINT * scale))
    font = layout.typeface(size, 700 if points >= TITLE_POINTS * 0.8 else 450)
    inset = round(size * 0.4)
    y = box[1] + inset
    for paragraph in text.split("\n"):
        for line in wrap(paragraph, font, max(1, box[2] - box[0] - 2 * inset)):
            if y + size > box[3] + size:
                return
            draw.text((box[0] + inset, y), line, font=font, fill=(30, 30, 30))
            y += round(size * 1.2)


def _folded(text: str) -> str:
    return "".join(character for character in text.lower() if character.isalnum())
