"""A presentation's slide itself as a scene's visual: redrawn from its shapes, the narrated shape marked as
the voice reaches it, the slide named under it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pptx
import pytest
from PIL import Image
from pptx.util import Inches, Pt

from animagenius.pipeline.domain import Scene, Visual
from animagenius.pipeline.ingest import ingest
from animagenius.pipeline.video import Aspect
from animagenius.pipeline.visuals.layout import Layout
from animagenius.pipeline.visuals.page import marker_colour
from animagenius.pipeline.visuals.planning import plan_visuals
from animagenius.pipeline.visuals.slides import render_scene, scene_reveals
from tests.pipeline.visuals_helpers import ocr

NARRATED = "Side exits are patched into the tree so hot loops keep running compiled code."


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    presentation = pptx.Presentation()
    first = presentation.slides.add_slide(presentation.slide_layouts[1])
    first.shapes.title.text = "Tracing compilers"
    first.placeholders[1].text = "A tracing compiler records the loops a program runs most often."
    second = presentation.slides.add_slide(presentation.slide_layouts[5])
    second.shapes.title.text = "Trace trees"
    box = second.shapes.add_textbox(Inches(0.8), Inches(2.0), Inches(5.2), Inches(2.5))
    box.text_frame.word_wrap = True
    box.text_frame.text = NARRATED
    box.text_frame.paragraphs[0].runs[0].font.size = Pt(24)
    picture = tmp_path / "loop.png"
    Image.new("RGB", (300, 300), (20, 140, 60)).save(picture)
    second.shapes.add_picture(str(picture), Inches(6.4), Inches(2.0), Inches(2.8), Inches(2.8))
    path = tmp_path / "tracing.pptx"
    presentation.save(str(path))
    return path


def marked_share(image: Image.Image, layout: Layout) -> float:
    pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    marker = np.array(marker_colour(layout.theme.accent))
    return float((np.abs(pixels - marker).max(axis=2) <= 6).mean())


@pytest.mark.parametrize("aspect", [Aspect.LANDSCAPE, Aspect.PORTRAIT])
def test_the_slide_is_shown_with_the_narrated_shape_marked_from_its_step(
    deck: Path, tmp_path: Path, aspect: Aspect
) -> None:
    document = ingest([deck], assets_dir=tmp_path / "assets")
    index = next(i for i, block in enumerate(document.blocks) if block.text.startswith("Side exits"))
    scene = Scene(title="Trace trees", narration=NARRATED, visual=Visual(kind="page", block=index))
    shown = document.blocks[index]
    size = (1280, 720) if aspect is Aspect.LANDSCAPE else (720, 1280)
    layout = Layout.for_frame(size, aspect)

    assert len(scene_reveals(scene, shown, document)) == 1, "one step: the mark"
    stills = [
        render_scene(
            scene, shown=shown, number=1, total=1, layout=layout, document=document, stage=stage,
            out=tmp_path / f"{aspect.value.replace(':', 'x')}-{stage}.png",
        )
        for stage in (0, None)
    ]  # fmt: skip
    before, after = (Image.open(still).convert("RGB") for still in stills)

    assert marked_share(before, layout) < 0.001 < marked_share(after, layout), "marked only from its step"
    read = ocr(after, tmp_path)
    assert "Trace trees" in read and "Slide 2" in read, read
    green = np.asarray(after, dtype=np.int16)
    assert (np.abs(green - (20, 140, 60)).max(axis=2) <= 12).mean() > 0.005, "the slide's own picture"
    content = layout.content
    outside = np.asarray(after, dtype=np.int16)[layout.zones.captions.top :, :, :]
    assert (outside.max(axis=2) < 200).all(), "nothing bright below the content box"
    assert content.bottom <= layout.zones.captions.top


def test_the_planner_offers_the_slide_itself_for_a_presentation(deck: Path, tmp_path: Path) -> None:
    document = ingest([deck], assets_dir=tmp_path / "assets")
    index = next(i for i, block in enumerate(document.blocks) if block.text.startswith("Side exits"))
    from animagenius.pipeline.domain import Script

    script = Script(
        target_duration_s=30,
        title="Tracing",
        scenes=(Scene(title="Trace trees", narration=NARRATED, source_blocks=(index,)),),
    )
    assert plan_visuals(script, document).scenes[0].visual == Visual(kind="page", block=index)
