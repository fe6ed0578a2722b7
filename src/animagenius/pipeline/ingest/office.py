"""Word (.docx) and PowerPoint (.pptx) readers: text in order, tables, pictures, charts and speaker notes.

Both formats are zip archives of XML parts. The archive is checked (unpacked size, compression ratio, member
count, kind of document) before any parser sees it. Pictures are written to `assets_dir` under their content
hash; nothing a document links to outside itself is ever fetched.
"""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import docx
import pptx
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import OpcError
from docx.styles.style import BaseStyle, CharacterStyle
from lxml import etree  # type: ignore[import-untyped]
from PIL import Image
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.exc import PythonPptxError
from pptx.shapes.base import BaseShape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.shapes.group import GroupShape
from pptx.shapes.picture import Picture
from pptx.slide import Slide

from animagenius.pipeline.domain import Block, Provenance, SourceDocument
from animagenius.pipeline.errors import CorruptFile, Encrypted, TooLarge, UnsupportedFormat
from animagenius.pipeline.ingest.office_charts import CHART, chart_block, word_chart_block
from animagenius.pipeline.ingest.text import clean_inline, document_from, table_text

MB = 1024 * 1024
MAX_UNPACKED_BYTES = 200 * MB
MAX_RATIO = 100
RATIO_CHECK_BYTES = 10 * MB
MAX_MEMBERS = 10_000
MAX_IMAGE_PIXELS = 40_000_000
MAX_SLIDES = 500
MAX_COLUMNS = 256
MAX_TABLE_CELLS = 100_000  # beyond this a table is kept in part: it is shown, not read out
# An honest package's central directory is a few KB; parsing a huge one is itself a memory attack.
MAX_CENTRAL_DIRECTORY_BYTES = 8 * MB

# Parsers fail on broken packages with whatever the broken part provokes.
_PARSE_ERRORS = (
    OpcError,
    PythonPptxError,
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    SyntaxError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RecursionError,
)

# ---------------------------------------------------------------- package checks


@dataclass(frozen=True)
class _Format:
    noun: str
    suffix: str
    app: str
    main_part: str
    content_types: tuple[str, ...]


_WORD = _Format(
    "Word document",
    ".docx",
    "Word",
    "word/document.xml",
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",),
)
_POWERPOINT = _Format(
    "PowerPoint presentation",
    ".pptx",
    "PowerPoint",
    "ppt/presentation.xml",
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    ),
)
# Main-part content types of Office files we do not read, and what to call them.
_OTHER_KINDS = {
    "ms-word.document.macroEnabled.main+xml": "a macro-enabled Word document (.docm)",
    "wordprocessingml.template.main+xml": "a Word template (.dotx)",
    "ms-word.template.macroEnabledTemplate.main+xml": "a macro-enabled Word template (.dotm)",
    "wordprocessingml.document.main+xml": "a Word document (.docx)",
    "presentationml.slideshow.main+xml": "a PowerPoint show (.ppsx)",
    "presentationml.template.main+xml": "a PowerPoint template (.potx)",
    "presentationml.presentation.main+xml": "a PowerPoint presentation (.pptx)",
    "spreadsheetml.sheet.main+xml": "an Excel workbook (.xlsx)",
    "ms-excel.sheet.macroEnabled.main+xml": "a macro-enabled Excel workbook (.xlsm)",
}
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names in an OLE2 compound file's directory (UTF-16LE, NUL-terminated) and what they reveal.
_OLE2_STREAMS = {
    "EncryptedPackage": "",
    "WordDocument": "an older Word document (.doc); open it in Word and save it as .docx",
    "PowerPoint Document": (
        "an older PowerPoint presentation (.ppt); open it in PowerPoint and save it as .pptx"
    ),
    "Workbook": "an older Excel workbook (.xls), which is not supported; save the content as .docx or PDF",
}
_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_EOCD_SEARCH_BYTES = 65_536 + 22


def check_package(path: Path, *, expected: Literal["docx", "pptx"]) -> None:
    """Refuse what is not a safe, readable document of the expected kind, before any parser sees it."""
    fmt = _WORD if expected == "docx" else _POWERPOINT
    with path.open("rb") as handle:
        head = handle.read(len(_OLE2_MAGIC))
    if head == _OLE2_MAGIC:
        _refuse_compound_file(path)
    _check_central_directory(path, fmt)
    try:
        with zipfile.ZipFile(path) as archive:
            _check_members(path, archive.infolist(), fmt)
            _check_kind(path, archive, fmt)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as error:
        raise CorruptFile(
            f"{path.name} is a damaged {fmt.noun} ({type(error).__name__}); open it in {fmt.app} and save it "
            f"again as {fmt.suffix}"
        ) from error


def _refuse_compound_file(path: Path) -> None:
    """OLE2 holds both password-protected .docx/.pptx (an EncryptedPackage stream) and legacy .doc/.ppt."""
    found = _ole2_streams(path)
    if "EncryptedPackage" in found:
        raise Encrypted(f"{path.name} is password-protected; remove the password and upload it again")
    what = next(
        (advice for name, advice in _OLE2_STREAMS.items() if name in found),
        "an older Microsoft Office file; open it in Word or PowerPoint and save it as .docx or .pptx",
    )
    raise UnsupportedFormat(f"{path.name} is {what}")


def _ole2_streams(path: Path) -> set[str]:
    """Which known stream names occur in the file, scanning it in chunks (bounded memory)."""
    needles = {name: name.encode("utf-16-le") + b"\x00\x00" for name in _OLE2_STREAMS}
    overlap = max(len(needle) for needle in needles.values())
    found: set[str] = set()
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(MB):
            window = tail + chunk
            found.update(name for name, needle in needles.items() if needle in window)
            tail = window[-overlap:]
    return found


def _check_central_directory(path: Path, fmt: _Format) -> None:
    size = _central_directory_size(path)
    if size is None:
        raise CorruptFile(
            f"{path.name} is not a valid {fmt.noun}: {fmt.suffix} files are zip archives and this one is not "
            f"(or it is cut off); open it in {fmt.app} and save it again as {fmt.suffix}"
        )
    if size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise TooLarge(
            f"{path.name} lists far too many parts ({size / MB:.0f} MB of file index); save it again from "
            f"{fmt.app} or split it into smaller files"
        )


def _central_directory_size(path: Path) -> int | None:
    """The size the zip's end record declares for its file index, or None if there is no end record."""
    with path.open("rb") as handle:
        handle.seek(0, io.SEEK_END)
        start = max(0, handle.tell() - _EOCD_SEARCH_BYTES)
        handle.seek(start)
        tail = handle.read()
        at = tail.rfind(_EOCD)
        if at < 0 or len(tail) - at < 22:
            return None
        size: int = struct.unpack_from("<I", tail, at + 12)[0]
        locator = tail.rfind(_ZIP64_LOCATOR, 0, at)
        if size != 0xFFFFFFFF or locator < 0 or at - locator != 20:
            return size
        handle.seek(struct.unpack_from("<Q", tail, locator + 8)[0])
        record = handle.read(56)
    return struct.unpack_from("<Q", record, 40)[0] if len(record) == 56 else None


def _check_members(path: Path, members: list[zipfile.ZipInfo], fmt: _Format) -> None:
    advice = f"save it again from {fmt.app}, or split it into smaller files"
    if len(members) > MAX_MEMBERS:
        raise TooLarge(f"{path.name} holds {len(members):,} parts (limit {MAX_MEMBERS:,}); {advice}")
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED_BYTES:
        raise TooLarge(
            f"{path.name} would unpack to {total / MB:,.0f} MB, more than the "
            f"{MAX_UNPACKED_BYTES / MB:.0f} MB we accept; {advice}"
        )
    size = path.stat().st_size
    for member in members:
        _check_member(path, member, fmt, advice, archive_size=size)


def _check_member(
    path: Path, member: zipfile.ZipInfo, fmt: _Format, advice: str, *, archive_size: int
) -> None:
    if member.flag_bits & 0x1:
        raise Encrypted(f"{path.name} is password-protected; remove the password and upload it again")
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or not (
        0 <= member.header_offset < archive_size
    ):
        raise CorruptFile(
            f"{path.name} is a damaged {fmt.noun} (its index points at a missing or unreadable part); "
            f"open it in {fmt.app} and save it again as {fmt.suffix}"
        )
    ratio = member.file_size / max(member.compress_size, 1)
    if member.file_size > RATIO_CHECK_BYTES and ratio > MAX_RATIO:
        raise TooLarge(
            f"{path.name} contains a part ({member.filename}) that expands {ratio:,.0f}-fold to "
            f"{member.file_size / MB:,.0f} MB, which is how zip bombs are built; {advice}"
        )


def _check_kind(path: Path, archive: zipfile.ZipFile, fmt: _Format) -> None:
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names:
        if fmt.main_part in names:
            raise CorruptFile(
                f"{path.name} is a damaged {fmt.noun}: it has no [Content_Types].xml; open it in {fmt.app} "
                f"and save it again as {fmt.suffix}"
            )
        raise UnsupportedFormat(
            f"{path.name} is a zip archive, not a {fmt.noun}; unzip it and upload the documents inside"
        )
    with archive.open("[Content_Types].xml") as handle:
        content_types = handle.read(MB).decode("utf-8", errors="replace")
    if any(content_type in content_types for content_type in fmt.content_types):
        return
    what = next(
        (label for marker, label in _OTHER_KINDS.items() if marker in content_types),
        "a zip archive of an unknown kind",
    )
    raise UnsupportedFormat(
        f"{path.name} is {what}, not a {fmt.noun}; save it as a {fmt.noun} ({fmt.suffix}) and upload that"
    )


def _corrupt(path: Path, fmt: _Format, error: BaseException) -> CorruptFile:
    return CorruptFile(
        f"{path.name} is a damaged {fmt.noun} and cannot be read ({type(error).__name__}); open it in "
        f"{fmt.app} and save it again as {fmt.suffix}"
    )


# ---------------------------------------------------------------- shared helpers

_IMAGE_SUFFIXES = {
    "PNG": ".png",
    "JPEG": ".jpg",
    "GIF": ".gif",
    "BMP": ".bmp",
    "TIFF": ".tiff",
    "WEBP": ".webp",
}
_FILE_NAME_ALT = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg", ".webp")


def save_image(blob: bytes, *, assets_dir: Path | None, max_pixels: int) -> Path | None:
    """Write a usable picture under its content hash; None for formats we cannot show or oversized ones."""
    suffix = _image_suffix(blob, max_pixels=max_pixels)
    if suffix is None or assets_dir is None:
        return None
    assets_dir.mkdir(parents=True, exist_ok=True)
    target = assets_dir / f"{hashlib.sha256(blob).hexdigest()[:24]}{suffix}"
    if not target.exists():
        target.write_bytes(blob)
    return target


def _image_suffix(blob: bytes, *, max_pixels: int) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(blob), formats=list(_IMAGE_SUFFIXES)) as image:
                width, height = image.size
                image_format = image.format
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    if width * height > max_pixels:
        return None
    return _IMAGE_SUFFIXES.get(image_format or "")


def alt_text(value: str | None) -> str:
    """Alt text worth reading; Office fills it with the picture's file name when the author wrote none."""
    text = clean_inline(value or "")
    return "" if text.lower().endswith(_FILE_NAME_ALT) else text


def _square(rows: Iterable[list[str]]) -> list[tuple[str, ...]]:
    """Rows padded to one width, empty ones dropped, at most MAX_TABLE_CELLS; none if every cell is empty."""
    kept: list[list[str]] = []
    budget = MAX_TABLE_CELLS
    for row in rows:
        budget -= len(row)
        if budget < 0:
            break
        kept.append(row[:MAX_COLUMNS])
    width = max((len(row) for row in kept), default=0)
    return [tuple(row + [""] * (width - len(row))) for row in kept if any(row)]


def _int_value(values: list[Any], default: int = 0) -> int:
    """The first XPath attribute result as a small non-negative int; `default` if absent or not one."""
    text = str(values[0]).strip() if values else ""
    return int(text) if text.isdecimal() and len(text) <= 6 else default


# ---------------------------------------------------------------- Word

_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
}


def _tag(prefixed: str) -> str:
    prefix, local = prefixed.split(":")
    return f"{{{_NS[prefix]}}}{local}"


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
        blocks = _attach_captions(list(_body_items(document.element.body, context)))
        core_title = clean_inline(document.core_properties.title or "")
    except _PARSE_ERRORS as error:
        raise _corrupt(path, _WORD, error) from error
    return document_from(blocks, name=path.name, title=core_title or context.title or None)


def _word_context(
    document: WordDocument, *, path: Path, assets_dir: Path | None, max_pixels: int
) -> _WordContext:
    context = _WordContext(document, Provenance(file=path.name), assets_dir, max_pixels)
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
        outline = _int_value(_OUTLINE_LEVEL(style.element), 9)
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
    outline = _int_value(_OUTLINE_LEVEL(paragraph), 9)
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
        depth = min(_int_value(_LIST_LEVEL(paragraph)), 8)
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


def _word_figure(reference: _ImageRef, context: _WordContext) -> _Figure | None:
    try:
        blob = context.document.part.related_parts[reference.rel_id].blob
    except (KeyError, ValueError):  # a dangling or external (linked, never fetched) picture
        return None
    image = save_image(blob, assets_dir=context.assets_dir, max_pixels=context.max_pixels)
    return _Figure(image=image, alt=reference.alt, source=context.source)


def _word_chart(reference: _ChartRef, context: _WordContext) -> Iterator[Block]:
    try:
        blob = context.document.part.related_parts[reference.rel_id].blob
    except (KeyError, ValueError):  # a dangling or external chart
        return
    block = word_chart_block(blob, context.source, max_columns=MAX_COLUMNS, max_cells=MAX_TABLE_CELLS)
    if block is not None:
        yield block


def _table_blocks(table: Any, context: _WordContext) -> Iterator[Block]:
    rows = _square(_word_row(row) for row in _ROWS(table))
    if rows:
        yield Block(kind="table", text=table_text(rows), rows=tuple(rows), source=context.source)


def _word_row(row: Any) -> list[str]:
    """Cells on the table grid: a merged cell's text appears once, the cells it covers are empty."""
    cells: list[str] = [""] * min(_int_value(_GRID_BEFORE(row)), MAX_COLUMNS)
    for cell in _CELLS(row):
        if len(cells) >= MAX_COLUMNS:
            break
        merge = _V_MERGE(cell)
        continues = bool(merge) and merge[0].get(_W_VAL) in (None, "continue")
        cells.append("" if continues else _cell_text(cell))
        cells.extend([""] * (min(_int_value(_GRID_SPAN(cell), 1), MAX_COLUMNS) - 1))
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


# ---------------------------------------------------------------- PowerPoint

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
        blocks: list[Block] = []
        for number, slide in enumerate(slides, start=1):
            context = _SlideContext(assets_dir, max_pixels, Provenance(file=path.name, slide=number))
            blocks.extend(_slide_blocks(slide, context))
        core_title = clean_inline(presentation.core_properties.title or "")
    except _PARSE_ERRORS as error:
        raise _corrupt(path, _POWERPOINT, error) from error
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
    notes = _notes_text(slide)
    if notes:
        blocks.append(Block(kind="notes", text=notes, source=context.source))
    return blocks


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
        depth = min(_int_value(_LEVEL(paragraph)), 8)
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
    image = save_image(blob, assets_dir=context.assets_dir, max_pixels=context.max_pixels)
    description = _DESCRIPTION(shape.element)
    text = alt_text(description[0] if description else "")
    if image is not None or text:
        yield Block(kind="figure", text=text, image=image, source=context.source)


def _slide_table_blocks(shape: GraphicFrame, context: _SlideContext) -> Iterator[Block]:
    rows = _square(
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
