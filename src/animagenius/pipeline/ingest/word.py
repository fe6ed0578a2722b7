"""Word (.docx): body text in document order, headings, lists, quotes, tables and pictures with their
captions or alt text (package checks and shared helpers in `office.py`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import docx
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.styles.style import BaseStyle, CharacterStyle
from lxml import etree  # type: ignore[import-untyped]

from animagenius.pipeline.domain import Block, Provenance, SourceDocument
from animagenius.pipeline.ingest.office import (
    MAX_COLUMNS,
    MAX_IMAGE_PIXELS,
    MAX_TABLE_CELLS,
    PARSE_ERRORS,
    WORD,
    alt_text,
    check_package,
    corrupt,
    int_value,
    square,
)
from animagenius.pipeline.ingest.office import NS as _NS
from animagenius.pipeline.ingest.office import tag as _tag
from animagenius.pipeline.ingest.office_charts import CHART, word_chart_block
from animagenius.pipeline.ingest.pictures import save_blob, with_nearby_text, without_repeats
from animagenius.pipeline.ingest.text import clean_inline, document_from, table_text

_W_P, _W_TBL, _W_T = _tag("w:p"), _tag("w:tbl"), _tag("w:t")
_W_SDT, _W_SDT_CONTENT, _W_CUSTOM_XML = _tag("w:sdt"), _tag("w:sdtContent"), _tag("w:customXml")
_W_TXBX = _tag("w:txbxContent")
_W_VAL = _tag("w:val")
_BREAKS = {_tag("w:tab"), _tag("w:br"), _tag("w:cr")}
# Containers whose text is not the paragraph's own: properties, deleted or moved-away text, fallbacks that
# duplicate the preferred rendering.
_OPAQUE = {
    _tag(name)
    for name in (
        "w:pPr",
        "w:rPr",
        "w:sdtPr",
        "w:del",
        "w:moveFrom",
        "mc:Fallback",
        "w:fldData",
        "w:instrText",
    )
}
_DRAWINGS = {_tag("wp:inline"), _tag("wp:anchor")}
_A_BLIP, _V_IMAGEDATA = _tag("a:blip"), _tag("v:imagedata")
_R_EMBED, _R_ID = _tag("r:embed"), _tag("r:id")
_DOC_PR = etree.XPath("./wp:docPr", namespaces=_NS)
_ROWS = etree.XPath("./w:tr | ./w:sdt/w:sdtContent/w:tr | ./w:customXml/w:tr", namespaces=_NS)
_CELLS = etree.XPath("./w:tc | ./w:sdt/w:sdtContent/w:tc | ./w:customXml/w:tc", namespaces=_NS)
_CELL_PARAGRAPHS = etree.XPath(".//w:p[not(ancestor::mc:Fallback)]", namespaces=_NS)
_GRID_SPAN = etree.XPath("./w:tcPr/w:gridSpan/@w:val", namespaces=_NS)
_V_MERGE = etree.XPath("./w:tcPr/w:vMerge", namespaces=_NS)
_GRID_BEFORE = etree.XPath("./w:trPr/w:gridBefore/@w:val", namespaces=_NS)
_STYLE_ID = etree.XPath("./w:pPr/w:pStyle/@w:val", namespaces=_NS)
_NUM_ID = etree.XPath("./w:pPr/w:numPr/w:numId/@w:val", namespaces=_NS)
_LIST_LEVEL = etree.XPath("./w:pPr/w:numPr/w:ilvl/@w:val", namespaces=_NS)
_OUTLINE_LEVEL = etree.XPath("./w:pPr/w:outlineLvl/@w:val", namespaces=_NS)

_Role = Literal["title", "heading", "list_item", "quote", "caption", "paragraph"]


@dataclass(frozen=True)
class _Style:
    role: _Role
    level: int = 0


@dataclass(frozen=True)
class _ImageRef:
    rel_id: str
    alt: str


@dataclass(frozen=True)
class _ChartRef:
    rel_id: str


@dataclass(frozen=True)
class _TextBox:
    element: Any


@dataclass
class _Figure:
    image: Path | None
    alt: str
    source: Provenance
    caption: str | None = None


@dataclass(frozen=True)
class _Caption:
    text: str
    source: Provenance


_Item = Block | _Figure | _Caption


@dataclass
class _WordContext:
    document: WordDocument
    source: Provenance
    assets_dir: Path | None
    max_pixels: int
    stem: str  # the document's file name, for the pictures' files
    styles: dict[str, _Style] = field(default_factory=dict)
    default_style: _Style = _Style("paragraph")
    title: str = ""


def read_docx(path: Path, *, assets_dir: Path | None, max_pixels: int = MAX_IMAGE_PIXELS) -> SourceDocument:
    """Body text in document order; headers, footers, comments and footnotes are left out.

    The title is the one in the document's properties, else its first Title-style paragraph, else its
    first heading.
    """
    check_package(path, expected="docx")
    try:
        document = docx.Document(str(path))
        context = _word_context(document, path=path, assets_dir=assets_dir, max_pixels=max_pixels)
        found = _attach_captions(list(_body_items(document.element.body, context)))
        blocks = with_nearby_text(without_repeats(found, unit=lambda _: None), same_unit=lambda _, __: True)
        core_title = clean_inline(document.core_properties.title or "")
    except PARSE_ERRORS as error:
        raise corrupt(path, WORD, error) from error
    return document_from(blocks, name=path.name, title=core_title or context.title or None)


def _word_context(
    document: WordDocument, *, path: Path, assets_dir: Path | None, max_pixels: int
) -> _WordContext:
    context = _WordContext(document, Provenance(file=path.name), assets_dir, max_pixels, path.stem)
    for style in document.styles:
        if style.type == WD_STYLE_TYPE.PARAGRAPH and style.style_id:
            context.styles[style.style_id] = _style_role(style)
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    if default is not None and default.style_id in context.styles:
        context.default_style = context.styles[default.style_id]
    return context


def _style_role(style: BaseStyle | None) -> _Style:
    """Role from the style's own name, else from the styles it is based on, else its outline level."""
    for _ in range(10):  # based-on chains can loop in broken files
        if style is None:
            break
        role = _role_from_name((style.name or "").lower())
        if role is not None:
            return role
        outline = int_value(_OUTLINE_LEVEL(style.element), 9)
        if outline < 9:  # 0-8 are heading levels 1-9; 9 is body text
            return _Style("heading", outline + 1)
        style = style.base_style if isinstance(style, CharacterStyle) else None
    return _Style("paragraph")


def _role_from_name(name: str) -> _Style | None:
    if name == "title":
        return _Style("title", 1)
    if name.startswith("heading ") and name[8:].isdigit():
        return _Style("heading", min(max(int(name[8:]), 1), 9))
    if name in ("quote", "intense quote"):
        return _Style("quote")
    if name == "caption":
        return _Style("caption")
    if name.startswith(("list bullet", "list number")):
        return _Style("list_item")
    return None


def _body_items(container: Any, context: _WordContext) -> Iterator[_Item]:
    for child in container.iterchildren():
        if child.tag == _W_P:
            yield from _paragraph_items(child, context)
        elif child.tag == _W_TBL:
            yield from _table_blocks(child, context)
        elif child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                yield from _body_items(content, context)
        elif child.tag == _W_CUSTOM_XML:
            yield from _body_items(child, context)


def _paragraph_items(paragraph: Any, context: _WordContext) -> Iterator[_Item]:
    parts = list(_inline(paragraph))
    text = clean_inline("".join(part for part in parts if isinstance(part, str)))
    if text:
        yield _paragraph_block(paragraph, text, context)
    for part in parts:
        if isinstance(part, _ImageRef):
            figure = _word_figure(part, context)
            if figure is not None:
                yield figure
        elif isinstance(part, _ChartRef):
            yield from _word_chart(part, context)
        elif isinstance(part, _TextBox):
            yield from _body_items(part.element, context)


def _paragraph_block(paragraph: Any, text: str, context: _WordContext) -> Block | _Caption:
    style_id = _STYLE_ID(paragraph)
    style = context.styles.get(style_id[0], context.default_style) if style_id else context.default_style
    outline = int_value(_OUTLINE_LEVEL(paragraph), 9)
    if style.role in ("paragraph", "list_item") and outline < 9:
        style = _Style("heading", outline + 1)
    numbering = _NUM_ID(paragraph)
    if style.role == "paragraph" and numbering and numbering[0] != "0":  # numId 0 switches numbering off
        style = _Style("list_item")
    source = context.source
    if style.role == "title" and not context.title:
        context.title = text
    if style.role in ("title", "heading"):
        return Block(kind="heading", text=text, level=style.level, source=source)
    if style.role == "caption":
        return _Caption(text, source)
    if style.role == "list_item":
        depth = min(int_value(_LIST_LEVEL(paragraph)), 8)
        return Block(kind="list_item", text=text, level=depth, source=source)
    if style.role == "quote":
        return Block(kind="quote", text=text, source=source)
    return Block(kind="paragraph", text=text, source=source)


def _inline(element: Any, alt: str = "") -> Iterator[str | _ImageRef | _ChartRef | _TextBox]:
    """A paragraph's own text, pictures, charts and text boxes in order (not the text inside its text
    boxes)."""
    for child in element.iterchildren():
        tag = child.tag
        if tag == _W_T:
            yield child.text or ""
        elif tag in _BREAKS:
            yield " "
        elif tag == _W_TXBX:
            yield _TextBox(child)
        elif tag == _A_BLIP and child.get(_R_EMBED):
            yield _ImageRef(child.get(_R_EMBED), alt)
        elif tag == _V_IMAGEDATA and child.get(_R_ID):
            yield _ImageRef(child.get(_R_ID), alt)
        elif tag == CHART and child.get(_R_ID):
            yield _ChartRef(child.get(_R_ID))
        elif tag in _DRAWINGS:
            properties = _DOC_PR(child)
            description = properties[0].get("descr") or properties[0].get("title") if properties else ""
            yield from _inline(child, alt_text(description))
        elif tag not in _OPAQUE and isinstance(tag, str):
            yield from _inline(child, alt)


def _word_chart(reference: _ChartRef, context: _WordContext) -> Iterator[Block]:
    try:
        blob = context.document.part.related_parts[reference.rel_id].blob
    except (KeyError, ValueError):  # a dangling or external chart
        return
    block = word_chart_block(blob, context.source, max_columns=MAX_COLUMNS, max_cells=MAX_TABLE_CELLS)
    if block is not None:
        yield block


def _word_figure(reference: _ImageRef, context: _WordContext) -> _Figure | None:
    try:
        blob = context.document.part.related_parts[reference.rel_id].blob
    except (KeyError, ValueError):  # a dangling or external (linked, never fetched) picture
        return None
    saved = save_blob(blob, assets_dir=context.assets_dir, max_pixels=context.max_pixels, stem=context.stem)
    if not saved.content:
        return None  # an icon, a rule or a blank: not worth a figure, whatever its alt text says
    return _Figure(image=saved.path, alt=reference.alt, source=context.source)


def _table_blocks(table: Any, context: _WordContext) -> Iterator[Block]:
    rows = square(_word_row(row) for row in _ROWS(table))
    if rows:
        yield Block(kind="table", text=table_text(rows), rows=tuple(rows), source=context.source)


def _word_row(row: Any) -> list[str]:
    """Cells on the table grid: a merged cell's text appears once, the cells it covers are empty."""
    cells: list[str] = [""] * min(int_value(_GRID_BEFORE(row)), MAX_COLUMNS)
    for cell in _CELLS(row):
        if len(cells) >= MAX_COLUMNS:
            break
        merge = _V_MERGE(cell)
        continues = bool(merge) and merge[0].get(_W_VAL) in (None, "continue")
        cells.append("" if continues else _cell_text(cell))
        cells.extend([""] * (min(int_value(_GRID_SPAN(cell), 1), MAX_COLUMNS) - 1))
    return cells


def _cell_text(cell: Any) -> str:
    texts = (
        clean_inline("".join(p for p in _inline(par) if isinstance(p, str))) for par in _CELL_PARAGRAPHS(cell)
    )
    return " ".join(text for text in texts if text)


def _attach_captions(items: list[_Item]) -> list[Block]:
    """A Caption-style paragraph right after (or else right before) a picture becomes its caption."""
    consumed: set[int] = set()
    for index, item in enumerate(items):
        if not isinstance(item, _Caption):
            continue
        for neighbour in (index - 1, index + 1):
            figure = items[neighbour] if 0 <= neighbour < len(items) else None
            if isinstance(figure, _Figure) and figure.caption is None:
                figure.caption = item.text
                consumed.add(index)
                break
    blocks: list[Block] = []
    for index, item in enumerate(items):
        if isinstance(item, _Caption) and index not in consumed:
            blocks.append(Block(kind="paragraph", text=item.text, source=item.source))
        elif isinstance(item, _Figure) and (item.image is not None or item.caption or item.alt):
            text = item.caption or item.alt
            blocks.append(Block(kind="figure", text=text, image=item.image, source=item.source))
        elif isinstance(item, Block):
            blocks.append(item)
    return blocks
