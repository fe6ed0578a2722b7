"""One designed still per scene, laid out for the frame's aspect ratio.

A scene shows what its visual directive names: a source figure or photo, a source table, a pull-quote from
the source, or (by default) a typographic slide of its title and bullets. Generated images come with issue 6.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from animagenius.pipeline.domain import Aspect, Block, Scene

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


MAX_TABLE_ROWS, MAX_TABLE_COLUMNS = 7, 5
MAX_QUOTE_WORDS = 45


def render_scene(
    scene: Scene, *, shown: Block | None, number: int, total: int, layout: Layout, out: Path
) -> Path:
    """The scene's still. `shown` is the source block its visual points at, if any."""
    if shown is not None and scene.visual.kind in ("figure", "image") and shown.image is not None:
        return _render_picture(scene, shown.image, number=number, total=total, layout=layout, out=out)
    if shown is not None and scene.visual.kind == "table" and shown.rows:
        return _render_table(scene, shown.rows, number=number, total=total, layout=layout, out=out)
    if shown is not None and scene.visual.kind == "quote" and shown.text.strip():
        return _render_quote(scene, shown.text, number=number, total=total, layout=layout, out=out)
    return render_slide(scene, number=number, total=total, layout=layout, out=out)


def _header(draw: ImageDraw.ImageDraw, *, number: int, total: int, layout: Layout) -> int:
    """The scene counter and accent rule; returns the y where content starts."""
    unit = min(layout.width, layout.height)
    x, y = layout.margin, layout.margin
    draw.text((x, y), f"{number:02d} / {total:02d}", font=_font(round(unit * 0.028), 600), fill=MUTED_COLOUR)
    y += round(unit * 0.07)
    draw.rectangle((x, y, x + round(unit * 0.08), y + max(4, unit // 160)), fill=ACCENT)
    return y + round(unit * 0.05)


def _title(draw: ImageDraw.ImageDraw, title: str, *, y: int, layout: Layout, size: int) -> int:
    font = _font(size, 750)
    for line in _wrap(title, font, layout.text_width)[:2]:
        draw.text((layout.margin, y), line, font=font, fill=TITLE_COLOUR)
        y += round(size * 1.18)
    return y + round(size * 0.4)


def _render_picture(
    scene: Scene, picture: Path, *, number: int, total: int, layout: Layout, out: Path
) -> Path:
    image = _gradient(layout.width, layout.height)
    draw = ImageDraw.Draw(image)
    unit = min(layout.width, layout.height)
    y = _title(draw, scene.title, y=_header(draw, number=number, total=total, layout=layout), layout=layout,
               size=round(unit * 0.05))  # fmt: skip
    box = (layout.text_width, layout.height - layout.caption_band - y)
    with Image.open(picture) as source:
        source.thumbnail(box, Image.Resampling.LANCZOS)
        framed = source.convert("RGB")
    if framed.width < box[0] * 0.6 and framed.height < box[1] * 0.6:  # small figures are scaled up to be seen
        factor = min(box[0] / framed.width, box[1] / framed.height)
        framed = framed.resize(
            (round(framed.width * factor), round(framed.height * factor)), Image.Resampling.LANCZOS
        )
    left = (layout.width - framed.width) // 2
    top = y + (box[1] - framed.height) // 2
    pad = max(4, unit // 120)
    draw.rectangle(
        (left - pad, top - pad, left + framed.width + pad, top + framed.height + pad), fill=(255, 255, 255)
    )
    image.paste(framed, (left, top))
    image.save(out, optimize=False, compress_level=1)
    return out


def _render_table(
    scene: Scene, rows: tuple[tuple[str, ...], ...], *, number: int, total: int, layout: Layout, out: Path
) -> Path:
    image = _gradient(layout.width, layout.height)
    draw = ImageDraw.Draw(image)
    unit = min(layout.width, layout.height)
    y = _title(draw, scene.title, y=_header(draw, number=number, total=total, layout=layout), layout=layout,
               size=round(unit * 0.05))  # fmt: skip
    shown = [row[:MAX_TABLE_COLUMNS] for row in rows[:MAX_TABLE_ROWS]]
    columns = max(len(row) for row in shown)
    row_height = min(round(unit * 0.075), (layout.height - layout.caption_band - y) // len(shown))
    size = max(10, round(row_height * 0.42))
    column_width = layout.text_width // columns
    for index, row in enumerate(shown):
        top = y + index * row_height
        fill = ACCENT if index == 0 else ((255, 255, 255) if index % 2 else (238, 242, 255))
        draw.rectangle(
            (layout.margin, top, layout.margin + layout.text_width, top + row_height - 2), fill=fill
        )
        font = _font(size, 700 if index == 0 else 450)
        for column, cell in enumerate(row):
            text = _truncate(cell, font, column_width - size)
            colour = TITLE_COLOUR if index == 0 else BACKGROUND_TOP
            origin = (layout.margin + column * column_width + size // 2, top + (row_height - size) // 2)
            draw.text(origin, text, font=font, fill=colour)
    image.save(out, optimize=False, compress_level=1)
    return out


def _render_quote(scene: Scene, text: str, *, number: int, total: int, layout: Layout, out: Path) -> Path:
    image = _gradient(layout.width, layout.height)
    draw = ImageDraw.Draw(image)
    unit = min(layout.width, layout.height)
    y = _header(draw, number=number, total=total, layout=layout)
    words = text.split()
    quote = " ".join(words[:MAX_QUOTE_WORDS]) + ("…" if len(words) > MAX_QUOTE_WORDS else "")
    available = layout.height - layout.caption_band - y
    size = round(unit * 0.06)
    while (
        size > 14 and len(_wrap(quote, _font(size, 500), layout.text_width)) * size * 1.3 > available * 0.85
    ):
        size = round(size * 0.9)
    draw.text((layout.margin, y - round(size * 0.3)), "“", font=_font(size * 2, 800), fill=ACCENT)
    y += round(size * 1.2)
    for line in _wrap(quote, _font(size, 500), layout.text_width):
        draw.text((layout.margin, y), line, font=_font(size, 500), fill=TITLE_COLOUR)
        y += round(size * 1.3)
    draw.text((layout.margin, y + round(size * 0.3)), scene.title, font=_font(round(size * 0.6), 600),
              fill=MUTED_COLOUR)  # fmt: skip
    image.save(out, optimize=False, compress_level=1)
    return out


def _truncate(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text + "…"


def render_slide(scene: Scene, *, number: int, total: int, layout: Layout, out: Path) -> Path:
    image = _gradient(layout.width, layout.height)
    draw = ImageDraw.Draw(image)
    x, y = layout.margin, _header(draw, number=number, total=total, layout=layout)

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
