"""Pick a reader by the file's content (not its name) and combine several files in upload order."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from pypdf import PageObject

from animagenius.pipeline.domain import SourceDocument
from animagenius.pipeline.errors import NoContent, TooLarge, UnsupportedFormat
from animagenius.pipeline.ingest import pdf, text
from animagenius.pipeline.ingest.limits import DEFAULT_LIMITS, IngestLimits
from animagenius.pipeline.ingest.sandbox import read_isolated
from animagenius.pipeline.ingest.sniff import Kind, sniff
from animagenius.pipeline.providers.protocols import OCR

MAX_FILE_BYTES = DEFAULT_LIMITS.max_bytes
SUPPORTED = (
    "a document (PDF, Word .docx, PowerPoint .pptx, Markdown, reStructuredText, HTML, plain text), "
    "a picture (JPEG, PNG, WebP, GIF, TIFF), a recording (WAV, MP3, M4A, FLAC, OGG) "
    "or a video (MP4, MOV, WebM, MKV)"
)
OCR_ENGINE = "rapidocr"
TRANSCRIBER = "whisper"
_TEXT_FLAVOURS: dict[str, text.Flavour] = {".md": "markdown", ".markdown": "markdown", ".rst": "rst"}

Reader = Callable[[Path, IngestLimits, Path | None], SourceDocument]


def ingest(
    paths: Sequence[Path],
    *,
    limits: IngestLimits = DEFAULT_LIMITS,
    assets_dir: Path | None = None,
    isolated: bool = False,
) -> SourceDocument:
    """Read every file and join them, in order, into one document.

    `isolated=True` reads each file in a child process with `limits.timeout_s` and `limits.memory_bytes`:
    what the CLI and the worker do with untrusted uploads.
    """
    if isolated:
        documents = [read_isolated(path, limits=limits, assets_dir=assets_dir) for path in paths]
    else:
        documents = [read_file(path, limits=limits, assets_dir=assets_dir) for path in paths]
    # the files as read, here in the caller's process, for visuals that show a page itself
    documents = [
        document.model_copy(update={"files": (path.resolve(),)})
        for path, document in zip(paths, documents, strict=True)
    ]
    if len(documents) == 1:
        return documents[0]
    first = documents[0]
    return SourceDocument(
        title=first.title,
        blocks=tuple(block for document in documents for block in document.blocks),
        language=first.language,
        media=tuple(media for document in documents for media in document.media),
        words=tuple(word for document in documents for word in document.words),
        unreadable_pages=tuple(page for document in documents for page in document.unreadable_pages),
        files=tuple(file for document in documents for file in document.files),
    )


def ingest_text(content: str, *, name: str = "pasted text") -> SourceDocument:
    """Read text a person pasted; Markdown syntax in it is understood."""
    return _require_content(text.read_markdown(content, name=name), name)


def read_file(
    path: Path, *, limits: IngestLimits = DEFAULT_LIMITS, assets_dir: Path | None = None
) -> SourceDocument:
    """Read one file in this process (see `ingest(isolated=True)` for untrusted files)."""
    if not path.is_file():
        raise UnsupportedFormat(f"{path.name}: file not found")
    size = path.stat().st_size
    if size == 0:
        raise NoContent(f"{path.name} is empty; upload a file with some text in it")
    if size > limits.max_bytes:
        raise TooLarge(
            f"{path.name} is {size / 2**20:.0f} MB; your plan's limit is {limits.max_bytes / 2**20:.0f} MB — "
            "split it or upload a shorter version"
        )
    kind = sniff(path)
    reader = _READERS.get(kind)
    claimed = _CLAIMED.get(path.suffix.lower())
    if reader is None or (
        claimed and kind in (Kind.TEXT, Kind.HTML) and claimed not in (Kind.TEXT, Kind.HTML)
    ):
        raise UnsupportedFormat(_unsupported_message(path, kind))
    return _require_content(reader(path, limits, assets_dir), path.name)


def _read_pdf(path: Path, limits: IngestLimits, assets_dir: Path | None) -> SourceDocument:
    from animagenius.pipeline.ingest.images import ocr_pdf_page_images
    from animagenius.pipeline.ingest.pdf_figures import find_page_extras
    from animagenius.pipeline.ingest.pdf_ocr import OCR_SHARE_OF_TIMEOUT, RenderedPages
    from animagenius.pipeline.ingest.pdf_placing import with_page_extras

    def read_scan(page: PageObject) -> list[str]:
        return ocr_pdf_page_images(
            page, ocr=_ocr(), workdir=_assets(assets_dir), name=path.name, max_pixels=limits.max_pixels
        )

    rendered = RenderedPages(
        path, ocr=_ocr, workdir=_assets(assets_dir), budget_s=limits.timeout_s * OCR_SHARE_OF_TIMEOUT
    )
    document = pdf.read_pdf(path, max_pages=limits.max_pages, scans=read_scan, rendered=rendered)
    found = find_page_extras(
        path, assets_dir=_assets(assets_dir), max_pages=limits.max_pages, max_pixels=limits.max_pixels
    )
    return with_page_extras(document, found)


def _read_text(path: Path, limits: IngestLimits, assets_dir: Path | None) -> SourceDocument:
    decoded = text.decode(path.read_bytes(), name=path.name)
    return text.read(decoded, flavour=_TEXT_FLAVOURS.get(path.suffix.lower(), "plain"), name=path.name)


def _read_html(path: Path, limits: IngestLimits, assets_dir: Path | None) -> SourceDocument:
    from animagenius.pipeline.ingest.html import read_html

    return read_html(
        text.decode(path.read_bytes(), name=path.name),
        name=path.name,
        folder=path.parent,
        assets_dir=_assets(assets_dir),
        max_pixels=limits.max_pixels,
    )


def _read_docx(path: Path, limits: IngestLimits, assets_dir: Path | None) -> SourceDocument:
    from animagenius.pipeline.ingest.word import read_docx

    return read_docx(path, assets_dir=_assets(assets_dir), max_pixels=limits.max_pixels)


def _read_pptx(path: Path, limits: IngestLimits, assets_dir: Path | None) -> SourceDocument:
    from animagenius.pipeline.ingest.powerpoint import read_pptx

    return read_pptx(
        path, assets_dir=_assets(assets_dir), max_pixels=limits.max_pixels, max_slides=limits.max_pages
    )


def _read_ole2(path: Path, limits: IngestLimits, assets_dir: Path | None) -> SourceDocument:
    """Legacy .doc/.ppt or a password-protected .docx/.pptx: `check_package` says which, and refuses it."""
    from animagenius.pipeline.ingest.office import check_package

    check_package(path, expected="pptx" if path.suffix.lower() in (".ppt", ".pptx") else "docx")
    raise UnsupportedFormat(f"{path.name} is an old Office file; save it as .docx or .pptx and upload that")


def _read_image(path: Path, limits: IngestLimits, assets_dir: Path | None) -> SourceDocument:
    from animagenius.pipeline.ingest.images import read_image

    return read_image(path, ocr=_ocr(), assets_dir=_assets(assets_dir), max_pixels=limits.max_pixels)


def _read_media(path: Path, limits: IngestLimits, assets_dir: Path | None) -> SourceDocument:
    """Audio and video alike: the media reader tells them apart by their streams."""
    from animagenius.pipeline.ingest.media import read_video
    from animagenius.pipeline.voice.transcribers import TRANSCRIBERS

    return read_video(
        path,
        transcriber=TRANSCRIBERS.create(TRANSCRIBER),
        assets_dir=_assets(assets_dir),
        max_duration_s=limits.max_duration_s,
    )


def _ocr() -> OCR:
    from animagenius.pipeline.providers.ocrs import OCRS

    return OCRS.create(OCR_ENGINE)


@functools.cache
def _scratch_assets() -> Path:
    return Path(tempfile.mkdtemp(prefix="animagenius-assets-"))


def _assets(assets_dir: Path | None) -> Path:
    """Where extracted pictures and keyframes go; callers that keep them pass a folder of their own."""
    return assets_dir if assets_dir is not None else _scratch_assets()


_READERS: dict[Kind, Reader] = {
    Kind.PDF: _read_pdf,
    Kind.TEXT: _read_text,
    Kind.HTML: _read_html,
    Kind.DOCX: _read_docx,
    Kind.PPTX: _read_pptx,
    Kind.OLE2: _read_ole2,
    Kind.IMAGE: _read_image,
    Kind.AUDIO: _read_media,
    Kind.VIDEO: _read_media,
}


# what a file name promises; text behind a binary format's name is refused rather than read as prose
_CLAIMED: dict[str, Kind] = {
    ".pdf": Kind.PDF, ".docx": Kind.DOCX, ".pptx": Kind.PPTX, ".png": Kind.IMAGE, ".jpg": Kind.IMAGE,
    ".jpeg": Kind.IMAGE, ".webp": Kind.IMAGE, ".gif": Kind.IMAGE, ".tif": Kind.IMAGE, ".tiff": Kind.IMAGE,
    ".mp3": Kind.AUDIO, ".wav": Kind.AUDIO, ".flac": Kind.AUDIO, ".m4a": Kind.AUDIO, ".ogg": Kind.AUDIO,
    ".mp4": Kind.VIDEO, ".mov": Kind.VIDEO, ".webm": Kind.VIDEO, ".mkv": Kind.VIDEO,
}  # fmt: skip


def _unsupported_message(path: Path, kind: Kind) -> str:
    claimed = _CLAIMED.get(path.suffix.lower())
    if kind == Kind.PLAYLIST:
        return f"{path.name} is a streaming playlist that points at other files; upload the video file itself"
    if claimed and claimed != kind:
        label = path.suffix.lower().lstrip(".")
        return (
            f"{path.name} is named .{label} but is not a {label.upper()} file; export it again as "
            f"{label.upper()} or upload the original ({SUPPORTED})"
        )
    if kind == Kind.BINARY:
        return f"{path.name} is a binary file we cannot read; upload {SUPPORTED}"
    article = "an" if kind.value[0] in "aeiou" else "a"
    return f"{path.name} is {article} {kind.value} file, which is not supported yet; upload {SUPPORTED}"


def _require_content(document: SourceDocument, name: str) -> SourceDocument:
    """Enough to make a video of: some prose, or pictures/recordings to show."""
    showable = bool(document.media) or any(block.image is not None for block in document.blocks)
    if not showable and (
        document.word_count < 3 or not any(block.kind != "heading" for block in document.blocks)
    ):
        if document.unreadable_pages:
            raise NoContent(
                f"{name} has no readable text, even by OCR: its fonts do not map to letters and its pages "
                "do not read as words; export it again as PDF from the program that made it"
            )
        raise NoContent(
            f"{name} has no readable text to narrate and nothing to show; "
            "upload a version with text in it (or add a few sentences of your own)"
        )
    return document
