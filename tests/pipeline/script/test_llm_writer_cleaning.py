"""The LLM script writer asks for what the offline writer delivers, and what it gets back is cleaned the same
way: every narration sentence for the ear, every bullet as a whole key phrase. The answers come from the
local chat-completions server (`chat_server`) and are built on the real blocks of PEP 20.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import groupby
from pathlib import Path
from typing import Any

import pytest

from animagenius.pipeline.domain import Outline, ScriptRequest, SourceDocument
from animagenius.pipeline.errors import ProviderBadOutput
from animagenius.pipeline.ingest import ingest
from animagenius.pipeline.providers.remote.llm_prompt import system_prompt
from animagenius.pipeline.providers.remote.llm_writer import LlmScriptWriter
from animagenius.pipeline.script.analyse import analyse
from animagenius.pipeline.script.offline import OfflineWriter
from tests.pipeline.chat_server import ChatServer, completion
from tests.pipeline.llm_helpers import answer, fitting_request, llm_config, zen_draft

DEBRIS = (
    "Tim Peters wrote 19 of the 20 aphorisms [12] in 1999. They guide Python <7> programmers to this day. "
    "Call code(x) to print them. You can print them with print(this.s) at any prompt. "
    "See Figure 3 for the full list."
)
CLEANED = (
    "Tim Peters wrote 19 of the 20 aphorisms in 1999. They guide Python programmers to this day. "
    "You can print them."
)


@pytest.fixture(scope="module")
def zen(corpus: Path) -> tuple[SourceDocument, Outline]:
    document = ingest([corpus / "text/pep-0020.rst"])
    return document, analyse(document)


def copied(draft: dict[str, Any]) -> dict[str, Any]:
    copy: dict[str, Any] = json.loads(json.dumps(draft))
    return copy


# ---------------------------------------------------------------- the answer, cleaned


def test_narration_loses_markers_code_and_figure_references_and_keeps_its_numbers(
    chat_server: ChatServer, zen, tmp_path
):
    document, outline = zen
    draft = zen_draft(document)
    draft["scenes"][0]["narration"] += f" {DEBRIS}"
    chat_server.queue(answer(draft))

    written = LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path).write(
        document, outline, fitting_request(draft)
    )

    assert len(chat_server.requests) == 1, "what cleaning leaves still fits: nothing to repair"
    assert written.script.scenes[0].narration == f"{document.blocks[1].text} {CLEANED}"
    untouched = [scene.narration for scene in written.script.scenes[1:]]
    assert untouched == [scene["narration"] for scene in draft["scenes"][1:]]  # "Readability counts." stays


def test_bullets_that_are_not_whole_key_phrases_are_left_off(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    draft = zen_draft(document)
    draft["scenes"][1]["bullets"] = ["Although TAM", "Explicit beats implicit", "print(this.s)"]
    chat_server.queue(answer(draft))

    written = LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path).write(
        document, outline, fitting_request(draft)
    )

    assert written.script.scenes[1].bullets == ("Explicit beats implicit",)
    assert written.script.scenes[2].bullets == ("Guiding principles",)


def test_the_persons_own_closing_line_is_said_as_written(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    draft = zen_draft(document)
    own = "Print the Zen at python.org/dev/peps/pep-0020 today"
    draft["scenes"][-1]["narration"] = f"{own}. Readability counts [12]."
    chat_server.queue(answer(draft))

    written = LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path).write(
        document, outline, fitting_request(draft, call_to_action=own)
    )

    assert len(chat_server.requests) == 1
    assert written.script.scenes[-1].narration == f"{own}. Readability counts."


def test_a_scene_that_cleaning_leaves_silent_is_sent_back_naming_it(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    good = zen_draft(document)
    bad = copied(good)
    bad["scenes"][2]["narration"] = (
        "See Figure 3 for the next five aphorisms [12]. They are listed in Table 2."
    )
    chat_server.queue(answer(bad), answer(good))

    written = LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path).write(
        document, outline, fitting_request(good)
    )

    assert len(chat_server.requests) == 2
    repair = chat_server.requests[1].messages[-1]["content"]
    assert 'scene 3 (body, "The aphorisms") has nothing left to say once its narration is cleaned' in repair
    assert '"See Figure 3 for the next five aphorisms [12]." "They are listed in Table 2."' in repair
    assert written.script.scenes[2].narration == good["scenes"][2]["narration"]


def test_a_closing_that_sends_the_viewer_to_the_original_is_sent_back(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    good = zen_draft(document)
    bad = copied(good)
    bad["scenes"][-1]["narration"] = "Read the original PEP to learn more."
    chat_server.queue(answer(bad), answer(good))

    LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path).write(
        document, outline, fitting_request(good)
    )

    repair = chat_server.requests[1].messages[-1]["content"]
    assert 'scene 7 (call_to_action, "Read it yourself") has nothing left to say' in repair


def test_a_script_that_cleaning_leaves_too_short_is_sent_back_with_what_was_cut(
    chat_server: ChatServer, zen, tmp_path
):
    document, outline = zen
    good = zen_draft(document)
    bad = copied(good)
    for scene in bad["scenes"][1:-2]:  # each body scene keeps one aphorism; the rest is about a table
        first = scene["narration"].split(". ")[0].rstrip(".")
        scene["narration"] = (
            f"{first}. " + "As Table 2 shows, this aphorism is quoted more than any other. " * 4
        )
    chat_server.queue(answer(bad), answer(good))

    LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path).write(
        document, outline, fitting_request(good)
    )

    repair = chat_server.requests[1].messages[-1]["content"]
    assert "add about" in repair
    assert 'were cut because they cannot be spoken: "As Table 2 shows, this aphorism' in repair


# ---------------------------------------------------------------- the prompt: the offline writer's qualities


def roles_of(roles: Sequence[str]) -> str:
    return " → ".join("body (one or more scenes)" if role == "body" else role for role in roles)


@pytest.mark.parametrize("seconds", [30, 45])
def test_a_recap_is_asked_for_from_45_seconds_as_the_offline_writer_writes_one(
    chat_server: ChatServer, corpus: Path, tmp_path, seconds
):
    document = ingest([corpus / "text/pep-0257.rst"])
    outline = analyse(document)
    request = ScriptRequest(target_duration_s=seconds)
    offline = OfflineWriter().write(document, outline, request).script
    written_offline = [role for role, _ in groupby(scene.role for scene in offline.scenes)]
    chat_server.queue(completion("{}"), completion("{}"))  # only the prompt matters here

    with pytest.raises(ProviderBadOutput):
        LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path).write(document, outline, request)

    system = chat_server.requests[0].messages[0]["content"]
    assert f"scenes in this order of roles: {roles_of(written_offline)}." in system
    assert ("recap" in written_offline) is ("\n- recap: " in system) is (seconds >= 45)


def test_a_recap_in_a_30_second_script_is_sent_back(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    draft = zen_draft(document)
    chat_server.queue(answer(draft), answer(draft))

    with pytest.raises(ProviderBadOutput, match="they must run hook → body → call_to_action"):
        LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path).write(
            document, outline, ScriptRequest(target_duration_s=30)
        )


@pytest.mark.parametrize(
    ("style", "asked", "not_asked"),
    [
        ("explainer", 'opens with a short bridge that names its topic ("Next, let’s look at X.")', "benefit"),
        ("summary", "Dense: fewer, fuller scenes, with no bridges", "opens with a short bridge"),
        ("lesson", 'open with a check question for the learner ("Quick check: What is X?', "benefit"),
        ("promo", "lead with the benefit", "check question"),
    ],
)
def test_the_prompt_asks_for_the_styles_structure(zen, style, asked, not_asked):
    document, _ = zen
    system = system_prompt(document, ScriptRequest(target_duration_s=60, style=style), language="en")

    assert asked in system
    assert not_asked not in system
    assert "own defining sentence" in system
    assert 'Never open with "Here is X, explained in N seconds"' in system
    assert 'never "read the original"' in system


def test_a_lesson_in_french_is_asked_for_in_french_words(zen):
    document, _ = zen
    system = system_prompt(document, ScriptRequest(target_duration_s=60, style="lesson"), language="fr")

    assert "in French (fr), the document's language" in system
    assert "Dans cette leçon, vous allez découvrir A, B et C." in system
    assert "Petite question : Qu’est-ce que X ? Prenez le temps d’y répondre avant le résumé." in system


MAREES = """# Les marées

La marée est le mouvement montant puis descendant des eaux des mers et des océans, causé par
l'attraction de la Lune et du Soleil.

## Le rôle de la Lune

La Lune attire les océans vers elle. Deux fois par jour, la mer monte puis descend sur nos côtes.

## Les grandes marées

Les marées de vives-eaux sont les plus fortes du mois, quand la Lune et le Soleil sont alignés.
Dans la baie de Fundy, l'eau monte de 16 mètres.
"""


def marees_draft() -> dict[str, Any]:
    def scene(role: str, title: str, narration: str, blocks: list[int]) -> dict[str, Any]:
        visual = {"kind": "slide", "block": None, "prompt": ""}
        return {"role": role, "title": title, "bullets": [], "narration": narration, "visual": visual,
                "source_blocks": blocks}  # fmt: skip

    return {
        "title": "Les marées",
        "scenes": [
            scene("hook", "Les marées", "Qu’est-ce qu’une marée ? C’est le mouvement montant puis descendant "
                  "des eaux des mers et des océans, causé par l’attraction de la Lune et du Soleil.", [1]),
            scene("body", "Le rôle de la Lune", "Commençons par le rôle de la Lune. Ensuite, retenez ceci : "
                  "la Lune attire les océans vers elle. Deux fois par jour, la mer monte puis descend sur "
                  "nos côtes.", [3]),
            scene("body", "Les grandes marées", "Pour finir, voyons les grandes marées. Les marées de "
                  "vives-eaux sont les plus fortes du mois, quand la Lune et le Soleil sont alignés. Dans la "
                  "baie de Fundy, l’eau monte de 16 mètres !", [5]),
            scene("call_to_action", "À retenir", "Retenez-le : la Lune et le Soleil font monter et descendre "
                  "les océans deux fois par jour, et bien plus fort quand ils sont alignés.", [3, 5]),
        ],
    }  # fmt: skip


def test_a_french_document_is_asked_for_in_french_and_its_french_framing_is_kept(
    chat_server: ChatServer, tmp_path
):
    source = tmp_path / "marees.md"
    source.write_text(MAREES, encoding="utf-8")
    document = ingest([source])
    outline = analyse(document)
    assert outline.language == "fr"
    draft = marees_draft()
    chat_server.queue(answer(draft))

    written = LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path / "cache").write(
        document, outline, fitting_request(draft)
    )

    system, user = (message["content"] for message in chat_server.requests[0].messages)
    assert "in French (fr), the document's language, although these instructions are in English." in system
    assert '("Voyons maintenant X.")' in system  # the bridge, as the offline writer says it in French
    assert "Language: fr" in user
    assert written.script.language == "fr"
    # the writer's own bridges and connectives stay, and so does French spacing before "?", ":" and "!"
    assert [scene.narration for scene in written.script.scenes] == [s["narration"] for s in draft["scenes"]]
