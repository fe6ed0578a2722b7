"""A chart drawn into a still, whole or built up to a step (charts.reveal_steps): bars grow in category by
category, a line draws point by point, an area fills left to right, a pie's slices appear one by one.

Bars stand upright, or lie down when their category labels need the room (long names, a narrow frame).
Bars, lines and areas get gridlines whose values are written in the series' own units ("$2M", "50%").
Everything stays inside the box it is given, in the style's fonts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from animagenius.pipeline.script.data_phrases import ENGLISH
from animagenius.pipeline.visuals.charts import ChartData, Series, date_label, reveal_steps, units_of
from animagenius.pipeline.visuals.layout import clipped
from animagenius.pipeline.visuals.typeset import truncate, wrap

Colour = tuple[int, int, int]
Box = tuple[int, int, int, int]  # left, top, right, bottom
AREA_OPACITY = 0.45


@dataclass(frozen=True)
class ChartStyle:
    colours: tuple[Colour, ...]  # one per series (or slice)
    text: Colour
    muted: Colour  # axis lines and tick values
    grid: Colour
    background: Colour  # the gaps between slices
    font: ImageFont.FreeTypeFont  # values and category labels
    bold: ImageFont.FreeTypeFont
    months: tuple[str, ...] = ENGLISH.months  # how a date axis names its months

    def colour(self, index: int) -> Colour:
        """The series' or slice's colour; past the palette, its colours again lightened."""
        base = self.colours[index % len(self.colours)]
        return base if index < len(self.colours) else mixed(base, (255, 255, 255), 0.45)

    def label(self, category: str) -> str:
        return date_label(category, self.months)


def mixed(colour: Colour, other: Colour, share: float) -> Colour:
    """`colour` with `share` of `other` mixed in."""
    red, green, blue = (round(a + (b - a) * share) for a, b in zip(colour, other, strict=True))
    return red, green, blue


def draw_chart(
    image: Image.Image, data: ChartData, box: Box, style: ChartStyle, *, stage: int | None = None
) -> None:
    """Draw `data` inside `box`, a legend on top when there are several series. `stage`: None draws the
    whole chart; k draws the axes and the first k reveal steps (0: the axes alone)."""
    steps = reveal_steps(data)
    shown = len(data.categories) if stage is None else sum(len(step) for step in steps[: max(0, stage)])
    draw = ImageDraw.Draw(image)
    if data.kind == "pie":
        _pie(image, data, box, style, shown)
        return
    left, top, right, bottom = box
    if len(data.series) > 1:
        top = _legend(draw, [s.name for s in data.series], (left, top, right), style)
    box = (left, top, right, bottom)
    if data.kind == "bar":
        (_lying_bars if _should_lie(data, box, style) else _bars)(draw, data, box, style, shown)
    else:
        _line(image, data, box, style, shown)


def _legend(
    draw: ImageDraw.ImageDraw, names: Sequence[str], at: tuple[int, int, int], style: ChartStyle
) -> int:
    """Names with their colours in rows across the top; returns the y below them."""
    left, top, right = at
    size = round(style.font.size)
    x, y = left, top
    for index, name in enumerate(names):
        text = truncate(name, style.font, right - left - size * 1.4)
        width = round(size * 1.4 + style.font.getlength(text) + size)
        if x + width > right and x > left:
            x, y = left, y + round(size * 1.5)
        _swatch(draw, (x, y), style.colour(index), size)
        draw.text((x + round(size * 1.3), y), text, font=style.font, fill=style.text)
        x += width
    return y + round(size * 1.9)


def _swatch(draw: ImageDraw.ImageDraw, at: tuple[float, float], colour: Colour, size: int) -> None:
    x, y = at
    draw.rounded_rectangle(
        (x, y + size * 0.2, x + size * 0.9, y + size * 1.1), radius=max(1, size // 6), fill=colour
    )


# ---------------------------------------------------------------- value axis


@dataclass(frozen=True)
class _Axis:
    """Values onto the plot's rows (or columns, for lying bars), with the gridline values."""

    ticks: tuple[float, ...]
    start: float  # pixel of the lowest tick
    end: float  # pixel of the highest tick

    @property
    def low(self) -> float:
        return self.ticks[0]

    @property
    def high(self) -> float:
        return self.ticks[-1]

    def at(self, value: float) -> float:
        return self.start + (value - self.low) / (self.high - self.low) * (self.end - self.start)


def _ticks(values: Sequence[float], *, with_zero: bool) -> tuple[float, ...]:
    """Four to six round values that span `values` (and zero, for bars and areas)."""
    low, high = min(values), max(values)
    if with_zero or (low >= 0 and low <= high * 0.4) or (high <= 0 and high >= low * 0.4):
        low, high = min(0.0, low), max(0.0, high)
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * 0.999)
    first, last = math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step
    return tuple(first + index * step for index in range(round((last - first) / step) + 1))


def _tick_text(value: float, series: Series, step: float) -> str:
    """A gridline's value written like the series' own labels: "$2M", "50%", "1.5k", "2,5"."""
    units = next((found for label in series.labels if (found := units_of(label)) is not None), None)
    prefix, suffix, scale, comma = units or ("", "", 1.0, False)
    shown, unit_step = abs(value) / scale, step / scale
    decimals = max(0, -math.floor(math.log10(unit_step) + 1e-9)) if unit_step < 1 else 0
    if unit_step * 10**decimals % 1 > 1e-6:  # a step of 2.5
        decimals += 1
    if value == 0:
        return f"{prefix}0{suffix if suffix == '%' else ''}"
    digits = f"{shown:,.{decimals}f}"
    if comma:
        digits = digits.replace(",", " ").replace(".", ",")
    sign = "-" if value < 0 and round(shown, decimals) else ""
    return f"{sign}{prefix}{digits}{suffix}"


def _gridlines(draw: ImageDraw.ImageDraw, data: ChartData, axis: _Axis, plot: Box, style: ChartStyle) -> None:
    left, _, right, _ = plot
    step = axis.ticks[1] - axis.ticks[0]
    width = max(1, round(style.font.size) // 14)
    for tick in axis.ticks:
        y = axis.at(tick)
        draw.line((left, y, right, y), fill=style.muted if tick == 0 else style.grid, width=width)
        text = _tick_text(tick, data.series[0], step)
        x = left - style.font.size * 0.4 - style.font.getlength(text)
        draw.text((x, y - style.font.size * 0.6), text, font=style.font, fill=style.muted)


def _gutter(data: ChartData, ticks: Sequence[float], style: ChartStyle) -> float:
    """The room left of the plot for the gridline values."""
    step = ticks[1] - ticks[0]
    widest = max(style.font.getlength(_tick_text(tick, data.series[0], step)) for tick in ticks)
    return widest + style.font.size * 0.6


def _values(data: ChartData) -> list[float]:
    return [value for series in data.series for value in series.values]


# ---------------------------------------------------------------- bars


def _should_lie(data: ChartData, box: Box, style: ChartStyle) -> bool:
    """Lying bars when an upright bar's category label would be cut and lying rows have room."""
    left, top, right, bottom = box
    gutter = _gutter(data, _ticks(_values(data), with_zero=True), style)
    slot = (right - left - gutter) / len(data.categories)
    widest = max(style.font.getlength(style.label(c)) for c in data.categories)
    row = (bottom - top) / len(data.categories)
    return widest > slot * 0.95 and row * 0.74 / len(data.series) >= style.font.size * 1.05


def _bars(draw: ImageDraw.ImageDraw, data: ChartData, box: Box, style: ChartStyle, shown: int) -> None:
    left, top, right, bottom = box
    size = round(style.font.size)
    ticks = _ticks(_values(data), with_zero=True)
    plot_left = left + _gutter(data, ticks, style)
    axis = _Axis(ticks, bottom - size * 1.7, top + size * 1.6)
    _gridlines(draw, data, axis, (round(plot_left), top, right, bottom), style)
    slot = (right - plot_left) / len(data.categories)
    bar = slot * 0.72 / len(data.series)
    labels_fit = all(
        style.font.getlength(label) <= bar + slot * 0.12 for series in data.series for label in series.labels
    )
    for index in range(shown):
        x = plot_left + slot * index + slot * 0.14
        for number, series in enumerate(data.series):
            value = series.values[index]
            top_y, base_y = sorted((axis.at(value), axis.at(0)))
            draw.rectangle((x + 1, top_y, x + bar - 1, base_y), fill=style.colour(number))
            if labels_fit:
                text, above = series.labels[index], value >= 0
                y = top_y - size * 1.3 if above else base_y + size * 0.15
                draw.text(
                    (x + bar / 2 - style.font.getlength(text) / 2, y), text, font=style.font, fill=style.text
                )
            x += bar
        name = truncate(style.label(data.categories[index]), style.font, slot * 0.95)
        centre = plot_left + slot * index + slot / 2
        draw.text((centre - style.font.getlength(name) / 2, axis.start + size * 0.35), name, font=style.font,
                  fill=style.text)  # fmt: skip


def _lying_bars(draw: ImageDraw.ImageDraw, data: ChartData, box: Box, style: ChartStyle, shown: int) -> None:
    """Bars along rows: the category's name on the left, its value at the bar's end."""
    left, top, right, bottom = box
    size = round(style.font.size)
    names = [style.label(category) for category in data.categories]
    name_width = min(max(style.font.getlength(name) for name in names), (right - left) * 0.4)
    value_width = max(style.font.getlength(label) for s in data.series for label in s.labels)
    plot_left, plot_right = left + name_width + size * 0.6, right - value_width - size * 0.4
    ticks = _ticks(_values(data), with_zero=True)
    axis = _Axis(ticks, plot_left, plot_right)
    row = (bottom - top) / len(data.categories)
    bar = min(row * 0.74 / len(data.series), size * 1.6)
    draw.line((axis.at(0), top, axis.at(0), bottom), fill=style.muted, width=max(1, size // 14))
    for index in range(shown):
        y = top + row * index + (row - bar * len(data.series)) / 2
        lines = wrap(names[index], style.font, round(name_width))
        lines = clipped(lines, style.font, round(name_width), max_lines=2 if row >= size * 2.7 else 1)
        line_y = top + row * (index + 0.5) - size * (0.6 + 0.6 * (len(lines) - 1))
        for line in lines:
            line = truncate(line, style.font, name_width)
            draw.text((plot_left - size * 0.6 - style.font.getlength(line), line_y), line, font=style.font,
                      fill=style.text)  # fmt: skip
            line_y += size * 1.2
        for number, series in enumerate(data.series):
            value = series.values[index]
            start, end = sorted((axis.at(0), axis.at(value)))
            draw.rectangle((start, y + 1, end, y + bar - 1), fill=style.colour(number))
            text = series.labels[index]
            x = end + size * 0.3 if value >= 0 else start - size * 0.3 - style.font.getlength(text)
            draw.text((x, y + bar / 2 - size * 0.6), text, font=style.font, fill=style.text)
            y += bar


# ---------------------------------------------------------------- lines and areas


def _line(image: Image.Image, data: ChartData, box: Box, style: ChartStyle, shown: int) -> None:
    """A line (or a filled area) per series over the categories along the bottom."""
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = box
    size, count = round(style.font.size), len(data.categories)
    ticks = _ticks(_values(data), with_zero=data.kind == "area")
    plot_left = left + _gutter(data, ticks, style)
    axis = _Axis(ticks, bottom - size * 1.7, top + size * 1.6)
    _gridlines(draw, data, axis, (round(plot_left), top, right, bottom), style)
    names = [style.label(category) for category in data.categories]
    widest = max(style.font.getlength(name) for name in names)
    inset = min(widest / 2 + size * 0.3, (right - plot_left) / 4)
    step = (right - plot_left - 2 * inset) / max(1, count - 1)
    x_of = lambda index: plot_left + inset + step * index  # noqa: E731
    every = max(1, math.ceil((widest + size) / step)) if count > 1 else 1
    for index, name in enumerate(names):
        if index % every == 0:
            text = truncate(name, style.font, right - plot_left if count == 1 else step * every * 0.95)
            x = x_of(index) - style.font.getlength(text) / 2
            draw.text((x, axis.start + size * 0.35), text, font=style.font, fill=style.text)
    if shown == 0:
        return
    width = max(3, size // 6)
    base = axis.at(min(max(0.0, axis.low), axis.high))
    for number, series in enumerate(data.series):
        colour = style.colour(number)
        points = [(x_of(index), axis.at(value)) for index, value in enumerate(series.values[:shown])]
        if data.kind == "area":
            _fill(image, [(points[0][0], base), *points, (points[-1][0], base)], colour)
        if len(points) > 1:
            draw.line(points, fill=colour, width=width, joint="curve")
        if count <= 24 or len(points) == 1:
            for x, y in points:
                draw.ellipse((x - width, y - width, x + width, y + width), fill=colour)
    _last_values(draw, data, (x_of(shown - 1), axis), (left, right), style, shown)


def _fill(image: Image.Image, outline: Sequence[tuple[float, float]], colour: Colour) -> None:
    """A polygon in `colour`, partly see-through: the gridlines and other areas show beneath it."""
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).polygon(outline, fill=round(255 * AREA_OPACITY))
    image.paste(colour, (0, 0, *image.size), mask)


def _last_values(
    draw: ImageDraw.ImageDraw,
    data: ChartData,
    at: tuple[float, _Axis],
    span: tuple[int, int],
    style: ChartStyle,
    shown: int,
) -> None:
    """Each series' value at the newest point drawn, above it (kept apart and inside the box)."""
    x, axis = at
    left, right = span
    size, used = style.bold.size, list[float]()
    for series in sorted(data.series, key=lambda s: -s.values[shown - 1]):
        text = series.labels[shown - 1]
        y = axis.at(series.values[shown - 1]) - size * 1.5
        for other in used:
            y = min(y, other - size * 1.15) if abs(y - other) < size * 1.15 else y
        used.append(y)
        width = style.bold.getlength(text)
        place = min(max(left, x - width / 2), right - width)
        draw.text((place, y), text, font=style.bold, fill=style.text)


# ---------------------------------------------------------------- pie


def _pie(image: Image.Image, data: ChartData, box: Box, style: ChartStyle, shown: int) -> None:
    """Slices clockwise from the top; a legend of names and values (as the source wrote them) beside the pie,
    below it in a narrow box. The values are not repeated inside the slices: a thin slice has no room."""
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = box
    series, size = data.series[0], round(style.font.size)
    entries = [f"{truncate(style.label(c), style.font, (right - left) * 0.4)}  {v}"
               for c, v in zip(data.categories, series.labels, strict=True)]  # fmt: skip
    legend_width = max(style.font.getlength(entry) for entry in entries) + size * 1.4
    legend_height = len(entries) * size * 1.5
    beside = (right - left) - legend_width - size >= (bottom - top) * 0.8
    if beside:
        diameter = min(bottom - top, right - left - legend_width - size * 2)
        pie_left = left + (right - left - diameter - size * 2 - legend_width) / 2
        pie_box = (pie_left, top, pie_left + diameter, top + diameter)
        legend_at = (pie_left + diameter + size * 2, top + (diameter - legend_height) / 2)
    else:
        diameter = max(size * 4, min(right - left, bottom - top - legend_height - size))
        pie_left = left + (right - left - diameter) / 2
        pie_box = (pie_left, top, pie_left + diameter, top + diameter)
        legend_at = (left + (right - left - legend_width) / 2, top + diameter + size)
    total, start = sum(series.values) or 1.0, -90.0
    centre, radius = ((pie_box[0] + pie_box[2]) / 2, (pie_box[1] + pie_box[3]) / 2), diameter / 2
    sweeps = [value / total * 360 for value in series.values]
    draw.ellipse(pie_box, outline=style.grid, width=max(2, size // 10))  # where the slices will be
    for index in range(shown):
        draw.pieslice(pie_box, start, start + sweeps[index], fill=style.colour(index))
        start += sweeps[index]
    start = -90.0
    for index in range(shown if shown > 1 else 0):  # gaps between the slices
        angle = math.radians(start)
        edge = (centre[0] + math.cos(angle) * radius, centre[1] + math.sin(angle) * radius)
        draw.line((centre, edge), fill=style.background, width=max(2, size // 10))
        start += sweeps[index]
    x, y = legend_at
    for index in range(shown):
        _swatch(draw, (x, y), style.colour(index), size)
        draw.text((x + size * 1.4, y), entries[index], font=style.font, fill=style.text)
        y += size * 1.5
