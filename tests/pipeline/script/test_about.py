"""A person says what their photos or clips are about ("About these files"): the text is narrated first and
the files are shown beside it; without it, the refusal says what was uploaded and exactly what to add."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from animagenius.pipeline.domain import ScriptRequest, SourceDocument
from animagenius.pipeline.errors import InvalidOption, NoContent
from animagenius.pipeline.ingest import ingest_text
from animagenius.pipeline.providers.protocols import WrittenScript
from animagenius.pipeline.run import draft_script, read_sources
from animagenius.pipeline.script.about import ABOUT, MAX_ABOUT_CHARS, nothing_to_narrate, with_about

ROSE = (
    "A yellow rose from the garden behind our house\n"
    "It opened this morning after a week of rain\n\n"
    "We planted it three years ago with our daughter."
)
FIELD = "in “About these files” (the API's `about` field, `--about` on the command line)"


def read(paths: Sequence[Path], tmp_path: Path, about: str = "") -> SourceDocument:
    return read_sources(paths, workdir=tmp_path / "read", about=about)


def draft(document: SourceDocument, seconds: int = 30) -> WrittenScript:
    return draft_script(document, request=ScriptRequest(target_duration_s=seconds))


def refusal(document: SourceDocument) -> str:
    with pytest.raises(NoContent) as caught:
        draft(document)
    assert str(caught.value) == str(nothing_to_narrate(document))
    return str(caught.value)


@pytest.fixture(scope="module")
def flower(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> SourceDocument:
    return read([corpus / "images/flower.jpg"], tmp_path_factory.mktemp("flower"))


def test_a_photo_with_its_description_is_narrated_from_the_description_and_shown(
    corpus: Path, tmp_path: Path
) -> None:
    document = read([corpus / "images/flower.jpg"], tmp_path, about=ROSE)

    script = draft(document).script

    about = [index for index, block in enumerate(document.blocks) if block.source == ABOUT]
    assert [document.blocks[index].text for index in about] == [
        "A yellow rose from the garden behind our house. It opened this morning after a week of rain.",
        "We planted it three years ago with our daughter.",
    ]
    assert about == [0, 1], "the person's words come first"
    narrated = " ".join(scene.narration for scene in script.scenes)
    assert "A yellow rose from the garden behind our house." in narrated
    assert "We planted it three years ago with our daughter." in narrated
    spoken_from = {block for scene in script.scenes for block in scene.source_blocks}
    assert spoken_from and spoken_from <= set(about), "every narrated sentence points at the description"
    photo = next(index for index, block in enumerate(document.blocks) if block.source.file == "flower.jpg")
    shown = [scene.visual for scene in script.scenes if scene.visual.block == photo]
    assert [visual.kind for visual in shown] == ["figure"], "the photo described is shown once"


def test_the_scenes_of_a_described_clip_are_played(corpus: Path, tmp_path: Path) -> None:
    about = (
        "This short test film has five scenes cut one after another. Each scene shows a different pattern "
        "for about two seconds. Editors use films like this to check that cuts are found at the right time."
    )
    document = read([corpus / "video/scene_cuts.mp4"], tmp_path, about=about)

    script = draft(document).script

    assert "Editors use films like this" in " ".join(scene.narration for scene in script.scenes)
    played = [scene.visual.block for scene in script.scenes if scene.visual.kind == "clip"]
    assert len(played) == len(set(played)) >= 2, "different scenes of the clip, none twice"
    assert all(
        document.blocks[block].source.file == "scene_cuts.mp4" for block in played if block is not None
    )


def test_a_photo_alone_is_refused_naming_the_file_and_the_field(flower: SourceDocument) -> None:
    assert refusal(flower) == (
        f"flower.jpg is a photo with no words to narrate: describe what it shows in a sentence or two {FIELD}"
    )


def test_several_photos_are_named_together(corpus: Path, tmp_path: Path) -> None:
    names = ["flower.jpg", "hopper.png", "flower2.jpg", "hopper.webp"]
    document = read([corpus / "images" / name for name in names], tmp_path)

    assert refusal(document) == (
        "flower.jpg, hopper.png, flower2.jpg and 1 more are photos with no words to narrate: "
        f"describe what they show in a sentence or two {FIELD}"
    )


def test_a_clip_without_speech_asks_what_happens_in_it(corpus: Path, tmp_path: Path) -> None:
    document = read([corpus / "video/scene_cuts.mp4"], tmp_path)

    assert refusal(document) == (
        "scene_cuts.mp4 is a clip with no speech to narrate: describe what happens in it "
        f"in a sentence or two {FIELD}"
    )


def test_photos_and_clips_together(flower: SourceDocument, corpus: Path, tmp_path: Path) -> None:
    clip = read([corpus / "video/carphone_distorted.mp4"], tmp_path)
    both = flower.model_copy(
        update={"blocks": (*flower.blocks, *clip.blocks), "media": (*flower.media, *clip.media)}
    )

    assert refusal(both).startswith(
        "flower.jpg and carphone_distorted.mp4 have no words to narrate: describe what they show"
    )


def test_a_document_of_pictures_without_prose_asks_for_a_sentence_or_prose(
    corpus: Path, tmp_path: Path
) -> None:
    document = read([corpus / "pptx/shp-picture.pptx"], tmp_path)

    message = refusal(document)

    assert message.startswith("shp-picture.pptx has no complete sentences to narrate")
    assert FIELD in message and message.endswith("or upload a version with prose")


def test_pasted_text_without_sentences_asks_for_sentences() -> None:
    document = ingest_text("# Revenue\n\nQuarterly revenue figures without any final punctuation\n")

    assert refusal(document).startswith("the pasted text has no complete sentences to narrate")


def test_a_description_too_short_to_narrate_says_so(flower: SourceDocument) -> None:
    message = refusal(with_about(flower, "My rose"))

    assert message.startswith("the text in “About these files” is too short to narrate")
    assert "saying what flower.jpg shows" in message


def test_a_description_too_long_is_refused_before_any_file_is_read(tmp_path: Path) -> None:
    never_read = tmp_path / "missing.jpg"

    with pytest.raises(InvalidOption, match=f"keep it to {MAX_ABOUT_CHARS:,}"):
        read([never_read], tmp_path, about="word " * MAX_ABOUT_CHARS)


def test_a_blank_description_changes_nothing(flower: SourceDocument) -> None:
    assert with_about(flower, " \r\n \n") == flower
