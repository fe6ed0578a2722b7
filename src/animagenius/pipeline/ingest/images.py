"""Pictures: opened defensively, turned upright, read with OCR; also the picture on a scanned PDF page."""

from __future__ import annotations

import hashlib
import os
import re
import statistics
import struct
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from PIL import Image, ImageOps, UnidentifiedImageError
from PIL.Image import ImagePointTransform
from pypdf import PageObject
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.generic import DictionaryObject

from animagenius.pipeline.domain import Block, MediaInfo, Provenance, SourceDocument
from animagenius.pipeline.errors import CorruptFile, TooLarge, UnsupportedFormat
from animagenius.pipeline.providers.protocols import OCR, OcrLine, OcrResult

DEFAULT_MAX_PIXELS = 40_000_000
MAX_COPY_SIDE = 4096  # long side of the copy kept as a visual: room for a Ken Burns zoom in a 1080p frame
# Only formats decoded in-process. Pillow would hand EPS to Ghostscript, and uploads are never executed.
FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP")  # JPEG includes MPO (phone photos)
SUPPORTED = "JPEG, PNG, WebP, GIF, TIFF or BMP"
_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM")
_WIDE_MODES = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N", "F"})
# what Pillow's decoders raise on damaged data (SyntaxError: PNG checksums; struct.error: short headers)
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError, struct.error)
_PDF_ERRORS = (PyPdfError, *_DECODE_ERRORS, AttributeError, RecursionError, NotImplementedError)
# A gap this share of a row's height beyond the usual one between rows starts a paragraph. Measured on drawn
# scans: lines of a paragraph sit within ±0.1 of the usual gap, paragraphs (one blank line) ~0.6 beyond it.
_PARAGRAPH_GAP = 0.35
_CAPTION_CHARS = 160
_TITLE_CHARS = 80


# ---------------------------------------------------------------- opening


def open_image_safely(path: Path, *, max_pixels: int) -> Image.Image:
    """The picture's first frame as RGB, turned upright by its EXIF orientation, transparency on white.

    Its `format` attribute keeps the source format ("JPEG", "PNG", …). Raises `TooLarge` above `max_pixels`
    before any pixel is decoded, `CorruptFile` for damaged data, `UnsupportedFormat` for anything else.
    """
    try:
        with _pixel_limit(max_pixels):
            with Image.open(path, formats=FORMATS) as probe:
                _check_pixels(probe.size, path, max_pixels)
                probe.verify()
            with Image.open(path, formats=FORMATS) as image:
                image.load()
                source_format = image.format
                picture = _to_rgb(ImageOps.exif_transpose(image))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise TooLarge(_too_large_message(path, str(error), max_pixels)) from None
    except UnidentifiedImageError:
        raise _unidentified(path) from None
    except FileNotFoundError:
        raise UnsupportedFormat(f"{path.name}: file not found") from None
    except _DECODE_ERRORS as error:
        raise CorruptFile(
            f"{path.name} is a damaged picture ({_reason(error)}); open it in an image editor, save it again "
            "and upload the new file"
        ) from None
    picture.format = source_format
    return picture


@contextmanager
def _pixel_limit(max_pixels: int) -> Iterator[None]:
    """Pillow's bomb check at our limit, its warning an error: it also guards GIF frames and TIFF tiles."""
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def _check_pixels(size: tuple[int, int], path: Path, max_pixels: int) -> None:
    # Pillow checks too, but its limit is process-wide; this check holds whatever another thread sets
    width, height = size
    if width * height > max_pixels:
        raise TooLarge(
            f"{path.name} is {width:,} × {height:,} pixels ({width * height:,}); the limit is {max_pixels:,} "
            "pixels — scale it down and upload it again"
        )


def _too_large_message(path: Path, detail: str, max_pixels: int) -> str:
    found = re.search(r"\((\d+) pixels\)", detail)
    size = f"{int(found[1]):,} pixels" if found else f"more than {max_pixels:,} pixels"
    return f"{path.name} is {size}; the limit is {max_pixels:,} pixels — scale it down and upload it again"


def _unidentified(path: Path) -> CorruptFile | UnsupportedFormat:
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return CorruptFile(
            f"{path.name} starts like a picture but its data is damaged; export it again and upload the "
            "new file"
        )
    return UnsupportedFormat(f"{path.name} is not a picture we can read; upload {SUPPORTED}")


def _reason(error: BaseException) -> str:
    return str(error).split("\n")[0][:80] or type(error).__name__


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in _WIDE_MODES:
        image = _wide_to_grey(image)
    if "A" in image.getbands() or "a" in image.getbands() or "transparency" in image.info:
        rgba = image.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    return image.convert("RGB")


def _wide_to_grey(image: Image.Image) -> Image.Image:
    """16/32-bit greyscale (scanners, TIFF) scaled to 8 bits; a plain convert would clip it all to white."""
    grey = image if image.mode == "F" else image.convert("I")
    high = float(grey.getextrema()[1])  # type: ignore[arg-type]
    full_scale = 255.0 if high <= 255 else 65535.0 if high <= 65535 else high
    scale = 255 / full_scale

    def stretch(value: ImagePointTransform) -> ImagePointTransform:
        return value * scale

    return grey.point(stretch).convert("L")


# ---------------------------------------------------------------- colours


def dominant_colours(image: Image.Image, n: int = 5) -> tuple[str, ...]:
    """The `n` most common colours as "#rrggbb", most common first (median cut of a small sample)."""
    # nearest-neighbour sampling keeps real colours: smoothing would invent blends at every edge
    scale = min(1.0, 96 / max(image.size))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    sample = image.convert("RGB").resize(size, Image.Resampling.NEAREST)
    quantized = sample.quantize(colors=n, method=Image.Quantize.MEDIANCUT)
    palette = quantized.getpalette() or []
    # a palette image counts palette indexes
    counts = cast(list[tuple[int, int]], quantized.getcolors() or [])
    ranked = [index for _, index in sorted(counts, reverse=True)]
    return tuple("#{:02x}{:02x}{:02x}".format(*palette[index * 3 : index * 3 + 3]) for index in ranked)


# ---------------------------------------------------------------- image files


def read_image(
    path: Path, *, ocr: OCR, assets_dir: Path, max_pixels: int = DEFAULT_MAX_PIXELS
) -> SourceDocument:
    """A picture as a document: a `figure` block showing a normalised copy, then the text read from it."""
    picture = open_image_safely(path, max_pixels=max_pixels)
    copy = _save_copy(picture, source=path, assets_dir=assets_dir)
    try:
        paragraphs = ocr_paragraphs(ocr.read(copy))
    except BaseException:
        copy.unlink(missing_ok=True)  # no half-written project: the copy goes with the failure
        raise
    source = Provenance(file=path.name)
    figure = Block(kind="figure", text=_caption(paragraphs, path), image=copy, source=source)
    text_blocks = [Block(kind="paragraph", text=paragraph, source=source) for paragraph in paragraphs]
    with Image.open(copy) as saved:
        width, height = saved.size
    return SourceDocument(
        title=_shorten(paragraphs[0], _TITLE_CHARS) if paragraphs else _humanise(path.stem),
        blocks=(figure, *text_blocks),
        media=(MediaInfo(path=copy, kind="image", width=width, height=height),),
    )


def _save_copy(picture: Image.Image, *, source: Path, assets_dir: Path) -> Path:
    """Photos stay JPEG, the rest becomes PNG (sharp text and lines). Named by content, written whole."""
    photo = picture.format in ("JPEG", "MPO")
    if max(picture.size) > MAX_COPY_SIDE:
        picture = ImageOps.contain(picture, (MAX_COPY_SIDE, MAX_COPY_SIDE), Image.Resampling.LANCZOS)
    with source.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()[:12]
    assets_dir.mkdir(parents=True, exist_ok=True)
    target = assets_dir / f"{_slug(source.stem)}-{digest}.{'jpg' if photo else 'png'}"
    partial = target.with_name(f".{target.name}.part")
    try:
        if photo:
            picture.save(partial, format="JPEG", quality=90, optimize=True)
        else:
            picture.save(partial, format="PNG")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _slug(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:40] or "image"


def _humanise(stem: str) -> str:
    return re.sub(r"[_\s-]+", " ", stem).strip() or "Picture"


def _caption(paragraphs: Sequence[str], path: Path) -> str:
    return _shorten(" ".join(paragraphs), _CAPTION_CHARS) if paragraphs else _humanise(path.stem)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + "…"


# ---------------------------------------------------------------- OCR layout


def text_rows(lines: Sequence[OcrLine]) -> list[tuple[OcrLine, ...]]:
    """The lines grouped into visual rows, top row first, each left to right.

    A line joins the row above when its middle lies within the height of that row's first line.
    """
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda item: (item.box[1] + item.box[3]) / 2):
        middle = (line.box[1] + line.box[3]) / 2
        if rows and rows[-1][0].box[1] <= middle <= rows[-1][0].box[3]:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [tuple(sorted(row, key=lambda item: item.box[0])) for row in rows]


def reading_order(lines: Sequence[OcrLine]) -> tuple[OcrLine, ...]:
    """Top to bottom, left to right within a row."""
    return tuple(line for row in text_rows(lines) for line in row)


def ocr_paragraphs(result: OcrResult) -> list[str]:
    """The recognised text as paragraphs, split where the space between rows is clearly larger."""
    rows = text_rows(result.lines)
    if not rows:
        return []
    spans = [(min(line.box[1] for line in row), max(line.box[3] for line in row)) for row in rows]
    # negative where boxes overlap: detected boxes are padded, so the lines of a paragraph overlap a little
    gaps = [top - above for (top, _), (_, above) in zip(spans[1:], spans, strict=False)]
    breaks = {index + 1 for index, gap in enumerate(gaps) if gap > _paragraph_gap(spans, gaps)}
    paragraphs: list[list[str]] = []
    for index, row in enumerate(rows):
        if index == 0 or index in breaks:
            paragraphs.append([])
        paragraphs[-1].append(" ".join(line.text for line in row))
    return [_join_lines(lines) for lines in paragraphs]


def _paragraph_gap(spans: Sequence[tuple[float, float]], gaps: Sequence[float]) -> float:
    """Space between rows that starts a new paragraph: clearly more than between the lines of one."""
    typical_height = statistics.median(bottom - top for top, bottom in spans)
    typical_gap = statistics.median(gaps) if gaps else 0.0
    return typical_gap + _PARAGRAPH_GAP * typical_height


def _join_lines(lines: Sequence[str]) -> str:
    text = ""
    for line in lines:
        if re.search(r"[A-Za-z]-$", text) and line[:1].islower():
            text = text[:-1] + line  # a word hyphenated across the line break
        else:
            text = f"{text} {line}" if text else line
    return " ".join(text.split())


# ---------------------------------------------------------------- scanned PDF pages


def ocr_pdf_page_images(
    page: PageObject, *, ocr: OCR, workdir: Path, name: str, max_pixels: int = DEFAULT_MAX_PIXELS
) -> list[str]:
    """Paragraphs of text in the largest picture on a (scanned) PDF page; [] when it has no picture.

    `name` is the PDF's file name, for messages. The picture is written under `workdir` only while it is read.
    """
    picture = _largest_page_picture(page, name=name, max_pixels=max_pixels)
    if picture is None:
        return []
    picture = _to_rgb(picture).rotate(-page.rotation, expand=True)  # /Rotate turns the page clockwise
    if max(picture.size) > MAX_COPY_SIDE:
        picture = ImageOps.contain(picture, (MAX_COPY_SIDE, MAX_COPY_SIDE), Image.Resampling.LANCZOS)
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=workdir, prefix="ocr-") as scratch:
        scan = Path(scratch) / "page.png"
        picture.save(scan, format="PNG", compress_level=1)
        return ocr_paragraphs(ocr.read(scan))


def _largest_page_picture(page: PageObject, *, name: str, max_pixels: int) -> Image.Image | None:
    try:
        # keys(), because iterating over page.images would decode every picture
        sizes = [(key, _declared_size(page, key)) for key in page.images.keys()]  # noqa: SIM118
        known = [(key, size) for key, size in sizes if size is not None]
        if not known:
            return None
        key, (width, height) = max(known, key=lambda item: item[1][0] * item[1][1])
        if width * height > max_pixels:
            raise TooLarge(
                f"{name}: the scanned picture on {_page_label(page)} is {width:,} × {height:,} pixels; the "
                f"limit is {max_pixels:,} pixels — scan it at a lower resolution and upload it again"
            )
        with _pixel_limit(max_pixels):
            picture = page.images[key].image
            if picture is not None:
                picture.load()  # JPEG scans come back undecoded: decode here, under the limit and the guard
            return picture
    except (LimitReachedError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise TooLarge(
            f"{name}: the scanned picture on {_page_label(page)} is too large to read ({_reason(error)}); "
            "scan it at a lower resolution and upload it again"
        ) from None
    except _PDF_ERRORS as error:
        raise CorruptFile(
            f"{name}: the scanned picture on {_page_label(page)} is damaged ({_reason(error)}); "
            "open the PDF in a viewer, save or export it again and upload the new file"
        ) from None


def _declared_size(page: PageObject, key: str | list[str]) -> tuple[int, int] | None:
    """Width and height an image XObject declares, read before anything is decoded."""
    path = [key] if isinstance(key, str) else list(key)
    if path[-1].startswith("~"):
        return None  # inline images: small by the PDF spec's advice, and never the scan itself
    holder: DictionaryObject = page
    for step in path:
        xobjects = cast(DictionaryObject, cast(DictionaryObject, holder["/Resources"])["/XObject"])
        holder = cast(DictionaryObject, xobjects[step].get_object())
    width, height = int(holder.get("/Width", 0)), int(holder.get("/Height", 0))
    return (width, height) if width > 0 and height > 0 else None


def _page_label(page: PageObject) -> str:
    number = page.page_number
    return f"page {number + 1}" if number is not None else "a page"
