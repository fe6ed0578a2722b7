"""Each scene shows what its visual directive names: a source figure, a table, a pull-quote, or a slide."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from animagenius.pipeline.domain import Block, Provenance, Scene, Visual
from animagenius.pipeline.video import Aspect
from animagenius.pipeline.visuals.layout import Layout
from animagenius.pipeline.visuals.slides import render_scene

SOURCE = Provenance(file="doc.md")
LAYOUT = Layout.for_frame((1280, 720), Aspect.LANDSCAPE)


def scene(visual: Visual) -> Scene:
    return Scene(title="Results", bullets=("Faster loops",), narration="It got faster.", visual=visual)


def still(tmp_path: Path, visual: Visual, shown: Block | None) -> Image.Image:
    out = render_scene(scene(visual), shown=shown, number=2, total=5, layout=LAYOUT, out=tmp_path / "s.png")
    return Image.open(out).convert("RGB")


def share_of(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 12) -> float:
    pixels = np.asarray(image, dtype=np.int16)
    close = np.all(np.abs(pixels - np.array(colour)) <= tolerance, axis=-1)
    return float(close.mean())


def test_figure_visual_shows_the_source_picture(tmp_path: Path) -> None:
    picture = tmp_path / "figure.png"
    Image.new("RGB", (400, 300), (230, 90, 20)).save(picture)  # a small orange figure
    figure = Block(kind="figure", text="Figure 1: speed-up", source=SOURCE, image=picture)

    shown = still(tmp_path, Visual(kind="figure", block=0), figure)
    slide = still(tmp_path, Visual(), None)

    assert share_of(shown, (230, 90, 20)) > 0.1, "the figure is shown at full size"
    assert share_of(slide, (230, 90, 20)) == 0
    caption_band = shown.crop((0, LAYOUT.zones.captions.top, 1280, 720))
    assert share_of(caption_band, (230, 90, 20)) == 0, "the figure stays clear of the captions"


def test_table_visual_draws_its_rows(tmp_path: Path) -> None:
    rows = (("Benchmark", "Speed-up"), ("access-nbody", "3.2x"), ("crypto-md5", "25x"))
    table = Block(kind="table", text="", source=SOURCE, rows=rows)

    shown = still(tmp_path, Visual(kind="table", block=0), table)

    assert share_of(shown, (255, 255, 255), tolerance=2) > 0.03, "white table rows are drawn"


def test_quote_visual_differs_from_the_slide(tmp_path: Path) -> None:
    quote = Block(kind="quote", text="Simple is better than complex.", source=SOURCE)

    shown = still(tmp_path, Visual(kind="quote", block=0), quote)
    slide = still(tmp_path, Visual(), None)

    assert shown.tobytes() != slide.tobytes()


@pytest.mark.parametrize("kind", ["figure", "table", "quote"])
def test_visual_without_its_content_falls_back_to_the_slide(tmp_path: Path, kind: str) -> None:
    empty = Block(kind="paragraph", text=" ", source=SOURCE)

    shown = still(tmp_path, Visual(kind=kind, block=0), empty)
    slide = still(tmp_path, Visual(), None)

    assert shown.tobytes() == slide.tobytes()
