"""Each scene gets the most faithful visual its narration has, neighbours look different, and nothing the
source shows once is shown again unless the narration comes back to it."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PIL import Image

from animagenius.pipeline.domain import (
    Block,
    Provenance,
    Scene,
    Script,
    ScriptRequest,
    SourceDocument,
    Visual,
)
from animagenius.pipeline.errors import InvalidScript
from animagenius.pipeline.ingest import ingest
from animagenius.pipeline.run import draft_script
from animagenius.pipeline.script.edit import script_check_against
from animagenius.pipeline.visuals.card_text import definition, key_number
from animagenius.pipeline.visuals.planning import layout_of, plan_visuals

BENCH_DOCUMENTS = Path(__file__).parents[3] / "bench" / "documents"
MD = Provenance(file="notes.md")


def block(kind: str, text: str, **fields: object) -> Block:
    return Block(kind=kind, text=text, source=fields.pop("source", MD), **fields)


def body(
    narration: str, blocks: tuple[int, ...], *, title: str = "Part", bullets: tuple[str, ...] = ()
) -> Scene:
    return Scene(role="body", title=title, narration=narration, source_blocks=blocks, bullets=bullets)


@pytest.fixture
def picture(tmp_path: Path) -> Path:
    path = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), (40, 120, 200)).save(path)
    return path


def test_a_figure_beside_the_narrated_text_is_shown_and_only_once(picture: Path) -> None:
    document = SourceDocument(
        title="Bridges",
        blocks=(
            block("heading", "Cable-stayed bridges", level=1),
            block("paragraph", "The deck hangs from cables fixed to tall pylons."),
            block("figure", "", image=picture),
            block("paragraph", "Each pylon carries eleven pairs of stays."),
        ),
    )
    script = Script(
        target_duration_s=60,
        title="Bridges",
        scenes=(
            body("The deck hangs from cables fixed to tall pylons.", (1,)),
            body("Each pylon carries eleven pairs of stays.", (3,)),
        ),
    )
    planned = plan_visuals(script, document)

    assert planned.scenes[0].visual == Visual(kind="figure", block=2), "the uncaptioned photo beside the text"
    assert planned.scenes[1].visual.block != 2, "not shown a second time"


def test_a_figure_named_again_by_the_narration_is_shown_again(picture: Path) -> None:
    document = SourceDocument(
        title="Speed",
        blocks=(
            block("paragraph", "Figure 3 shows the speed-up on every benchmark."),
            block("figure", "Figure 3: speed-up per benchmark", image=picture),
            block("paragraph", "Loops are where it wins."),
            block("paragraph", "As Figure 3 shows, crypto gains the most."),
        ),
    )
    script = Script(
        target_duration_s=60,
        title="Speed",
        scenes=(
            body("Figure 3 shows the speed-up on every benchmark.", (0,)),
            body("Loops are where it wins.", (2,), bullets=("Loops",)),
            body("As Figure 3 shows, crypto gains the most.", (3,)),
        ),
    )
    shown = [scene.visual for scene in plan_visuals(script, document).scenes]

    assert shown[0] == Visual(kind="figure", block=1) and shown[2] == Visual(kind="figure", block=1)


def test_lists_become_diagrams_numbers_and_definitions_become_cards_and_neighbours_differ() -> None:
    document = SourceDocument(
        title="Git",
        blocks=(
            block("paragraph", "Git is a distributed version control system."),
            block("paragraph", "It handles projects of 20,000 files in under 2 seconds."),
            block("list_item", "Clone the repository"),
            block("list_item", "Commit your change"),
            block("list_item", "Push it to the server"),
            block("paragraph", "Branches are cheap and merging is routine in Git."),
            block("paragraph", "Teams merge many times a day without fear."),
        ),
    )
    script = Script(
        target_duration_s=60,
        title="Git",
        scenes=(
            Scene(role="hook", title="Git", narration="Git is a distributed version control system.",
                  source_blocks=(0,)),
            body("It handles projects of 20,000 files in under 2 seconds.", (1,)),
            body("Clone the repository. Commit your change. Push it to the server.", (2, 3, 4)),
            body("Branches are cheap and merging is routine in Git.", (5,), bullets=("Branches",)),
            body("Teams merge many times a day without fear.", (6,), bullets=("Merging",)),
        ),
    )  # fmt: skip
    planned = plan_visuals(script, document).scenes

    assert [scene.visual.kind for scene in planned[:3]] == ["definition", "number", "diagram"]
    assert planned[2].visual.block == 2, "the diagram starts at the list's first item"
    layouts = [layout_of(scene.visual, scene) for scene in planned]
    assert all(a != b for a, b in itertools.pairwise(layouts)), layouts


@pytest.mark.parametrize(
    "name", ["fr-viaduc-de-millau.md", "it-git.md", "pep-0008.rst", "research-street-trees.pdf"]
)
def test_real_documents_get_varied_faithful_visuals(name: str, tmp_path: Path) -> None:
    document = ingest([BENCH_DOCUMENTS / name], assets_dir=tmp_path)
    script = draft_script(document, request=ScriptRequest(target_duration_s=60)).script

    layouts = [layout_of(scene.visual, scene) for scene in script.scenes]
    assert all(a != b for a, b in itertools.pairwise(layouts)), layouts
    assert any(scene.visual.kind != "slide" for scene in script.scenes if scene.role == "body"), layouts
    for scene in script.scenes:
        if scene.visual.kind == "number":
            assert key_number(scene.narration, "") is not None, scene
        if scene.visual.kind == "definition":
            assert definition(scene.narration, "") is not None, scene
        if scene.visual.kind == "quote":
            assert scene.visual.text, scene


def test_a_card_is_planned_only_where_the_narration_says_its_number_or_definition() -> None:
    assert key_number("Avec son pylône le plus haut à 343 m, le viaduc dépasse la tour Eiffel.", "") == (
        "343 m", "Avec son pylône le plus haut à",
    )  # fmt: skip
    assert key_number("See section 3 for the 2 cases.", "") is None, (
        "a bare count or pointer is no key number"
    )
    assert definition("PDF.js is a Portable Document Format (PDF) viewer that is built with HTML5.", "") == (
        "PDF.js", "A Portable Document Format viewer that is built with HTML5",
    )  # fmt: skip
    assert definition("Le viaduc de Millau est un pont à haubans.", "") == (
        "Le viaduc de Millau",
        "Un pont à haubans",
    )
    assert definition("It is important to measure first.", "") is None


def test_a_script_naming_an_icon_that_is_not_bundled_is_refused_with_the_closest_names() -> None:
    document = SourceDocument(title="Launch", blocks=(block("paragraph", "The rocket launched in 1969."),))
    scene = body("The rocket launched in 1969.", (0,))
    good = Script(
        target_duration_s=60,
        title="Launch",
        scenes=(scene.model_copy(update={"visual": Visual(kind="number", block=0, icon="rocket")}),),
    )
    script_check_against(good, document)
    bad = good.model_copy(update={"scenes": (scene.model_copy(update={"visual": Visual(icon="rockett")}),)})
    with pytest.raises(
        InvalidScript,
        match=r"scene 1 \('Part'\): icon 'rockett' is not one of the bundled icons; did you mean rocket",
    ):
        script_check_against(bad, document)
