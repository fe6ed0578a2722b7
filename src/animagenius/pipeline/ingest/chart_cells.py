"""A PowerPoint chart's cells as its slide shows them: dates for date axes, values in their number format.

A chart stores numbers: a date axis holds Excel serial days (37257 is 1 January 2002) and a value formatted
"0%" holds 0.125 for "13%". These helpers read the chart's XML (the formats python-pptx does not expose)
and turn each cell into the text a reader of the slide sees, so narration and drawn charts say "2002-01"
and "13%" rather than "37257.0" and "0.125".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from lxml import etree  # type: ignore[import-untyped]

from animagenius.pipeline.visuals.charts import parse_number

SourceChart = Literal["bar", "line", "pie", "area"]

_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_XPATH = {"namespaces": {"c": _C}}
_PLOT_AREA = etree.XPath("./c:chart/c:plotArea", **_XPATH)
_SERIES_ORDER = etree.XPath("number(./c:order/@val)", **_XPATH)
_VALUE_FORMAT = etree.XPath("./c:val/c:numRef/c:numCache/c:formatCode/text()", **_XPATH)
_NUMERIC_CATEGORIES = etree.XPath("./c:ser[1]/c:cat/c:numRef/c:numCache", **_XPATH)
_CACHE_FORMAT = etree.XPath("./c:formatCode/text()", **_XPATH)
_POINT_COUNT = etree.XPath("./c:ptCount/@val", **_XPATH)
_DATE_AXIS = etree.XPath("./c:dateAx", **_XPATH)
_BASE_TIME_UNIT = etree.XPath("./c:dateAx/c:baseTimeUnit/@val", **_XPATH)
_DATE1904 = etree.XPath("./c:date1904/@val", **_XPATH)
_KINDS: dict[str, SourceChart] = {
    "barChart": "bar",
    "bar3DChart": "bar",
    "lineChart": "line",
    "line3DChart": "line",
    "areaChart": "area",
    "area3DChart": "area",
    "pieChart": "pie",
    "pie3DChart": "pie",
    "doughnutChart": "pie",
    "ofPieChart": "pie",
}
MAX_CATEGORIES = 100_000
_LAST_SERIAL_DAY = 2_958_465  # 31 December 9999, the last date Excel knows
_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_TOKENS = re.compile(f"({_LITERALS.pattern})")
_CURRENCY_TAG = re.compile(r"^\[\$([^\]-]*)(?:-[0-9A-Fa-f]+)?\]$")  # [$€-407] is a literal "€"
_PLACEHOLDERS = re.compile(r"(?:[0#?][0#?,]*(?:\.[0#?]*)?|\.[0#?]+),*")


@dataclass(frozen=True)
class ChartFormats:
    """What the chart's XML says about its cells, beyond what python-pptx reads."""

    kind: SourceChart | None
    value_formats: tuple[str, ...]  # one per series, in python-pptx's order (plot by plot, c:order)
    category_cells: tuple[str, ...] | None  # the category labels when the categories are numbers or dates


def chart_formats(chart_space: Any) -> ChartFormats:
    """Read `chart_space` (a chart part's root element): its first plot's kind, formats and categories."""
    areas = _PLOT_AREA(chart_space)
    plots = [child for child in areas[0] if _local(child).endswith("Chart")] if areas else []
    if not plots:
        return ChartFormats(None, (), None)
    formats = tuple(
        (_VALUE_FORMAT(series) or ["General"])[0]
        for plot in plots
        for series in sorted(plot.findall(f"{{{_C}}}ser"), key=_SERIES_ORDER)
    )
    caches = next((found for plot in plots if (found := _NUMERIC_CATEGORIES(plot))), None)
    categories = _category_cells(chart_space, areas[0], caches[0]) if caches else None
    return ChartFormats(_KINDS.get(_local(plots[0])), formats, categories)


def _local(element: Any) -> str:
    return str(etree.QName(element).localname)


def _category_cells(chart_space: Any, plot_area: Any, cache: Any) -> tuple[str, ...]:
    code = (_CACHE_FORMAT(cache) or ["General"])[0]
    count = min(_index((_POINT_COUNT(cache) or ["0"])[0]), MAX_CATEGORIES)
    points = {
        _index(pt.get("idx", "")): pt.findtext(f"{{{_C}}}v") or "" for pt in cache.iterfind(f"{{{_C}}}pt")
    }
    numbers = [_float(points.get(index, "")) for index in range(count)]
    is_date = bool(_DATE_AXIS(plot_area)) or _date_parts(code) != ""
    if not is_date:
        return tuple(format_value(number, code) for number in numbers)
    epoch = dt.date(1904, 1, 1) if _DATE1904(chart_space)[:1] in (["1"], ["true"]) else dt.date(1899, 12, 30)
    dates = [_serial_date(number, epoch) for number in numbers]
    unit = _date_unit(code, (_BASE_TIME_UNIT(plot_area) or [""])[0], [day for day in dates if day])
    return tuple(
        _iso(day, unit) if day else format_value(n, code) for day, n in zip(dates, numbers, strict=True)
    )


def _index(text: str) -> int:
    """A point index or count as written; -1 for anything that is not one (a damaged chart part)."""
    text = str(text).strip()
    return int(text) if text.isdecimal() and len(text) <= 7 else -1


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _serial_date(serial: float | None, epoch: dt.date) -> dt.date | None:
    if serial is None or not 1 <= serial <= _LAST_SERIAL_DAY:
        return None
    return epoch + dt.timedelta(days=math.floor(serial))


def _date_parts(code: str) -> str:
    """The date letters of a number format ("mmm-yy" → "mmmyy"); "" when it shows no date."""
    bare = _LITERALS.sub("", code).lower()
    return "" if bare == "general" else "".join(letter for letter in bare if letter in "dmy")


def _date_unit(code: str, base_unit: str, dates: Sequence[dt.date]) -> Literal["day", "month", "year"]:
    """How finely the slide shows its dates: by its format, else its axis's time unit, else the dates."""
    parts = _date_parts(code)
    if "d" in parts:
        return "day"
    if "m" in parts:
        return "month"
    if "y" in parts:
        return "year"
    if base_unit in ("days", "months", "years"):
        return {"days": "day", "months": "month", "years": "year"}[base_unit]  # type: ignore[return-value]
    if any(day.day != 1 for day in dates):
        return "day"
    return "month" if any(day.month != 1 for day in dates) else "year"


def _iso(day: dt.date, unit: Literal["day", "month", "year"]) -> str:
    """ "2002-01-05", "2002-01" or "2002": the form charts read as time and narration speaks as a date."""
    return {"day": day.isoformat(), "month": f"{day:%Y-%m}", "year": f"{day:%Y}"}[unit]


def format_value(value: float | None, code: str) -> str:
    """`value` as Excel's number format `code` shows it ("0.0%", "$#,##0", "#,##0.00") when charts can
    read that back; otherwise (dates, fractions, scientific, words around the number) as plain digits."""
    if value is None:
        return ""
    shown = _formatted(value, code)
    return shown if shown is not None and parse_number(shown) is not None else f"{value:.15g}"


def _formatted(value: float, code: str) -> str | None:
    sections = re.split(r';(?=(?:[^"]*"[^"]*")*[^"]*$)', code)  # ; outside quotes
    section = sections[1] if value < 0 and len(sections) > 1 else sections[0]
    shown = "".join(_literal(token) for token in _TOKENS.split(section))
    match = _PLACEHOLDERS.search(shown)
    if match is None:
        return None
    core = match.group().rstrip(",")
    thousands = len(match.group()) - len(core)  # each trailing comma divides by 1,000: "0.0,," is millions
    integer, _, fraction = core.partition(".")
    magnitude = abs(value) * (100 if "%" in shown else 1) / 1000**thousands
    required, optional = fraction.count("0"), len(fraction) - fraction.count("0")
    # Excel rounds half up what it shows to 15 significant digits: 0.285 as "0%" shows 29%
    exact = Decimal(f"{magnitude:.15g}").quantize(Decimal(1).scaleb(-(required + optional)), ROUND_HALF_UP)
    digits = f"{exact:{',' if ',' in integer else ''}f}"
    if optional and "." in digits:
        whole, _, decimals = digits.partition(".")
        decimals = decimals.rstrip("0").ljust(required, "0")
        digits = f"{whole}.{decimals}" if decimals else whole
    sign = "-" if value < 0 and len(sections) == 1 and exact else ""
    return f"{shown[: match.start()]}{sign}{digits}{shown[match.end() :]}".strip()


def _literal(token: str) -> str:
    """A format token as shown: quoted text and escaped characters as themselves, padding and colours
    as nothing, a currency tag as its symbol."""
    if token.startswith('"') and token.endswith('"') and len(token) >= 2:
        return token[1:-1]
    if token.startswith("\\"):
        return token[1:]
    if token.startswith(("_", "*")):
        return ""
    if token.startswith("["):
        currency = _CURRENCY_TAG.match(token)
        return currency.group(1) if currency else ""
    return token
