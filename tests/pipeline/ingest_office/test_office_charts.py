"""Charts in Word and PowerPoint files are read as their data, dates as dates, in the source's chart type."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from animagenius.pipeline.ingest.powerpoint import read_pptx
from animagenius.pipeline.ingest.word import read_docx
from animagenius.pipeline.script.data import table_narration
from animagenius.pipeline.visuals.charts import block_chart

CHART_PART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"


def monthly_sales() -> CategoryChartData:
    data = CategoryChartData()
    data.categories = [dt.date(2002, month, 5) for month in (1, 2, 3, 4)]  # 37261 is 5 January 2002
    data.categories.number_format = "mmm yyyy"
    data.add_series("Sales", (120, 150, 90, 180), number_format="#,##0")
    return data


def chart_xml(chart_type: XL_CHART_TYPE, data: CategoryChartData) -> bytes:
    """A chart part as Office writes it (python-pptx builds the same DrawingML for both formats)."""
    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[6])
    frame = slide.shapes.add_chart(chart_type, Inches(1), Inches(1), Inches(6), Inches(4), data)
    return frame.chart.part.blob


def word_with_chart(path: Path, chart: bytes) -> Path:
    """A Word document: a heading, a paragraph, the chart in its own paragraph, a closing paragraph."""
    document = docx.Document()
    document.add_heading("Sales in 2002", level=1)
    document.add_paragraph("Sales rose over the spring.")
    part = Part(PackURI("/word/charts/chart1.xml"), CHART_PART, chart, document.part.package)
    rel_id = document.part.relate_to(part, RELATIONSHIP_TYPE.CHART)
    run = document.add_paragraph().add_run()
    run._r.append(
        parse_xml(
            '<w:drawing xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<wp:inline><wp:extent cx="5486400" cy="3200400"/><wp:docPr id="1" name="Chart 1"/>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
            f'<c:chart r:id="{rel_id}"/></a:graphicData></a:graphic></wp:inline></w:drawing>'
        )
    )
    document.add_paragraph("That is all.")
    document.save(str(path))
    return path


def test_a_word_chart_is_read_as_its_data_with_dates_as_dates(tmp_path: Path) -> None:
    path = word_with_chart(tmp_path / "sales.docx", chart_xml(XL_CHART_TYPE.LINE_MARKERS, monthly_sales()))

    blocks = read_docx(path, assets_dir=None).blocks

    assert [block.kind for block in blocks] == ["heading", "paragraph", "table", "paragraph"]
    chart = blocks[2]
    assert chart.chart == "line"
    assert chart.rows == (
        ("", "Sales"), ("2002-01", "120"), ("2002-02", "150"), ("2002-03", "90"), ("2002-04", "180"),
    ), "months (as 'mmm yyyy' shows them), not Excel's serial numbers (37261.0)"  # fmt: skip
    said = " ".join(table_narration(chart, language="en"))
    assert "January 2002" in said and "37261" not in said


def test_an_area_chart_stays_an_area_and_a_doughnut_becomes_a_pie(tmp_path: Path) -> None:
    for chart_type, kind in ((XL_CHART_TYPE.AREA, "area"), (XL_CHART_TYPE.DOUGHNUT, "pie")):
        presentation = Presentation()
        slide = presentation.slides.add_slide(presentation.slide_layouts[6])
        slide.shapes.add_chart(chart_type, Inches(1), Inches(1), Inches(6), Inches(4), monthly_sales())
        presentation.save(str(tmp_path / f"{kind}.pptx"))

        (block,) = read_pptx(tmp_path / f"{kind}.pptx", assets_dir=None).blocks

        assert block.chart == kind
        assert block_chart(block).kind == kind  # type: ignore[union-attr]
