"""Build charts-deck.pptx: four slides, each a title and one chart, and no body text at all.

The deck a team exports from its quarterly review: a bar chart by region, a line chart over years on a
date axis, a pie chart of shares, and a chart comparing two series. The company and its numbers are
invented for the benchmark; the script writer has only the titles and the chart data to narrate from.

Run: `.venv/bin/python bench/documents/make_charts_deck.py` (writes charts-deck.pptx beside this file).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pptx import Presentation
from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.presentation import Presentation as Deck
from pptx.util import Emu, Inches, Pt

HERE = Path(__file__).resolve().parent
TITLE_ONLY_LAYOUT = 5  # "Title Only" in python-pptx's default template

REVENUE_BY_REGION = {"North": 48.2, "South": 31.7, "East": 26.4, "West": 39.9, "Central": 17.3}
ACTIVE_USERS_THOUSANDS = {
    2016: 120,
    2017: 185,
    2018: 260,
    2019: 342,
    2020: 515,
    2021: 610,
    2022: 655,
    2023: 702,
    2024: 768,
    2025: 831,
}
TICKETS_BY_CHANNEL = {"E-mail": 0.38, "Chat": 0.27, "Phone": 0.21, "Web form": 0.10, "Social media": 0.04}
BUDGET_VS_ACTUAL = {"Q1": (420, 398), "Q2": (450, 471), "Q3": (430, 455), "Q4": (500, 489)}


def add_chart_slide(prs: Deck, title: str, chart_type: XL_CHART_TYPE, data: CategoryChartData) -> Chart:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
    slide.shapes.title.text = title
    frame = slide.shapes.add_chart(
        chart_type, Inches(0.6), Inches(1.6), Emu(prs.slide_width - Inches(1.2)), Inches(5.5), data
    )
    chart = frame.chart
    chart.font.size = Pt(14)
    return chart


def revenue_by_region(prs: Deck) -> None:
    data = CategoryChartData(number_format="0.0")
    data.categories = list(REVENUE_BY_REGION)
    data.add_series("Revenue (€ million)", list(REVENUE_BY_REGION.values()))
    chart = add_chart_slide(prs, "Revenue by region, 2025 (€ million)", XL_CHART_TYPE.COLUMN_CLUSTERED, data)
    chart.has_legend = False
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = "0.0"
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END


def active_users_over_years(prs: Deck) -> None:
    data = CategoryChartData(number_format="#,##0")
    data.categories = [date(year, 1, 1) for year in ACTIVE_USERS_THOUSANDS]
    data.categories.number_format = "yyyy"
    data.add_series("Monthly active users (thousands)", list(ACTIVE_USERS_THOUSANDS.values()))
    chart = add_chart_slide(
        prs, "Monthly active users, 2016–2025 (thousands)", XL_CHART_TYPE.LINE_MARKERS, data
    )
    chart.has_legend = False
    chart.value_axis.has_major_gridlines = True
    chart.value_axis.has_title = True
    chart.value_axis.axis_title.text_frame.text = "Thousands of users"


def tickets_by_channel(prs: Deck) -> None:
    data = CategoryChartData(number_format="0%")
    data.categories = list(TICKETS_BY_CHANNEL)
    data.add_series("Share of support tickets", list(TICKETS_BY_CHANNEL.values()))
    chart = add_chart_slide(prs, "Support tickets by channel, 2025", XL_CHART_TYPE.PIE, data)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.RIGHT
    chart.legend.include_in_layout = False
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = "0%"
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END


def budget_vs_actual(prs: Deck) -> None:
    data = CategoryChartData(number_format="#,##0")
    data.categories = list(BUDGET_VS_ACTUAL)
    data.add_series("Budget", [budget for budget, _actual in BUDGET_VS_ACTUAL.values()])
    data.add_series("Actual", [actual for _budget, actual in BUDGET_VS_ACTUAL.values()])
    chart = add_chart_slide(
        prs, "Marketing spend: budget vs. actual, 2025 (€ thousand)", XL_CHART_TYPE.COLUMN_CLUSTERED, data
    )
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.value_axis.has_major_gridlines = True


def main() -> None:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    revenue_by_region(prs)
    active_users_over_years(prs)
    tickets_by_channel(prs)
    budget_vs_actual(prs)
    prs.core_properties.title = "Quarterly review: charts"
    out = HERE / "charts-deck.pptx"
    prs.save(str(out))
    print(f"{out.name}: {len(prs.slides)} slides, {out.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
