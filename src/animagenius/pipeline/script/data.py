"""What a table or chart shows, said in a few sentences in the document's language.

A chart-only deck or a spreadsheet pasted as slides has no prose to narrate; its data does. From a table
block (a source table, or a chart read as its table of data) this writes one to four sentences: what it
is (its title, or what it compares), then what the numbers say — the highest and lowest values for one
series, the change from the first to the last period (and any peak or low between) when the rows are
times, which series is higher and where the gap is widest for several, the largest and smallest share of
a whole. A table of words gets a short listing of its rows.

Faithful by construction: every label and value is the source's own, only its decimal mark and thousands
separator changed to the narration's language (and ISO dates said as dates); the one number computed is
the share of a total for a pie whose values are not percentages ("about 38%"). Nothing is said when the
data is too thin to say anything true.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from animagenius.pipeline.domain import Block
from animagenius.pipeline.script.data_phrases import Phrases, phrases_for
from animagenius.pipeline.visuals.charts import ChartData, Series, chart_data, parse_number

MAX_SENTENCES = 4
MAX_WORDS = 25  # a sentence longer than this (long labels) is dropped rather than read out
MAX_TITLE_WORDS = 12
MAX_NAMED = 3  # series or rows named in one list before "and 4 more"
MAX_LABEL_WORDS = 6  # a listed row label longer than this is a sentence, not a name
NARRATED_ROWS, NARRATED_SERIES = 500, 8

_CAPTION_LABEL = re.compile(
    r"^(?:chart|graph|table|tab|figure|fig|tableau|graphique|tabelle|abbildung|abb|diagramm|grafik|tabla|"
    r"gráfico|grafico|tabella|figura|tabela|tabel|grafiek|figuur)\.?\s*(?:[\dIVX]+[a-z]?\s*[:.–—-]?|[:–—-])\s*"
    r"|^chart$",
    re.IGNORECASE,
)
_TOTAL = re.compile(  # a total row is not one of the things compared
    r"^(?:(?:grand |sub-?)?totals?|sum|summe|gesamt|insgesamt|somme|suma|soma|totale|totaal)\W*$",
    re.IGNORECASE,
)
_INVENTED_NAME = re.compile(r"^Column \d+$")  # what chart_data calls a series with no header
_ISO_DATE = re.compile(r"^((?:1[89]|20)\d\d)-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?$")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_LABEL = re.compile(r"^(?P<before>[^\d−-]*)(?P<sign>[-−]?)(?P<number>\d(?:[\d,.\s]*\d)?)(?P<after>\D*)$")

Mode = Literal["compare", "trend", "shares"]


@dataclass(frozen=True)
class _Point:
    category: str
    value: float
    label: str  # as the table wrote it


def table_narration(block: Block, *, language: str) -> list[str]:
    """One to four sentences saying what `block`'s table or chart shows, in `language` (a BCP 47 tag;
    English when it is not one of en, fr, de, es, it, pt, nl); [] when it holds nothing worth saying."""
    words = phrases_for(language)
    data = chart_data(block.rows, max_rows=NARRATED_ROWS, max_series=NARRATED_SERIES)
    if data is None:
        return _listing(block, words)
    data = _without_totals(data)
    if data is None:
        return []
    series = _named_series(data)
    mode = _mode(block, data)
    say = _Speaker(words, data, time=data.kind in ("line", "area"))
    sentences = [_opening(block, series, data, say), *_findings(mode, series, data, say)]
    kept = [_finished(sentence, words) for sentence in sentences if sentence]
    return [sentence for sentence in kept if len(sentence.split()) <= MAX_WORDS][:MAX_SENTENCES]


def table_title(block: Block) -> str:
    """The table's caption or the chart's title without its label ("Table 2:", "Chart:"), "" if it has
    none short enough to say."""
    first = block.text.partition("\n")[0].strip()
    if not first or (block.rows and first == " | ".join(block.rows[0]).strip()) or "|" in first:
        return ""
    title = _CAPTION_LABEL.sub("", first, count=1).strip()
    title = re.split(r"(?<=[.!?])\s", title, maxsplit=1)[0].rstrip(" .:;")
    return title if 0 < len(title.split()) <= MAX_TITLE_WORDS else ""


# ---------------------------------------------------------------- reading the data


def _without_totals(data: ChartData) -> ChartData | None:
    kept = [index for index, category in enumerate(data.categories) if not _TOTAL.match(category)]
    if len(kept) < 2:
        return None
    series = tuple(
        Series(s.name, tuple(s.values[i] for i in kept), tuple(s.labels[i] for i in kept))
        for s in data.series
    )
    return ChartData(data.kind, tuple(data.categories[i] for i in kept), series)


def _named_series(data: ChartData) -> tuple[Series, ...]:
    """The series worth naming: those with a header; the first alone (unnamed) if none has one."""
    named = tuple(series for series in data.series if not _INVENTED_NAME.match(series.name))
    return named or (Series("", data.series[0].values, data.series[0].labels),)


def _mode(block: Block, data: ChartData) -> Mode:
    if block.chart == "pie" or data.kind == "pie":
        first = _points(data.series[0], data)
        if first and all(point.value >= 0 for point in first) and sum(p.value for p in first) > 0:
            return "shares"
    return "trend" if block.chart in ("line", "area") or data.kind in ("line", "area") else "compare"


def _points(series: Series, data: ChartData) -> list[_Point]:
    """The series' cells that hold a number (an empty or "n/a" cell is no value, not zero)."""
    return [
        _Point(category, value, label)
        for category, value, label in zip(data.categories, series.values, series.labels, strict=True)
        if parse_number(label) is not None
    ]


def _extremes(points: Sequence[_Point]) -> tuple[list[_Point], list[_Point]]:
    high, low = max(point.value for point in points), min(point.value for point in points)
    return [p for p in points if p.value == high], [p for p in points if p.value == low]


# ---------------------------------------------------------------- saying it


class _Speaker:
    """Labels, values and times as the narration's language says them."""

    def __init__(self, words: Phrases, data: ChartData, *, time: bool) -> None:
        self.words, self.data, self.time = words, data, time

    def value(self, label: str) -> str:
        """ "1,234.5" as "1 234,5" in French; sign as a word, units and currency kept where written."""
        match = _LABEL.match(label.strip())
        if match is None:
            return label.strip()
        number = _localised(match["number"], self.words)
        sign = f"{self.words.minus} " if match["sign"] else ""
        return f"{match['before']}{sign}{number}{match['after']}".strip()

    def category(self, label: str) -> str:
        """A category as said: ISO dates ("2002-01") as the language says dates, anything else as written."""
        match = _ISO_DATE.match(label)
        if match is None:
            return label
        year, month, day = match.groups()
        name = self.words.months[int(month) - 1]
        if day is None:
            return self.words.month_date.format(month=name, year=year)
        return self.words.day_date.format(day=int(day), month=name, year=year)

    def at(self, label: str) -> str:
        """A category with the preposition that places something in it: "in 2021", "im März 2002"."""
        spoken, words = self.category(label), self.words
        if not self.time:
            return words.at_category.format(c=spoken)
        match = _ISO_DATE.match(label)
        if match is not None:
            return (words.on_day if match.group(3) else words.in_month).format(t=spoken)
        return (words.in_year if _YEAR.match(label) else words.in_other).format(t=spoken)

    def names(self, names: Sequence[str]) -> str:
        return _joined(names, self.words)

    def categories_of(self, points: Sequence[_Point]) -> str:
        return _joined([self.category(point.category) for point in points], self.words)

    def span(self) -> str:
        first, last = self.data.categories[0], self.data.categories[-1]
        if _YEAR.match(first) and _YEAR.match(last):
            template = self.words.span_years
        elif (day := _ISO_DATE.match(first)) and day.group(3):
            template = self.words.span_days
        else:
            template = self.words.span
        return template.format(a=self.category(first), b=self.category(last))

    def count(self, wins: int) -> str:
        total, periods = len(self.data.categories), int(self.time)
        if wins == total:
            return self.words.every[periods]
        return self.words.categories[periods].format(k=wins, n=total)

    def moved(self, template: str, before: _Point, after: _Point, subject: str) -> str:
        """A rise, fall or flat sentence between two points."""
        return template.format(
            subject=subject,
            v=self.value(before.label),
            t=self.at(before.category),
            t2=self.at(after.category),
            from_v=self._into(self.words.from_value, before.label),
            to_v=self._into(self.words.to_value, after.label),
        )

    def _into(self, forms: tuple[str, str], label: str) -> str:
        return forms[label.strip().endswith("%")].format(v=self.value(label))


def _joined(names: Sequence[str], words: Phrases) -> str:
    """ "A, B and C", or "A, B, C and 4 more" past MAX_NAMED."""
    shown = list(names[:MAX_NAMED])
    if len(names) > MAX_NAMED:
        shown.append(words.more.format(k=len(names) - MAX_NAMED))
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} {words.and_} {shown[-1]}"


def _capital(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


def _localised(number: str, words: Phrases) -> str:
    """The digits of a number as written, with the language's decimal mark and grouping."""
    value = parse_number(number)
    if value is None:
        return number
    digits = re.sub(r"\D", "", number)
    whole = len(str(int(value)))
    decimals = 0 if value == int(digits) else max(0, len(digits) - whole)
    separators = re.sub(r"\d", "", number)
    grouped = len(separators) > (1 if decimals else 0)
    exact = Decimal(f"{value:.15g}").quantize(Decimal(1).scaleb(-decimals))
    text = f"{exact:{',' if grouped else ''}f}"
    return text.replace(",", "\0").replace(".", words.decimal).replace("\0", words.group)


def _finished(sentence: str, words: Phrases) -> str:
    """Single spaces, one full stop at the end (a label may end in its own), the language's contractions."""
    sentence = re.sub(r"\.{2,}$", ".", re.sub(r"\s+", " ", sentence).strip())
    for pattern, replacement in words.contractions:
        sentence = re.sub(pattern, replacement, sentence)
    return sentence


# ---------------------------------------------------------------- the sentences


def _opening(block: Block, series: Sequence[Series], data: ChartData, say: _Speaker) -> str:
    words = say.words
    subject = _capital(words.this_chart if block.chart else words.this_table)
    title = table_title(block)
    names = [s.name for s in series if s.name]
    if title and names != [title]:  # a chart with no title of its own is named after its one series
        return words.titled.format(subject=subject, title=title)
    if say.time:
        template = words.over_time if names else words.unnamed_time
        return template.format(subject=subject, names=say.names(names), span=say.span())
    if not names:
        return words.unnamed.format(subject=subject, n=len(data.categories))
    by = block.rows[0][0].strip()
    if by and len(by.split()) <= MAX_LABEL_WORDS // 2 and parse_number(by) is None:  # "by Region"
        template = words.compares_by if len(names) > 1 else words.shows_by
    else:
        template = words.compares if len(names) > 1 else words.shows
    return template.format(subject=subject, names=say.names(names), n=len(data.categories), by=by)


def _findings(mode: Mode, series: Sequence[Series], data: ChartData, say: _Speaker) -> list[str]:
    columns = [(s.name, points) for s in series if len(points := _points(s, data)) >= 2]
    if not columns:
        return []
    if mode == "shares":
        return _shares(columns[0][1], say)
    if mode == "trend" and len(columns) <= MAX_SENTENCES - 1:
        return _trends(columns, say) + (_pair(columns, say)[:1] if len(columns) == 2 else [])
    if len(columns) == 1:
        return [_extremes_sentence(columns[0][1], say)]
    if len(columns) == 2:
        return _pair(columns, say)
    return _many(columns, say)


def _extremes_sentence(points: Sequence[_Point], say: _Speaker) -> str:
    high, low = _extremes(points)
    if high[0].value == low[0].value:
        return say.words.all_same.format(n=len(points), v=say.value(points[0].label))
    return say.words.extremes.format(
        v=say.value(high[0].label),
        names=say.categories_of(high),
        v2=say.value(low[0].label),
        names2=say.categories_of(low),
    )


def _trends(columns: Sequence[tuple[str, list[_Point]]], say: _Speaker) -> list[str]:
    words, sentences = say.words, []
    for name, points in columns:
        first, last = points[0], points[-1]
        template = words.rise if last.value > first.value else words.fall
        template = words.flat if last.value == first.value else template
        sentences.append(say.moved(template, first, last, name or _capital(words.the_value)))
    if len(columns) == 1:
        points = columns[0][1]
        high, low = _extremes(points)
        inner = points[1:-1]
        if high[0] in inner and high[0].value > max(points[0].value, points[-1].value):
            sentences.append(words.peak.format(v=say.value(high[0].label), t=say.at(high[0].category)))
        if low[0] in inner and low[0].value < min(points[0].value, points[-1].value):
            sentences.append(words.low.format(v=say.value(low[0].label), t=say.at(low[0].category)))
    return sentences


def _pair(columns: Sequence[tuple[str, list[_Point]]], say: _Speaker) -> list[str]:
    (a, a_points), (b, b_points) = columns
    b_by_category = {point.category: point for point in b_points}
    both = [(p, b_by_category[p.category]) for p in a_points if p.category in b_by_category]
    if not both:
        return []
    a_wins = sum(x.value > y.value for x, y in both)
    b_wins = sum(y.value > x.value for x, y in both)
    words, sentences = say.words, []
    if a_wins == b_wins and a_wins:
        sentences.append(words.even.format(a=a, b=b, count=say.count(a_wins)))
    elif a_wins != b_wins:
        leader, other, wins = (a, b, a_wins) if a_wins > b_wins else (b, a, b_wins)
        sentences.append(words.higher.format(a=leader, b=other, count=say.count(wins)))
    x, y = max(both, key=lambda pair: abs(pair[0].value - pair[1].value))
    if x.value != y.value:
        sentences.append(
            words.gap.format(where=say.at(x.category), a=a, b=b, va=say.value(x.label), vb=say.value(y.label))
        )
    return sentences


def _many(columns: Sequence[tuple[str, list[_Point]]], say: _Speaker) -> list[str]:
    wins: dict[str, int] = {name: 0 for name, _ in columns}
    for category in say.data.categories:
        here = [(p.value, name) for name, points in columns for p in points if p.category == category]
        if here and sum(value == max(here)[0] for value, _ in here) == 1:
            wins[max(here)[1]] += 1
    leader = max(wins, key=lambda name: wins[name])
    sentences = [say.words.leader.format(a=leader, count=say.count(wins[leader]))] if wins[leader] else []
    everything = [(p, name) for name, points in columns for p in points]
    (high, high_name), (low, low_name) = max(everything, key=_by_value), min(everything, key=_by_value)
    if high.value != low.value:
        words = say.words
        sentences.append(
            words.overall_high.format(v=say.value(high.label), a=high_name, where=say.at(high.category))
        )
        sentences.append(
            words.overall_low.format(v=say.value(low.label), a=low_name, where=say.at(low.category))
        )
    return sentences


def _by_value(pair: tuple[_Point, str]) -> float:
    return pair[0].value


def _shares(points: Sequence[_Point], say: _Speaker) -> list[str]:
    high, low = _extremes(points)
    words = say.words
    if high[0].value == low[0].value:
        return [words.all_same.format(n=len(points), v=say.value(points[0].label))]
    sentences = [
        words.shares.format(
            v=say.value(high[0].label),
            names=say.categories_of(high),
            v2=say.value(low[0].label),
            names2=say.categories_of(low),
        )
    ]
    if not all(point.label.strip().endswith("%") for point in points):
        share = round(high[0].value / sum(point.value for point in points) * 100)
        sentences.append(words.share_of_total.format(p=f"{share}%"))
    return sentences


# ---------------------------------------------------------------- tables of words


def _listing(block: Block, words: Phrases) -> list[str]:
    """What a table of words says: each row of a two-column table as "Label: value." ("Nombre de piles :
    7."), else the rows it lists ("This table has 3 rows: Design, Build and Test."). A bare count of rows
    or a list of column names says nothing a viewer needs, so neither is said."""
    rows = [row for row in block.rows if any(cell.strip() for cell in row)]
    if len(rows) < 3:
        return []
    header, body = rows[0], rows[1:]
    if len(header) == 2 and all(len(row) == 2 for row in body):
        pairs = [(label.strip(), value.strip()) for label, value in body if label.strip() and value.strip()]
        facts = [_finished(f"{_capital(label)}{words.colon}{value}.", words) for label, value in pairs]
        return [fact for fact in facts if len(fact.split()) <= MAX_WORDS][:MAX_SENTENCES]
    title = table_title(block)
    sentences = [words.titled.format(subject=_capital(words.this_table), title=title)] if title else []
    subject = _capital(words.it_table if title else words.this_table)
    labels = list(dict.fromkeys(row[0].strip() for row in body if row and row[0].strip()))
    if labels and len(labels) == len(body) and all(len(label.split()) <= MAX_LABEL_WORDS for label in labels):
        rows_sentence = words.rows_listed.format(subject=subject, n=len(body), items=_joined(labels, words))
        sentences.append(_capital(rows_sentence.strip()))  # "Tiene 3 filas": Spanish drops the pronoun
    kept = [_finished(sentence, words) for sentence in sentences]
    return [sentence for sentence in kept if len(sentence.split()) <= MAX_WORDS][:MAX_SENTENCES]
