"""Lists of the source drawn as diagrams: which kind a real list is, its key phrases, and the drawing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from animagenius.pipeline.domain import Scene, SourceDocument, Visual
from animagenius.pipeline.ingest.reader import ingest
from animagenius.pipeline.ingest.text import read_markdown
from animagenius.pipeline.video import Aspect, Resolution, frame_size
from animagenius.pipeline.visuals.diagrams import diagram_reveals
from animagenius.pipeline.visuals.layout import Layout
from animagenius.pipeline.visuals.lists import diagram_items, diagram_kind, key_phrase, read_items
from animagenius.pipeline.visuals.slides import render_scene
from animagenius.pipeline.visuals.themes import DARK, LIGHT, Theme
from tests.pipeline.visuals_helpers import ocr, text_mask

BENCH = Path(__file__).resolve().parents[3] / "bench" / "documents"
NOTES = """# Notes

## Method

1. Mix the flour, water, salt and yeast in a large bowl
2. Knead the dough for ten minutes until it is smooth
3. Leave it to rise for two hours in a warm place
4. Bake at 230 °C for thirty-five minutes

## History of PDF.js

- 2011: Andreas Gal starts PDF.js as a research project at Mozilla
- October 2022: Firefox 106 adds editing of annotations
- In 2013 Firefox 19 ships PDF.js as its built-in viewer
- May 2024: a flaw lets a crafted PDF run JavaScript

## Rail compared with road

- Rail carries freight cheaply over long distances on fixed routes
- Road delivers door to door, flexible but costly in fuel
"""
NARRATION = (
    "First mix the flour and the water. Then knead the dough until smooth. Leave it to rise, and bake it hot."
)


@pytest.fixture(scope="module")
def notes() -> SourceDocument:
    return read_markdown(NOTES, name="notes.md")


def first_items(document: SourceDocument) -> dict[str, int]:
    """Each list's first item, by the heading above it."""
    firsts: dict[str, int] = {}
    heading = ""
    for index, block in enumerate(document.blocks):
        if block.kind == "heading":
            heading = block.text
        elif block.kind == "list_item" and heading not in firsts:
            firsts[heading] = index
    return firsts


def kind_of(document: SourceDocument, index: int) -> str:
    texts = [block.text for block in diagram_items(document, index)]
    heading = next(b.text for b in reversed(document.blocks[:index]) if b.kind == "heading")
    return diagram_kind(texts, heading)


def test_real_lists_are_read_as_the_diagram_they_are(notes: SourceDocument) -> None:
    plates = ingest([BENCH / "de-plattentektonik.md"])  # three kinds of plate boundary, each labelled
    assert kind_of(plates, first_items(plates)["Platten und Plattengrenzen"]) == "comparison"
    git = ingest([BENCH / "it-git.md"])  # six terms of a glossary: connected boxes
    assert kind_of(git, next(i for i, b in enumerate(git.blocks) if b.kind == "list_item")) == "steps"
    firsts = first_items(notes)
    assert kind_of(notes, firsts["Method"]) == "steps"
    assert kind_of(notes, firsts["History of PDF.js"]) == "timeline"
    assert kind_of(notes, firsts["Rail compared with road"]) == "comparison"


def test_diagram_kind_reads_the_words_of_a_list() -> None:
    assert diagram_kind(["Open the lid", "Pour in the water", "Close it again"]) == "steps"
    assert diagram_kind(["First, the seed sprouts", "Then the stem grows", "Finally it flowers"]) == "steps"
    assert diagram_kind(
        ["1969: Apollo 11 lands", "1972: the last crewed landing", "In 2019 a far-side landing"]
    ) == ("timeline")
    assert diagram_kind(["Python vs Java on speed", "Java starts slower"]) == "comparison"
    assert diagram_kind(["Pros: cheap and quick", "Cons: wears out fast"]) == "comparison"
    assert diagram_kind(["Cats", "Dogs"], heading="Cats versus dogs") == "comparison"
    assert (
        diagram_kind(["Cats", "Dogs", "Birds", "Fish"], heading="Cats versus dogs") == "steps"
    )  # too many sides
    assert diagram_kind(["Apples are sweet", "Pears are soft", "Plums are tart", "Figs are rare"]) == "steps"


def test_a_list_is_the_run_of_items_at_one_level(notes: SourceDocument) -> None:
    firsts = first_items(notes)
    assert len(diagram_items(notes, firsts["Method"])) == 4
    assert len(diagram_items(notes, firsts["Rail compared with road"])) == 2
    assert diagram_items(notes, 0) == ()  # a heading is no list


def test_key_phrases_are_a_few_whole_words() -> None:
    assert key_phrase("Leave it to rise for two hours in a warm place") == "Leave it to rise"
    assert key_phrase("Mix the flour, water, salt and yeast in a large bowl") == "Mix the flour, water, salt"
    assert (
        key_phrase("Commit: a recorded snapshot of the project. With an author.")
        == "Commit: a recorded snapshot"
    )
    for text in NOTES.splitlines():
        phrase = key_phrase(text)
        assert len(phrase.split()) <= 6
        assert all(word in text.split() or word.rstrip(",") in text for word in phrase.split()[1:])


def test_a_timeline_is_in_the_order_of_its_dates(notes: SourceDocument) -> None:
    blocks = diagram_items(notes, first_items(notes)["History of PDF.js"])
    items = read_items([block.text for block in blocks], "timeline")
    assert [item.date for item in items] == ["2011", "2013", "October 2022", "May 2024"]
    assert items[1].phrase == "Firefox 19 ships PDF.js"


def test_each_item_is_revealed_when_the_narration_reaches_it(notes: SourceDocument) -> None:
    index = first_items(notes)["Method"]
    scene = Scene(title="Method", narration=NARRATION, visual=Visual(kind="diagram", block=index))
    cues = diagram_reveals(scene, notes.blocks[index], notes)
    assert cues == ("mix the flour", "knead the dough", "Leave it to rise", "bake it hot")
    positions = [NARRATION.find(cue) for cue in cues]
    assert positions == sorted(positions) and -1 not in positions


def draw(document: SourceDocument, index: int, aspect: Aspect, tmp_path: Path, stage: int | None = None,
         theme: Theme = DARK) -> tuple[Image.Image, Layout]:  # fmt: skip
    layout = Layout.for_frame(frame_size(aspect, Resolution.HD), aspect, theme)
    scene = Scene(
        title=document.blocks[index - 1].text, narration=NARRATION, visual=Visual(kind="diagram", block=index)
    )
    name = f"diagram-{index}-{aspect.value.replace(':', 'x')}-{stage}.png"
    out = render_scene(scene, shown=document.blocks[index], number=1, total=3, layout=layout,
                       document=document, out=tmp_path / name, stage=stage)  # fmt: skip
    return Image.open(out).convert("RGB"), layout


@pytest.mark.parametrize("aspect", list(Aspect))
@pytest.mark.parametrize("heading", ["Method", "History of PDF.js", "Rail compared with road"])
def test_diagrams_keep_inside_the_content_box(
    notes: SourceDocument, tmp_path: Path, aspect: Aspect, heading: str
) -> None:
    image, layout = draw(notes, first_items(notes)[heading], aspect, tmp_path)
    ink = text_mask(image, layout)
    rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    content = layout.content
    assert content.top <= rows.min() and rows.max() < content.bottom
    assert content.left <= columns.min() and columns.max() < content.right
    assert (
        ink[content.top + (content.bottom - content.top) // 3 :].sum() > 2_000
    )  # a diagram, not just a title


@pytest.mark.parametrize("aspect", [Aspect.LANDSCAPE, Aspect.PORTRAIT])
def test_the_steps_read_as_their_key_phrases(notes: SourceDocument, tmp_path: Path, aspect: Aspect) -> None:
    image, _ = draw(notes, first_items(notes)["Method"], aspect, tmp_path, theme=LIGHT)
    words = set(ocr(image, tmp_path).lower().replace(",", " ").split())
    for phrase in ("mix the flour water salt", "knead the dough", "leave it to rise", "bake at"):
        assert set(phrase.split()) <= words  # read across a row of cards, the OCR interleaves their lines


def test_stages_draw_the_items_one_by_one(notes: SourceDocument, tmp_path: Path) -> None:
    index = first_items(notes)["Method"]
    inks = [
        text_mask(*draw(notes, index, Aspect.LANDSCAPE, tmp_path, stage=stage)).sum() for stage in range(5)
    ]
    assert inks == sorted(inks) and len(set(inks)) == 5
    whole, layout = draw(notes, index, Aspect.LANDSCAPE, tmp_path)
    assert text_mask(whole, layout).sum() == inks[-1]
