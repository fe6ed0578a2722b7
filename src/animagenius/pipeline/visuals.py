"""One designed still per scene, laid out for the frame's aspect ratio in the video's theme.

A scene shows what its visual directive names: a source figure or photo, a source table, a pull-quote from
the source, or (by default) a typographic slide of its title and bullets. Text never leaves its box: it
shrinks to a smallest legible size, and what still does not fit ends in an ellipsis.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from animagenius.pipeline.charts import ChartData, ChartStyle, chart_data, draw_chart
from animagenius.pipeline.domain import Aspect, Block, Scene
from animagenius.pipeline.focus import salient_point, save_with_focus
from animagenius.pipeline.themes import DARK, Theme
from animagenius.pipeline.typeset import truncate, wrap

SMALLEST_TITLE, SMALLEST_BODY = 0.034, 0.024  # of the frame's short side: still legible at 720p


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
    width: int
    height: int
    margin: int
    caption_band: int  # bottom pixels kept free for burned-in captions
    theme: Theme = DARK
    font: Path | None = None  # the brand's typeface (one style, any weight asked is drawn in it); None: Inter

    @classmethod
    def for_frame(
        cls, size: tuple[int, int], aspect: Aspect, theme: Theme = DARK, font: Path | None = None
    ) -> Layout:
        width, height = size
        band = {Aspect.LANDSCAPE: 0.22, Aspect.SQUARE: 0.24, Aspect.PORTRAIT: 0.32}[aspect]
        margin, caption_band = round(min(size) * 0.08), round(height * band)
        return cls(width, height, margin=margin, caption_band=caption_band, theme=theme, font=font)

    def typeface(self, size: int, weight: int) -> ImageFont.FreeTypeFont:
        return _brand_font(str(self.font), size) if self.font is not None else font_of(size, weight)

    @property
    def text_width(self) -> int:
        return self.width - 2 * self.margin

    @property
    def unit(self) -> int:
        return min(self.width, self.height)

    @property
    def content_bottom(self) -> int:
        return self.height - self.caption_band


MAX_TABLE_ROWS, MAX_TABLE_COLUMNS = 7, 5
MAX_QUOTE_WORDS = 45


def render_scene(
    scene: Scene, *, shown: Block | None, number: int, total: int, layout: Layout, out: Path
) -> Path:
    """The scene's still. `shown` is the source block its visual points at, if any."""
    if (
        shown is not None
        and scene.visual.kind in ("figure", "image", "clip", "generated")
        and shown.image is not None
    ):
        return _render_picture(scene, shown.image, number=number, total=total, layout=layout, out=out)
    if shown is not None and scene.visual.kind == "chart" and (data := chart_data(shown.rows)) is not None:
        return _render_chart(scene, data, number=number, total=total, layout=layout, out=out)
    if shown is not None and scene.visual.kind in ("table", "chart") and shown.rows:
        return _render_table(scene, shown.rows, number=number, total=total, layout=layout, out=out)
    if shown is not None and scene.visual.kind == "quote" and shown.text.strip():
        return _render_quote(scene, shown.text, number=number, total=total, layout=layout, out=out)
    return render_slide(scene, number=number, total=total, layout=layout, out=out)


def _header(draw: ImageDraw.ImageDraw, *, number: int, total: int, layout: Layout) -> int:
    """The scene counter and accent rule; returns the y where content starts."""
    unit, theme = layout.unit, layout.theme
    x, y = layout.margin, layout.margin
    draw.text(
        (x, y),
        f"{number:02d} / {total:02d}",
        font=layout.typeface(round(unit * 0.028), 600),
        fill=theme.muted,
    )
    y += round(unit * 0.07)
    draw.rectangle((x, y, x + round(unit * 0.08), y + max(4, unit // 160)), fill=theme.accent)
    return y + round(unit * 0.05)


def _titled(
    scene: Scene, *, number: int, total: int, layout: Layout
) -> tuple[Image.Image, ImageDraw.ImageDraw, int]:
    """A still with its background, header and the scene's title; and the y where the content goes."""
    image = _background(layout)
    draw = ImageDraw.Draw(image)
    y = _header(draw, number=number, total=total, layout=layout)
    return image, draw, _title(draw, scene.title, y=y, layout=layout, size=round(layout.unit * 0.05))


def _title(draw: ImageDraw.ImageDraw, title: str, *, y: int, layout: Layout, size: int) -> int:
    """The title above a picture or table: two lines at most, the second ending in … if it goes on."""
    font = layout.typeface(size, layout.theme.title_weight)
    for line in _clipped(wrap(title, font, layout.text_width), font, layout.text_width, max_lines=2):
        draw.text((layout.margin, y), line, font=font, fill=layout.theme.title)
        y += round(size * 1.18)
    return y + round(size * 0.4)


def _render_picture(
    scene: Scene, picture: Path, *, number: int, total: int, layout: Layout, out: Path
) -> Path:
    image, draw, y = _titled(scene, number=number, total=total, layout=layout)
    unit = layout.unit
    box = (layout.text_width, layout.content_bottom - y)
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
        (left - pad, top - pad, left + framed.width + pad, top + framed.height + pad), fill=layout.theme.panel
    )
    image.paste(framed, (left, top))
    subject_x, subject_y = salient_point(framed)
    focus = (
        (left + subject_x * framed.width) / layout.width,
        (top + subject_y * framed.height) / layout.height,
    )
    return save_with_focus(image, out, focus)


def _render_table(
    scene: Scene, rows: tuple[tuple[str, ...], ...], *, number: int, total: int, layout: Layout, out: Path
) -> Path:
    image, draw, y = _titled(scene, number=number, total=total, layout=layout)
    unit, theme = layout.unit, layout.theme
    shown = [row[:MAX_TABLE_COLUMNS] for row in rows[:MAX_TABLE_ROWS]]
    columns = max(len(row) for row in shown)
    row_height = min(round(unit * 0.075), (layout.content_bottom - y) // len(shown))
    size = max(10, round(row_height * 0.42))
    column_width = layout.text_width // columns
    for index, row in enumerate(shown):
        top = y + index * row_height
        fill = theme.accent if index == 0 else (theme.panel if index % 2 else theme.panel_alternate)
        draw.rectangle(
            (layout.margin, top, layout.margin + layout.text_width, top + row_height - 2), fill=fill
        )
        font = layout.typeface(size, 700 if index == 0 else 450)
        for column, cell in enumerate(row):
            text = truncate(cell, font, column_width - size)
            colour = theme.on_accent if index == 0 else theme.panel_text
            origin = (layout.margin + column * column_width + size // 2, top + (row_height - size) // 2)
            draw.text(origin, text, font=font, fill=colour)
    image.save(out, optimize=False, compress_level=1)
    return out


def _render_chart(
    scene: Scene, data: ChartData, *, number: int, total: int, layout: Layout, out: Path
) -> Path:
    image, draw, y = _titled(scene, number=number, total=total, layout=layout)
    unit, theme = layout.unit, layout.theme
    style = ChartStyle(
        colours=theme.chart, text=theme.body, muted=theme.muted,
        font=layout.typeface(max(14, round(unit * 0.034)), 500),
        bold=layout.typeface(max(14, round(unit * 0.038)), 750),
    )  # fmt: skip
    draw_chart(draw, data, (layout.margin, y, layout.width - layout.margin, layout.content_bottom), style)
    image.save(out, optimize=False, compress_level=1)
    return out


def _render_quote(scene: Scene, text: str, *, number: int, total: int, layout: Layout, out: Path) -> Path:
    image = _background(layout)
    draw = ImageDraw.Draw(image)
    unit, theme = layout.unit, layout.theme
    y = _header(draw, number=number, total=total, layout=layout)
    words = text.split()
    quote = " ".join(words[:MAX_QUOTE_WORDS]) + ("…" if len(words) > MAX_QUOTE_WORDS else "")
    available = layout.content_bottom - y
    size = round(unit * 0.06)
    smallest = round(unit * SMALLEST_BODY)
    while (
        size > smallest
        and len(wrap(quote, layout.typeface(size, 500), layout.text_width)) * size * 1.3
        > available * 0.85 - size * 1.2
    ):
        size = max(smallest, round(size * 0.9))
    draw.text(
        (layout.margin, y - round(size * 0.3)), "“", font=layout.typeface(size * 2, 800), fill=theme.accent
    )
    y += round(size * 1.2)
    attribution = layout.typeface(round(size * 0.6), 600)
    room = int((available * 0.85 - size * 1.2) // (size * 1.3))
    body = layout.typeface(size, 500)
    for line in _clipped(
        wrap(quote, body, layout.text_width), body, layout.text_width, max_lines=max(1, room)
    ):
        draw.text((layout.margin, y), line, font=body, fill=theme.title)
        y += round(size * 1.3)
    title = truncate(scene.title, attribution, layout.text_width)
    draw.text((layout.margin, y + round(size * 0.3)), title, font=attribution, fill=theme.muted)
    image.save(out, optimize=False, compress_level=1)
    return out


def render_slide(scene: Scene, *, number: int, total: int, layout: Layout, out: Path) -> Path:
    image = _background(layout)
    draw = ImageDraw.Draw(image)
    theme = layout.theme
    x, y = layout.margin, _header(draw, number=number, total=total, layout=layout)
    title_size, bullet_size = _fit(scene, layout, layout.content_bottom - y)
    title_font, bullet_font = (
        layout.typeface(title_size, theme.title_weight),
        layout.typeface(bullet_size, theme.body_weight),
    )
    indent = round(bullet_size * 1.1)

    lines: list[_Line] = []  # laid out first, so whatever does not fit can end in an ellipsis
    for text in wrap(scene.title, title_font, layout.text_width):
        lines.append(_Line(x, y, text, title_font, theme.title, layout.text_width))
        y += round(title_size * 1.18)
    y += round(title_size * 0.5)
    for bullet in scene.bullets:
        for position, text in enumerate(wrap(bullet, bullet_font, layout.text_width - indent)):
            dot = round(bullet_size * 0.22) if position == 0 else 0
            lines.append(_Line(x + indent, y, text, bullet_font, theme.body, layout.text_width - indent, dot))
            y += round(bullet_size * 1.3)
        y += round(bullet_size * 0.45)

    kept = [line for line in lines if line.bottom <= layout.content_bottom] or lines[:1]
    if len(kept) < len(lines):
        last = kept[-1]
        kept[-1] = replace(last, text=truncate(f"{last.text} …", last.font, last.width, force=True))
    for line in kept:
        if line.dot:
            centre_y = line.y + round(line.font.size * 0.62)
            draw.ellipse((x, centre_y - line.dot, x + 2 * line.dot, centre_y + line.dot), fill=theme.accent)
        draw.text((line.x, line.y), line.text, font=line.font, fill=line.colour)
    image.save(out, optimize=False, compress_level=1)
    return out


@dataclass(frozen=True)
class _Line:
    x: int
    y: int
    text: str
    font: ImageFont.FreeTypeFont
    colour: tuple[int, int, int]
    width: int
    dot: int = 0  # radius of the bullet before the line; 0 for none

    @property
    def bottom(self) -> int:
        ascent, descent = self.font.getmetrics()
        return self.y + ascent + descent


def _fit(scene: Scene, layout: Layout, available: int) -> tuple[int, int]:
    """The largest title and bullet sizes at which everything fits above the caption band, never smaller
    than the smallest legible ones."""
    unit, theme = layout.unit, layout.theme
    scale = 1.0
    while True:
        title_size = max(round(unit * SMALLEST_TITLE), round(unit * 0.075 * scale))
        bullet_size = max(round(unit * SMALLEST_BODY), round(unit * 0.042 * scale))
        title_lines = len(
            wrap(scene.title, layout.typeface(title_size, theme.title_weight), layout.text_width)
        )
        bullet_lines = sum(
            len(
                wrap(
                    b,
                    layout.typeface(bullet_size, theme.body_weight),
                    layout.text_width - round(bullet_size * 1.1),
                )
            )
            for b in scene.bullets
        )
        needed = title_lines * title_size * 1.18 + title_size * 0.5 + bullet_lines * bullet_size * 1.3
        needed += len(scene.bullets) * bullet_size * 0.45
        smallest = title_size <= unit * SMALLEST_TITLE and bullet_size <= unit * SMALLEST_BODY
        if needed <= available or smallest:
            return title_size, bullet_size
        scale *= 0.9


def _clipped(lines: list[str], font: ImageFont.FreeTypeFont, width: int, *, max_lines: int) -> list[str]:
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    kept[-1] = truncate(f"{kept[-1]} …", font, width, force=True)
    return kept


def _background(layout: Layout) -> Image.Image:
    top, bottom = layout.theme.background_top, layout.theme.background_bottom
    column = Image.new("RGB", (1, layout.height))
    for row in range(layout.height):
        mix = row / max(1, layout.height - 1)
        column.putpixel((0, row), tuple(round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True)))
    return column.resize((layout.width, layout.height))
