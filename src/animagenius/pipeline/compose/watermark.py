"""The AnimaGenius mark the free tier's videos carry in their top right corner."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from animagenius.pipeline.domain import Aspect
from animagenius.pipeline.visuals import Layout, font_of

MARK_TEXT = "AnimaGenius"
HEIGHT_OF_SHORT_SIDE = 0.036  # the letters' size: readable at 720p, small beside the slide's own text


def watermark_image(frame_size: tuple[int, int], out: Path) -> Path:
    """A transparent PNG of the mark (white, slightly see-through, on a soft shadow) for `frame_size`."""
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
    mark.save(out)
    return out


def watermark_offset(frame_size: tuple[int, int]) -> tuple[int, int]:
    """Pixels from the right edge and from the top to the mark: on the slides' header row, opposite the
    scene counter, where no slide puts its text."""
    margin = Layout.for_frame(frame_size, Aspect.LANDSCAPE).margin
    return margin, margin
