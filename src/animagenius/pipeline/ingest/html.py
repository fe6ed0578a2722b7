"""The readable content of an HTML page: headings, paragraphs, lists, quotes, tables and figure captions.

Page furniture (navigation, banners, footers, forms, scripts) is dropped, and `<main>`/`<article>` is
preferred when the page marks its content. Nothing is ever fetched: an image becomes a figure block with its
caption or alt text, and with its picture when the picture travels with the page (a file beside it, a `data:`
URI; `html_pictures.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from lxml import etree, html  # type: ignore[import-untyped]

from animagenius.pipeline.domain import Block, Provenance, SourceDocument
from animagenius.pipeline.ingest.html_pictures import PageFolder
from animagenius.pipeline.ingest.pictures import with_nearby_text, without_repeats
from animagenius.pipeline.ingest.text import clean_inline, document_from, table_text

MAX_COLUMNS = 256
MAX_PICTURE_PIXELS = 40_000_000
MAX_TABLE_CELLS = 100_000  # beyond this a table is kept in part: it is shown, not read out
_DROPPED = {
    "script", "style", "nav", "footer", "aside", "form", "noscript", "template", "svg", "math", "iframe",
    "object", "embed", "canvas", "button", "select", "textarea", "input", "dialog", "head", "video", "audio",
}  # fmt: skip
_FURNITURE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"}
_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "ins", "kbd", "label",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr", "big",
    "strike", "nobr",
}  # fmt: skip
_LINE_BREAKS = {"br", "hr"}
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_LISTS = {"ul", "ol", "menu", "dir"}
_CONTENT_ROOTS = ("main", "article")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_PARSER = html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)

_FlowKind = Literal["paragraph", "list_item", "quote"]


@dataclass(frozen=True)
class _Context:
    source: Provenance
    kind: _FlowKind = "paragraph"
    depth: int = 0  # list nesting, 0 = top level
    pictures: PageFolder | None = None


def read_html(
    content: str,
    *,
    name: str,
    folder: Path | None = None,
    assets_dir: Path | None = None,
    max_pixels: int = MAX_PICTURE_PIXELS,
) -> SourceDocument:
    """`folder` is where the page was saved: pictures it links to there are read (never fetched) and
    written to `assets_dir`."""
    root = _parse(content)
    if root is None:
        return document_from([], name=name)
    pictures = PageFolder(folder, assets_dir, max_pixels, stem=Path(name).stem)
    context = _Context(Provenance(file=name), pictures=pictures)
    found = [block for part in _content_roots(root) for block in _flow(part, context)]
    blocks = with_nearby_text(without_repeats(found, unit=lambda _: None), same_unit=lambda _, __: True)
    document = document_from(blocks, name=name, title=_title(root, blocks))
    language = (root.get("lang") or root.get("xml:lang") or "").strip()
    return document.model_copy(update={"language": language}) if _LANGUAGE.match(language) else document


def _parse(content: str) -> Any:
    try:
        return html.document_fromstring(_XML_DECLARATION.sub("", content, count=1), parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):  # empty or hopeless: nothing to read
        return None


def _content_roots(root: Any) -> list[Any]:
    """The page's own content: its one <main>, else its <article>s, else the whole body."""
    for tag in _CONTENT_ROOTS:
        found = [element for element in root.iter(tag) if _visible(element)]
        found = [element for element in found if not any(a in found for a in element.iterancestors(tag))]
        if found and (tag == "article" or len(found) == 1):
            return found
    roles = [element for element in root.iter() if element.get("role") == "main" and _visible(element)]
    if len(roles) == 1:
        return roles
    body = root.find("body")
    return [body if body is not None else root]


def _visible(element: Any) -> bool:
    """Neither the element nor any of its ancestors is dropped (an <article> card inside an <aside> is)."""
    return not _dropped(element) and not any(_dropped(ancestor) for ancestor in element.iterancestors())


def _title(root: Any, blocks: list[Block]) -> str | None:
    """<title>, but the first <h1> when the title is that heading plus the site's name."""
    title_element = root.find("head/title")
    title = clean_inline(title_element.text_content()) if title_element is not None else ""
    first_h1 = next((block.text for block in blocks if block.kind == "heading" and block.level == 1), "")
    if first_h1 and (not title or first_h1 in title):
        return first_h1
    return title or None


def _dropped(element: Any) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _DROPPED or element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    if tag == "header" and not any(a.tag in _CONTENT_ROOTS for a in element.iterancestors()):
        return True  # the page banner; an article's own header holds its title
    return (element.get("role") or "").lower() in _FURNITURE_ROLES or bool(
        _HIDDEN_STYLE.search(element.get("style") or "")
    )


def _flow(element: Any, context: _Context) -> Iterator[Block]:
    """Blocks of a container: loose inline text becomes blocks of the context's kind."""
    run: list[str] = [element.text or ""]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if not tag or _dropped(child):
            pass
        elif tag in _INLINE:
            run.append(_inline_text(child))
        elif tag in _LINE_BREAKS:
            run.append(" ")
        else:
            yield from _flush(run, context)
            run = []
            yield from _element_blocks(child, tag, context)
        run.append(child.tail or "")
    yield from _flush(run, context)


def _flush(run: list[str], context: _Context) -> Iterator[Block]:
    text = clean_inline("".join(run))
    if text:
        level = context.depth if context.kind == "list_item" else 0
        yield Block(kind=context.kind, text=text, level=level, source=context.source)


def _element_blocks(element: Any, tag: str, context: _Context) -> Iterator[Block]:
    if tag in _HEADINGS:
        text = _inline_text(element)
        if text:
            yield Block(kind="heading", text=text, level=_HEADINGS[tag], source=context.source)
    elif tag == "li":
        depth = sum(1 for a in element.iterancestors() if a.tag in _LISTS) - 1
        yield from _flow(element, replace(context, kind="list_item", depth=max(depth, 0)))
    elif tag == "blockquote":
        yield from _flow(element, replace(context, kind="quote", depth=0))
    elif tag == "pre":  # a code listing: shown, never read aloud
        code = _raw_text(element).strip("\n")
        if code.strip():
            yield Block(kind="code", text=code, source=context.source)
    elif tag == "table":
        yield from _table_blocks(element, context)
    elif tag == "img":
        yield from _figure_blocks([element], None, context)
    elif tag == "figure":
        yield from _figure(element, context)
    else:
        yield from _flow(element, context)


def _inline_text(element: Any) -> str:
    return clean_inline(_raw_text(element))


def _raw_text(element: Any) -> str:
    """Text of an element and its descendants (dropped ones excluded); block children set apart by spaces."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _LINE_BREAKS:
            parts.append(" ")
        elif tag and not _dropped(child):
            inner = _raw_text(child)
            parts.append(inner if tag in _INLINE else f" {inner} ")
        parts.append(child.tail or "")
    return "".join(parts)


# ---------------------------------------------------------------- figures


def _figure(element: Any, context: _Context) -> Iterator[Block]:
    images = [img for img in element.iter("img") if _visible(img)]
    caption_element = element.find(".//figcaption")
    caption = _inline_text(caption_element) if caption_element is not None else ""
    if images:
        yield from _figure_blocks(images, caption, context)
    else:  # a figure used for a quote or a code sample: read its content
        yield from _flow(element, context)


def _figure_blocks(images: list[Any], caption: str | None, context: _Context) -> Iterator[Block]:
    """One figure block per figure: its caption, else the pictures' alt text, with the first picture that is
    content when it travels with the page. A picture we cannot see and nobody described is decoration (or a
    tracking pixel); one we can see that is an icon, a rule or a blank is too."""
    alts = [clean_inline(img.get("alt") or img.get("title") or "") for img in images]
    text = caption or " ".join(alt for alt in alts if alt)
    image, seen = None, False
    for img in images:
        saved = context.pictures.picture(img.get("src") or "") if context.pictures is not None else None
        if saved is not None:
            seen = True
            if saved.content and saved.path is not None:
                image = saved.path
                break
    if seen and image is None and not caption:
        return  # every picture we could look at is an icon, a rule or a blank
    if text or image is not None:
        yield Block(kind="figure", text=text, image=image, source=context.source)


# ---------------------------------------------------------------- tables


def _table_blocks(table: Any, context: _Context) -> Iterator[Block]:
    rows = _own_rows(table)
    if _is_layout(table, rows):
        for row in rows:
            for cell in row:
                yield from _flow(cell, context)
        return
    for img in table.iter("img"):  # an infobox's picture: the cells keep only its text
        if _visible(img):
            yield from _figure_blocks([img], None, context)
    cells = _grid(rows)
    if not cells:
        return
    caption_element = table.find("caption")
    caption = _inline_text(caption_element) if caption_element is not None else ""
    text = table_text(cells)
    yield Block(
        kind="table", text=f"{caption}\n{text}" if caption else text, rows=tuple(cells), source=context.source
    )


def _own_rows(table: Any) -> list[list[Any]]:
    """The cells of each row of this table (not of tables nested in it)."""
    rows = table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
    return [[cell for cell in row if cell.tag in ("td", "th")] for row in rows]


def _span(cell: Any, attribute: str) -> int:
    value = (cell.get(attribute) or "1").strip()
    return min(max(int(value), 1), MAX_COLUMNS) if value.isdecimal() and len(value) <= 6 else 1


def _is_layout(table: Any, rows: list[list[Any]]) -> bool:
    """Tables used to lay out a page rather than to hold data: read them as ordinary content."""
    if table.get("role") == "presentation" or table.find(".//table") is not None:
        return True
    return bool(rows) and all(len(row) <= 1 for row in rows)


def _grid(rows: list[list[Any]]) -> list[tuple[str, ...]]:
    """Lay spanning cells on the grid: a merged cell's text appears once, the cells it covers are empty."""
    grid: list[list[str]] = []
    covered: set[tuple[int, int]] = set()  # (row, column) taken by a rowspan from above
    budget = MAX_TABLE_CELLS
    for row_index, row in enumerate(rows):
        line = _grid_line(row_index, row, covered, rows_left=len(rows) - row_index)
        budget -= len(line)
        if budget < 0:
            break
        grid.append(line)
    width = max((len(line) for line in grid), default=0)
    return [tuple(line + [""] * (width - len(line))) for line in grid if any(line)]


def _grid_line(row_index: int, row: list[Any], covered: set[tuple[int, int]], *, rows_left: int) -> list[str]:
    line: list[str] = []
    for cell in row:
        while (row_index, len(line)) in covered:
            covered.discard((row_index, len(line)))
            line.append("")
        if len(line) >= MAX_COLUMNS:
            break
        column, colspan, rowspan = len(line), _span(cell, "colspan"), _span(cell, "rowspan")
        line.extend([_inline_text(cell)] + [""] * (colspan - 1))
        for below in range(1, min(rowspan, rows_left)):
            covered.update((row_index + below, column + offset) for offset in range(colspan))
    return line[:MAX_COLUMNS]
