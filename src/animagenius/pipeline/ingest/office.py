"""Word (.docx) and PowerPoint (.pptx) packages: checked before any parser sees them, and what both
readers share (namespaces, tables, pictures, alt text). The readers are `word.py` and `powerpoint.py`.

Both formats are zip archives of XML parts. The archive is checked (unpacked size, compression ratio, member
count, kind of document) before any parser sees it. Pictures are written to `assets_dir` under their content
hash; nothing a document links to outside itself is ever fetched.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from docx.opc.exceptions import OpcError
from pptx.exc import PythonPptxError

from animagenius.pipeline.errors import CorruptFile, Encrypted, TooLarge, UnsupportedFormat
from animagenius.pipeline.ingest.text import clean_inline

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
PARSE_ERRORS = (
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


WORD = _Format(
    "Word document",
    ".docx",
    "Word",
    "word/document.xml",
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",),
)
POWERPOINT = _Format(
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
    fmt = WORD if expected == "docx" else POWERPOINT
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


def corrupt(path: Path, fmt: _Format, error: BaseException) -> CorruptFile:
    return CorruptFile(
        f"{path.name} is a damaged {fmt.noun} and cannot be read ({type(error).__name__}); open it in "
        f"{fmt.app} and save it again as {fmt.suffix}"
    )


# ---------------------------------------------------------------- shared helpers

_FILE_NAME_ALT = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg", ".webp")


def alt_text(value: str | None) -> str:
    """Alt text worth reading; Office fills it with the picture's file name when the author wrote none."""
    text = clean_inline(value or "")
    return "" if text.lower().endswith(_FILE_NAME_ALT) else text


def square(rows: Iterable[list[str]]) -> list[tuple[str, ...]]:
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


def int_value(values: list[Any], default: int = 0) -> int:
    """The first XPath attribute result as a small non-negative int; `default` if absent or not one."""
    text = str(values[0]).strip() if values else ""
    return int(text) if text.isdecimal() and len(text) <= 6 else default


NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
}


def tag(prefixed: str) -> str:
    prefix, local = prefixed.split(":")
    return f"{{{NS[prefix]}}}{local}"
