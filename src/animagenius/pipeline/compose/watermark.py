"""What the top right corner of a video carries: the person's logo (brand kit), the AnimaGenius mark (the
free tier), both side by side, or nothing."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from animagenius.pipeline.video import Aspect, CaptionPosition
from animagenius.pipeline.visuals.layout import font_of
from animagenius.pipeline.visuals.zones import frame_zones

MARK_TEXT = "AnimaGenius"
HEIGHT_OF_SHORT_SIDE = 0.036  # the letters' size: readable at 720p, small beside the slide's own text
LOGO_HEIGHT_OF_SHORT_SIDE = 0.06
LOGO_MAX_WIDTH_OF_FRAME = 0.22


def corner_image(frame_size: tuple[int, int], *, logo: Path | None, mark: bool, out: Path) -> Path | None:
    """A transparent PNG of the logo and/or the mark for `frame_size`, logo first; None for neither."""
    parts = [part for part in (_logo(logo, frame_size) if logo else None, _mark(frame_size) if mark else None)
             if part is not None]  # fmt: skip
    if not parts:
        return None
    gap = round(min(frame_size) * 0.02)
    width = sum(part.width for part in parts) + gap * (len(parts) - 1)
    height = max(part.height for part in parts)
    corner = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    x = 0
    for part in parts:
        corner.alpha_composite(part, (x, (height - part.height) // 2))
        x += part.width + gap
    corner.save(out)
    return out


def _logo(path: Path, frame_size: tuple[int, int]) -> Image.Image:
    """The logo at the header row's height (narrower if very wide), as it is: no shadow on a brand."""
    with Image.open(path) as source:
        logo = source.convert("RGBA")
    height = round(min(frame_size) * LOGO_HEIGHT_OF_SHORT_SIDE)
    width = min(round(logo.width * height / logo.height), round(frame_size[0] * LOGO_MAX_WIDTH_OF_FRAME))
    height = round(logo.height * width / logo.width)
    return logo.resize((max(1, width), max(1, height)), Image.Resampling.LANCZOS)


def _mark(frame_size: tuple[int, int]) -> Image.Image:
    """The AnimaGenius mark: white, slightly see-through, on a soft shadow, readable on any still."""
    unit = min(frame_size)
    font = font_of(max(12, round(unit * HEIGHT_OF_SHORT_SIDE)), 700)
    left, top, right, bottom = (round(edge) for edge in font.getbbox(MARK_TEXT))
    blur = max(2, unit // 360)
    size = (right - left + 4 * blur, bottom - top + 4 * blur)
    origin = (2 * blur - left, 2 * blur - top)
    shadow = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(shadow).text(origin, MARK_TEXT, font=font, fill=(0, 0, 0, 230))
    mark = shadow.filter(ImageFilter.GaussianBlur(blur))
    ImageDraw.Draw(mark).text(origin, MARK_TEXT, font=font, fill=(255, 255, 255, 215))
    return mark


def corner_offset(
    frame_size: tuple[int, int], aspect: Aspect, captions_at: CaptionPosition = "bottom"
) -> tuple[int, int]:
    """Pixels from the right edge and from the top to the corner image: on the slides' header row,
    opposite the scene counter, where no slide puts its text (below a phone app's header at 9:16, below
    the captions when they are at the top)."""
    content = frame_zones(frame_size, aspect, captions_at).content
    return frame_size[0] - content.right, content.top
