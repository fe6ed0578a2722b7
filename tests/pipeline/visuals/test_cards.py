"""Code, key-number and definition cards: what they say, that it is legible and inside the content box at
every frame shape, and that they appear in steps timed to the narration."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from animagenius.pipeline.domain import Block, Provenance, Scene, Visual
from animagenius.pipeline.errors import InvalidOption
from animagenius.pipeline.ingest import ingest
from animagenius.pipeline.video import Aspect
from animagenius.pipeline.visuals.card_text import definition, key_number
from animagenius.pipeline.visuals.cards import card_reveals, definition_card, number_card, render_card
from animagenius.pipeline.visuals.code_card import guess_language
from animagenius.pipeline.visuals.focus import focus_of
from animagenius.pipeline.visuals.icons import CURATED, check_icon, icon_for, icon_image, known_icon
from animagenius.pipeline.visuals.layout import Layout
from animagenius.pipeline.visuals.slides import render_scene
from animagenius.pipeline.visuals.themes import DARK, LIGHT
from tests.pipeline.visuals_helpers import SIZES, ocr, text_mask

SOURCE = Provenance(file="paper.pdf", page=3)
# Sentences of tracemonkey.pdf (the shared corpus), as its text layer reads
TRACEMONKEY = {
    "For one of the benchmark programs we execute 25 times faster than the SpiderMonkey interpreter, and "
    "almost 5 times faster than V8 and SFX.": ("25×", "Faster than the SpiderMonkey interpreter"),
    "TraceMonkey supports all the JavaScript features of SpiderMonkey, with a 2x-20x speedup for traceable "
    "programs.": ("2–20×", "Speedup for traceable programs"),
    "In a few programs, where the system is prevented from recording branch traces for hot side exits by "
    "aborts, this cost can rise to up to 10% of total execution time.": ("≤10%", "Total execution time"),
    "In our benchmark results (see Figure 12) the total time spent in the monitor (for all activities) is "
    "usually less than 5%, so we consider the interpreter impact requirement met.": (
        "<5%",
        "The total time spent in the monitor",
    ),
}
KOS_ROOT = (
    "def kos_root():\n"
    '    """Return the pathname of the KOS root directory."""\n'
    "    global _kos_root\n"
    "    if _kos_root: return _kos_root\n"
    "    ..."
)  # pep-0257.rst, the shared corpus
NUMBER_SCENE = Scene(
    title="Tracing pays off",
    narration=next(iter(TRACEMONKEY)),
    visual=Visual(kind="number", block=0),
)
DEFINITION_SCENE = Scene(
    title="Trace trees",
    narration="A trace tree is a tree of traces that all start at the same loop header, which makes nested "
    "loops cheap to compile.",
    visual=Visual(kind="definition", block=0),
)
CODE_SCENE = Scene(
    title="Docstrings say what a function returns", narration="Here.", visual=Visual(kind="code", block=0)
)
CODE_BLOCK = Block(kind="code", text=KOS_ROOT, source=SOURCE)
PARAGRAPH = Block(kind="paragraph", text="", source=SOURCE)


def card(scene: Scene, shown: Block, layout: Layout, tmp_path: Path, stage: int | None = None) -> Image.Image:
    out = tmp_path / f"{scene.visual.kind}-{layout.width}x{layout.height}-{stage}.png"
    if stage is None:  # through the scene dispatcher, as the renderer calls it
        path = render_scene(scene, shown=shown, number=2, total=5, layout=layout, out=out)
    else:
        path = render_card(scene, shown, number=2, total=5, layout=layout, out=out, stage=stage)
    return Image.open(path).convert("RGB")


def assert_inside_content(image: Image.Image, layout: Layout) -> None:
    rows, columns = np.nonzero(text_mask(image, layout))
    box = layout.content
    assert columns.min() >= box.left - 2 and columns.max() <= box.right + 2, (columns.min(), columns.max())
    assert rows.min() >= box.top - 2 and rows.max() <= box.bottom + 2, (rows.min(), rows.max())


@pytest.mark.parametrize("aspect", list(SIZES))
def test_a_number_card_shows_the_key_number_big_and_what_it_counts(aspect: Aspect, tmp_path: Path) -> None:
    layout = Layout.for_frame(SIZES[aspect], aspect)
    image = card(NUMBER_SCENE, PARAGRAPH, layout, tmp_path)
    assert_inside_content(image, layout)
    read = ocr(image, tmp_path)
    assert "25" in read and "SpiderMonkey" in read, read
    digits = np.abs(np.asarray(image, dtype=np.int16) - np.array(DARK.title)).max(axis=2) <= 8
    rows = np.nonzero(digits.any(axis=1))[0]
    assert rows.max() - rows.min() >= layout.title_min * 1.5, "the number is set bigger than any title"
    assert focus_of(tmp_path / f"number-{layout.width}x{layout.height}-None.png")[1] > 0.2


@pytest.mark.parametrize("aspect", list(SIZES))
def test_a_definition_card_shows_the_term_and_its_defining_clause(aspect: Aspect, tmp_path: Path) -> None:
    layout = Layout.for_frame(SIZES[aspect], aspect, LIGHT)
    image = card(DEFINITION_SCENE, PARAGRAPH, layout, tmp_path)
    assert_inside_content(image, layout)
    read = ocr(image, tmp_path)
    assert "Trace tree" in read and "same loop header" in read, read
    assert "nested" not in read, "only the defining clause is shown"


@pytest.mark.parametrize("aspect", list(SIZES))
@pytest.mark.parametrize("theme", [DARK, LIGHT], ids=["dark", "light"])
def test_a_code_card_highlights_the_listing_on_a_panel(aspect: Aspect, theme: object, tmp_path: Path) -> None:
    layout = Layout.for_frame(SIZES[aspect], aspect, theme)  # type: ignore[arg-type]
    image = card(CODE_SCENE, CODE_BLOCK, layout, tmp_path)
    assert_inside_content(image, layout)
    read = ocr(image, tmp_path)
    assert "kos_root" in read and "Docstrings say" in read, read
    pixels = np.asarray(image)
    colours, counts = np.unique(pixels.reshape(-1, 3), axis=0, return_counts=True)
    panel = _panel_colour(pixels, layout)
    solid = [
        colour for colour, count in zip(colours, counts, strict=True)
        if count >= 25 and np.abs(colour.astype(int) - panel).max() > 60 and not _window_dot(colour)
    ]  # fmt: skip
    assert len(solid) > 2, f"the code is drawn in {len(solid)} colours"


def _panel_colour(pixels: np.ndarray, layout: Layout) -> np.ndarray:
    """The colour at the panel's right edge, half way down it."""
    x = layout.content.right - round(layout.unit * 0.03)
    column = pixels[layout.content_top : layout.content_bottom, x].astype(int)
    return column[len(column) * 3 // 4]


def _window_dot(colour: np.ndarray) -> bool:
    return any(
        np.abs(colour.astype(int) - np.array(dot)).max() <= 2
        for dot in ((255, 95, 86), (255, 189, 46), (39, 201, 63))
    )


def test_a_long_listing_shows_the_lines_that_fit_and_cuts_long_lines(tmp_path: Path) -> None:
    lines = [
        f"value_{index} = compute(value_{index - 1})  # step {index} of the long pipeline run"
        for index in range(1, 41)
    ]
    block = Block(kind="code", text="\n".join(lines), source=SOURCE)
    layout = Layout.for_frame(SIZES[Aspect.PORTRAIT], Aspect.PORTRAIT)
    image = card(CODE_SCENE, block, layout, tmp_path)
    assert_inside_content(image, layout)
    read = ocr(image, tmp_path)
    assert "value_1 = compute" in read.replace("_l", "_1"), read
    assert "value_40" not in read and "long pipeline run" not in read


def test_the_language_is_guessed_from_real_listings(corpus: Path) -> None:
    document = ingest([corpus / "text" / "pdfjs-README.md"])
    listings = [block.text for block in document.blocks if block.kind == "code"]
    assert guess_language(listings[0]) == "console", listings[0]
    assert guess_language(KOS_ROOT) == "python"
    assert guess_language('{"name": "pdf.js", "private": true}') == "json"
    assert guess_language("Dear reader, this is prose.") == "text"
    assert guess_language("i = j = count = nerrors = 0") == "python"  # pep-0572.rst: no keyword, still code


@pytest.mark.parametrize("sentence", list(TRACEMONKEY))
def test_key_number_picks_the_quantity_and_says_what_it_counts(sentence: str) -> None:
    assert key_number(sentence, "") == TRACEMONKEY[sentence]


def test_key_number_keeps_units_and_years_and_skips_references() -> None:
    assert key_number("The coast has 1,200 km of cliffs and beaches.", "") == (
        "1,200 km",
        "Cliffs and beaches",
    )
    assert key_number("Revenue grew to $3.4 million last year.", "")[0] == "$3.4 million"  # type: ignore[index]
    assert key_number("In 2008, the team shipped the first tracing compiler in a browser.", "") == (
        "2008",
        "The team shipped the first tracing compiler",
    )
    assert key_number("As Figure 12 and section 3 show, it works.", "") is None
    assert key_number("PEP 572 was accepted for Python 3.8 after 2 crossings.", "") is None, (
        "versions, counts"
    )
    assert key_number("PLDI’09, June 15–20, 2009, Dublin, Ireland. Then v13 = 3000.", "") == (
        "2009",
        "Dublin Ireland",
    )
    spoken_and_shown = key_number("Tracing is fast.", "Unemployment reached 25 percent in the town.")
    assert spoken_and_shown is not None and spoken_and_shown[0] == "25%"


def test_a_cards_text_overrides_what_is_found(tmp_path: Path) -> None:
    scene = NUMBER_SCENE.model_copy(
        update={"visual": Visual(kind="number", block=0, text="5× faster than V8")}
    )
    found = number_card(scene, PARAGRAPH)
    assert (found.number, found.label) == ("5×", "faster than V8")
    term = DEFINITION_SCENE.model_copy(
        update={"visual": Visual(kind="definition", block=0, text="Loop header")}
    )
    assert definition_card(term, PARAGRAPH).term == "Loop header"


def test_definition_reads_the_subject_of_a_defining_sentence(corpus: Path) -> None:
    document = ingest([corpus / "text" / "pdfjs-README.md"])
    text = " ".join(block.text for block in document.blocks if block.kind == "paragraph")
    assert definition("", text) == ("PDF.js", "A Portable Document Format viewer that is built with HTML5")
    assert definition("This is a test of nothing.", "") is None
    assert definition("Augmented assignment is not supported. Section 3 is a general overview.", "") is None


def test_cards_reveal_in_steps_cued_by_the_narration(tmp_path: Path) -> None:
    layout = Layout.for_frame(SIZES[Aspect.LANDSCAPE], Aspect.LANDSCAPE)
    cues = card_reveals(DEFINITION_SCENE, PARAGRAPH)
    assert len(cues) == 2 and all(cue in DEFINITION_SCENE.narration for cue in cues)
    assert cues[0].startswith("trace tree") and cues[1].startswith("a tree of traces")
    inked = [
        text_mask(card(DEFINITION_SCENE, PARAGRAPH, layout, tmp_path, stage), layout).sum()
        for stage in (0, 1, 2)
    ]
    assert inked[0] < inked[1] < inked[2], inked
    assert "Trace tree" not in ocr(card(DEFINITION_SCENE, PARAGRAPH, layout, tmp_path, 0), tmp_path)
    number_cues = card_reveals(NUMBER_SCENE, PARAGRAPH)
    assert number_cues == ("25 times faster than",)
    assert card_reveals(CODE_SCENE, CODE_BLOCK) == ()


def test_icons_are_matched_to_terms_and_drawn_in_the_theme() -> None:
    assert icon_for(["light bulb"]) == "lightbulb"
    assert icon_for(["Revenue"]) == "chart-column-increasing"
    assert icon_for(["sirens"]) == "siren"
    assert icon_for(["the", "of"]) is None
    assert all(known_icon(name) is not None for name in CURATED.values()), "every curated icon is bundled"
    assert icon_for(["flood"]) == "waves-horizontal", "a curated icon by its former name (an alias) is found"
    picture = icon_image("rocket", 96, (37, 99, 235))
    assert picture.size == (96, 96) and picture.mode == "RGBA"
    ink = np.asarray(picture)
    drawn = ink[ink[..., 3] > 200]
    assert len(drawn) > 200 and np.abs(drawn[:, :3].astype(int) - (37, 99, 235)).max() <= 2


def test_an_unknown_icon_is_refused_with_the_closest_names_and_a_card_falls_back_to_matching() -> None:
    with pytest.raises(InvalidOption, match="did you mean rocket"):
        check_icon("rockett")
    scene = DEFINITION_SCENE.model_copy(update={"visual": Visual(kind="definition", block=0, icon="rockett")})
    assert definition_card(scene, PARAGRAPH).icon == "list-tree"
    named = DEFINITION_SCENE.model_copy(update={"visual": Visual(kind="definition", block=0, icon="Rocket")})
    assert definition_card(named, PARAGRAPH).icon == "rocket"


def test_a_number_card_with_no_number_to_show_is_drawn_as_a_slide(tmp_path: Path) -> None:
    scene = Scene(
        title="Why tracing works", narration="Hot loops dominate.", visual=Visual(kind="number", block=0)
    )
    layout = Layout.for_frame(SIZES[Aspect.LANDSCAPE], Aspect.LANDSCAPE)
    assert "Why tracing works" in ocr(card(scene, PARAGRAPH, layout, tmp_path), tmp_path)
    assert card_reveals(scene, PARAGRAPH) == ()


def test_a_listing_in_parts_appears_part_by_part_as_the_narration_names_them(tmp_path: Path) -> None:
    listing = "\n".join(  # pep-0572.rst, the shared corpus
        (
            "# Handle a matched regex",
            "if (match := pattern.search(data)) is not None:",
            "    # Do something with match",
            "",
            "# A loop that can't be trivially rewritten using 2-arg iter()",
            "while chunk := file.read(8192):",
            "   process(chunk)",
        )
    )
    block = Block(kind="code", text=listing, source=SOURCE)
    scene = CODE_SCENE.model_copy(
        update={"narration": "When a regex matches, the match is handled at once. A loop reads each chunk."}
    )
    assert card_reveals(scene, block) == ("When a regex matches,", "chunk.")
    layout = Layout.for_frame(SIZES[Aspect.LANDSCAPE], Aspect.LANDSCAPE)
    first = ocr(card(scene, block, layout, tmp_path, stage=1), tmp_path)
    assert "pattern.search" in first and "chunk" not in first, first
    assert "chunk" in ocr(card(scene, block, layout, tmp_path, stage=2), tmp_path)
    unnamed = scene.model_copy(update={"narration": "Regular expressions get shorter."})
    assert card_reveals(unnamed, block) == (), "a part the narration never names: the listing is whole"
