"""PowerPoint (.pptx): slide by slide, titles, text, tables, pictures, charts (as tables of their data)
and speaker notes (package checks and shared helpers in `office.py`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pptx
from lxml import etree  # type: ignore[import-untyped]
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.shapes.base import BaseShape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.shapes.group import GroupShape
from pptx.shapes.picture import Picture
from pptx.slide import Slide

from animagenius.pipeline.domain import Block, Provenance, SourceDocument
from animagenius.pipeline.errors import TooLarge
from animagenius.pipeline.ingest.office import (
    MAX_COLUMNS,
    MAX_IMAGE_PIXELS,
    MAX_SLIDES,
    MAX_TABLE_CELLS,
    PARSE_ERRORS,
    POWERPOINT,
    alt_text,
    check_package,
    corrupt,
    int_value,
    square,
)
from animagenius.pipeline.ingest.office import NS as _NS
from animagenius.pipeline.ingest.office import tag as _tag
from animagenius.pipeline.ingest.office_charts import chart_block
from animagenius.pipeline.ingest.pictures import save_blob, short_text, with_nearby_text, without_repeats
from animagenius.pipeline.ingest.text import clean_inline, document_from, table_text

_SKIPPED_PLACEHOLDERS = {
    PP_PLACEHOLDER.DATE,
    PP_PLACEHOLDER.FOOTER,
    PP_PLACEHOLDER.SLIDE_NUMBER,
    PP_PLACEHOLDER.HEADER,
}
_TITLE_PLACEHOLDERS = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE}
_BULLETED_PLACEHOLDERS = {
    PP_PLACEHOLDER.BODY,
    PP_PLACEHOLDER.OBJECT,
    PP_PLACEHOLDER.VERTICAL_BODY,
    PP_PLACEHOLDER.VERTICAL_OBJECT,
}
_GENERIC_TITLES = {"presentation", "powerpoint presentation", "slide 1", "untitled"}
_PARAGRAPHS = etree.XPath(
    "./p:txBody/a:p", namespaces={**_NS, "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}
)
_RUNS = etree.XPath("./a:r/a:t | ./a:fld/a:t | ./a:br", namespaces=_NS)
_BULLET = etree.XPath("./a:pPr/a:buChar | ./a:pPr/a:buAutoNum | ./a:pPr/a:buBlip", namespaces=_NS)
_NO_BULLET = etree.XPath("./a:pPr/a:buNone", namespaces=_NS)
_LEVEL = etree.XPath("./a:pPr/@lvl", namespaces=_NS)
_DESCRIPTION = etree.XPath("./*/*[local-name()='cNvPr']/@descr")
_A_BR = _tag("a:br")


@dataclass(frozen=True)
class _SlideContext:
    assets_dir: Path | None
    max_pixels: int
    source: Provenance
    stem: str  # the presentation's file name, for the pictures' files
    area: float  # the slide's area in EMU², to tell an icon from a picture by the room it takes


def read_pptx(
    path: Path, *, assets_dir: Path | None, max_pixels: int = MAX_IMAGE_PIXELS, max_slides: int = MAX_SLIDES
) -> SourceDocument:
    """Slide by slide: title, text, tables, pictures, charts (as tables of their data), speaker notes."""
    check_package(path, expected="pptx")
    try:
        presentation = pptx.Presentation(str(path))
        slides = list(presentation.slides)
        if len(slides) > max_slides:
            raise TooLarge(
                f"{path.name} has {len(slides)} slides; your plan's limit is {max_slides} — upload the part "
                "you need"
            )
        found: list[Block] = []
        area = float((presentation.slide_width or 0) * (presentation.slide_height or 0))
        for number, slide in enumerate(slides, start=1):
            source = Provenance(file=path.name, slide=number)
            found.extend(_slide_blocks(slide, _SlideContext(assets_dir, max_pixels, source, path.stem, area)))
        blocks = without_repeats(found, unit=lambda block: block.source.slide)
        core_title = clean_inline(presentation.core_properties.title or "")
    except PARSE_ERRORS as error:
        raise corrupt(path, POWERPOINT, error) from error
    first_title = next((b.text for b in blocks if b.kind == "heading" and b.source.slide == 1), None)
    if core_title.lower() in _GENERIC_TITLES:
        core_title = ""
    return document_from(blocks, name=path.name, title=first_title or core_title or None)


def _slide_blocks(slide: Slide, context: _SlideContext) -> list[Block]:
    if slide.element.get("show") == "0":  # hidden slides are not part of the talk
        return []
    title = slide.shapes.title
    blocks: list[Block] = []
    title_text = clean_inline(title.text_frame.text) if title is not None and title.has_text_frame else ""
    if title_text:
        blocks.append(Block(kind="heading", text=title_text, level=1, source=context.source))
    for shape in slide.shapes:
        if title is None or shape.shape_id != title.shape_id:
            blocks.extend(_shape_blocks(shape, context))
    blocks = _named_pictures(blocks, title_text)
    notes = _notes_text(slide)
    if notes:
        blocks.append(Block(kind="notes", text=notes, source=context.source))
    return blocks


def _named_pictures(blocks: list[Block], title: str) -> list[Block]:
    """A picture without alt text is named by its slide's title, else by the text nearest to it."""
    if title:
        blocks = [
            block.model_copy(update={"text": short_text(title)})
            if block.kind == "figure" and not block.text and block.image is not None
            else block
            for block in blocks
        ]
    return with_nearby_text(blocks, same_unit=lambda _, __: True)


def _shape_blocks(shape: BaseShape, context: _SlideContext) -> Iterator[Block]:
    if shape.is_placeholder and shape.placeholder_format.type in _SKIPPED_PLACEHOLDERS:
        return
    if isinstance(shape, GroupShape):
        for child in shape.shapes:
            yield from _shape_blocks(child, context)
    elif isinstance(shape, Picture):
        yield from _picture_blocks(shape, context)
    elif isinstance(shape, GraphicFrame) and shape.has_chart:
        yield from _chart_blocks(shape, context)
    elif isinstance(shape, GraphicFrame) and shape.has_table:
        yield from _slide_table_blocks(shape, context)
    elif shape.has_text_frame:
        yield from _text_blocks(shape, context)


def _text_blocks(shape: BaseShape, context: _SlideContext) -> Iterator[Block]:
    placeholder = shape.placeholder_format.type if shape.is_placeholder else None
    if placeholder in _TITLE_PLACEHOLDERS:
        text = clean_inline(" ".join(_paragraph_text(p) for p in _PARAGRAPHS(shape.element)))
        if text:
            yield Block(kind="heading", text=text, level=2, source=context.source)
        return
    bulleted = placeholder in _BULLETED_PLACEHOLDERS
    for paragraph in _PARAGRAPHS(shape.element):
        text = clean_inline(_paragraph_text(paragraph))
        if not text:
            continue
        depth = min(int_value(_LEVEL(paragraph)), 8)
        if _is_bullet(paragraph, bulleted=bulleted, depth=depth):
            yield Block(kind="list_item", text=text, level=depth, source=context.source)
        else:
            yield Block(kind="paragraph", text=text, source=context.source)


def _paragraph_text(paragraph: Any) -> str:
    return "".join(" " if node.tag == _A_BR else (node.text or "") for node in _RUNS(paragraph))


def _is_bullet(paragraph: Any, *, bulleted: bool, depth: int) -> bool:
    """Body placeholders show bullets unless a paragraph turns them off; other text only when it asks."""
    if _NO_BULLET(paragraph):
        return False
    return bool(_BULLET(paragraph)) or depth > 0 or bulleted


def _picture_blocks(shape: Picture, context: _SlideContext) -> Iterator[Block]:
    try:
        blob = shape.image.blob
    except (KeyError, ValueError, AttributeError):  # linked (never fetched) or missing picture
        return
    share = (shape.width or 0) * (shape.height or 0) / context.area if context.area and shape.width else None
    saved = save_blob(
        blob,
        assets_dir=context.assets_dir,
        max_pixels=context.max_pixels,
        stem=context.stem,
        page_share=share,
    )
    if not saved.content:
        return
    description = _DESCRIPTION(shape.element)
    text = alt_text(description[0] if description else "")
    if saved.path is not None or text:
        yield Block(kind="figure", text=text, image=saved.path, source=context.source)


def _slide_table_blocks(shape: GraphicFrame, context: _SlideContext) -> Iterator[Block]:
    rows = square(
        ["" if cell.is_spanned else clean_inline(cell.text) for cell in row.cells] for row in shape.table.rows
    )
    if rows:
        yield Block(kind="table", text=table_text(rows), rows=tuple(rows), source=context.source)


def _chart_blocks(shape: GraphicFrame, context: _SlideContext) -> Iterator[Block]:
    block = chart_block(shape.chart, context.source, max_columns=MAX_COLUMNS, max_cells=MAX_TABLE_CELLS)
    if block is not None:
        yield block


def _notes_text(slide: Slide) -> str:
    if not slide.has_notes_slide:
        return ""
    frame = slide.notes_slide.notes_text_frame
    if frame is None:
        return ""
    return " ".join(text for text in (clean_inline(p.text) for p in frame.paragraphs) if text)
