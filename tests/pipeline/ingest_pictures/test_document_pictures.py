"""Pictures in Word, PowerPoint and HTML documents: figures with their alt text (or the slide's title, or the
text nearest them); icons, rules and repeated logos left out; HTML pictures read only from beside the page."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import docx
import pptx
from docx.shared import Inches
from PIL import Image
from pptx.util import Inches as PptxInches

from animagenius.pipeline.domain import Block, ScriptRequest, SourceDocument
from animagenius.pipeline.ingest.pictures import excerpt
from animagenius.pipeline.ingest.powerpoint import read_pptx
from animagenius.pipeline.ingest.reader import ingest
from animagenius.pipeline.script.offline import write_script
from tests.pipeline.ingest_pictures.pictures_helpers import PROSE, logo, photo, png

ALT = "The lighthouse at Cap Fréhel, white tower on red granite"


def figures(document: SourceDocument) -> list[Block]:
    return [block for block in document.blocks if block.kind == "figure"]


def pixels(path: Path | None) -> tuple[int, int]:
    assert path is not None and path.is_file()
    with Image.open(path) as image:
        return image.size


# ---------------------------------------------------------------- Word


def test_a_word_picture_with_alt_text_is_a_figure_with_that_text(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Lighthouses of Brittany", level=1)
    document.add_paragraph(PROSE[0])
    shape = document.add_picture(io.BytesIO(png(photo())), width=Inches(4))
    shape._inline.docPr.set("descr", ALT)
    document.add_paragraph(PROSE[1])
    document.add_picture(io.BytesIO(png(photo(seed=5))), width=Inches(4))  # no alt text
    document.add_paragraph(PROSE[2])
    path = tmp_path / "brittany.docx"
    document.save(str(path))

    read = ingest([path], assets_dir=tmp_path / "assets")

    described, undescribed = figures(read)
    assert described.text == ALT and pixels(described.image) == (480, 320)
    assert undescribed.text == excerpt(PROSE[1]), "no alt text: the paragraph just before it, cut short"
    assert undescribed.text.startswith("Oil lamps gave way to electric light")
    kinds = [block.kind for block in read.blocks]
    assert kinds == ["heading", "paragraph", "figure", "paragraph", "figure", "paragraph"], "in reading order"


def test_a_picture_named_by_a_nearby_sentence_leaves_it_narrated_and_is_shown_with_it(tmp_path: Path) -> None:
    """Captions are not narrated; a sentence a picture borrows its name from still is, and the picture is
    the visual of the scene that says it."""
    document = docx.Document()
    document.add_heading("Lighthouses of Brittany", level=1)
    for sentence in PROSE[:2]:
        document.add_paragraph(sentence)
    document.add_picture(io.BytesIO(png(photo())), width=Inches(4))
    for sentence in PROSE[2:]:
        document.add_paragraph(sentence)
    path = tmp_path / "brittany.docx"
    document.save(str(path))
    read = ingest([path], assets_dir=tmp_path / "assets")

    script = write_script(read, request=ScriptRequest(target_duration_s=45))

    [figure] = figures(read)
    narrated = " ".join(scene.narration for scene in script.scenes)
    assert "electric light in the nineteen twenties" in narrated
    shown = [scene.visual.block for scene in script.scenes if scene.visual.kind == "figure"]
    assert shown == [read.blocks.index(figure)]


def test_word_icons_rules_and_repeats_are_left_out(tmp_path: Path) -> None:
    document = docx.Document()
    mark = png(logo())
    for number in range(3):
        document.add_paragraph(PROSE[number])
        document.add_picture(io.BytesIO(mark), width=Inches(1))  # the same logo after each paragraph
    document.add_picture(io.BytesIO(png(logo((16, 16)))), width=Inches(0.2))
    document.add_picture(io.BytesIO(png(Image.new("RGB", (2000, 4), "black"))), width=Inches(6))
    path = tmp_path / "letter.docx"
    document.save(str(path))

    [figure] = figures(ingest([path], assets_dir=tmp_path / "assets"))

    assert figure.text == excerpt(PROSE[0]) and figure.image is not None and figure.image.read_bytes() == mark


# ---------------------------------------------------------------- PowerPoint


def _deck(path: Path, slides: list[tuple[str, list[tuple[bytes, str, float]]]]) -> Path:
    """Title-only slides, each with pictures (PNG, alt text, width in inches)."""
    presentation = pptx.Presentation()
    for title, pictures in slides:
        slide = presentation.slides.add_slide(presentation.slide_layouts[5])
        slide.shapes.title.text = title
        for n, (data, alt, width) in enumerate(pictures):
            picture = slide.shapes.add_picture(
                io.BytesIO(data), PptxInches(0.5 + 4 * n), PptxInches(2), PptxInches(width)
            )
            if alt:
                picture._element.nvPicPr.cNvPr.set("descr", alt)
    presentation.save(str(path))
    return path


def test_a_slide_picture_is_a_figure_with_its_alt_text_or_the_slide_title(tmp_path: Path) -> None:
    path = _deck(
        tmp_path / "talk.pptx",
        [("The tower", [(png(photo()), ALT, 4.0)]), ("The lamp room", [(png(photo(seed=6)), "", 4.0)])],
    )

    read = ingest([path], assets_dir=tmp_path / "assets")

    assert [(figure.source.slide, figure.text) for figure in figures(read)] == [
        (1, ALT),
        (2, "The lamp room"),
    ]
    assert all(pixels(figure.image) == (480, 320) for figure in figures(read))


def test_a_logo_on_every_slide_is_decoration(tmp_path: Path) -> None:
    mark = png(logo())
    slides = [
        (f"Part {n}", [(png(photo(seed=n)), "", 4.0), (mark, "Company logo", 1.5)]) for n in range(1, 5)
    ]
    path = _deck(tmp_path / "branded.pptx", slides)

    found = figures(ingest([path], assets_dir=tmp_path / "assets"))

    assert [(figure.source.slide, figure.text) for figure in found] == [(n, f"Part {n}") for n in range(1, 5)]


def test_a_picture_shown_as_a_tiny_icon_on_a_slide_is_left_out(tmp_path: Path) -> None:
    path = _deck(tmp_path / "icons.pptx", [("Contact", [(png(photo()), "Phone", 0.3)])])

    assert figures(read_pptx(path, assets_dir=tmp_path / "assets")) == []


# ---------------------------------------------------------------- HTML


def test_an_html_picture_beside_the_page_is_a_figure_with_its_alt_text(tmp_path: Path) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "tower.png").write_bytes(png(photo()))
    (tmp_path / "icon.png").write_bytes(png(logo((16, 16))))
    (tmp_path / "plain photo.png").write_bytes(png(photo(seed=3)))
    inline = base64.b64encode(png(photo(seed=8))).decode()
    page = tmp_path / "article.html"
    page.write_text(
        f"""<html><body><article><h1>Lighthouses</h1><p>{PROSE[0]}</p>
        <img src="img/tower.png" alt="{ALT}">
        <p>{PROSE[1]}</p><img src="icon.png" alt="Print this page">
        <img src="plain%20photo.png">
        <figure><img src="data:image/png;base64,{inline}">
          <figcaption>The lens, lit at dusk</figcaption></figure>
        <img src="https://example.org/remote.png" alt="A picture we never fetch">
        </article></body></html>""",
        encoding="utf-8",
    )

    read = ingest([page], assets_dir=tmp_path / "assets")

    assert [(figure.text, figure.image is not None) for figure in figures(read)] == [
        (ALT, True),
        (excerpt(PROSE[1]), True),  # no alt text: the paragraph just before it
        ("The lens, lit at dusk", True),
        ("A picture we never fetch", False),
    ]
    assert all(figure.image is None or figure.image.parent == tmp_path / "assets" for figure in figures(read))


def test_an_html_page_cannot_read_files_outside_its_folder(tmp_path: Path) -> None:
    secret = tmp_path / "private.png"
    secret.write_bytes(png(photo()))
    site = tmp_path / "site"
    site.mkdir()
    (site / "link.png").symlink_to(secret)
    page = site / "page.html"
    page.write_text(
        f"""<html><body><p>{PROSE[0]}</p><img src="../private.png"><img src="{secret}">
        <img src="file://{secret}"><img src="link.png"></body></html>""",
        encoding="utf-8",
    )

    assert figures(ingest([page], assets_dir=tmp_path / "assets")) == []
    assert not (tmp_path / "assets").exists() or not any((tmp_path / "assets").iterdir())


def test_pictures_survive_the_sandboxed_reader(tmp_path: Path) -> None:
    path = _deck(tmp_path / "talk.pptx", [("The tower", [(png(photo()), ALT, 4.0)])])

    [figure] = figures(ingest([path], assets_dir=tmp_path / "assets", isolated=True))

    assert figure.text == ALT and pixels(figure.image) == (480, 320)
