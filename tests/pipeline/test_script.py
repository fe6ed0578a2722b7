"""The offline script writer: scenes a viewer can follow, narrated in whole sentences from the source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from animagenius.pipeline.domain import Script, ScriptRequest, SourceDocument
from animagenius.pipeline.errors import NoContent
from animagenius.pipeline.ingest import ingest, ingest_text
from animagenius.pipeline.script import write_script

_CLOSERS = '"\u201d\u2019)'  # a closing quote or bracket may follow the full stop
_SENTENCE = re.compile(rf"(?<=[.!?])[{_CLOSERS}]?\s+")
_TOKEN = re.compile(r"\w+")


@pytest.fixture(scope="module")
def tracemonkey(corpus: Path) -> SourceDocument:
    return ingest([corpus / "pdf/tracemonkey.pdf"])


@pytest.fixture(scope="module")
def scripts(tracemonkey: SourceDocument) -> dict[int, Script]:
    return {
        seconds: write_script(tracemonkey, request=ScriptRequest(target_duration_s=seconds))
        for seconds in (60, 180)
    }


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    remaining = iter(haystack)
    return all(any(word == candidate for candidate in remaining) for word in needle)


def narration_words(script: Script) -> int:
    return sum(len(scene.narration.split()) for scene in script.scenes)


@pytest.mark.parametrize("seconds", [60, 180])
def test_scene_count_and_bullets(
    scripts: dict[int, Script], tracemonkey: SourceDocument, seconds: int
) -> None:
    script = scripts[seconds]

    assert script.title == tracemonkey.title
    assert script.target_duration_s == seconds
    assert 4 <= len(script.scenes) <= 12
    for scene in script.scenes:
        assert scene.title.strip()
        assert 1 <= len(scene.bullets) <= 3
        assert all(bullet.strip() and len(bullet.split()) <= 12 for bullet in scene.bullets)


@pytest.mark.parametrize("seconds", [60, 180])
def test_narration_is_whole_sentences(scripts: dict[int, Script], seconds: int) -> None:
    for scene in scripts[seconds].scenes:
        assert scene.narration == scene.narration.strip()
        assert "\n" not in scene.narration
        sentences = _SENTENCE.split(scene.narration)
        for sentence in sentences:
            assert sentence.rstrip(_CLOSERS).endswith((".", "!", "?")), f"cut-off sentence: {sentence!r}"
            assert len(sentence.split()) >= 3, f"fragment narrated as a sentence: {sentence!r}"
            assert sentence[0].isupper() or sentence[0].isdigit() or sentence[0] in '"“(•', sentence


@pytest.mark.parametrize("seconds", [60, 180])
def test_narration_is_traceable_to_source_blocks(
    scripts: dict[int, Script], tracemonkey: SourceDocument, seconds: int
) -> None:
    for scene in scripts[seconds].scenes:
        assert scene.source_blocks, "every scene points back at the text it came from"
        assert list(scene.source_blocks) == sorted(set(scene.source_blocks))
        assert all(0 <= index < len(tracemonkey.blocks) for index in scene.source_blocks)
        sources = [tracemonkey.blocks[index] for index in scene.source_blocks]
        assert all(block.kind != "heading" for block in sources)
        source_tokens = [word for block in sources for word in tokens(block.text)]
        for sentence in _SENTENCE.split(scene.narration):
            # every word, in order; only citation marks like [12] and footnote symbols may be dropped
            assert is_subsequence(tokens(sentence), source_tokens), (
                f"{sentence!r} is not in blocks {scene.source_blocks}"
            )


def test_scenes_follow_the_document_order(scripts: dict[int, Script]) -> None:
    for script in scripts.values():
        firsts = [scene.source_blocks[0] for scene in script.scenes]
        assert firsts == sorted(firsts)


def test_first_scene_is_titled_with_the_document(
    scripts: dict[int, Script], tracemonkey: SourceDocument
) -> None:
    for script in scripts.values():
        assert script.scenes[0].title == "Trace-based Just-in-Time Type Specialization for Dynamic Languages"


def test_longer_target_gives_more_narration(scripts: dict[int, Script]) -> None:
    short, long = narration_words(scripts[60]), narration_words(scripts[180])
    assert long > 1.5 * short, f"180 s script has {long} words, 60 s has {short}"
    assert len(scripts[180].scenes) >= len(scripts[60].scenes)


def test_same_input_gives_same_script(tracemonkey: SourceDocument, scripts: dict[int, Script]) -> None:
    assert write_script(tracemonkey, request=ScriptRequest(target_duration_s=60)) == scripts[60]


def test_short_document_still_gets_scenes(corpus: Path) -> None:
    zen = ingest([corpus / "text/pep-0020.rst"])

    script = write_script(zen, request=ScriptRequest(target_duration_s=60))

    assert 1 <= len(script.scenes) <= 12
    narrated = " ".join(scene.narration for scene in script.scenes)
    assert "Beautiful is better than ugly." in narrated


def test_document_without_sentences_is_refused() -> None:
    document = ingest_text("# Revenue\n\nQuarterly revenue figures without any final punctuation\n")

    with pytest.raises(NoContent, match="sentences"):
        write_script(document, request=ScriptRequest(target_duration_s=60))
