"""Typographic slides: one designed still per scene, laid out for the frame's aspect ratio."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from animagenius.pipeline.domain import Aspect, Scene

BACKGROUND_TOP = (17, 24, 39)
BACKGROUND_BOTTOM = (49, 46, 129)
ACCENT = (129, 140, 248)
TITLE_COLOUR = (255, 255, 255)
BODY_COLOUR = (224, 231, 255)
MUTED_COLOUR = (165, 180, 252)


def font_file() -> Path:
    import fontpkg

    return Path(fontpkg.path("inter", 400))


def font_dir() -> Path:
    return font_file().parent


@functools.lru_cache(maxsize=64)
def _font(size: int, weight: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(str(font_file()), size)
    font.set_variation_by_axes([32 if size > 40 else 14, weight])
    return font


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    margin: int
    caption_band: int  # bottom pixels kept free for burned-in captions

    @classmethod
    def for_frame(cls, size: tuple[int, int], aspect: Aspect) -> Layout:
        width, height = size
        band = {Aspect.LANDSCAPE: 0.22, Aspect.SQUARE: 0.24, Aspect.PORTRAIT: 0.32}[aspect]
        return cls(width, height, margin=round(min(size) * 0.08), caption_band=round(height * band))

    @property
    def text_width(self) -> int:
        return self.width - 2 * self.margin


def render_slide(scene: Scene, *, number: int, total: int, layout: Layout, out: Path) -> Path:
    image = _gradient(layout.width, layout.height)
    draw = ImageDraw.Draw(image)
    unit = min(layout.width, layout.height)
    x, y = layout.margin, layout.margin

    counter = _font(round(unit * 0.028), 600)
    draw.text((x, y), f"{number:02d} / {total:02d}", font=counter, fill=MUTED_COLOUR)
    y += round(unit * 0.07)
    draw.rectangle((x, y, x + round(unit * 0.08), y + max(4, unit // 160)), fill=ACCENT)
    y += round(unit * 0.05)

    available = layout.height - layout.caption_band - y
    title_size, bullet_size = _fit(scene, layout, available)
    title_font = _font(title_size, 750)
    for line in _wrap(scene.title, title_font, layout.text_width):
        draw.text((x, y), line, font=title_font, fill=TITLE_COLOUR)
        y += round(title_size * 1.18)
    y += round(title_size * 0.5)

    bullet_font = _font(bullet_size, 450)
    indent = round(bullet_size * 1.1)
    for bullet in scene.bullets:
        dot = round(bullet_size * 0.22)
        centre_y = y + round(bullet_size * 0.62)
        draw.ellipse((x, centre_y - dot, x + 2 * dot, centre_y + dot), fill=ACCENT)
        for line in _wrap(bullet, bullet_font, layout.text_width - indent):
            draw.text((x + indent, y), line, font=bullet_font, fill=BODY_COLOUR)
            y += round(bullet_size * 1.3)
        y += round(bullet_size * 0.45)

    image.save(out, optimize=False, compress_level=1)
    return out


def _fit(scene: Scene, layout: Layout, available: int) -> tuple[int, int]:
    """The largest title and bullet sizes at which everything fits above the caption band."""
    unit = min(layout.width, layout.height)
    scale = 1.0
    while scale > 0.4:
        title_size, bullet_size = round(unit * 0.075 * scale), round(unit * 0.042 * scale)
        title_lines = len(_wrap(scene.title, _font(title_size, 750), layout.text_width))
        bullet_lines = sum(
            len(_wrap(b, _font(bullet_size, 450), layout.text_width - round(bullet_size * 1.1)))
            for b in scene.bullets
        )
        needed = title_lines * title_size * 1.18 + title_size * 0.5 + bullet_lines * bullet_size * 1.3
        needed += len(scene.bullets) * bullet_size * 0.45
        if needed <= available:
            break
        scale *= 0.9
    return title_size, bullet_size


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _gradient(width: int, height: int) -> Image.Image:
    column = Image.new("RGB", (1, height))
    for row in range(height):
        mix = row / max(1, height - 1)
        column.putpixel(
            (0, row),
            tuple(round(a + (b - a) * mix) for a, b in zip(BACKGROUND_TOP, BACKGROUND_BOTTOM, strict=True)),
        )
    return column.resize((width, height))
