"""An LLM script writer pointed at the local chat server, and a good draft of PEP 20 for it to answer."""

from __future__ import annotations

import json
from typing import Any

from pydantic import SecretStr

from animagenius.pipeline.domain import ScriptRequest, SourceDocument, scene_time_s
from animagenius.pipeline.providers.remote.config import LlmConfig
from tests.pipeline.chat_server import (
    ChatServer,
    completion,
)

API_KEY = "sk-test-key"


SCRIPT_MODEL = "test/script-model"


def llm_config(server: ChatServer, **changes: Any) -> LlmConfig:
    settings: dict[str, Any] = {
        "base_url": server.base_url,
        "api_key": SecretStr(API_KEY),
        "model_script": SCRIPT_MODEL,
        "timeout_s": 5.0,
        "max_attempts": 3,
        "backoff_s": 0.05,
        **changes,
    }
    return LlmConfig.model_validate(settings)


def zen_draft(document: SourceDocument) -> dict[str, Any]:
    """A good answer for PEP 20, pointing at its real blocks: the abstract, then the aphorisms in fives."""
    assert document.blocks[1].kind == "paragraph"
    aphorisms = [i for i, block in enumerate(document.blocks) if block.kind == "list_item"]
    assert len(aphorisms) == 19
    body = [
        draft_scene("body", "The aphorisms", blocks_spoken(document, group), group, quote_visual(group[0]))
        for group in (aphorisms[start : start + 5] for start in range(0, len(aphorisms), 5))
    ]
    recap = "Beauty, clarity and simplicity come first in Python."
    return {
        "title": "The Zen of Python",
        "scenes": [
            draft_scene("hook", "The Zen of Python", document.blocks[1].text, [1], slide_visual()),
            *body,
            draft_scene("recap", "What to remember", recap, [3, 5, 9], slide_visual()),
            draft_scene(
                "call_to_action",
                "Read it yourself",
                "Type import this in Python to read them.",
                [],
                slide_visual(),
            ),
        ],
    }


def draft_scene(
    role: str, title: str, narration: str, blocks: list[int], visual: dict[str, Any]
) -> dict[str, Any]:
    bullets = ["Guiding principles"] if role == "body" else []
    return {
        "role": role,
        "title": title,
        "bullets": bullets,
        "narration": narration,
        "visual": visual,
        "source_blocks": blocks,
    }


def quote_visual(block: int) -> dict[str, Any]:
    return visual_of("quote", block)


def visual_of(kind: str, block: int) -> dict[str, Any]:
    return {"kind": kind, "block": block, "prompt": ""}


def blocks_spoken(document: SourceDocument, blocks: list[int]) -> str:
    return " ".join(document.blocks[i].text for i in blocks)


def slide_visual() -> dict[str, Any]:
    return {"kind": "slide", "block": None, "prompt": ""}


def spoken_s(draft: dict[str, Any], words_per_minute: float = 165) -> float:
    return sum(scene_time_s(s["narration"], words_per_minute=words_per_minute) for s in draft["scenes"])


def fitting_request(draft: dict[str, Any], **changes: Any) -> ScriptRequest:
    """A request whose target length is the draft's own spoken length."""
    return ScriptRequest(target_duration_s=round(spoken_s(draft)), **changes)


def answer(draft: dict[str, Any], **options: Any) -> Any:
    return completion(json.dumps(draft), **options)
