"""Charts from source tables: which tables chart, which chart they make, and that the drawing is true."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from animagenius.pipeline.domain import Block, Provenance, Scene, ScriptRequest, Visual
from animagenius.pipeline.ingest import ingest_text
from animagenius.pipeline.providers.local.rapid_ocr import RapidOCR
from animagenius.pipeline.script.offline import write_script
from animagenius.pipeline.video import Aspect
from animagenius.pipeline.visuals.charts import chart_data, chart_reveals, parse_number
from animagenius.pipeline.visuals.layout import Layout, background
from animagenius.pipeline.visuals.slides import _render_chart, render_scene
from animagenius.pipeline.visuals.themes import DARK

SOURCE = Provenance(file="report.md")
STARS = (
    ("Language", "Stars"),
    ("Python", "60,000"),
    ("Rust", "90,000"),
    ("Go", "120,000"),
    ("Zig", "30,000"),
)
REVENUE = (("Year", "Revenue"), ("2019", "$1.2M"), ("2020", "$1.9M"), ("2021", "$3.4M"), ("2022", "$4.8M"))
TRAFFIC = (("Source", "Share"), ("Search", "50%"), ("Social", "25%"), ("Direct", "15%"), ("Email", "10%"))


@pytest.mark.parametrize(
    ("cell", "value"),
    [("1,234", 1234.0), ("12.5%", 12.5), ("$3.4M", 3_400_000.0), ("−2", -2.0), ("€ 7k", 7000.0),
     ("0.5", 0.5), ("2bn", 2e9), ("n/a", None), ("", None), ("12 apples", None), ("v1.2.3", None)],
)  # fmt: skip
def test_numbers_are_read_as_tables_write_them(cell: str, value: float | None) -> None:
    assert parse_number(cell) == value


def test_the_data_picks_the_chart() -> None:
    assert chart_data(STARS).kind == "bar"  # type: ignore[union-attr]
    assert chart_data(REVENUE).kind == "line", "years along the bottom: a line over time"  # type: ignore[union-attr]
    assert chart_data(TRAFFIC).kind == "pie", "shares that add up to 100 %"  # type: ignore[union-attr]
    not_shares = (("Source", "Share"), ("Search", "50%"), ("Social", "25%"), ("Direct", "5%"))
    assert chart_data(not_shares).kind == "bar", "80 % is not a whole: bars"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "rows",
    [
        (("Name", "Role"), ("Ada", "Analyst"), ("Grace", "Admiral")),  # no numbers
        (("Year", "Revenue"), ("2019", "$1.2M")),  # one row is not a chart
        (("Item", "Price"), ("Tea", "n/a"), ("Cake", "soon"), ("Jam", "2")),  # mostly not numbers
    ],
)
def test_tables_without_numbers_to_draw_make_no_chart(rows: tuple[tuple[str, ...], ...]) -> None:
    assert chart_data(rows) is None


def chart(
    tmp_path: Path, rows: tuple[tuple[str, ...], ...], *, size: tuple[int, int] = (1280, 720)
) -> Image.Image:
    aspect = Aspect.LANDSCAPE if size[0] > size[1] else Aspect.PORTRAIT
    scene = Scene(title="GitHub stars", narration="Stars.", visual=Visual(kind="chart", block=0))
    block = Block(kind="table", text="Table 1: stars", source=SOURCE, rows=rows)
    out = render_scene(
        scene, shown=block, number=1, total=2, layout=Layout.for_frame(size, aspect), out=tmp_path / "c.png"
    )
    return Image.open(out).convert("RGB")


def coloured(image: Image.Image, colour: tuple[int, int, int]) -> np.ndarray:
    return np.abs(np.asarray(image, dtype=np.int16) - np.array(colour)).max(axis=2) <= 6


def read_text(image: Image.Image, tmp_path: Path) -> str:
    """OCR of the chart's text: the bars are painted over first (RapidOCR's detector skips words beside
    large flat shapes that a viewer reads at once) and the frame is enlarged 1.5×, as a viewer's screen
    would be."""
    pixels = np.asarray(image).copy()
    pixels[coloured(image, DARK.chart[0])] = DARK.background_top
    path = tmp_path / "read.png"
    Image.fromarray(pixels).resize(
        (image.width * 3 // 2, image.height * 3 // 2), Image.Resampling.LANCZOS
    ).save(path)
    return RapidOCR().read(path).text


def test_bars_are_as_tall_as_their_numbers_and_labelled_readably_at_720p(tmp_path: Path) -> None:
    image = chart(tmp_path, STARS)
    bars = coloured(image, DARK.chart[0])
    bars[: image.height // 5] = False  # the scene counter's accent rule above the title is the same colour
    columns = np.nonzero(bars.any(axis=0))[0]
    runs = np.split(columns, np.nonzero(np.diff(columns) > 1)[0] + 1)
    assert len(runs) == 4, "one bar per language"
    heights = [bars[:, run].any(axis=1).sum() for run in runs]
    expected = np.array([60, 90, 120, 30]) / 120
    assert np.allclose(np.array(heights) / max(heights), expected, atol=0.02), heights

    read = read_text(image, tmp_path)
    for label in ("Python", "Rust", "Go", "Zig", "120,000", "90,000", "60,000", "30,000"):
        assert label in read, f"{label!r} not readable in {read!r}"


def test_pie_slices_are_the_shares(tmp_path: Path) -> None:
    image = chart(tmp_path, TRAFFIC, size=(720, 1280))
    areas = np.array([coloured(image, colour).sum() for colour in DARK.chart[:4]], dtype=float)
    swatch = round(Layout.for_frame((720, 1280), Aspect.PORTRAIT).body_min * 0.85 * 0.9) + 1
    legend = 4 * swatch**2  # each colour's legend swatch, at most
    shares = (areas - legend / 4) / (areas - legend / 4).sum()
    assert np.allclose(shares, [0.50, 0.25, 0.15, 0.10], atol=0.02), shares


def test_a_line_over_time_names_its_years_and_its_last_value(tmp_path: Path) -> None:
    read = read_text(chart(tmp_path, REVENUE), tmp_path)
    for label in ("2019", "2020", "2021", "2022", "$4.8M"):
        assert label in read, f"{label!r} not readable in {read!r}"


def test_a_chart_of_a_table_without_numbers_shows_the_table(tmp_path: Path) -> None:
    rows = (("Name", "Role"), ("Ada", "Analyst"), ("Grace", "Admiral"))
    read = read_text(chart(tmp_path, rows), tmp_path)
    assert "Grace" in read and "Admiral" in read


ARTICLE = """# Languages on GitHub

Programming languages rise and fall with the projects written in them. Open source hosting makes that
visible: every project shows how many people follow it, and the counts add up per language.

## Stars

Go has collected more stars on GitHub than Python, Rust or Zig, as the table shows. Developers keep moving
to newer systems languages.

| Language | {column} |
|---|---|
| Python | {python} |
| Rust | {rust} |
| Go | {go} |
| Zig | {zig} |

## Growth

Rust has grown fastest over the last five years. Its community is known for careful documentation and a
welcoming tone. Zig is the newest of them and still small, but its compiler is admired for cross compilation.

The people who maintain these projects are mostly volunteers. Their work is funded by sponsors, foundations
and a few companies that depend on the languages every day.
"""


@pytest.mark.parametrize(
    ("cells", "shown_as"),
    [
        (("Stars", "60,000", "90,000", "120,000", "30,000"), "chart"),
        (("Mascot", "a snake", "a crab", "a gopher", "a lizard"), "table"),
    ],
)
def test_the_offline_writer_charts_a_table_of_numbers_and_shows_other_tables_as_they_are(
    cells: tuple[str, ...], shown_as: str
) -> None:
    column, python, rust, go, zig = cells
    document = ingest_text(
        ARTICLE.format(column=column, python=python, rust=rust, go=go, zig=zig), name="a.md"
    )
    table = next(index for index, block in enumerate(document.blocks) if block.kind == "table")

    script = write_script(document, request=ScriptRequest(target_duration_s=60))

    shown = [scene.visual for scene in script.scenes if scene.visual.block == table]
    assert [visual.kind for visual in shown] == [shown_as]


# ---------------------------------------------------------------- the source's chart, built up, legible

MONTHS = (("", "Sales"), *((f"2002-{month:02d}", f"{100 + month * 13 % 50}") for month in range(1, 13)))
SHAPES = {"16:9": ((1280, 720), Aspect.LANDSCAPE), "1:1": ((720, 720), Aspect.SQUARE),
          "9:16": ((720, 1280), Aspect.PORTRAIT)}  # fmt: skip


def drawn(
    tmp_path: Path,
    rows: tuple[tuple[str, ...], ...],
    *,
    source: str | None = None,
    stage: int | None = None,
    shape: str = "16:9",
    narration: str = "What the chart shows.",
) -> Image.Image:
    size, aspect = SHAPES[shape]
    scene = Scene(title="Sales", narration=narration, visual=Visual(kind="chart", block=0))
    block = Block(kind="table", text="Chart: sales", source=SOURCE, rows=rows, chart=source)
    out = tmp_path / f"chart-{source}-{stage}-{shape.replace(':', '')}.png"
    _render_chart(
        scene, block, number=1, total=2, layout=Layout.for_frame(size, aspect), out=out, stage=stage
    )
    return Image.open(out).convert("RGB")


def bar_runs(image: Image.Image) -> int:
    bars = coloured(image, DARK.chart[0])
    bars[: image.height // 5] = False  # the scene counter's accent rule
    columns = np.nonzero(bars.sum(axis=0) > 8)[0]
    return 0 if not len(columns) else len(np.split(columns, np.nonzero(np.diff(columns) > 1)[0] + 1))


def test_the_source_chart_type_is_kept() -> None:
    assert chart_data(STARS, source="pie").kind == "pie", "a pie stays a pie"  # type: ignore[union-attr]
    assert chart_data(MONTHS, source="area").kind == "area"  # type: ignore[union-attr]
    assert chart_data(TRAFFIC, source="bar").kind == "bar", "shares the source drew as bars"  # type: ignore[union-attr]
    losses = (("Quarter", "Profit"), ("Q1", "-2"), ("Q2", "3"))
    assert chart_data(losses, source="pie").kind == "bar", "a negative slice cannot be drawn"  # type: ignore[union-attr]
    many = (("Month", "Sales"), *((f"2002-{m:02d}", "1") for m in range(1, 13)), ("2003-01", "2"))
    assert len(chart_data(many).categories) == 13, "a line over time keeps all its points"  # type: ignore[union-attr]


def test_an_area_chart_is_filled_under_its_line(tmp_path: Path) -> None:
    line, area = drawn(tmp_path, MONTHS, source="line"), drawn(tmp_path, MONTHS, source="area")
    plain = np.asarray(background(Layout.for_frame((1280, 720), Aspect.LANDSCAPE)), dtype=np.int16)
    changed = [
        (np.abs(np.asarray(image, dtype=np.int16) - plain).max(axis=2) > 12).sum() for image in (line, area)
    ]
    assert changed[1] > changed[0] * 3, changed


def test_a_date_axis_shows_dates_as_dates(tmp_path: Path) -> None:
    read = read_text(drawn(tmp_path, MONTHS, source="area"), tmp_path)
    assert "Jan 2002" in read and "2002-01" not in read, read
    french = drawn(tmp_path, MONTHS, source="line", narration="Les ventes ont culminé en juillet 2002.")
    assert "janv" in read_text(french, tmp_path).lower() or "jan." in read_text(french, tmp_path).lower()


def test_bars_grow_in_one_category_at_a_time(tmp_path: Path) -> None:
    assert [bar_runs(drawn(tmp_path, STARS, stage=stage)) for stage in (0, 1, 2, 3, 4, None)] == [
        0,
        1,
        2,
        3,
        4,
        4,
    ]


def test_pie_slices_appear_one_by_one(tmp_path: Path) -> None:
    for stage in (0, 1, 3):
        image = drawn(tmp_path, TRAFFIC, source="pie", stage=stage)
        present = [coloured(image, colour).sum() > 500 for colour in DARK.chart[1:4]]
        assert sum(present) == max(0, stage - 1), (stage, present)  # the first colour is also the accent


def test_a_line_draws_point_by_point(tmp_path: Path) -> None:
    reach = []
    for stage in (0, 2, 4, None):
        image = drawn(tmp_path, MONTHS, source="line", stage=stage)
        line = coloured(image, DARK.chart[0])
        line[: image.height // 5] = False
        columns = np.nonzero(line.any(axis=0))[0]
        reach.append(int(columns.max()) if len(columns) else 0)
    assert reach[0] == 0 and reach[0] < reach[1] < reach[2] < reach[3], reach


def test_each_step_is_cued_by_the_words_that_name_it() -> None:
    block = Block(kind="table", text="Chart: sales", source=SOURCE, rows=STARS)
    said = "Python leads Rust, but Go has the most; Zig trails."
    scene = Scene(title="Stars", narration=said, visual=Visual(kind="chart", block=0))
    assert chart_reveals(scene, block) == ("Python", "Rust", "Go", "Zig")
    scene = scene.model_copy(update={"narration": "Go has the most stars, Zig the fewest."})
    assert chart_reveals(scene, block) == ("", "", "Go", "Zig"), "the others are spaced between"
    monthly = Block(kind="table", text="Chart", source=SOURCE, rows=MONTHS, chart="line")
    spoken = scene.model_copy(update={"narration": "Sales started in January 2002 and peaked in July 2002."})
    cues = chart_reveals(spoken, monthly)
    assert len(cues) <= 8 and cues[0] == "January 2002" and "July 2002" in cues
    table = Block(
        kind="table", text="t", source=SOURCE, rows=(("Name", "Role"), ("Ada", "Analyst"), ("Bo", "Cook"))
    )
    assert chart_reveals(spoken, table) == ()


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(
    ("rows", "source"), [(STARS, None), (MONTHS, "area"), (TRAFFIC, "pie"), (REVENUE, None)]
)
def test_everything_stays_inside_the_content_box(
    tmp_path: Path, shape: str, rows: tuple[tuple[str, ...], ...], source: str | None
) -> None:
    size, aspect = SHAPES[shape]
    layout = Layout.for_frame(size, aspect)
    image = np.asarray(drawn(tmp_path, rows, source=source, shape=shape), dtype=np.int16)
    inked = np.abs(image - np.asarray(background(layout), dtype=np.int16)).max(axis=2) > 12
    box = layout.content
    inked[box.top : box.bottom, box.left : box.right] = False
    assert not inked.any(), np.argwhere(inked)[:5]


@pytest.mark.parametrize("shape", SHAPES)
def test_chart_labels_are_at_least_eight_tenths_of_the_body_size(tmp_path: Path, shape: str) -> None:
    size, aspect = SHAPES[shape]
    image = drawn(tmp_path, STARS, shape=shape)
    path = tmp_path / "labels.png"
    image.save(path)
    (python,) = [line for line in RapidOCR().read(path).lines if line.text == "Python"]
    left, top, right, bottom = (round(edge) for edge in python.box)
    pixels = np.asarray(image, dtype=np.int16)[top - 4 : bottom + 4, left:right]
    ink = np.nonzero((np.abs(pixels - np.array(DARK.body)).max(axis=2) <= 60).any(axis=1))[0]
    # "Python" runs from the top of its h to the foot of its y: about 0.93 of the type's size in Inter
    assert ink.max() - ink.min() + 1 >= 0.8 * Layout.for_frame(size, aspect).body_min * 0.9


def test_a_cue_is_the_label_not_a_word_spelt_like_it() -> None:
    block = Block(kind="table", text="Chart: sales", source=SOURCE, rows=STARS)
    said = "Python and Rust trail as the years go by; Go leads and Zig is last."
    scene = Scene(title="Stars", narration=said, visual=Visual(kind="chart", block=0))
    assert chart_reveals(scene, block) == ("Python", "Rust", "Go", "Zig")
