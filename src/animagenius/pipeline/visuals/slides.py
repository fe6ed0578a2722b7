"""One designed still per scene, laid out for the frame's aspect ratio in the video's theme.

A scene shows what its visual directive names: a source figure or photo, a source table, a pull-quote from
the source, or (by default) a typographic slide of its title and bullets. Text never leaves its box: it
shrinks to a smallest legible size, and what still does not fit ends in an ellipsis.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from animagenius.pipeline.domain import Block, Scene, SourceDocument
from animagenius.pipeline.visuals.cards import CARD_KINDS, card_reveals, has_card, render_card
from animagenius.pipeline.visuals.chart_drawing import ChartStyle, draw_chart, mixed
from animagenius.pipeline.visuals.charts import block_chart, chart_reveals, month_names
from animagenius.pipeline.visuals.diagrams import diagram_reveals, render_diagram
from animagenius.pipeline.visuals.focus import salient_point, save_with_focus
from animagenius.pipeline.visuals.layout import (
    Layout,
    background,
    clipped,
    header,
    titled,
)
from animagenius.pipeline.visuals.lists import diagram_items
from animagenius.pipeline.visuals.page import page_reveals, page_still, source_pdf
from animagenius.pipeline.visuals.slide_page import slide_still, source_pptx
from animagenius.pipeline.visuals.typeset import truncate, wrap

MAX_TABLE_ROWS, MAX_TABLE_COLUMNS = 7, 5
MAX_QUOTE_WORDS = 45
MAX_UPSCALE = 3.0  # a picture is never blown up further than this: it would only show its pixels


def scene_reveals(
    scene: Scene, shown: Block | None, document: SourceDocument | None = None
) -> tuple[str, ...]:
    """What appears on the scene's still one step at a time, each as the words whose being said reveals it
    (visuals/reveal.py times them): a slide's bullets, a card's parts, a diagram's items, a page's
    highlight. Stills with nothing to reveal have none."""
    kind = scene.visual.kind
    if kind == "page" and shown is not None and (source_pdf(document, shown) or source_pptx(document, shown)):
        return page_reveals(scene, shown, document)
    if kind == "diagram" and len(diagram_items(document, scene.visual.block)) >= 2:
        return diagram_reveals(scene, shown, document)
    if kind in CARD_KINDS and has_card(scene, shown):
        return card_reveals(scene, shown)
    if kind == "chart" and shown is not None and block_chart(shown) is not None:
        return chart_reveals(scene, shown)
    if _shows_slide(scene, shown):
        return scene.bullets
    return ()


def _shows_slide(scene: Scene, shown: Block | None) -> bool:
    return shown is None or scene.visual.kind in ("slide", "generated-clip")


def render_scene(
    scene: Scene,
    *,
    shown: Block | None,
    number: int,
    total: int,
    layout: Layout,
    out: Path,
    document: SourceDocument | None = None,
    stage: int | None = None,
) -> Path:
    """The scene's still. `shown` is the source block its visual points at, if any; `document` the source it
    comes from (its files and its other blocks); `stage` how many of its `scene_reveals` steps are drawn
    (0: none yet; None: all of them)."""
    if scene.visual.kind == "page" and (
        (page := page_still(scene, shown, document, layout, out, stage)) is not None
        or (page := slide_still(scene, shown, document, layout, out, stage)) is not None
    ):
        return page
    if scene.visual.kind == "diagram" and len(items := diagram_items(document, scene.visual.block)) >= 2:
        return render_diagram(scene, items, layout=layout, out=out, stage=stage, document=document)
    if scene.visual.kind in CARD_KINDS and has_card(scene, shown):
        return render_card(scene, shown, number=number, total=total, layout=layout, out=out, stage=stage)
    if (
        shown is not None
        and scene.visual.kind in ("figure", "image", "clip", "generated")
        and shown.image is not None
    ):
        return _render_picture(scene, shown.image, number=number, total=total, layout=layout, out=out)
    if shown is not None and scene.visual.kind == "chart" and block_chart(shown) is not None:
        return _render_chart(scene, shown, number=number, total=total, layout=layout, out=out, stage=stage)
    if shown is not None and scene.visual.kind in ("table", "chart") and shown.rows:
        return _render_table(scene, shown.rows, number=number, total=total, layout=layout, out=out)
    if shown is not None and scene.visual.kind == "quote" and shown.text.strip():
        quoted = scene.visual.text or shown.text
        return _render_quote(scene, quoted, number=number, total=total, layout=layout, out=out)
    return render_slide(scene, number=number, total=total, layout=layout, out=out, stage=stage)


def _render_picture(
    scene: Scene, picture: Path, *, number: int, total: int, layout: Layout, out: Path
) -> Path:
    image, draw, y = titled(scene, number=number, total=total, layout=layout)
    unit = layout.unit
    box = (layout.text_width, layout.content_bottom - y)
    with Image.open(picture) as source:
        source.thumbnail(box, Image.Resampling.LANCZOS)
        framed = source.convert("RGB")
    factor = min(box[0] / framed.width, box[1] / framed.height, MAX_UPSCALE)
    if factor > 1.05:  # a picture smaller than its room fills it (a small figure is scaled up to be seen)
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
    image, draw, y = titled(scene, number=number, total=total, layout=layout)
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
    scene: Scene,
    shown: Block,
    *,
    number: int,
    total: int,
    layout: Layout,
    out: Path,
    stage: int | None = None,
) -> Path:
    """The chart `shown` makes, in the source's chart type; `stage` k: built up to its k-th reveal step
    (charts.chart_reveals gives each step's cue), None: whole. Its text is never under 0.85 × body_min."""
    data = block_chart(shown)
    if data is None:  # no numbers to draw: the table as it is
        return _render_table(scene, shown.rows, number=number, total=total, layout=layout, out=out)
    image, _, y = titled(scene, number=number, total=total, layout=layout)
    theme = layout.theme
    style = ChartStyle(
        colours=theme.chart, text=theme.body, muted=theme.muted,
        grid=mixed(theme.muted, theme.background_bottom, 0.7), background=theme.background_bottom,
        font=layout.typeface(round(layout.body_min * 0.85), 500),
        bold=layout.typeface(round(layout.body_min * 0.95), 750),
        months=month_names(scene.narration),
    )  # fmt: skip
    content = layout.content  # right and bottom are exclusive, the drawing's edges inclusive
    box = (content.left, y + round(layout.body_min * 0.3), content.right - 1, content.bottom - 1)
    draw_chart(image, data, box, style, stage=stage)
    image.save(out, optimize=False, compress_level=1)
    return out


def _render_quote(scene: Scene, text: str, *, number: int, total: int, layout: Layout, out: Path) -> Path:
    image = background(layout)
    draw = ImageDraw.Draw(image)
    unit, theme = layout.unit, layout.theme
    y = header(draw, number=number, total=total, layout=layout)
    words = text.split()
    quote = " ".join(words[:MAX_QUOTE_WORDS]) + ("…" if len(words) > MAX_QUOTE_WORDS else "")
    available = layout.content_bottom - y
    size = round(unit * 0.06)
    smallest = layout.body_min
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
    for line in clipped(
        wrap(quote, body, layout.text_width), body, layout.text_width, max_lines=max(1, room)
    ):
        draw.text((layout.margin, y), line, font=body, fill=theme.title)
        y += round(size * 1.3)
    title = truncate(scene.title, attribution, layout.text_width)
    draw.text((layout.margin, y + round(size * 0.3)), title, font=attribution, fill=theme.muted)
    image.save(out, optimize=False, compress_level=1)
    return out


def render_slide(
    scene: Scene, *, number: int, total: int, layout: Layout, out: Path, stage: int | None = None
) -> Path:
    """The title and bullets, as large as fits, a little above the middle of the content box; with
    `stage`, only the first `stage` bullets (their places kept, so nothing moves as the others appear)."""
    image = background(layout)
    draw = ImageDraw.Draw(image)
    theme = layout.theme
    top = header(draw, number=number, total=total, layout=layout)
    for line in slide_lines(scene, layout, top=top):
        if stage is not None and line.item >= stage:
            continue
        if line.dot:
            centre_y = line.y + round(line.font.size * 0.62)
            left = layout.margin
            draw.ellipse(
                (left, centre_y - line.dot, left + 2 * line.dot, centre_y + line.dot), fill=theme.accent
            )
            if line.numbered:
                label = layout.typeface(round(line.dot * 1.2), 750)
                centre = (left + line.dot, centre_y)
                draw.text(centre, str(line.item + 1), font=label, fill=theme.on_accent, anchor="mm")
        draw.text((line.x, line.y), line.text, font=line.font, fill=line.colour)
    image.save(out, optimize=False, compress_level=1)
    return out


def slide_lines(scene: Scene, layout: Layout, *, top: int) -> list[_Line]:
    """The lines a slide draws below `top`: as large as fits, a little above the middle of the room left;
    what does not fit is left out, and the last line kept ends in an ellipsis."""
    title_size, bullet_size = _fit(scene, layout, layout.content_bottom - top)
    lines = _slide_lines(scene, layout, title_size, bullet_size)
    used = max(line.bottom for line in lines)
    top += max(0, round((layout.content_bottom - top - used) * 0.4))
    lines = [replace(line, y=line.y + top) for line in lines]
    kept = [line for line in lines if line.bottom <= layout.content_bottom] or lines[:1]
    if len(kept) < len(lines):
        last = kept[-1]
        kept[-1] = replace(last, text=truncate(f"{last.text} …", last.font, last.width, force=True))
    return kept


def _slide_lines(scene: Scene, layout: Layout, title_size: int, bullet_size: int) -> list[_Line]:
    """The slide's lines from y = 0, laid out first so whatever does not fit can end in an ellipsis."""
    theme = layout.theme
    title_font = layout.typeface(title_size, theme.title_weight)
    bullet_font = layout.typeface(bullet_size, theme.body_weight)
    numbered = scene.role == "recap"  # the recap counts its points: it looks unlike the slides before it
    x, y, indent = layout.margin, 0, _indent(scene, bullet_size)
    lines: list[_Line] = []
    for text in wrap(scene.title, title_font, layout.text_width):
        lines.append(_Line(x, y, text, title_font, theme.title, layout.text_width))
        y += round(title_size * 1.18)
    y += round(title_size * 0.5)
    for item, bullet in enumerate(scene.bullets):
        for position, text in enumerate(wrap(bullet, bullet_font, layout.text_width - indent)):
            dot = round(bullet_size * (0.62 if numbered else 0.22)) if position == 0 else 0
            width = layout.text_width - indent
            lines.append(_Line(x + indent, y, text, bullet_font, theme.body, width, dot, item, numbered))
            y += round(bullet_size * 1.3)
        y += round(bullet_size * 0.45)
    return lines


def _indent(scene: Scene, bullet_size: int) -> int:
    return round(bullet_size * (1.9 if scene.role == "recap" else 1.1))


@dataclass(frozen=True)
class _Line:
    x: int
    y: int
    text: str
    font: ImageFont.FreeTypeFont
    colour: tuple[int, int, int]
    width: int
    dot: int = 0  # radius of the bullet before the line; 0 for none
    item: int = -1  # the bullet the line belongs to; -1 for the title
    numbered: bool = False  # the bullet's mark is its number

    @property
    def bottom(self) -> int:
        ascent, descent = self.font.getmetrics()
        return self.y + ascent + descent


def _fit(scene: Scene, layout: Layout, available: int) -> tuple[int, int]:
    """The largest title and bullet sizes at which everything fits above the caption band, never smaller
    than the smallest legible ones."""
    theme = layout.theme
    scale = 1.0
    while True:
        title_size = max(layout.title_min, round(layout.title_min * 1.25 * scale))
        bullet_size = max(layout.body_min, round(layout.body_min * 1.3 * scale))
        title_lines = len(
            wrap(scene.title, layout.typeface(title_size, theme.title_weight), layout.text_width)
        )
        bullet_lines = sum(
            len(
                wrap(
                    b,
                    layout.typeface(bullet_size, theme.body_weight),
                    layout.text_width - _indent(scene, bullet_size),
                )
            )
            for b in scene.bullets
        )
        needed = title_lines * title_size * 1.18 + title_size * 0.5 + bullet_lines * bullet_size * 1.3
        needed += len(scene.bullets) * bullet_size * 0.45
        smallest = title_size <= layout.title_min and bullet_size <= layout.body_min
        if needed <= available or smallest:
            return title_size, bullet_size
        scale *= 0.9
