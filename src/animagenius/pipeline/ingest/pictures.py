"""Which pictures in a document are content worth showing, and the copies kept of them.

Every reader (PDF, Word, PowerPoint, HTML) asks the same questions of a picture it finds: is it an icon, a
rule, a blank fill, or a decoration repeated on most pages? What is left becomes a `figure` block whose text
(its caption, else the text nearest to it) lets the planner match it to the narration.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, ImageStat

from animagenius.pipeline.domain import Block

MIN_SIDE_PX = 48  # narrower than this, a picture is an icon, a bullet or a tracking pixel; a logo's
MIN_PIXELS = 64 * 64  # badge (140 × 56) is not, and smaller in all than 64 × 64 is an icon again
MAX_ASPECT = 8.0  # longer than this many times its width: a rule, a divider or a banner strip
MIN_STDDEV = 6.0  # grey levels: below it the picture is a flat fill, a blank or a faint background
MIN_ENTROPY = 0.5  # bits: a blank with a few specks; a one-colour logo on white measures ~1 bit
MIN_PAGE_SHARE = 0.01  # of the page (or slide) area: smaller pictures are icons whatever their pixels
BACKGROUND_SHARE = 0.9  # of the page area: a picture this large behind text is the page's background
DECORATION_UNITS = 3  # a picture on at least this many pages (or slides) ...
DECORATION_SHARE = 0.5  # ... and on at least this share of them is decoration: a logo, a letterhead
MAX_SIDE_PX = 2048  # long side of a kept copy: sharp in a 1080p frame, with room to zoom in
MAX_NEARBY_CHARS = 160  # a figure's text is for matching it to narration: a sentence, not a section
EXCERPT_WORDS = 12  # words of a nearby sentence a picture without a caption is named by
_FINGERPRINT_SIDE = 16
_KEPT_AS_IS = {"PNG": ".png", "JPEG": ".jpg"}
_NEARBY_KINDS = frozenset({"heading", "paragraph", "list_item", "quote"})


def rejection(image: Image.Image, *, page_share: float | None = None) -> str | None:
    """Why the picture is not content ("icon", "rule", "blank"), or None when it is worth showing.

    `page_share` is the share of its page or slide the picture covers, when the reader knows it.
    """
    width, height = image.size
    if min(width, height) < MIN_SIDE_PX or width * height < MIN_PIXELS:
        return "icon"
    if max(width, height) > MAX_ASPECT * min(width, height):
        return "rule"
    if page_share is not None and page_share < MIN_PAGE_SHARE:
        return "icon"
    sample = _grey_sample(image)
    if ImageStat.Stat(sample).stddev[0] < MIN_STDDEV or sample.entropy() < MIN_ENTROPY:
        return "blank"
    return None


def _grey_sample(image: Image.Image) -> Image.Image:
    """A small greyscale copy, transparency laid on white (a transparent logo is not a black square)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    sample = image.convert("L")
    sample.thumbnail((128, 128))
    return sample


def fingerprint(image: Image.Image) -> str:
    """Alike for the same picture however it was encoded or scaled; different for different pictures."""
    small = _grey_sample(image).resize((_FINGERPRINT_SIDE, _FINGERPRINT_SIDE), Image.Resampling.BILINEAR)
    levels = bytes(value >> 5 for value in small.tobytes())
    shape = round(math.log2(image.width / image.height), 1)
    return hashlib.sha1(levels + str(shape).encode()).hexdigest()[:16]


def without_repeats(blocks: Sequence[Block], *, unit: Callable[[Block], int | None]) -> list[Block]:
    """Figures whose picture was seen before are dropped; a picture on most pages (or slides) is dropped
    everywhere, as decoration. `unit` says which page or slide a block is on (None: a document without
    pages, where only the first occurrence is kept)."""
    prints: dict[int, str] = {}
    units_of: dict[str, set[int]] = {}
    for index, block in enumerate(blocks):
        found = _file_fingerprint(block)
        if found is not None:
            prints[index] = found
            place = unit(block)
            units_of.setdefault(found, set()).add(index if place is None else place)
    all_units = {unit(block) for block in blocks} - {None}
    decoration = {
        found
        for found, places in units_of.items()
        if all_units
        and len(places) >= DECORATION_UNITS
        and len(places & all_units) >= DECORATION_SHARE * len(all_units)
    }
    kept: list[Block] = []
    seen: set[str] = set()
    for index, block in enumerate(blocks):
        found = prints.get(index)
        if found is not None and (found in decoration or found in seen):
            continue
        if found is not None:
            seen.add(found)
        kept.append(block)
    return kept


def _file_fingerprint(block: Block) -> str | None:
    if block.kind != "figure" or block.image is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(block.image) as image:
                image.draft("L", (64, 64))  # JPEG decodes at a fraction of its size
                return fingerprint(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None


@dataclass(frozen=True)
class SavedPicture:
    path: Path | None  # None: not written (no assets folder) or a format we cannot show (EMF, SVG, too large)
    content: bool  # False for an icon, a rule or a blank fill: not worth a figure


def save_blob(
    blob: bytes, *, assets_dir: Path | None, max_pixels: int, stem: str, page_share: float | None = None
) -> SavedPicture:
    """A picture that is content, written under its content hash: PNG and JPEG as they are (unless huge),
    other formats converted. `page_share` is the share of the slide or page it covers, when known."""
    image = open_blob(blob, max_pixels=max_pixels)
    if image is None:
        return SavedPicture(None, content=True)  # undecodable here, but its alt text may still say something
    with image:
        if rejection(image, page_share=page_share) is not None:
            return SavedPicture(None, content=False)
        if assets_dir is None:
            return SavedPicture(None, content=True)
        suffix = kept_format(image.format)
        if suffix is not None and max(image.size) <= MAX_SIDE_PX:
            written = write_asset(blob, assets_dir=assets_dir, stem=stem, suffix=suffix)
            return SavedPicture(written, content=True)
        photo = image.format == "JPEG"
        return SavedPicture(save_picture(image, assets_dir=assets_dir, stem=stem, photo=photo), content=True)


def save_picture(image: Image.Image, *, assets_dir: Path, stem: str, photo: bool) -> Path:
    """A copy at most MAX_SIDE_PX on its long side, photos as JPEG, the rest as PNG (sharp lines and text),
    named by its content and written whole."""
    if max(image.size) > MAX_SIDE_PX:
        image = ImageOps.contain(image, (MAX_SIDE_PX, MAX_SIDE_PX), Image.Resampling.LANCZOS)
    image = _flattened(image) if photo else image
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    buffer = io.BytesIO()
    if photo:
        image.save(buffer, format="JPEG", quality=88, optimize=True)
    else:
        image.save(buffer, format="PNG", compress_level=3)
    data = buffer.getvalue()
    return write_asset(data, assets_dir=assets_dir, stem=stem, suffix=".jpg" if photo else ".png")


def write_asset(data: bytes, *, assets_dir: Path, stem: str, suffix: str) -> Path:
    """The bytes written under `stem-<content hash><suffix>`, atomically; an existing copy is reused."""
    assets_dir.mkdir(parents=True, exist_ok=True)
    target = assets_dir / f"{_slug(stem)}-{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
    if target.exists():
        return target
    partial = target.with_name(f".{target.name}.part")
    try:
        partial.write_bytes(data)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def kept_format(image_format: str | None) -> str | None:
    """The suffix a picture of this format keeps when its bytes are copied unchanged; None: convert it."""
    return _KEPT_AS_IS.get(image_format or "")


def _flattened(image: Image.Image) -> Image.Image:
    if "A" in image.getbands() or "transparency" in image.info:
        rgba = image.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    return image.convert("RGB")


def is_photo(image: Image.Image) -> bool:
    """Many distinct colours and no transparency: JPEG keeps it small; drawings and screenshots stay PNG."""
    if "A" in image.getbands() or "transparency" in image.info:
        return False
    sample = image.convert("RGB")
    sample.thumbnail((96, 96))
    colours = sample.getcolors(maxcolors=96 * 96)
    return colours is None or len(colours) > 2000


def _slug(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:40] or "picture"


def short_text(text: str, limit: int = MAX_NEARBY_CHARS) -> str:
    """The text's first sentence, or its beginning cut at a word, within `limit` characters."""
    text = " ".join(text.split())
    sentence = re.match(r"(.{20,}?[.!?])(?:\s|$)", text)
    if sentence and len(sentence.group(1)) <= limit:
        return sentence.group(1)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + "…"


def excerpt(text: str, words: int = EXCERPT_WORDS) -> str:
    """The opening words of a sentence borrowed from the prose near a picture, always cut short and ending in
    "…": the script leaves figure captions out of the narration (`script/candidates.py`), and a borrowed
    sentence must still be narrated, so an excerpt never equals the sentence it comes from."""
    parts = " ".join(text.split()).split(" ")
    kept = parts[: max(1, min(words, len(parts) - 1))]
    return " ".join(kept).rstrip(" ,;:.!?") + "…"


def with_nearby_text(blocks: Sequence[Block], *, same_unit: Callable[[Block, Block], bool]) -> list[Block]:
    """Figures without a caption get an excerpt of the block just before them (else just after), when that
    block is in the same unit (page, slide) — so a picture can be matched to what is said near it."""
    found = list(blocks)
    for index, block in enumerate(found):
        if block.kind != "figure" or block.text or block.image is None:
            continue
        before = next((b for b in reversed(found[:index]) if b.kind != "figure"), None)
        after = next((b for b in found[index + 1 :] if b.kind != "figure"), None)
        for other in (before, after):
            if other is not None and other.kind in _NEARBY_KINDS and other.text and same_unit(block, other):
                found[index] = block.model_copy(update={"text": excerpt(other.text)})
                break
    return found


def open_blob(blob: bytes, *, max_pixels: int) -> Image.Image | None:
    """A picture from bytes, decoded only when its declared size is within `max_pixels`; None otherwise or
    when it is damaged or of a format we do not decode (EMF, WMF, SVG, EPS never reach a decoder)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(blob), formats=["PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP"])
            if image.width * image.height > max_pixels:
                return None
            image.load()
            return image
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError, Warning):
        return None
