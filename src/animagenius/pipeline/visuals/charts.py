"""Charts drawn from a source table: bars, a line over time, or a pie of shares.

A table can be charted when one column labels the rows and at least one other holds a number in (nearly)
every row. The chart type follows the data: labels that read as times (years, quarters, months, dates)
make a line; one column of percentages that add up to about 100 makes a pie (up to 6 slices); anything
else makes bars. Values keep the table's own units in their labels ("12%", "$3.4M").
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from PIL import ImageDraw, ImageFont

from animagenius.pipeline.visuals.typeset import truncate

ChartKind = Literal["bar", "line", "pie"]
MAX_ROWS, MAX_SERIES, MAX_PIE_SLICES = 12, 3, 6

_NUMBER = re.compile(
    r"^\s*(?P<prefix>[$€£¥]?)\s*(?P<sign>[-−]?)\s*(?P<digits>\d[\d,.\s]*|\.\d+)\s*"
    r"(?P<suffix>%|[kKmMbB]n?|bn)?\s*$"
)
_POINT_DECIMALS = re.compile(r"^\d[\d,\s]*(?:\.\d+)?$|^\.\d+$")  # 1,234.5 · 1 234 · 0.5
# 1.234,5 · 1.234.567 · 4,5 · 1 234,56: a comma before one, two or four-plus digits is no thousands mark
_COMMA_DECIMALS = re.compile(
    r"^\d{1,3}(?:\.\d{3})+,\d+$|^\d{1,3}(?:\.\d{3}){2,}$|^\d[\d\s]*,(?:\d\d?|\d{4,})$"
)
_SCALE = {"k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9, "mn": 1e6}
_TIME_LABEL = re.compile(
    r"^(?:(?:19|20)\d\d(?:[-/]\d\d?){0,2}|q[1-4]\b.*|.*\bq[1-4]|fy\s?\d{2,4}|h[12]\b.*|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s+\d{2,4})?|week \d+|day \d+)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]
    labels: tuple[str, ...]  # each value as the table wrote it


@dataclass(frozen=True)
class ChartData:
    kind: ChartKind
    categories: tuple[str, ...]
    series: tuple[Series, ...]


def parse_number(cell: str) -> float | None:
    """ "1,234" → 1234, "12.5%" → 12.5, "$3.4M" → 3400000, "−2" → -2, "4,5" → 4.5; None for anything else."""
    match = _NUMBER.match(cell)
    if match is None:
        return None
    written = match["digits"].strip()
    if _COMMA_DECIMALS.match(written):
        digits = re.sub(r"[.\s]", "", written).replace(",", ".")
    elif _POINT_DECIMALS.match(written):
        digits = re.sub(r"[,\s]", "", written)
    else:
        return None
    value = float(digits) * _SCALE.get((match["suffix"] or "").lower(), 1.0)
    return -value if match["sign"] else value


def chart_data(
    rows: Sequence[Sequence[str]], *, max_rows: int = MAX_ROWS, max_series: int = MAX_SERIES
) -> ChartData | None:
    """The chart a table makes (the first row is its header), or None when it holds no numbers to draw.

    At most `max_rows` rows and `max_series` series are kept: what fits a drawn chart by default.
    """
    if len(rows) < 3:
        return None
    header, body = rows[0], [row for row in rows[1 : max_rows + 1] if row and row[0].strip()]
    if len(body) < 2:
        return None
    series = []
    for column in range(1, len(header)):
        cells = [row[column].strip() if column < len(row) else "" for row in body]
        values = [parse_number(cell) for cell in cells]
        if sum(value is not None for value in values) >= max(2, math.ceil(len(body) * 0.8)):
            name = header[column].strip() or f"Column {column + 1}"
            series.append(
                Series(name, tuple(value or 0.0 for value in values), tuple(c or "–" for c in cells))
            )
    if not series:
        return None
    categories = tuple(row[0].strip() for row in body)
    return ChartData(_kind(categories, series), categories, tuple(series[:max_series]))


def _kind(categories: Sequence[str], series: Sequence[Series]) -> ChartKind:
    if all(_TIME_LABEL.match(category) for category in categories):
        return "line"
    first = series[0]
    percentages = all(label.endswith("%") for label in first.labels)
    shares = len(series) == 1 and percentages and len(categories) <= MAX_PIE_SLICES
    if shares and min(first.values) >= 0 and abs(sum(first.values) - 100) <= 2:
        return "pie"
    return "bar"


@dataclass(frozen=True)
class ChartStyle:
    colours: tuple[tuple[int, int, int], ...]  # one per series (or slice)
    text: tuple[int, int, int]
    muted: tuple[int, int, int]
    font: ImageFont.FreeTypeFont  # values and category labels
    bold: ImageFont.FreeTypeFont


def draw_chart(
    draw: ImageDraw.ImageDraw, data: ChartData, box: tuple[int, int, int, int], style: ChartStyle
) -> None:
    """Draw `data` inside `box` (left, top, right, bottom): legend on top when there are several series."""
    left, top, right, bottom = box
    if len(data.series) > 1 or data.kind == "pie":
        top = _legend(draw, data, (left, top, right), style)
    {"bar": _bars, "line": _line, "pie": _pie}[data.kind](draw, data, (left, top, right, bottom), style)


def _legend(draw: ImageDraw.ImageDraw, data: ChartData, at: tuple[int, int, int], style: ChartStyle) -> int:
    left, top, right = at
    names = data.categories if data.kind == "pie" else tuple(series.name for series in data.series)
    size = style.font.size
    x, y = left, top
    for index, name in enumerate(names):
        width = round(size * 1.4 + style.font.getlength(name) + size)
        if x + width > right and x > left:
            x, y = left, y + round(size * 1.5)
        colour = style.colours[index % len(style.colours)]
        draw.rectangle((x, y + size * 0.2, x + size * 0.9, y + size * 1.1), fill=colour)
        draw.text((x + round(size * 1.3), y), name, font=style.font, fill=style.text)
        x += width
    return y + round(size * 2.0)


@dataclass(frozen=True)
class _ValueAxis:
    """Values (zero included) onto the plot's rows: room above it for value labels, below for categories."""

    low: float
    high: float
    plot_top: float
    plot_bottom: float

    @classmethod
    def of(cls, data: ChartData, box: tuple[int, int, int, int], size: float) -> _ValueAxis:
        values = [value for series in data.series for value in series.values]
        low, high = min(0.0, *values), max(0.0, *values)
        _, top, _, bottom = box
        return cls(low, high if high > low else low + 1, top + round(size * 1.5), bottom - round(size * 1.6))

    def y_of(self, value: float) -> float:
        return self.plot_bottom - (value - self.low) / (self.high - self.low) * (
            self.plot_bottom - self.plot_top
        )


def _bars(
    draw: ImageDraw.ImageDraw, data: ChartData, box: tuple[int, int, int, int], style: ChartStyle
) -> None:
    left, _, right, _ = box
    size = style.font.size
    axis = _ValueAxis.of(data, box, size)
    y_of, plot_bottom = axis.y_of, axis.plot_bottom
    slot = (right - left) / len(data.categories)
    bar = slot * 0.7 / len(data.series)
    draw.line((left, y_of(0), right, y_of(0)), fill=style.muted, width=max(1, int(size) // 12))
    for index, category in enumerate(data.categories):
        x = left + slot * index + slot * 0.15
        for number, series in enumerate(data.series):
            value, colour = series.values[index], style.colours[number % len(style.colours)]
            top_y, base_y = sorted((y_of(value), y_of(0)))
            draw.rectangle((x, top_y, x + bar - 2, base_y), fill=colour)
            text = truncate(series.labels[index], style.font, bar + slot * 0.1)
            width = style.font.getlength(text)
            draw.text((x + bar / 2 - width / 2, top_y - size * 1.3), text, font=style.font, fill=style.text)
            x += bar
        name = truncate(category, style.font, slot * 0.95)
        centre = left + slot * index + slot / 2
        draw.text((centre - style.font.getlength(name) / 2, plot_bottom + size * 0.35), name, font=style.font,
                  fill=style.text)  # fmt: skip


def _line(
    draw: ImageDraw.ImageDraw, data: ChartData, box: tuple[int, int, int, int], style: ChartStyle
) -> None:
    left, _, right, _ = box
    size = style.font.size
    axis = _ValueAxis.of(data, box, size)
    y_of, plot_bottom = axis.y_of, axis.plot_bottom
    inset = size * 1.5
    step = (right - left - 2 * inset) / max(1, len(data.categories) - 1)
    x_of = lambda index: left + inset + step * index  # noqa: E731
    draw.line((left, plot_bottom, right, plot_bottom), fill=style.muted, width=max(1, int(size) // 12))
    every = max(1, math.ceil(len(data.categories) * style.font.getlength("2024 Q4") / (right - left)))
    for index, category in enumerate(data.categories):
        if index % every == 0 or index == len(data.categories) - 1:
            name = truncate(
                category, style.font, step * every * 0.95 if len(data.categories) > 1 else right - left
            )
            x = x_of(index) - style.font.getlength(name) / 2
            draw.text((x, plot_bottom + size * 0.35), name, font=style.font, fill=style.text)
    width = max(3, int(size) // 5)
    for number, series in enumerate(data.series):
        colour = style.colours[number % len(style.colours)]
        points = [(x_of(index), y_of(value)) for index, value in enumerate(series.values)]
        draw.line(points, fill=colour, width=width, joint="curve")
        for x, y in points:
            draw.ellipse((x - width, y - width, x + width, y + width), fill=colour)
        x, y = points[-1]
        text = series.labels[-1]
        draw.text(
            (x - style.bold.getlength(text) / 2, y - size * 1.5), text, font=style.bold, fill=style.text
        )


def _pie(
    draw: ImageDraw.ImageDraw, data: ChartData, box: tuple[int, int, int, int], style: ChartStyle
) -> None:
    left, top, right, bottom = box
    series = data.series[0]
    radius = min(right - left, bottom - top) / 2 * 0.92
    centre = ((left + right) / 2, (top + bottom) / 2)
    bounds = (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius)
    total, start = sum(series.values) or 1.0, -90.0
    for index, value in enumerate(series.values):
        sweep = value / total * 360
        draw.pieslice(bounds, start, start + sweep, fill=style.colours[index % len(style.colours)])
        middle = math.radians(start + sweep / 2)
        if sweep >= 18:  # a label fits inside the slice
            text = series.labels[index]
            x = centre[0] + math.cos(middle) * radius * 0.62 - style.bold.getlength(text) / 2
            y = centre[1] + math.sin(middle) * radius * 0.62 - style.bold.size * 0.6
            draw.text(
                (x, y), text, font=style.bold, fill=(255, 255, 255), stroke_width=2, stroke_fill=(0, 0, 0)
            )
        start += sweep
