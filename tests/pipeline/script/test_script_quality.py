"""What makes a script worth listening to, on documents nobody here wrote: it says what the thing is, walks
through it in order, sums up and closes — in the document's language, with nothing read aloud that a
listener cannot follow, and bullets that are whole key phrases. Documents: the shared corpus and
bench/documents (two PEPs, six articles in other languages, a chart-only deck)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from animagenius.pipeline.domain import Script, ScriptRequest, ScriptStyle, SourceDocument
from animagenius.pipeline.ingest import ingest, ingest_text
from animagenius.pipeline.run import draft_script
from animagenius.pipeline.script.analyse import detect_language
from animagenius.pipeline.script.language import LANGUAGES, phrases_for
from tests.pipeline.script_helpers import framing_words, without_framing

BENCH = Path(__file__).resolve().parents[3] / "bench" / "documents"
ARTICLES = {
    "fr": "fr-viaduc-de-millau.md",
    "de": "de-plattentektonik.md",
    "es": "es-canal-de-panama.md",
    "it": "it-git.md",
    "pt": "pt-historia-de-lisboa.md",
    "nl": "nl-deltawerken.md",
}
_DEBRIS = re.compile(
    r"\[\d+\]|<\d+>|\b\d+\(\d+\)|(?:^|\s)\d\)|/g\d+|`|\w\(\w*\)|\w\[\w+\]|:=|\s#\s|\b\w+_\w+\b|"
    r"\bexplained in\b|\bhere is\b",
    re.I,
)


def draft(document: SourceDocument, seconds: float = 60, style: ScriptStyle = "explainer") -> Script:
    request = ScriptRequest(target_duration_s=seconds, style=style)
    return draft_script(document, request=request).script


def narration(script: Script) -> str:
    return " ".join(scene.narration for scene in script.scenes)


@pytest.fixture(scope="module")
def pdfjs(corpus: Path) -> SourceDocument:
    return ingest([corpus / "text/pdfjs-README.md"])


@pytest.fixture(scope="module")
def pep8() -> SourceDocument:
    return ingest([BENCH / "pep-0008.rst"])


@pytest.fixture(scope="module")
def pep484() -> SourceDocument:
    return ingest([BENCH / "pep-0484.rst"])


def test_the_hook_says_what_the_thing_is_in_the_documents_own_words(pdfjs: SourceDocument) -> None:
    hook = draft(pdfjs).scenes[0]

    assert hook.narration.startswith(
        "What is PDF.js? PDF.js is a Portable Document Format (PDF) viewer that is built with HTML5."
    )
    assert "explained in" not in hook.narration and "Here is" not in hook.narration


@pytest.mark.parametrize("name", ["pep-0008.rst", "pep-0484.rst", "fr-viaduc-de-millau.md"])
def test_no_hook_is_a_template(name: str) -> None:
    """A hook that only frames ("Here is X, explained in a minute") says nothing: each one carries at least
    one sentence of the document."""
    document = ingest([BENCH / name])
    script = draft(document)
    hook = script.scenes[0]

    assert without_framing(hook.narration, phrases_for(script.language)), hook.narration
    assert not re.search(r"\b(?:seconds|minute|explained in)\b", hook.narration, re.I)


def test_pep8_says_what_pep8_is_about(pep8: SourceDocument) -> None:
    said = narration(draft(pep8, 90)).lower()

    assert "coding conventions for the python code" in said, "what the document is"
    assert "79 characters" in said or "4 spaces per indentation level" in said, "its core rules"


def test_debris_the_peps_left_before_is_not_read_aloud(pep8: SourceDocument, pep484: SourceDocument) -> None:
    for document in (pep8, pep484):
        for seconds in (60, 180):
            for scene in draft(document, seconds).scenes:
                assert not _DEBRIS.search(scene.narration), f"{_DEBRIS.search(scene.narration)}: {scene}"
                assert not re.search(r"(?:^|\. )\d{3,4} [a-z]", scene.narration), "a PEP number lost its PEP"


@pytest.mark.parametrize("seconds", [45, 60, 180])
def test_videos_of_45_s_and_more_end_with_a_recap_of_the_key_points(
    pep8: SourceDocument, seconds: int
) -> None:
    script = draft(pep8, seconds)
    recap = next(scene for scene in script.scenes if scene.role == "recap")

    assert recap.narration.startswith("To sum up: ")
    assert len(recap.bullets) >= 2, "the key points are shown too"
    assert all(point.lower() in recap.narration.lower() for point in recap.bullets)


def test_shorter_videos_have_no_recap(pep8: SourceDocument) -> None:
    assert "recap" not in [scene.role for scene in draft(pep8, 40).scenes]


def test_the_closing_is_the_documents_conclusion_not_read_the_original(corpus: Path) -> None:
    script = draft(ingest([corpus / "pdf/tracemonkey.pdf"]), 60)
    closing = script.scenes[-1]

    assert closing.role == "call_to_action"
    assert closing.narration.startswith("This paper described how to run dynamic languages efficiently")
    assert "read" not in closing.narration.lower().split()


def test_sections_are_bridged_in_order(pep8: SourceDocument) -> None:
    body = [scene for scene in draft(pep8, 90).scenes if scene.role == "body"]
    bridged = [scene.narration for scene in body if scene.narration.startswith(("Let’s start", "Next,"))]

    assert len(bridged) >= 2
    assert body[-1].narration.startswith("Finally, let’s look at ") or not body[-1].narration.startswith(
        "Next"
    )


def test_styles_differ_in_structure(pep8: SourceDocument) -> None:
    styles: tuple[ScriptStyle, ...] = ("explainer", "summary", "lesson", "promo")
    explainer, summary, lesson, promo = (draft(pep8, 90, style) for style in styles)
    body = {
        name: [scene for scene in script.scenes if scene.role == "body"]
        for name, script in (("explainer", explainer), ("summary", summary))
    }

    assert len(body["summary"]) < len(body["explainer"]), "a summary is denser: fewer, fuller scenes"
    assert not any(scene.narration.startswith(("Let’s start", "Next,")) for scene in body["summary"])
    assert lesson.scenes[0].narration.startswith("In this lesson, you will learn about ")
    check = next(scene for scene in lesson.scenes if scene.role == "recap")
    assert check.narration.startswith("Quick check: ") and "?" in check.narration
    assert phrases_for("en").benefit.search(promo.scenes[0].narration), "a promo leads with what it promises"


@pytest.mark.parametrize(("language", "name"), ARTICLES.items())
def test_every_framing_word_is_in_the_documents_language(language: str, name: str) -> None:
    document = ingest([BENCH / name])
    script = draft(document, 60)
    said = narration(script)
    own = framing_words(said, phrases_for(language))

    assert detect_language(document) == language
    assert script.language == language
    assert len(own) >= 3, f"hook question, bridges, recap or closing in {language}: {own}"
    for other in LANGUAGES.values():
        if other.code != language:
            assert not framing_words(said, other), f"{other.name} framing in a {language} script"
    assert {scene.title for scene in script.scenes if scene.role == "recap"} <= {
        phrases_for(language).titles["recap"]
    }


def test_a_language_without_a_phrase_book_is_framed_in_english_and_says_so() -> None:
    document = ingest_text(
        "# Kiswahili\n\nKiswahili ni lugha ya Kibantu inayozungumzwa katika Afrika Mashariki na Kati. "
        "Lugha hii ina wazungumzaji milioni mia moja hivi katika nchi nyingi za eneo hilo. "
        "Kiswahili kimeandikwa kwa herufi za Kilatini tangu karne ya kumi na tisa.\n"
    )
    written = draft_script(document, request=ScriptRequest(target_duration_s=30))

    assert any("no phrases for (sw)" in notice for notice in written.notices), written.notices


@pytest.mark.parametrize(
    "name", ["pep-0008.rst", "pep-0484.rst", "de-plattentektonik.md", "encyclopedia-pdfjs.pdf"]
)
def test_bullets_are_whole_key_phrases(name: str) -> None:
    document = ingest([BENCH / name])
    script = draft(document, 180)
    phrases = phrases_for(script.language)
    for scene in script.scenes:
        for bullet in scene.bullets:
            words = bullet.split()
            opening = words[0].lower()
            assert opening in phrases.determiners or opening not in phrases.function_words, (
                f"{bullet!r} starts on a function word"
            )
            assert words[-1].lower() not in phrases.function_words, f"{bullet!r} ends on a function word"
            assert not (script.language == "en" and len(words) > 1 and words[-1].endswith("ed")), bullet
            assert bullet.lower() in (scene.narration + " " + scene.title).lower(), f"{bullet!r} is not said"


def test_a_chart_only_deck_is_narrated_from_its_data() -> None:
    document = ingest([BENCH / "charts-deck.pptx"])
    written = draft_script(document, request=ScriptRequest(target_duration_s=60))
    script = written.script
    said = narration(script)

    assert len(script.scenes) >= 3
    assert "North" in said and "E-mail" in said, "the charts' own labels are spoken"
    charts = [scene.visual for scene in script.scenes if scene.visual.kind == "chart"]
    assert len({visual.block for visual in charts}) >= 2, "each narrated chart is shown while it is narrated"
    assert abs(script.estimated_duration_s - 60) <= 6, "four charts have a minute's worth to say"


def test_the_persons_description_is_narrated_in_full(corpus: Path, tmp_path: Path) -> None:
    from animagenius.pipeline.run import read_sources

    about = (
        "This rose opened in our garden this morning. It is the first bloom of the year. "
        "We planted it three summers ago, next to the kitchen door."
    )
    document = read_sources([corpus / "images/flower.jpg"], workdir=tmp_path, about=about)

    said = narration(draft(document, 30))

    for sentence in about.split(". "):
        assert sentence.rstrip(".") in said, "the person's own words, pronouns and all, in their order"
