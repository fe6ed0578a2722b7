"""PDF text in reading order, split into headings and paragraphs, with page numbers kept."""

from __future__ import annotations

import logging
import re
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from pypdf import PageObject, PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from animagenius.pipeline.domain import Block, Provenance, SourceDocument
from animagenius.pipeline.errors import CorruptFile, Encrypted, TooLarge
from animagenius.pipeline.ingest.legibility import legibility, without_debris
from animagenius.pipeline.ingest.text import clean_inline, document_from

MAX_PAGES = 500
SCANNED_PAGE_WORDS = 20  # fewer words in the text layer than this: try reading the page's picture instead

ScanReader = Callable[[PageObject], list[str]]
"""Paragraphs read (by OCR) from the largest picture on a page; [] when it has none."""
SizedLine = tuple[float, str]
"""A line of text and the size (points) most of it is set in."""
PageReader = Callable[[Sequence[int]], dict[int, list[SizedLine]]]
"""The lines read (by OCR) from renderings of the given 1-based pages."""
_NUMBERED_HEADING = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+([A-Z][^.!?]{2,70})$")
_FILE_NAME_TITLE = re.compile(
    r"_|\.(?:docx?|pdf|indd|odt|pptx?|rtf|tex|qxp)\b|^Microsoft \w+ - |^untitled", re.I
)
_SITE_SUFFIX = re.compile(
    r"\s+[-–—|]\s+(?:Wikipedia|[\w ]*Encyclop\w+|Britannica|GitHub|Medium|[\w-]+\.(?:com|org|net|io))$", re.I
)
_SENTENCE_END = (".", "!", "?", ":", '."', ".”")

logging.getLogger("pypdf").setLevel(logging.CRITICAL)


def read_pdf(
    path: Path,
    *,
    max_pages: int = MAX_PAGES,
    scans: ScanReader | None = None,
    rendered: PageReader | None = None,
) -> SourceDocument:
    """`scans` reads pages that are pictures (OCR); without it such pages contribute nothing.

    A page whose text layer does not read as words (`legibility`) is read by `rendered` instead; pages that
    still do not read as words, or that cannot be read without it, are left out and listed in the
    document's `unreadable_pages`. Debris in pages that do read (glyph names, shifted words) is dropped.
    """
    reader = _open(path, max_pages=max_pages)
    try:
        pages = [(number, page, _sized_lines(page)) for number, page in enumerate(reader.pages, start=1)]
        title = _metadata_title(reader)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise CorruptFile(
            f"{path.name} is damaged and its text cannot be read ({type(error).__name__}); "
            "open it in a PDF viewer and save or export it again"
        ) from error
    verdicts = {number: legibility(_text(lines)) for number, _, lines in pages}
    unreadable = {number for number, verdict in verdicts.items() if not verdict.readable}
    read_again = rendered(sorted(unreadable)) if rendered is not None and unreadable else {}
    blocks: list[Block] = []
    left_out: list[int] = []
    for number, page, lines in pages:
        source = Provenance(file=path.name, page=number)
        if number in unreadable:
            lines = read_again.get(number, [])
            if not lines or not legibility(_text(lines)).readable:
                left_out.append(number)
                continue
        else:
            language = verdicts[number].language
            lines = [
                (size, clean) for size, text in lines if (clean := without_debris(text, language=language))
            ]
        if number == 1:
            title = title or _largest_text(lines)
        page_blocks = _page_blocks(lines, source)
        if scans is not None and number not in unreadable and _words(page_blocks) < SCANNED_PAGE_WORDS:
            page_blocks = max(page_blocks, _scanned_blocks(_scan(scans, page, path), source), key=_words)
        blocks.extend(page_blocks)
    document = document_from(blocks, name=path.name, title=title)
    pages_left_out = tuple(Provenance(file=path.name, page=number) for number in left_out)
    return document.model_copy(update={"unreadable_pages": pages_left_out})


def _scan(scans: ScanReader, page: PageObject, path: Path) -> list[str]:
    try:
        return scans(page)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise CorruptFile(
            f"{path.name} is damaged and its text cannot be read ({type(error).__name__}); "
            "open it in a PDF viewer and save or export it again"
        ) from error


def _text(lines: list[SizedLine]) -> str:
    return " ".join(text for _, text in lines)


def _open(path: Path, *, max_pages: int) -> PdfReader:
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Encrypted(f"{path.name} is password-protected; remove the password and upload it again")
        pages = len(reader.pages)
    except Encrypted:
        raise
    except (
        PdfReadError,
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        RecursionError,
    ) as error:
        raise CorruptFile(
            f"{path.name} is not a readable PDF ({_short(error)}); open it in a PDF viewer and save or "
            "export it again"
        ) from error
    if pages > max_pages:
        raise TooLarge(
            f"{path.name} has {pages} pages; your plan's limit is {max_pages} — upload the part you need"
        )
    return reader


def _short(error: Exception) -> str:
    return str(error).split("\n")[0][:80] or type(error).__name__


def _metadata_title(reader: PdfReader) -> str | None:
    """The title the PDF's metadata gives, unless it is a file name the authoring tool left there
    ("RNIAM-MODELE_DOUBLE_RATTACHT 1", "Microsoft Word - report.docx")."""
    title = reader.metadata.title if reader.metadata else None
    text = clean_inline(str(title)) if title else ""
    if len(text) <= 3 or _FILE_NAME_TITLE.search(text):
        return None
    return _SITE_SUFFIX.sub("", text)  # "PDF.js - Encyclopedia", a page printed from a browser


class _Line:
    def __init__(self) -> None:
        self.text = ""
        self.sizes: Counter[float] = Counter()

    @property
    def size(self) -> float:
        return self.sizes.most_common(1)[0][0] if self.sizes else 0.0


def _sized_lines(page: PageObject) -> list[tuple[float, str]]:
    """The page's text lines, each with the font size most of its characters are set in."""
    lines = [_Line()]

    def visit(text: str, cm: list[float], tm: list[float], font: object, font_size: float) -> None:
        size = round(font_size * (abs(tm[3]) or 1.0) * (abs(cm[3]) or 1.0), 1)
        for index, part in enumerate(text.split("\n")):
            if index:
                lines.append(_Line())
            lines[-1].text += part
            lines[-1].sizes[size] += len(part.strip())

    page.extract_text(visitor_text=visit)
    return [(line.size, clean_inline(line.text)) for line in lines if line.text.strip()]


def _largest_text(lines: list[tuple[float, str]]) -> str | None:
    if not lines:
        return None
    largest = max(size for size, _ in lines)
    body = _body_size(lines)
    if largest <= body * 1.15:
        return None
    return clean_inline(" ".join(text for size, text in lines if size == largest))[:120] or None


def _body_size(lines: list[tuple[float, str]]) -> float:
    weights: Counter[float] = Counter()
    for size, text in lines:
        weights[size] += len(text)
    return weights.most_common(1)[0][0]


def _page_blocks(lines: list[tuple[float, str]], source: Provenance) -> list[Block]:
    if not lines:
        return []
    body = _body_size(lines)
    typical = statistics.median(len(text) for _, text in lines)
    blocks: list[Block] = []
    paragraph: list[str] = []
    previous_size = 0.0

    def flush() -> None:
        if paragraph:
            blocks.append(Block(kind="paragraph", text=_join_lines(paragraph), source=source))
            paragraph.clear()

    for size, line in lines:
        continues_heading = bool(blocks) and blocks[-1].kind == "heading" and size == previous_size
        previous_size = size
        numbered = _NUMBERED_HEADING.match(line)
        larger = size >= body * 1.15 and len(line) < 100 and not line.endswith(".") and _wordy(line)
        if numbered or larger:
            flush()
            level = numbered.group(1).count(".") + 1 if numbered else 1
            text = numbered.group(2).strip() if numbered else line
            if continues_heading and not paragraph and not numbered:
                blocks[-1] = blocks[-1].model_copy(update={"text": f"{blocks[-1].text} {text}"})
            else:
                blocks.append(Block(kind="heading", text=text, level=level, source=source))
            continue
        paragraph.append(line)
        if line.endswith(_SENTENCE_END) and len(line) < 0.7 * typical:
            flush()
    flush()
    return blocks


def _wordy(line: str) -> bool:
    """Figure labels ("(a) (b)", "i2 i3 t1") are set large too; a heading has real words."""
    words = line.split()
    real = [w for w in words if sum(c.isalpha() for c in w) >= 3]
    return len(real) >= max(1, len(words) // 2)


def _words(blocks: list[Block]) -> int:
    return sum(len(block.text.split()) for block in blocks)


def _scanned_blocks(paragraphs: list[str], source: Provenance) -> list[Block]:
    return [
        Block(kind="paragraph", text=clean_inline(text), source=source) for text in paragraphs if text.strip()
    ]


def _join_lines(lines: list[str]) -> str:
    text = ""
    for line in lines:
        if text.endswith("-") and line[:1].islower():
            text = text[:-1] + line  # a word hyphenated at the line break
        elif text.endswith("-") and line[:1].isupper():
            text += line  # a compound or a name split at the break: Trace-Monkey
        else:
            text = f"{text} {line}" if text else line
    return text
