"""Charts from a source table: which tables chart, which chart they make, and the steps they build up in.

A table can be charted when one column labels the rows and at least one other holds a number in (nearly)
every row. A chart read from the source keeps the source's type (bar, line, area or pie). Otherwise the
data picks it: labels that read as times (years, quarters, months, dates) make a line; one column of
percentages that add up to about 100 makes a pie (up to 6 slices); anything else makes bars. Values keep
the table's own units in their labels ("12%", "$3.4M"); ISO dates (how ingest writes a chart's date axis)
are shown as dates ("Jan 2002"). Drawing is chart_drawing.py's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from animagenius.pipeline.domain import Block, Scene
from animagenius.pipeline.script.data_phrases import ENGLISH, PHRASES

ChartKind = Literal["bar", "line", "pie", "area"]
MAX_ROWS, MAX_SERIES, MAX_PIE_SLICES = 12, 3, 6
MAX_POINTS = 120  # a line or area draws this many points at most
MAX_SOURCE_SLICES = 8  # a pie the source drew keeps up to this many slices
MAX_STEPS = 8  # a chart builds up in at most this many steps

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
    rows: Sequence[Sequence[str]],
    *,
    max_rows: int = MAX_ROWS,
    max_series: int = MAX_SERIES,
    source: ChartKind | None = None,
) -> ChartData | None:
    """The chart a table makes (the first row is its header), or None when it holds no numbers to draw.
    `source` is how the source drew it, for a chart read from a document (Block.chart): kept when the
    data allows it (a pie needs 2 to MAX_SOURCE_SLICES slices, none negative).

    At most `max_rows` rows (a line or area: MAX_POINTS) and `max_series` series are kept: what fits a
    drawn chart by default.
    """
    if len(rows) < 3:
        return None
    asked, first_label = max_rows, rows[1][0].strip() if rows[1] else ""
    if source in ("line", "area") or (source is None and _TIME_LABEL.match(first_label)):
        max_rows = max(max_rows, MAX_POINTS)
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
    kind = _source_kind(source, series) or _kind(categories, series)
    if kind in ("bar", "pie") and len(categories) > asked:  # longer only for a time line
        categories, series = categories[:asked], [_first(s, asked) for s in series]
    return ChartData(kind, categories, tuple(series[:max_series]))


def _first(series: Series, count: int) -> Series:
    return Series(series.name, series.values[:count], series.labels[:count])


def _source_kind(source: ChartKind | None, series: Sequence[Series]) -> ChartKind | None:
    if source == "pie":
        values = series[0].values
        return "pie" if 2 <= len(values) <= MAX_SOURCE_SLICES and min(values) >= 0 < sum(values) else "bar"
    return source


def _kind(categories: Sequence[str], series: Sequence[Series]) -> ChartKind:
    if all(_TIME_LABEL.match(category) for category in categories):
        return "line"
    first = series[0]
    percentages = all(label.endswith("%") for label in first.labels)
    shares = len(series) == 1 and percentages and len(categories) <= MAX_PIE_SLICES
    if shares and min(first.values) >= 0 and abs(sum(first.values) - 100) <= 2:
        return "pie"
    return "bar"


def units_of(label: str) -> tuple[str, str, float, bool] | None:
    """How a value label writes its number: currency prefix, unit suffix, the suffix's scale ("M": 1e6)
    and whether it uses a decimal comma; None when it is no number."""
    match = _NUMBER.match(label)
    if match is None or parse_number(label) is None:
        return None
    suffix = match["suffix"] or ""
    comma = bool(_COMMA_DECIMALS.match(match["digits"].strip()))
    return match["prefix"], suffix, _SCALE.get(suffix.lower(), 1.0), comma


def block_chart(block: Block) -> ChartData | None:
    """The chart a table block makes, in the source's chart type when it was read from a chart."""
    return chart_data(block.rows, source=block.chart)


# ---------------------------------------------------------------- dates as dates

_ISO_DATE = re.compile(r"^((?:1[89]|20)\d\d)-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?$")


def month_names(narration: str) -> tuple[str, ...]:
    """The month names of the narration's language (the one whose month names it says most; English
    when it says none), for a chart's date axis to agree with the voice."""
    said = narration.casefold()
    counts = {
        code: sum(len(re.findall(rf"\b{re.escape(m.casefold())}\b", said)) for m in words.months)
        for code, words in PHRASES.items()
    }
    best = max(counts, key=lambda code: counts[code])
    return PHRASES[best].months if counts[best] else ENGLISH.months


def date_label(category: str, months: Sequence[str] = ENGLISH.months) -> str:
    """An ISO date as a chart's axis shows it: "2002-01" → "Jan 2002", "2002-01-05" → "5 Jan 2002";
    any other label as written."""
    match = _ISO_DATE.match(category)
    if match is None:
        return category
    year, month, day = match.groups()
    name = months[int(month) - 1]
    short = name[:3] if months is ENGLISH.months else (name if len(name) <= 5 else f"{name[:3]}.")
    return f"{short} {year}" if day is None else f"{int(day)} {short} {year}"


def spoken_dates(category: str) -> tuple[str, ...]:
    """How the narration may say a category: an ISO date in each language's words ("January 2002",
    "janvier 2002"), anything else as written."""
    match = _ISO_DATE.match(category)
    if match is None:
        return (category,)
    year, month, day = match.groups()
    said = []
    for words in PHRASES.values():
        name = words.months[int(month) - 1]
        template = words.month_date if day is None else words.day_date
        said.append(template.format(month=name, year=year, day=int(day or 1)))
    return tuple(dict.fromkeys(said))


# ---------------------------------------------------------------- building up


def reveal_steps(data: ChartData) -> tuple[tuple[int, ...], ...]:
    """The categories (a pie's slices) each step of the build-up adds, in order: one a step, or neighbours
    grouped so there are at most MAX_STEPS."""
    count = len(data.categories)
    per_step = math.ceil(count / MAX_STEPS)
    return tuple(tuple(range(first, min(count, first + per_step))) for first in range(0, count, per_step))


def chart_reveals(scene: Scene, shown: Block) -> tuple[str, ...]:
    """One cue per build-up step of the chart `scene` shows from `shown`: the words of the narration whose
    being spoken reveals that step (a category as the narration says it, in narration order), or "" where
    the narration does not name the step (the step then comes between its neighbours, evenly spaced).
    Each cue is to be looked for after the previous one. () when `shown` makes no chart."""
    data = block_chart(shown)
    if data is None:
        return ()
    narration = scene.narration
    cues, position = [], 0
    for step in reveal_steps(data):
        found = None
        for index in step:
            for phrase in spoken_dates(data.categories[index]):
                match = re.search(_said(phrase), narration[position:])
                if match and (found is None or match.start() + position < found[0]):
                    found = (position + match.start(), position + match.end())
        if found is None:
            cues.append("")
        else:
            cues.append(narration[found[0] : found[1]])
            position = found[1]
    return tuple(cues)


def _said(phrase: str) -> str:
    """A pattern for `phrase` as a narration writes it: whole words in its own case, a lower-case first
    letter also capitalised at a sentence's start ("Go", not the verb "go"; "Janvier 2002" as well as
    "janvier 2002")."""
    if not phrase or not phrase[0].islower():
        return rf"(?<!\w){re.escape(phrase)}(?!\w)"
    first = f"[{re.escape(phrase[0])}{re.escape(phrase[0].upper())}]"
    return rf"(?<!\w){first}{re.escape(phrase[1:])}(?!\w)"
