"""Pick a reader by the file's content (not its name) and combine several files in upload order."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from animagenius.pipeline.domain import SourceDocument
from animagenius.pipeline.errors import NoContent, TooLarge, UnsupportedFormat
from animagenius.pipeline.ingest import pdf, text

MAX_FILE_BYTES = 50 * 1024 * 1024
_PDF_MAGIC = b"%PDF-"
_TEXT_SUFFIXES: dict[str, text.Flavour] = {".md": "markdown", ".markdown": "markdown", ".rst": "rst"}
SUPPORTED = "Markdown (.md), reStructuredText (.rst), plain text (.txt) or PDF"


def ingest(paths: Sequence[Path]) -> SourceDocument:
    """Read every file and join them, in order, into one document."""
    documents = [_read_one(path) for path in paths]
    if len(documents) == 1:
        return documents[0]
    blocks = tuple(block for document in documents for block in document.blocks)
    return SourceDocument(title=documents[0].title, blocks=blocks)


def ingest_text(content: str, *, name: str = "pasted text") -> SourceDocument:
    """Read text a person pasted; Markdown syntax in it is understood."""
    return _require_content(text.read_markdown(content, name=name), name)


def _read_one(path: Path) -> SourceDocument:
    if not path.is_file():
        raise UnsupportedFormat(f"{path.name}: file not found")
    size = path.stat().st_size
    if size == 0:
        raise NoContent(f"{path.name} is empty; upload a file with some text in it")
    if size > MAX_FILE_BYTES:
        raise TooLarge(
            f"{path.name} is {size / 1e6:.0f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB — split it or "
            "upload a shorter version"
        )
    head = _read_head(path)
    named_pdf = path.suffix.lower() == ".pdf"
    if head.lstrip().startswith(_PDF_MAGIC) or (named_pdf and _PDF_MAGIC in head):
        return _require_content(pdf.read_pdf(path), path.name)
    if named_pdf:
        raise UnsupportedFormat(
            f"{path.name} is named .pdf but is not a PDF file; export it again as PDF or upload the "
            f"original ({SUPPORTED})"
        )
    decoded = text.decode(path.read_bytes(), name=path.name)
    flavour = _TEXT_SUFFIXES.get(path.suffix.lower(), "plain")
    return _require_content(text.read(decoded, flavour=flavour, name=path.name), path.name)


def _read_head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(1024)


def _require_content(document: SourceDocument, name: str) -> SourceDocument:
    if document.word_count < 3 or not any(block.kind != "heading" for block in document.blocks):
        raise NoContent(
            f"{name} has no readable text to narrate; if it is a scan or an image-only PDF, "
            "upload a version with selectable text"
        )
    return document
