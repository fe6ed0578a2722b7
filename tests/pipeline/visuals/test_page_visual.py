"""The source page as a scene's visual: a real paper's page cropped to the narrated passage, marked."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from animagenius.pipeline.domain import Block, Scene, SourceDocument, Visual
from animagenius.pipeline.ingest.reader import ingest
from animagenius.pipeline.run import read_sources
from animagenius.pipeline.video import Aspect, Resolution, frame_size
from animagenius.pipeline.visuals.focus import focus_of
from animagenius.pipeline.visuals.layout import Layout
from animagenius.pipeline.visuals.page import marker_colour, page_reveals
from animagenius.pipeline.visuals.slides import render_scene
from animagenius.pipeline.visuals.themes import DARK
from tests.pipeline.visuals_helpers import ocr, text_mask

PASSAGE = "We present a trace-based compilation technique"  # page 1 of the paper, its third paragraph


@pytest.fixture(scope="module")
def paper(corpus: Path) -> SourceDocument:
    return ingest([corpus / "pdf/tracemonkey.pdf"])


def block_starting(document: SourceDocument, opening: str) -> int:
    return next(i for i, block in enumerate(document.blocks) if block.text.startswith(opening))


def page_scene(document: SourceDocument, index: int) -> Scene:
    narration = "The authors present a trace-based compilation technique that keeps compiling fast."
    return Scene(title="Tracing", narration=narration, visual=Visual(kind="page", block=index))


def still(
    document: SourceDocument,
    index: int,
    tmp_path: Path,
    *,
    aspect: Aspect = Aspect.LANDSCAPE,
    stage: int | None = None,
) -> tuple[Path, Layout]:
    layout = Layout.for_frame(frame_size(aspect, Resolution.FULL_HD), aspect, DARK)
    out = render_scene(
        page_scene(document, index), shown=document.blocks[index], number=2, total=4, layout=layout,
        out=tmp_path / f"page-{aspect.value.replace(':', 'x')}-{stage}.png", document=document, stage=stage,
    )  # fmt: skip
    return out, layout


def marker_pixels(image: Image.Image) -> np.ndarray:
    """Pixels of the paper the marker has tinted: the accent mixed into white, as the renderer mixes it."""
    marker = np.array(marker_colour(DARK.accent))
    pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    return np.abs(pixels - marker).max(axis=2) < 12


def test_the_ingest_keeps_the_files_it_read_for_the_renderer(corpus: Path, tmp_path: Path) -> None:
    source = corpus / "pdf/tracemonkey.pdf"
    document = read_sources([source], workdir=tmp_path)  # read in a child process, as the CLI and worker do
    assert document.files == (source.resolve(),)


def test_the_page_shows_the_narrated_passage_marked_in_the_accent(
    paper: SourceDocument, tmp_path: Path
) -> None:
    index = block_starting(paper, PASSAGE)
    out, layout = still(paper, index, tmp_path)
    image = Image.open(out).convert("RGB")
    content = layout.content
    text = ocr(image.crop((content.left, content.top, content.right, content.bottom)), tmp_path).lower()
    assert "trace-based compilation technique" in text.replace("- ", "-")
    assert "page 1" in text and "tracemonkey.pdf" in text  # the source line says where it comes from
    marked = marker_pixels(image)
    assert marked.sum() > 20_000  # the marker sits behind the passage's lines
    rows = np.flatnonzero(marked.any(axis=1))
    passage_only = image.crop((content.left, int(rows.min()), content.right, int(rows.max()) + 1))
    assert "trace-based compilation" in ocr(passage_only, tmp_path).lower().replace("- ", "-")
    _, y = focus_of(out)  # the Ken Burns move closes in on the marked passage
    assert rows.min() <= y * layout.height <= rows.max()


def test_the_mark_is_the_second_reveal_step(paper: SourceDocument, tmp_path: Path) -> None:
    index = block_starting(paper, PASSAGE)
    before, _ = still(paper, index, tmp_path, stage=0)
    after, _ = still(paper, index, tmp_path, stage=1)
    assert marker_pixels(Image.open(before)).sum() == 0
    assert marker_pixels(Image.open(after)).sum() > 20_000
    cues = page_reveals(page_scene(paper, index), paper.blocks[index])
    assert cues == ("present a trace-based compilation",)  # words of the narration, said as it reaches it


def test_a_passage_not_on_its_page_shows_the_page_top_unmarked(paper: SourceDocument, tmp_path: Path) -> None:
    stray = Block(kind="paragraph", text="Words that this paper never prints anywhere at all, in any column.",
                  source=paper.blocks[0].source)  # fmt: skip
    document = paper.model_copy(update={"blocks": (*paper.blocks, stray)})
    out, _ = still(document, len(document.blocks) - 1, tmp_path)
    image = Image.open(out).convert("RGB")
    assert marker_pixels(image).sum() == 0
    assert "trace-based just-in-time" in ocr(image, tmp_path).lower()  # the paper's title, at the page's top


@pytest.mark.parametrize("aspect", list(Aspect))
def test_the_page_keeps_inside_the_content_box(paper: SourceDocument, tmp_path: Path, aspect: Aspect) -> None:
    for opening in (PASSAGE, "Dynamic languages such as JavaScript are more difficult", "Trace Trees"):
        out, layout = still(paper, block_starting(paper, opening), tmp_path, aspect=aspect)
        ink = text_mask(Image.open(out), layout)
        rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        content = layout.content
        assert content.top <= rows.min() and rows.max() < content.bottom, opening
        assert content.left <= columns.min() and columns.max() < content.right, opening


def test_a_page_renders_quickly_at_1080p(paper: SourceDocument, tmp_path: Path) -> None:
    index = block_starting(paper, PASSAGE)
    still(paper, index, tmp_path)  # fonts and the PDF library warm
    started = time.process_time()  # CPU time: other work on the machine does not count against it
    for _ in range(5):
        still(paper, index, tmp_path)
    per_page = (time.process_time() - started) / 5
    print(f"page visual at 1080p: {per_page * 1000:.0f} ms of CPU")
    assert per_page < 1.0


def test_without_its_pdf_a_page_scene_shows_its_slide(paper: SourceDocument, tmp_path: Path) -> None:
    index = block_starting(paper, PASSAGE)
    unfiled = paper.model_copy(update={"files": ()})  # a document kept without its files, as the studio's is
    out, _ = still(unfiled, index, tmp_path)
    image = Image.open(out).convert("RGB")
    assert marker_pixels(image).sum() == 0
    assert "tracing" in ocr(image, tmp_path).lower()  # the scene's own title slide
