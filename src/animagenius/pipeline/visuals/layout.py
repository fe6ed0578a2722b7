"""The frame a scene is drawn in: its size, margins and the zone kept for captions, the typeface, and the
pieces every scene kind shares (background, header, title)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from animagenius.pipeline.domain import Scene
from animagenius.pipeline.video import Aspect, CaptionPosition
from animagenius.pipeline.visuals.themes import DARK, Theme
from animagenius.pipeline.visuals.typeset import truncate, wrap
from animagenius.pipeline.visuals.zones import Box, Zones, frame_zones


def font_file() -> Path:
    import fontpkg

    return Path(fontpkg.path("inter", 400))


def font_dir() -> Path:
    return font_file().parent


@functools.lru_cache(maxsize=64)
def font_of(size: int, weight: int) -> ImageFont.FreeTypeFont:
    """Inter at `size` pixels and `weight` (100-900), optical size set for display or text."""
    font = ImageFont.truetype(str(font_file()), size)
    font.set_variation_by_axes([32 if size > 40 else 14, weight])
    return font


@functools.lru_cache(maxsize=64)
def _brand_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@dataclass(frozen=True)
class Layout:
    """A frame to draw a scene in: content goes inside `zones.content` only; `zones.captions` is the
    captions'. Text is never smaller than `zones.body_min` (titles `zones.title_min`)."""

    width: int
    height: int
    zones: Zones
    aspect: Aspect = Aspect.LANDSCAPE
    theme: Theme = DARK
    font: Path | None = None  # the brand's typeface (one style, any weight asked is drawn in it); None: Inter

    @classmethod
    def for_frame(
        cls,
        size: tuple[int, int],
        aspect: Aspect,
        theme: Theme = DARK,
        font: Path | None = None,
        captions_at: CaptionPosition = "bottom",
    ) -> Layout:
        width, height = size
        zones = frame_zones(size, aspect, captions_at)
        return cls(width, height, zones=zones, aspect=aspect, theme=theme, font=font)

    def typeface(self, size: int, weight: int) -> ImageFont.FreeTypeFont:
        return _brand_font(str(self.font), size) if self.font is not None else font_of(size, weight)

    @property
    def content(self) -> Box:
        return self.zones.content

    @property
    def margin(self) -> int:
        """Where text starts on the left."""
        return self.zones.content.left

    @property
    def text_width(self) -> int:
        return self.zones.content.width

    @property
    def unit(self) -> int:
        return min(self.width, self.height)

    @property
    def content_top(self) -> int:
        return self.zones.content.top

    @property
    def content_bottom(self) -> int:
        return self.zones.content.bottom

    @property
    def body_min(self) -> int:
        return self.zones.body_min

    @property
    def title_min(self) -> int:
        return self.zones.title_min


def header(draw: ImageDraw.ImageDraw, *, number: int, total: int, layout: Layout) -> int:
    """The scene counter and accent rule; returns the y where content starts."""
    unit, theme = layout.unit, layout.theme
    x, y = layout.margin, layout.content_top
    draw.text(
        (x, y),
        f"{number:02d} / {total:02d}",
        font=layout.typeface(round(unit * 0.028), 600),
        fill=theme.muted,
    )
    y += round(unit * 0.07)
    draw.rectangle((x, y, x + round(unit * 0.08), y + max(4, unit // 160)), fill=theme.accent)
    return y + round(unit * 0.05)


def titled(
    scene: Scene, *, number: int, total: int, layout: Layout
) -> tuple[Image.Image, ImageDraw.ImageDraw, int]:
    """A still with its background, header and the scene's title; and the y where the content goes."""
    image = background(layout)
    draw = ImageDraw.Draw(image)
    y = header(draw, number=number, total=total, layout=layout)
    return image, draw, title_lines(draw, scene.title, y=y, layout=layout, size=layout.title_min)


def title_lines(draw: ImageDraw.ImageDraw, title: str, *, y: int, layout: Layout, size: int) -> int:
    """The title above a picture or table: two lines at most, the second ending in … if it goes on."""
    font = layout.typeface(size, layout.theme.title_weight)
    for line in clipped(wrap(title, font, layout.text_width), font, layout.text_width, max_lines=2):
        draw.text((layout.margin, y), line, font=font, fill=layout.theme.title)
        y += round(size * 1.18)
    return y + round(size * 0.4)


def clipped(lines: list[str], font: ImageFont.FreeTypeFont, width: int, *, max_lines: int) -> list[str]:
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    kept[-1] = truncate(f"{kept[-1]} …", font, width, force=True)
    return kept


def background(layout: Layout) -> Image.Image:
    top, bottom = layout.theme.background_top, layout.theme.background_bottom
    column = Image.new("RGB", (1, layout.height))
    for row in range(layout.height):
        mix = row / max(1, layout.height - 1)
        column.putpixel((0, row), tuple(round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True)))
    return column.resize((layout.width, layout.height))
