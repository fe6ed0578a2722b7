"""The LLM script writer, against a local server that speaks the chat-completions wire protocol.

Nothing of ours is mocked: the real client sends real HTTP to `chat_server`, which answers as OpenAI or
OpenRouter would (JSON or a server-sent event stream, errors, delays), and the answers are built from the
real blocks of PEP 20.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from animagenius.pipeline.domain import Outline, ScriptRequest, SourceDocument
from animagenius.pipeline.errors import ProviderBadOutput, ProviderRateLimited, ProviderUnavailable
from animagenius.pipeline.ingest import ingest
from animagenius.pipeline.providers.remote.chat import retry_after_s
from animagenius.pipeline.providers.remote.config import LlmConfig
from animagenius.pipeline.providers.remote.llm_prompt import (
    DOCUMENT_BUDGET_CHARS,
    DURATION_TOLERANCE,
    KEY_POINTS_BUDGET_CHARS,
    document_listing,
)
from animagenius.pipeline.providers.remote.llm_writer import DRAFT_SCHEMA, LlmScriptWriter
from animagenius.pipeline.script.analyse import analyse
from animagenius.pipeline.script.edit import script_check_against
from animagenius.pipeline.script.writers import WriterSettings, script_writer_chain
from tests.pipeline.chat_server import (
    ChatServer,
    completion,
    json_answer,
    raw,
    slow,
    status,
    stream,
    usage,
)
from tests.pipeline.llm_helpers import (
    API_KEY,
    SCRIPT_MODEL,
    answer,
    draft_scene,
    fitting_request,
    llm_config,
    slide_visual,
    visual_of,
    zen_draft,
)


@pytest.fixture(scope="module")
def zen(corpus: Path) -> tuple[SourceDocument, Outline]:
    document = ingest([corpus / "text/pep-0020.rst"])
    return document, analyse(document)


# ---------------------------------------------------------------- the wire format


def test_request_carries_key_model_schema_and_numbered_blocks(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    draft = zen_draft(document)
    chat_server.queue(answer(draft))
    writer = LlmScriptWriter(llm_config(chat_server, app_url="https://animagenius.test"), cache_dir=tmp_path)

    written = writer.write(document, outline, fitting_request(draft))

    [request] = chat_server.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.headers["X-Title"] == "AnimaGenius"
    assert request.headers["HTTP-Referer"] == "https://animagenius.test"
    assert request.body["model"] == SCRIPT_MODEL
    assert "stream" not in request.body
    response_format = request.body["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["strict"] is True
    assert response_format["json_schema"]["schema"] == DRAFT_SCHEMA
    system, user = request.messages
    assert (system["role"], user["role"]) == ("system", "user")
    assert "hook → body (one or more scenes) → recap → call_to_action" in system["content"]
    assert '"figure": not available' in system["content"]  # PEP 20 has no pictures to point at
    assert "[0] heading 1: Abstract" in user["content"]
    assert "[4] list_item: Explicit is better than implicit." in user["content"]
    assert "Title: The Zen of Python" in user["content"]

    script = written.script
    assert written.writer == "openai"
    assert written.cached is False
    assert [scene.role for scene in script.scenes] == [scene["role"] for scene in draft["scenes"]]
    assert script.scenes[1].narration.startswith("Beautiful is better than ugly.")
    assert script.scenes[1].visual.kind == "quote"
    assert script.language == "en"
    script_check_against(script, document)


def test_word_budget_in_the_prompt_matches_the_target(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    draft = zen_draft(document)
    chat_server.queue(answer(draft))
    request = fitting_request(draft, words_per_minute=150)

    LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path).write(document, outline, request)

    system = chat_server.requests[0].messages[0]["content"]
    assert f"the video lasts {request.target_duration_s:g} seconds" in system
    budget = int(system.split("must have about ")[1].split()[0])
    narration_words = sum(len(scene["narration"].split()) for scene in draft["scenes"])
    assert abs(budget - narration_words) / narration_words < 0.25  # the budget is what fits the length


def test_draft_schema_is_valid_for_strict_mode():
    def objects(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            if node.get("type") == "object":
                yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for item in node:
                yield from objects(item)

    found = list(objects(DRAFT_SCHEMA))
    assert len(found) == 3  # the draft, a scene, a visual
    for schema in found:
        assert schema["additionalProperties"] is False
        assert sorted(schema["required"]) == sorted(schema["properties"])
    block = DRAFT_SCHEMA["$defs"]["DraftVisual"]["properties"]["block"]
    assert {"type": "null"} in block["anyOf"]
    assert "default" not in json.dumps(DRAFT_SCHEMA)


def test_streamed_answer_is_reassembled_with_its_usage(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    draft = zen_draft(document)
    chat_server.queue(stream(json.dumps(draft), chunks=7, tokens=usage(900, 410, cost=0.0042)))
    writer = LlmScriptWriter(llm_config(chat_server, stream=True), cache_dir=tmp_path)

    written = writer.write(document, outline, fitting_request(draft))

    [request] = chat_server.requests
    assert request.body["stream"] is True
    assert request.body["stream_options"] == {"include_usage": True}
    assert written.script.title == "The Zen of Python"
    assert [scene.narration for scene in written.script.scenes] == [s["narration"] for s in draft["scenes"]]
    [spent] = written.usage
    assert (spent.prompt_tokens, spent.completion_tokens, spent.cost_usd) == (900, 410, 0.0042)
    assert spent.model == "test/model"


def test_error_in_the_middle_of_a_stream_fails_as_unavailable(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    draft = zen_draft(document)
    chat_server.queue(stream(json.dumps(draft), chunks=5, error_after=2))
    writer = LlmScriptWriter(llm_config(chat_server, stream=True), cache_dir=tmp_path)

    with pytest.raises(ProviderUnavailable, match="upstream provider disconnected"):
        writer.write(document, outline, fitting_request(draft))


def test_a_paper_offers_its_figures_and_tables_and_a_script_may_show_them(
    chat_server: ChatServer, corpus: Path, tmp_path
):
    paper = ingest([corpus / "pdf/tracemonkey.pdf"], assets_dir=tmp_path / "assets")
    figure = next(i for i, block in enumerate(paper.blocks) if block.kind == "figure" and block.image)
    table = next(i for i, block in enumerate(paper.blocks) if block.kind == "table")
    abstract = paper.blocks[4].text
    draft = {
        "title": "Trace-based JIT compilation",
        "scenes": [
            draft_scene(
                "hook", "Faster dynamic languages", abstract.split(". ")[0] + ".", [4], slide_visual()
            ),
            draft_scene("body", "How tracing works", abstract, [4], visual_of("figure", figure)),
            draft_scene(
                "body",
                "Statistics",
                "Trace recording is measured per benchmark.",
                [table],
                visual_of("table", table),
            ),
            draft_scene(
                "recap",
                "In short",
                "Tracing compiles the hot loops of dynamic programs.",
                [4],
                slide_visual(),
            ),
            draft_scene(
                "call_to_action",
                "Key takeaway",
                "Tracing makes dynamic languages fast to run.",
                [4],
                slide_visual(),
            ),
        ],
    }
    chat_server.queue(answer(draft))

    written = LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path).write(
        paper, analyse(paper), fitting_request(draft)
    )

    system, user = (message["content"] for message in chat_server.requests[0].messages)
    assert f"  [{figure}] {paper.blocks[figure].text[:30]}" in system
    assert f"  [{table}] {paper.blocks[table].text[:30]}" in system
    assert len(user) < DOCUMENT_BUDGET_CHARS + KEY_POINTS_BUDGET_CHARS + 500
    assert [scene.visual.kind for scene in written.script.scenes] == [
        "slide",
        "figure",
        "table",
        "slide",
        "slide",
    ]
    assert written.script.scenes[1].visual.block == figure


# ---------------------------------------------------------------- retries and failures


def test_rate_limit_is_retried_after_the_delay_the_server_asks_for(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    draft = zen_draft(document)
    chat_server.queue(status(429, message="slow down", headers={"Retry-After": "1"}), answer(draft))
    writer = LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path)

    written = writer.write(document, outline, fitting_request(draft))

    first, retry = chat_server.requests
    assert retry.arrived_s - first.arrived_s >= 1.0
    assert retry.body == first.body
    assert written.script.title == "The Zen of Python"


def test_a_retry_after_longer_than_we_wait_gives_up_at_once(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    chat_server.queue(status(429, headers={"Retry-After": "3600"}))
    writer = LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path)

    with pytest.raises(ProviderRateLimited) as raised:
        writer.write(document, outline, ScriptRequest())

    assert raised.value.retry_after_s == 3600
    assert len(chat_server.requests) == 1


def test_retry_after_as_an_http_date():
    now = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_s("Sat, 01 Mar 2025 12:00:30 GMT", now=now) == 30
    assert retry_after_s("Sat, 01 Mar 2025 11:59:00 GMT", now=now) == 0  # already past: retry now
    assert retry_after_s("2.5") == 2.5
    assert retry_after_s("soon") is None


def test_server_errors_give_up_after_max_attempts_with_growing_pauses(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    chat_server.queue(*[status(500, message="internal error")] * 3)
    writer = LlmScriptWriter(llm_config(chat_server, max_attempts=3, backoff_s=0.2), cache_dir=tmp_path)

    with pytest.raises(ProviderUnavailable, match=r"HTTP 500: internal error, after 3 attempts"):
        writer.write(document, outline, ScriptRequest())

    arrivals = [request.arrived_s for request in chat_server.requests]
    assert len(arrivals) == 3
    first_pause, second_pause = arrivals[1] - arrivals[0], arrivals[2] - arrivals[1]
    assert 0.2 <= first_pause < 0.4
    assert 0.4 <= second_pause < 0.7  # doubled, plus at most a quarter of jitter


def test_an_unreachable_endpoint_is_retried_then_unavailable(zen, tmp_path):
    document, outline = zen
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = LlmConfig(base_url=f"http://127.0.0.1:{port}/v1", api_key=SecretStr(API_KEY), backoff_s=0.05)

    with pytest.raises(
        ProviderUnavailable, match=rf"cannot reach the LLM endpoint at .*:{port}.*after 4 attempts"
    ):
        LlmScriptWriter(config, cache_dir=tmp_path).write(document, outline, ScriptRequest())


def test_failing_endpoint_falls_back_to_the_offline_writer_with_a_notice(
    chat_server: ChatServer, zen, tmp_path
):
    document, outline = zen
    chat_server.queue(*[status(503, message="overloaded")] * 2)
    settings = WriterSettings(llm=llm_config(chat_server, max_attempts=2), cache_dir=tmp_path)

    written = script_writer_chain(["openai"], settings=settings).write(
        document, outline, ScriptRequest(target_duration_s=45)
    )

    assert written.writer == "offline"
    assert len(chat_server.requests) == 2
    assert "The openai script writer failed" in written.notices[0]
    assert "HTTP 503: overloaded" in written.notices[0]
    script_check_against(written.script, document)


def test_a_refused_key_fails_at_once(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    chat_server.queue(status(401, message="No auth credentials found"))
    writer = LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path)

    with pytest.raises(ProviderUnavailable, match=r"refused the API key \(HTTP 401.*check LLM_API_KEY"):
        writer.write(document, outline, ScriptRequest())

    assert len(chat_server.requests) == 1


def test_without_a_key_nothing_is_sent(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    writer = LlmScriptWriter(llm_config(chat_server, api_key=SecretStr("")), cache_dir=tmp_path)

    with pytest.raises(ProviderUnavailable, match="set LLM_API_KEY"):
        writer.write(document, outline, ScriptRequest())

    assert chat_server.requests == []


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        (raw(b"<html><body>502 Bad Gateway</body></html>"), "not JSON: '<html><body>502 Bad Gateway"),
        (json_answer({"id": "x", "object": "chat.completion"}), "has no choices"),
    ],
    ids=["html-page", "no-choices"],
)
def test_an_answer_that_is_not_a_completion_is_bad_output(
    chat_server: ChatServer, zen, tmp_path, reply, problem
):
    document, outline = zen
    chat_server.queue(reply)
    writer = LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path)

    with pytest.raises(ProviderBadOutput, match=problem):
        writer.write(document, outline, ScriptRequest())

    assert len(chat_server.requests) == 1


def test_a_slow_answer_times_out(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    chat_server.queue(*[slow(answer(zen_draft(document)), delay_s=30)] * 2)
    writer = LlmScriptWriter(llm_config(chat_server, timeout_s=1.0, max_attempts=2), cache_dir=tmp_path)

    started = time.monotonic()
    with pytest.raises(ProviderUnavailable, match=r"did not answer within 1 s.*after 2 attempts"):
        writer.write(document, outline, ScriptRequest())
    elapsed = time.monotonic() - started

    assert len(chat_server.requests) == 2
    assert 2.0 <= elapsed < 20.0  # each attempt waited its second, not the answer's 30


def test_a_trickling_stream_is_cut_off_at_the_deadline(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    draft = zen_draft(document)
    chat_server.queue(stream(json.dumps(draft), chunks=60, gap_s=0.3))  # each read quick, the whole 18 s
    config = llm_config(chat_server, stream=True, timeout_s=1.0, max_attempts=1)

    started = time.monotonic()
    with pytest.raises(ProviderUnavailable, match="did not answer within 1 s"):
        LlmScriptWriter(config, cache_dir=tmp_path).write(document, outline, fitting_request(draft))

    assert time.monotonic() - started < 10  # cut off, not read to the end (18 s)


# ---------------------------------------------------------------- checking and repairing the script


def test_malformed_json_gets_exactly_one_repair(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    draft = zen_draft(document)
    broken = json.dumps(draft)[:-40]
    chat_server.queue(completion(broken, tokens=usage(1000, 300)), answer(draft, tokens=usage(1400, 320)))
    writer = LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path)

    written = writer.write(document, outline, fitting_request(draft))

    first, repair = chat_server.requests
    assert repair.messages[:2] == first.messages
    assert repair.messages[2] == {"role": "assistant", "content": broken}
    assert repair.messages[3]["role"] == "user"
    assert "not valid JSON" in repair.messages[3]["content"]
    assert repair.body["response_format"] == first.body["response_format"]
    assert [(u.prompt_tokens, u.completion_tokens) for u in written.usage] == [(1000, 300), (1400, 320)]
    assert written.script.title == "The Zen of Python"


def test_still_malformed_after_the_repair_is_bad_output(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    chat_server.queue(completion('{"title": "Zen", "scenes": ['), completion("Sorry, here is the script: {"))
    writer = LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path)

    with pytest.raises(ProviderBadOutput, match=rf"{SCRIPT_MODEL} wrote an unusable script.*not valid JSON"):
        writer.write(document, outline, ScriptRequest())

    assert len(chat_server.requests) == 2


def test_tokens_of_a_failed_attempt_are_kept_when_the_offline_writer_answers(
    chat_server: ChatServer, zen, tmp_path
):
    document, outline = zen
    chat_server.queue(
        completion('{"title": "Zen", "scenes": [', tokens=usage(900, 40)),
        completion("Sorry, here is the script: {", tokens=usage(960, 12)),
    )
    settings = WriterSettings(llm=llm_config(chat_server), cache_dir=tmp_path)

    written = script_writer_chain(["openai"], settings=settings).write(
        document, outline, ScriptRequest(target_duration_s=45)
    )

    assert written.writer == "offline"
    assert "unusable script" in written.notices[0]
    assert [(u.prompt_tokens, u.completion_tokens) for u in written.usage] == [(900, 40), (960, 12)]
    assert all(u.model for u in written.usage)


def _pointing_nowhere(draft: dict[str, Any]) -> None:
    draft["scenes"][1]["source_blocks"] = [3, 99]


def _quoting_a_heading(draft: dict[str, Any]) -> None:
    draft["scenes"][2]["visual"] = {"kind": "quote", "block": 0, "prompt": ""}


def _showing_a_missing_figure(draft: dict[str, Any]) -> None:
    draft["scenes"][2]["visual"] = {"kind": "figure", "block": 5, "prompt": ""}


def _twice_too_long(draft: dict[str, Any]) -> None:
    for scene in draft["scenes"][1:-2]:
        scene["narration"] = f"{scene['narration']} {scene['narration']}"


def _without_the_recap(draft: dict[str, Any]) -> None:
    del draft["scenes"][-2]


def _missing_narration(draft: dict[str, Any]) -> None:
    del draft["scenes"][0]["narration"]


@pytest.mark.parametrize(
    ("spoil", "problem"),
    [
        (_pointing_nowhere, "points at source block 99, but the document has blocks 0-27"),
        (_quoting_a_heading, "shows block 0 as a quote, but that block is a heading"),
        (_showing_a_missing_figure, "shows block 5 as a figure, but that block is a list_item"),
        (_twice_too_long, "remove about"),
        (_without_the_recap, "roles run hook → body → call_to_action, but they must run hook → body → recap"),
        (_missing_narration, "does not match the schema: scenes.0.narration: Field required"),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else None,
)
def test_an_unusable_script_is_repaired_naming_the_problem(
    chat_server: ChatServer, zen, tmp_path, spoil, problem
):
    document, outline = zen
    good = zen_draft(document)
    bad = json.loads(json.dumps(good))
    spoil(bad)
    request = fitting_request(good)
    chat_server.queue(answer(bad), answer(good))

    written = LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path).write(document, outline, request)

    assert len(chat_server.requests) == 2
    assert problem in chat_server.requests[1].messages[-1]["content"]
    assert len(written.usage) == 2
    script_check_against(written.script, document)
    assert abs(written.script.estimated_duration_s - request.target_duration_s) <= (
        DURATION_TOLERANCE * request.target_duration_s
    )


# ---------------------------------------------------------------- usage and the cache


def test_usage_takes_the_cost_the_endpoint_reports(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    draft = zen_draft(document)
    chat_server.queue(answer(draft, model="openai/gpt-4o-2024-08-06", tokens=usage(2000, 500, cost=0.0175)))
    config = llm_config(chat_server, price_prompt_per_mtok=100.0, price_completion_per_mtok=100.0)

    written = LlmScriptWriter(config, cache_dir=tmp_path).write(document, outline, fitting_request(draft))

    [spent] = written.usage
    assert spent.model == "openai/gpt-4o-2024-08-06"
    assert (spent.prompt_tokens, spent.completion_tokens) == (2000, 500)
    assert spent.cost_usd == 0.0175  # the reported cost wins over the configured prices


def test_usage_cost_comes_from_the_prices_when_not_reported(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    draft = zen_draft(document)
    chat_server.queue(answer(draft, tokens=usage(2000, 500)))
    config = llm_config(chat_server, price_prompt_per_mtok=2.5, price_completion_per_mtok=10.0)

    written = LlmScriptWriter(config, cache_dir=tmp_path).write(document, outline, fitting_request(draft))

    [spent] = written.usage
    assert spent.cost_usd == pytest.approx(2000 * 2.5e-6 + 500 * 10e-6)  # $0.01


def test_a_cached_script_is_served_without_a_request(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    draft = zen_draft(document)
    request = fitting_request(draft)
    chat_server.queue(answer(draft))
    first = LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path).write(document, outline, request)

    again = LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path).write(document, outline, request)

    assert len(chat_server.requests) == 1
    assert again.cached is True
    assert again.usage == ()
    assert again.script == first.script
    assert [path.suffix for path in tmp_path.iterdir()] == [".json"]  # no temporary file left behind


def test_the_cache_is_keyed_by_request_and_model(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    draft = zen_draft(document)
    chat_server.queue(answer(draft), answer(draft), answer(draft))
    request = fitting_request(draft)

    LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path).write(document, outline, request)
    LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path).write(
        document, outline, fitting_request(draft, style="lesson")
    )
    LlmScriptWriter(llm_config(chat_server, model_script="other/model"), cache_dir=tmp_path).write(
        document, outline, request
    )

    assert len(chat_server.requests) == 3


def test_a_corrupt_cache_entry_is_ignored(chat_server: ChatServer, zen, tmp_path):
    document, outline = zen
    draft = zen_draft(document)
    request = fitting_request(draft)
    writer = LlmScriptWriter(llm_config(chat_server), cache_dir=tmp_path)
    entry = tmp_path / f"{writer.cache_key(document, outline, request)}.json"
    entry.write_text('{"title": "The Zen of Py')
    chat_server.queue(answer(draft))

    written = writer.write(document, outline, request)

    assert written.cached is False
    assert len(chat_server.requests) == 1
    assert json.loads(entry.read_text())["title"] == "The Zen of Python"  # replaced by the good script


# ---------------------------------------------------------------- the document in the prompt


def test_a_long_document_keeps_the_start_of_every_section(corpus: Path):
    document = ingest([corpus / "text/pep-0572.rst"])
    full = document_listing(document, budget_chars=10**9)
    assert len(full) > 20_000

    listing = document_listing(document, budget_chars=12_000)

    headings = [f"[{i}] heading" for i, block in enumerate(document.blocks) if block.kind == "heading"]
    assert all(heading in listing for heading in headings)
    assert len(listing) < 12_000 + 120 * len(headings)  # each section may overrun by its "left out" note
    last_section = max(i for i, block in enumerate(document.blocks) if block.kind == "heading")
    assert f"[{last_section + 1}] " in listing  # the end of the document is there, not only its start
    assert "more blocks of this section left out" in listing
