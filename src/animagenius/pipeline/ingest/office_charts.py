"""Charts in Word and PowerPoint files, read as tables of their data: the categories as the chart shows
them (dates for a date axis), each series' values in its number format, and the source's chart type.

Both formats store a chart as the same DrawingML part; python-pptx reads its plots, a Word document's too
once its XML is parsed with python-pptx's element classes.
"""

from __future__ import annotations

from typing import Any

from lxml import etree  # type: ignore[import-untyped]
from pptx.chart.chart import Chart
from pptx.oxml import parse_xml

from animagenius.pipeline.domain import Block, Provenance
from animagenius.pipeline.ingest.chart_cells import chart_formats, format_value
from animagenius.pipeline.ingest.text import clean_inline, table_text

CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}chart"  # a chart's place in a drawing


def word_chart_block(blob: bytes, source: Provenance, *, max_columns: int, max_cells: int) -> Block | None:
    """The table of a Word chart part's data (`blob` is the part's XML); None when it has no series."""
    try:
        chart = Chart(parse_xml(blob), None)
    except etree.XMLSyntaxError:
        return None
    return chart_block(chart, source, max_columns=max_columns, max_cells=max_cells)


def chart_block(chart: Any, source: Provenance, *, max_columns: int, max_cells: int) -> Block | None:
    """A table block of `chart`'s data (first row: the series' names) that remembers the chart's type;
    at most `max_columns` columns and `max_cells` cells. None when the chart has no series, or is of a kind
    python-pptx cannot read."""
    try:
        plots = list(chart.plots)
        categories = next((list(plot.categories) for plot in plots if len(plot.categories)), [])
        series = [(clean_inline(s.name or ""), list(s.values)) for plot in plots for s in plot.series]
        title = clean_inline(chart.chart_title.text_frame.text) if chart.has_title else ""
        formats = chart_formats(chart.element)
    except NotImplementedError:  # chart kinds python-pptx cannot read: the rest of the document still counts
        return None
    if not series:
        return None
    title = title or (series[0][0] if len(series) == 1 else "")
    codes = formats.value_formats if len(formats.value_formats) == len(series) else ("General",) * len(series)
    series, codes = series[: max_columns - 1], codes[: max_columns - 1]
    if formats.category_cells is not None:  # numbers or dates: as the chart shows them, not as stored
        categories = list(formats.category_cells)
    length = min(max(len(categories), *(len(values) for _, values in series)), max_cells // max_columns)
    labels = [clean_inline(str(c)) for c in categories] + [str(i + 1) for i in range(len(categories), length)]
    header = ("", *(name or f"Series {i + 1}" for i, (name, _) in enumerate(series)))
    columns = [
        [format_value(v, code) for v in values[:length]]
        for (_, values), code in zip(series, codes, strict=True)
    ]
    body = [(labels[i], *(cells[i] if i < len(cells) else "" for cells in columns)) for i in range(length)]
    rows = [header, *body]
    text = f"Chart: {title}\n{table_text(rows)}" if title else f"Chart\n{table_text(rows)}"
    return Block(kind="table", text=text, rows=tuple(rows), source=source, chart=formats.kind)
