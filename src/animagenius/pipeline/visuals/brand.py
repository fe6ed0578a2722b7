"""A person's brand kit on their videos: an accent colour, a typeface for the slides, a logo in the corner.

Files are checked when they are handed in, so a bad one is refused with the reason before any render.
"""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image, ImageFont, UnidentifiedImageError

from animagenius.pipeline.errors import CorruptFile, TooLarge, UnsupportedFormat

FONT_SUFFIXES = (".ttf", ".otf")
MAX_FONT_BYTES = 10 * 2**20
MAX_LOGO_BYTES = 5 * 2**20
MAX_LOGO_PIXELS = 4096 * 4096
LOGO_FORMATS = ("PNG", "JPEG", "WEBP")
LOGO_FILES = {"PNG": ("image/png", ".png"), "JPEG": ("image/jpeg", ".jpg"), "WEBP": ("image/webp", ".webp")}
"""Each logo format's media type and file extension: a logo is stored and served as what its bytes are."""
LOGO_HEAD_BYTES = 12
HEX_COLOUR = re.compile(r"^#?([0-9a-fA-F]{6})$")
SAMPLE = "Brand kit: The quick brown fox 0123456789"


def colour_parse(text: str) -> tuple[int, int, int]:
    """ "#1a2b3c" or "1a2b3c" → (26, 43, 60); anything else raises UnsupportedFormat."""
    match = HEX_COLOUR.match(text.strip())
    if match is None:
        raise UnsupportedFormat(f"{text!r} is not a colour; give it as six hex digits, e.g. #2563eb")
    value = match.group(1)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def font_check(path: Path, *, name: str = "") -> None:
    """A TrueType or OpenType font that draws Latin letters and digits; else a specific InputError."""
    shown = name or path.name
    if path.suffix.lower() not in FONT_SUFFIXES:
        raise UnsupportedFormat(f"{shown} is not a font file; upload a .ttf or .otf font")
    if path.stat().st_size > MAX_FONT_BYTES:
        raise TooLarge(
            f"{shown} is larger than {MAX_FONT_BYTES // 2**20} MB; upload the font's regular style"
        )
    try:
        font = ImageFont.truetype(str(path), 48)
        missing = [character for character in "Aa0" if font.getbbox(character)[2] <= 0]
    except OSError:
        raise CorruptFile(
            f"{shown} could not be read as a TrueType or OpenType font; upload another"
        ) from None
    if missing or font.getlength(SAMPLE) <= 0:
        raise UnsupportedFormat(f"{shown} has no Latin letters or digits to set slide text in")


def logo_format(head: bytes) -> str | None:
    """PNG, JPEG or WEBP, from a logo's first LOGO_HEAD_BYTES bytes; None if they are none of these."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def logo_check(path: Path, *, name: str = "") -> None:
    """A PNG, JPEG or WebP picture of sane size; else a specific InputError."""
    shown = name or path.name
    if path.stat().st_size > MAX_LOGO_BYTES:
        raise TooLarge(f"{shown} is larger than {MAX_LOGO_BYTES // 2**20} MB; upload a smaller logo")
    try:
        with Image.open(path) as image:
            if image.format not in LOGO_FORMATS:
                raise UnsupportedFormat(
                    f"{shown} is a {image.format} picture; upload the logo as PNG, JPEG or WebP"
                )
            if image.width * image.height > MAX_LOGO_PIXELS:
                raise TooLarge(
                    f"{shown} is {image.width}×{image.height} pixels; a logo of 2000 pixels or less is plenty"
                )
            image.load()
    except Image.DecompressionBombError:
        raise TooLarge(
            f"{shown} declares far too many pixels; a logo of 2000 pixels or less is plenty"
        ) from None
    except UnidentifiedImageError:
        raise UnsupportedFormat(f"{shown} is not a picture; upload the logo as PNG, JPEG or WebP") from None
    except OSError:
        raise CorruptFile(f"{shown} is damaged and could not be read; upload it again") from None
