"""A list of the source drawn as a diagram: steps joined by arrows, a timeline of dated nodes, or two or
three columns side by side, in the theme's colours inside the layout's content box.

Wide frames lay a short list out in a row; tall and square frames, and longer lists, stack it. Each item
shows its key phrase (lists.key_phrase), never smaller than the layout's body size: a phrase that does not
fit loses whole words from its end. `stage` k draws the first k items, as the narration reaches them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageDraw, ImageFont

from animagenius.pipeline.domain import Block, Scene, SourceDocument
from animagenius.pipeline.video import Aspect
from animagenius.pipeline.visuals.cues import cue_in
from animagenius.pipeline.visuals.focus import save_with_focus
from animagenius.pipeline.visuals.layout import Layout, background, clipped
from animagenius.pipeline.visuals.lists import (
    Item,
    diagram_items,
    diagram_kind,
    heading_before,
    read_items,
    whole_phrase,
)
from animagenius.pipeline.visuals.typeset import truncate, wrap
from animagenius.pipeline.visuals.zones import Box

__all__ = ["diagram_items", "diagram_reveals", "render_diagram"]

NARROWEST_CARD = 6.0  # body sizes: a card narrower than this is stacked instead of put in a row
LINE = 1.22  # line height, in type sizes


def diagram_reveals(
    scene: Scene, shown: Block | None, document: SourceDocument | None = None
) -> tuple[str, ...]:
    """One step per item, in the order drawn: the narration's words about it, or its key phrase."""
    items = _items(scene, document)
    cues: list[str] = []
    position = 0
    for item in items:
        cue, position = cue_in(scene.narration, item.text, after=position)
        cues.append(cue)
    return tuple(cues)


def render_diagram(
    scene: Scene,
    blocks: Sequence[Block],
    *,
    layout: Layout,
    out: Path,
    stage: int | None = None,
    document: SourceDocument | None = None,
) -> Path:
    kind = diagram_kind([block.text for block in blocks], heading_before(document, scene.visual.block))
    items = read_items([block.text for block in blocks], kind)
    shown = len(items) if stage is None else max(0, min(stage, len(items)))
    image = background(layout)
    draw = ImageDraw.Draw(image)
    top = _title(draw, scene.title, layout, items=len(items))
    area = Box(
        layout.content.left, top, layout.content.right - 1, layout.content.bottom - 1
    )  # drawn inclusive
    pen = _Pen(draw, layout, _body_size(layout, items, area))
    if kind == "timeline":
        _timeline(pen, items, area, shown)
    elif kind == "comparison":
        _comparison(pen, items, area, shown)
    else:
        _steps(pen, items, area, shown)
    return save_with_focus(
        image,
        out,
        ((area.left + area.right) / 2 / layout.width, (area.top + area.bottom) / 2 / layout.height),
    )


def _items(scene: Scene, document: SourceDocument | None) -> tuple[Item, ...]:
    blocks = diagram_items(document, scene.visual.block)
    kind = diagram_kind([block.text for block in blocks], heading_before(document, scene.visual.block))
    return read_items([block.text for block in blocks], kind)


# ------------------------------------------------------------------ drawing helpers


@dataclass
class _Pen:
    draw: ImageDraw.ImageDraw
    layout: Layout
    size: int

    @property
    def body(self) -> ImageFont.FreeTypeFont:
        return self.layout.typeface(self.size, 500)

    @property
    def bold(self) -> ImageFont.FreeTypeFont:
        return self.layout.typeface(self.size, 750)

    def fitted(
        self, phrase: str, width: int, max_lines: int, font: ImageFont.FreeTypeFont | None = None
    ) -> list[str]:
        """`phrase` in at most `max_lines` lines of `width`, whole words dropped from its end to fit."""
        font = font or self.body
        words = phrase.split()
        while len(words) > 1 and len(wrap(" ".join(words), font, width)) > max_lines:
            words.pop()
        if len(words) < len(phrase.split()):
            words = list(whole_phrase(words))
        lines = wrap(" ".join(words), font, width) or [""]
        return [truncate(line, font, width) for line in lines[:max_lines]]

    def centred_lines(
        self,
        lines: list[str],
        centre_x: float,
        top: float,
        font: ImageFont.FreeTypeFont,
        colour: tuple[int, int, int],
    ) -> None:
        for number, line in enumerate(lines):
            width = font.getlength(line)
            self.draw.text(
                (centre_x - width / 2, top + number * self.size * LINE), line, font=font, fill=colour
            )

    def badge(self, centre: tuple[float, float], radius: float, text: str) -> None:
        theme = self.layout.theme
        x, y = centre
        self.draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=theme.accent)
        font = self.layout.typeface(max(self.layout.body_min, round(radius * 1.05)), 750)
        self.draw.text((x, y), text, font=font, fill=theme.on_accent, anchor="mm")

    def arrow(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        """A connector from `start` to `end` (horizontal or vertical) ending in a head."""
        theme, width = self.layout.theme, max(3, self.size // 9)
        head = self.size * 0.42
        (x0, y0), (x1, y1) = start, end
        if abs(x1 - x0) >= abs(y1 - y0):
            sign = 1 if x1 > x0 else -1
            self.draw.line((x0, y0, x1 - sign * head, y1), fill=theme.accent, width=width)
            points = [(x1, y1), (x1 - sign * head, y1 - head * 0.6), (x1 - sign * head, y1 + head * 0.6)]
        else:
            sign = 1 if y1 > y0 else -1
            self.draw.line((x0, y0, x1, y1 - sign * head), fill=theme.accent, width=width)
            points = [(x1, y1), (x1 - head * 0.6, y1 - sign * head), (x1 + head * 0.6, y1 - sign * head)]
        self.draw.polygon(points, fill=theme.accent)

    def card(self, box: tuple[float, float, float, float]) -> None:
        self.draw.rounded_rectangle(box, radius=round(self.size * 0.35), fill=self.layout.theme.panel)


def _title(draw: ImageDraw.ImageDraw, title: str, layout: Layout, *, items: int) -> int:
    """The scene's title above the diagram: one line on a tall frame with a long list, else two."""
    size = layout.title_min
    font = layout.typeface(size, layout.theme.title_weight)
    y = layout.content_top
    max_lines = 1 if layout.aspect is Aspect.PORTRAIT and items > 4 else 2
    for line in clipped(wrap(title, font, layout.text_width), font, layout.text_width, max_lines=max_lines):
        draw.text((layout.margin, y), line, font=font, fill=layout.theme.title)
        y += round(size * 1.15)
    rule = max(4, layout.unit // 160)
    draw.rectangle(
        (layout.margin, y + size // 4, layout.margin + round(layout.unit * 0.08), y + size // 4 + rule),
        fill=layout.theme.accent,
    )
    return y + round(size * 0.75)


def _body_size(layout: Layout, items: Sequence[Item], area: Box) -> int:
    """Larger than the smallest body size where the frame has room: a wide frame's row of a few items."""
    if layout.aspect is Aspect.PORTRAIT or area.height / max(1, len(items)) < layout.body_min * 3:
        return layout.body_min
    return round(layout.body_min * (1.3 if layout.aspect is Aspect.LANDSCAPE and len(items) <= 4 else 1.12))


def _in_a_row(pen: _Pen, count: int, area: Box, gap: float) -> bool:
    """A row for a few items on a frame wide enough; more than four read better one under another."""
    width = (area.width - gap * (count - 1)) / count
    return count <= 4 and width >= pen.size * NARROWEST_CARD and pen.layout.aspect is not Aspect.PORTRAIT


# ------------------------------------------------------------------ steps


def _steps(pen: _Pen, items: Sequence[Item], area: Box, shown: int) -> None:
    count, size = len(items), pen.size
    gap = size * 1.6
    if _in_a_row(pen, count, area, gap):
        width = (area.width - gap * (count - 1)) / count
        radius = size * 0.62
        lines = [pen.fitted(item.phrase, round(width - size * 1.2), 4) for item in items]
        height = max(len(block) for block in lines) * size * LINE + radius * 2 + size * 2.2
        top = area.top + (area.height - height) / 2
        for index, item_lines in enumerate(lines[:shown]):
            left = area.left + index * (width + gap)
            pen.card((left, top, left + width, top + height))
            pen.badge((left + width / 2, top + size * 0.9 + radius), radius, str(index + 1))
            text_top = top + size * 1.3 + radius * 2
            pen.centred_lines(item_lines, left + width / 2, text_top, pen.body, pen.layout.theme.panel_text)
            if index + 1 < shown:
                pen.arrow(
                    (left + width + size * 0.2, top + height / 2),
                    (left + width + gap - size * 0.2, top + height / 2),
                )
        return
    _stacked(pen, items, area, shown, numbered=True)


def _stacked(pen: _Pen, items: Sequence[Item], area: Box, shown: int, *, numbered: bool) -> None:
    """Cards one under another: numbered steps with a badge at their left and arrows down between them, or
    the sides of a comparison with "vs" between them."""
    count, size = len(items), pen.size
    roomy = size * (0.9 if numbered else 1.6)
    tight = (area.height - count * size * 1.3) / max(1, count - 1)  # a gap that still fits one-line cards
    gap = max(size * 0.25, min(roomy, tight))
    row = min((area.height - gap * (count - 1)) / count, size * LINE * 2 + size * 1.1)
    lines_per_card = max(1, int((row - size * 0.6) // (size * LINE)))
    radius = size * 0.58
    card_left = area.left + radius * 2 + size * 0.7 if numbered else area.left
    text_width = round(area.right - card_left - size * 1.2)
    total = count * row + gap * (count - 1)
    top = area.top + max(0.0, (area.height - total) / 2)
    for index, item in enumerate(items[:shown]):
        y = top + index * (row + gap)
        labelled = bool(item.label) and not numbered and lines_per_card >= 2  # the side's name leads, bold
        lines = pen.fitted(item.phrase, text_width, lines_per_card - labelled)
        if item.label and not numbered and not labelled:  # one line: the side's name says most
            lines = pen.fitted(item.label, text_width, 1, pen.bold)
        fonts = [pen.bold] * labelled + [pen.bold if item.label and not labelled else pen.body] * len(lines)
        lines = [pen.fitted(item.label, text_width, 1, pen.bold)[0]] * labelled + lines
        pen.card((card_left, y, area.right, y + row))
        text_top = y + (row - len(lines) * size * LINE) / 2 + size * 0.08
        for number, (line, font) in enumerate(zip(lines, fonts, strict=True)):
            at = (card_left + size * 0.6, text_top + number * size * LINE)
            colour = pen.layout.theme.panel_text
            pen.draw.text(at, line, font=font, fill=colour)
        if not numbered:
            if index:
                pen.badge(((card_left + area.right) / 2, y - gap / 2), size * 0.72, "vs")
            continue
        centre = (area.left + radius, y + row / 2)
        pen.badge(centre, radius, str(index + 1))
        if index + 1 < shown:
            pen.arrow(
                (centre[0], centre[1] + radius + size * 0.12),
                (centre[0], y + row + gap + row / 2 - radius - size * 0.12),
            )


# ------------------------------------------------------------------ timeline


def _timeline(pen: _Pen, items: Sequence[Item], area: Box, shown: int) -> None:
    count, size, theme = len(items), pen.size, pen.layout.theme
    spacing = area.width / count
    line_width = max(4, size // 8)
    radius = size * 0.36
    if spacing >= size * 6 and pen.layout.aspect is not Aspect.PORTRAIT and count <= 6:
        lines = [pen.fitted(item.phrase, round(spacing - size * 0.8), 3) for item in items]
        dates = [pen.fitted(item.date, round(spacing - size * 0.4), 2, pen.bold) for item in items]
        above = max(len(date) for date in dates) * size * LINE
        below = max(len(block) for block in lines) * size * LINE
        axis = area.top + (area.height - above - below - size * 2.4) / 2 + above + size * 1.0
        pen.draw.line((area.left, axis, area.right, axis), fill=theme.muted, width=line_width)
        for index in range(shown):
            x = area.left + spacing * (index + 0.5)
            pen.draw.ellipse(
                (x - radius, axis - radius, x + radius, axis + radius),
                fill=theme.accent,
                outline=theme.title,
                width=max(2, line_width // 2),
            )
            date_top = axis - size * 0.9 - len(dates[index]) * size * LINE
            pen.centred_lines(dates[index], x, date_top, pen.bold, theme.accent)
            pen.centred_lines(lines[index], x, axis + size * 1.0, pen.body, theme.body)
        return
    row = min(area.height / count, size * LINE * 3 + size * 0.6)
    total = row * count
    top = area.top + (area.height - total) / 2
    axis = area.left + radius + line_width
    pen.draw.line(
        (axis, top + row * 0.25, axis, top + total - row * 0.25), fill=theme.muted, width=line_width
    )
    text_left = axis + radius + size * 0.8
    width = round(area.right - text_left)
    lines_each = int((row - size * 0.4) // (size * LINE)) - 1
    inline = lines_each < 1  # no room for the date above its phrase: the date leads the line
    for index, item in enumerate(items[:shown]):
        text_lines = 1 if inline else 1 + min(lines_each, 2)
        y = top + index * row + (row - text_lines * size * LINE) / 2
        centre_y = y + size * 0.62
        pen.draw.ellipse(
            (axis - radius, centre_y - radius, axis + radius, centre_y + radius),
            fill=theme.accent,
            outline=theme.title,
            width=max(2, line_width // 2),
        )
        date = truncate(item.date, pen.bold, width)
        pen.draw.text((text_left, y), date, font=pen.bold, fill=theme.accent)
        if inline:
            after = pen.bold.getlength(date + "  ")
            for line in pen.fitted(item.phrase, round(width - after), 1):
                pen.draw.text((text_left + after, y), line, font=pen.body, fill=theme.body)
            continue
        for number, line in enumerate(pen.fitted(item.phrase, width, min(lines_each, 2))):
            pen.draw.text((text_left, y + (number + 1) * size * LINE), line, font=pen.body, fill=theme.body)


# ------------------------------------------------------------------ comparison


def _widest_word_fits(pen: _Pen, texts: Sequence[str], width: int) -> ImageFont.FreeTypeFont:
    """The bold type, made smaller (never below the body size) until each text's longest word fits."""
    size = pen.size
    while size > pen.layout.body_min:
        font = pen.layout.typeface(size, 750)
        if all(font.getlength(word) <= width for text in texts for word in text.split()):
            return font
        size -= max(1, size // 20)
    return pen.layout.typeface(pen.layout.body_min, 750)


def _comparison(pen: _Pen, items: Sequence[Item], area: Box, shown: int) -> None:
    count, size, theme = len(items), pen.size, pen.layout.theme
    gap = size * (2.2 if count == 2 else 1.0)  # two sides have "vs" between them
    if not _in_a_row(pen, count, area, gap):
        _stacked(pen, items, area, shown, numbered=False)
        return
    width = (area.width - gap * (count - 1)) / count
    inner = round(width - size * 1.2)
    header_font = _widest_word_fits(pen, [item.label for item in items], inner)
    headers = [pen.fitted(item.label, inner, 2, header_font) if item.label else [] for item in items]
    bodies = [pen.fitted(item.phrase, inner, 4) for item in items]
    header_height = max(len(header) for header in headers) * size * LINE + (size * 1.0 if any(headers) else 0)
    height = header_height + max(len(body) for body in bodies) * size * LINE + size * 1.6
    top = area.top + (area.height - height) / 2
    for index in range(shown):
        left = area.left + index * (width + gap)
        pen.card((left, top, left + width, top + height))
        if headers[index]:
            pen.draw.rounded_rectangle(
                (left, top, left + width, top + header_height), radius=round(size * 0.35), fill=theme.accent
            )
            pen.draw.rectangle(
                (left, top + header_height - size * 0.4, left + width, top + header_height), fill=theme.accent
            )
            header_top = top + (header_height - len(headers[index]) * size * LINE) / 2
            pen.centred_lines(headers[index], left + width / 2, header_top, header_font, theme.on_accent)
        pen.centred_lines(
            bodies[index], left + width / 2, top + header_height + size * 0.8, pen.body, theme.panel_text
        )
        if index and count == 2:
            centre = (left - gap / 2, top + height / 2)
            pen.badge(centre, size * 0.85, "vs")
