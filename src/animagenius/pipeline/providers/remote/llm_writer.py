"""The script writer that asks an LLM (any OpenAI-compatible chat-completions endpoint).

1. The prompt explains the job: structure, style, a word budget from the target length, on-screen limits,
   and which source blocks each kind of visual may show. The document goes in as numbered blocks
   (`[12] paragraph: …`), shortened to a character budget by keeping the start of every section.
2. The answer is constrained by a JSON schema (strict mode) generated from the `Draft` model below.
3. The answer is checked like an edited script: it parses, its pointers resolve to blocks of the right kind,
   its roles follow the requested structure, and its spoken length is within ±15 % of the target. If not,
   the model gets one chance to repair it, told exactly what is wrong; then we give up with
   ProviderBadOutput so the fallback chain can answer.
4. Accepted scripts are cached on disk, keyed by everything that shaped the request.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from itertools import groupby
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from animagenius.pipeline.charts import chart_data
from animagenius.pipeline.domain import (
    SCENE_LEAD_IN_S,
    SCENE_PAUSE_S,
    SOURCE_VISUALS,
    KeyPoint,
    Outline,
    SceneRole,
    Script,
    ScriptRequest,
    ScriptStyle,
    SourceDocument,
)
from animagenius.pipeline.errors import InvalidScript, ProviderBadOutput, ProviderError
from animagenius.pipeline.providers.protocols import TokenUsage, WrittenScript
from animagenius.pipeline.providers.remote.chat import ChatClient, ChatReply, Message
from animagenius.pipeline.providers.remote.config import LlmConfig
from animagenius.pipeline.script_edit import script_check_against, script_parse

PROMPT_VERSION = "script-v1"  # change whenever the prompt or the schema changes: it invalidates the cache
DOCUMENT_BUDGET_CHARS = 40_000
KEY_POINTS_BUDGET_CHARS = 5_000
BLOCK_MAX_CHARS = 1_500
DURATION_TOLERANCE = 0.15
SECONDS_PER_BODY_SCENE = 15
MAX_BODY_SCENES = 10
MAX_LISTED_VISUALS = 30
SCENE_PAUSES_S = SCENE_LEAD_IN_S + SCENE_PAUSE_S

STYLE_GUIDANCE: dict[ScriptStyle, str] = {
    "explainer": "explain clearly to a curious newcomer, in plain words, defining any term you need",
    "summary": "a neutral, compact summary of the main points, in the document's order",
    "lesson": "teach step by step, as a teacher to learners, ending with what to remember",
    "promo": "energetic and persuasive, benefits first, never claiming more than the document says",
}

# ---------------------------------------------------------------- the answer's shape


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DraftVisual(_Strict):
    kind: Literal["slide", "figure", "table", "chart", "quote", "clip", "generated"] = Field(
        description="slide: title and bullets; figure/table/chart/quote/clip: the source block `block`; "
        "generated: a picture made from `prompt`",
    )
    block: int | None = Field(description="index of the source block shown; null for slide and generated")
    prompt: str = Field(description="for generated: one sentence describing the picture; otherwise empty")


class DraftScene(_Strict):
    role: SceneRole
    title: str = Field(description="on-screen title, at most 8 words")
    bullets: list[str] = Field(description="0 to 3 on-screen bullets of at most 9 words each")
    narration: str = Field(description="what the voice says: full spoken sentences")
    visual: DraftVisual
    source_blocks: list[int] = Field(description="indexes of the blocks this scene's narration comes from")


class Draft(_Strict):
    title: str = Field(description="the video's title")
    scenes: list[DraftScene]


def strict_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema as OpenAI's strict mode wants it: every property required, no extras."""
    schema = model.model_json_schema()
    _make_strict(schema)
    return schema


def _make_strict(node: object) -> None:
    if isinstance(node, list):
        for item in node:
            _make_strict(item)
        return
    if not isinstance(node, dict):
        return
    node.pop("title", None)
    node.pop("default", None)
    if node.get("type") == "object" and "properties" in node:
        node["additionalProperties"] = False
        node["required"] = list(node["properties"])
    for key, value in node.items():
        if key in ("properties", "$defs") and isinstance(value, dict):  # maps of names, not schemas
            for child in value.values():
                _make_strict(child)
        else:
            _make_strict(value)


DRAFT_SCHEMA = strict_json_schema(Draft)

# ---------------------------------------------------------------- the prompt


def scene_plan(request: ScriptRequest) -> tuple[int, int]:
    """How many scenes to suggest, and the narration words they share, for the requested length."""
    body_scenes = max(1, min(MAX_BODY_SCENES, round(request.target_duration_s / SECONDS_PER_BODY_SCENE)))
    scenes = body_scenes + sum(1 for role in request.structure if role != "body")
    speaking_s = max(5.0, request.target_duration_s - scenes * SCENE_PAUSES_S)
    return scenes, round(speaking_s * request.words_per_minute / 60)


def system_prompt(document: SourceDocument, request: ScriptRequest, *, language: str) -> str:
    scenes, words = scene_plan(request)
    low, high = round(words * (1 - DURATION_TOLERANCE / 2)), round(words * (1 + DURATION_TOLERANCE / 2))
    roles = " → ".join("body (one or more scenes)" if role == "body" else role for role in request.structure)
    lines = [
        "You write the script of a narrated video made from the document the user sends.",
        "",
        f"Structure: scenes in this order of roles: {roles}. Body scenes follow the document's order and "
        f"together cover all of it, not just its beginning; skip back matter such as references and "
        f"copyright. Plan about {scenes} scenes.",
    ]
    if request.call_to_action and "call_to_action" in request.structure:
        lines.append(f'The call_to_action scene\'s narration is exactly: "{request.call_to_action}"')
    lines += [
        f"Style: {request.style}: {STYLE_GUIDANCE[request.style]}.",
        f"Length: the video lasts {request.target_duration_s:g} seconds. Spoken at "
        f"{request.words_per_minute:g} words a minute with a short pause between scenes, all narrations "
        f"together must have about {words} words (between {low} and {high}). Count them.",
        f"Narration: full spoken sentences in the language {language!r}, as a presenter says them. Never "
        'mention figures, tables, pages, links or code the viewer cannot see ("see below", "Figure 3"). '
        "Keep numbers, names and quotations exactly as in the document. Do not invent facts.",
        "On screen: a title of at most 8 words, and 0 to 3 bullets of at most 9 words each.",
        "Visuals, one per scene:",
        '- "slide": shows the title and bullets; block null.',
        *_visual_choices(document),
        '- "generated": an illustration made from "prompt" (one sentence, no text in the picture); '
        "block null. Use it rarely.",
        '"prompt" is "" unless the visual is generated.',
        "source_blocks: the [index] of each block the scene's narration draws on; only indexes that appear "
        "in the document.",
        "Answer with the JSON object only.",
    ]
    return "\n".join(lines)


def _visual_choices(document: SourceDocument) -> list[str]:
    figures = [i for i, block in enumerate(document.blocks) if block.kind == "figure" and block.image]
    tables = [i for i, block in enumerate(document.blocks) if block.kind == "table"]
    charts = [i for i in tables if chart_data(document.blocks[i].rows) is not None]
    clips = [i for i in figures if document.blocks[i].source.start_s is not None]
    *others, last = [kind.replace("_", " ") for kind in SOURCE_VISUALS["quote"]]
    return [
        _indexed_choice("figure", "a picture from the document", figures, document),
        _indexed_choice("table", "a table from the document, drawn as a grid", tables, document),
        _indexed_choice("chart", "a table's numbers drawn as a bar, line or pie chart", charts, document),
        _indexed_choice("clip", "a scene of an uploaded video, playing muted", clips, document),
        f'- "quote": shows one short block verbatim as a pull-quote; block is the index of a '
        f"{', '.join(others)} or {last} block.",
    ]


def _indexed_choice(kind: str, what: str, indexes: list[int], document: SourceDocument) -> str:
    if not indexes:
        return f'- "{kind}": not available: the document has no {kind} blocks.'
    listed = [
        f"  [{i}] {_one_line(document.blocks[i].text, 80) or '(no caption)'}"
        for i in indexes[:MAX_LISTED_VISUALS]
    ]
    return f'- "{kind}": shows {what}; block must be one of these:\n' + "\n".join(listed)


def user_prompt(document: SourceDocument, outline: Outline, *, language: str) -> str:
    return (
        f"Title: {document.title}\nLanguage: {language}\n\n"
        f"Document, as numbered blocks ({len(document.blocks)} in all):\n"
        f"{document_listing(document)}\n\n"
        f"Key points found by analysis:\n{key_points(outline)}"
    )


def document_listing(document: SourceDocument, *, budget_chars: int = DOCUMENT_BUDGET_CHARS) -> str:
    """`[index] kind: text` lines; a long document keeps the start of every section within the budget."""
    sections: list[list[str]] = []
    for index, block in enumerate(document.blocks):
        if block.kind == "heading" or not sections:
            sections.append([])
        kind = f"heading {block.level or 1}" if block.kind == "heading" else block.kind
        sections[-1].append(f"[{index}] {kind}: {_one_line(block.text, BLOCK_MAX_CHARS)}")
    shares = fair_shares([sum(len(line) + 1 for line in section) for section in sections], budget_chars)
    listing: list[str] = []
    for section, share in zip(sections, shares, strict=True):
        used = 0
        for position, line in enumerate(section):
            if position and used + len(line) + 1 > share:
                listing.append(f"… ({len(section) - position} more blocks of this section left out)")
                break
            listing.append(line)
            used += len(line) + 1
    return "\n".join(listing)


def fair_shares(sizes: list[int], budget: int) -> list[int]:
    """Split `budget` so that small sections get all they need and large ones share the rest equally."""
    shares = [0] * len(sizes)
    remaining = budget
    open_sections = set(range(len(sizes)))
    while open_sections:
        share = remaining // len(open_sections)
        fitting = {i for i in open_sections if sizes[i] <= share}
        if not fitting:
            for i in open_sections:
                shares[i] = share
            break
        for i in fitting:
            shares[i] = sizes[i]
            remaining -= sizes[i]
        open_sections -= fitting
    return shares


def key_points(outline: Outline, *, budget_chars: int = KEY_POINTS_BUDGET_CHARS) -> str:
    """The outline's key points within the budget: every section's best first, in document order."""
    by_rank = sorted(
        ((rank, number, _key_point_line(section.heading, point))
         for number, section in enumerate(outline.sections)
         for rank, point in enumerate(section.key_points)),
        key=lambda entry: (entry[0], entry[1]),
    )  # fmt: skip
    chosen: list[tuple[int, int, str]] = []
    used = 0
    for rank, number, line in by_rank:
        used += len(line) + 1
        if used > budget_chars:
            break
        chosen.append((number, rank, line))
    return "\n".join(line for _, _, line in sorted(chosen)) or "- (none)"


def _key_point_line(heading: str | None, point: KeyPoint) -> str:
    section = _one_line(heading or "(untitled section)", 80)
    return f"- {section}: {_one_line(point.text, 300)} [{point.block}]"


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# ---------------------------------------------------------------- checking the answer


class _Rejected(Exception):
    """What is wrong with an answer, worded for the model that wrote it."""


def script_from_answer(
    reply: ChatReply, document: SourceDocument, request: ScriptRequest, *, language: str
) -> Script:
    """The script in `reply`, or _Rejected naming the first thing that makes it unusable."""
    draft = _parse_draft(reply)
    script = _build_script(draft, document, request, language=language)
    _check_structure(script, request)
    _check_duration(script, request)
    return script


def _parse_draft(reply: ChatReply) -> Draft:
    cut_off = (
        " (the answer was cut off at the token limit; write less)" if reply.finish_reason == "length" else ""
    )
    try:
        data = json.loads(reply.content)
    except json.JSONDecodeError as error:
        raise _Rejected(
            f"the answer is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}){cut_off}"
        ) from None
    try:
        return Draft.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or 'the answer'}: {problem['msg']}"
            for problem in error.errors()[:3]
        )
        raise _Rejected(f"the JSON does not match the schema: {problems}{cut_off}") from None


def _build_script(draft: Draft, document: SourceDocument, request: ScriptRequest, *, language: str) -> Script:
    scenes = [
        {
            "role": scene.role,
            "title": scene.title,
            "bullets": scene.bullets,
            "narration": scene.narration,
            "visual": _visual(scene.visual),
            "source_blocks": scene.source_blocks,
        }
        for scene in draft.scenes
    ]
    data = {
        "title": draft.title.strip() or document.title,
        "language": language,
        "target_duration_s": request.target_duration_s,
        "style": request.style,
        "words_per_minute": request.words_per_minute,
        "scenes": scenes,
    }
    try:
        script = script_parse(data, where="the script")
        script_check_against(script, document)
    except InvalidScript as problem:
        raise _Rejected(str(problem)) from None
    return script


def _visual(draft: DraftVisual) -> dict[str, Any]:
    """Drop what a visual kind does not use, so a slide cannot carry a dangling block pointer."""
    shows_block = draft.kind in SOURCE_VISUALS
    return {
        "kind": draft.kind,
        "block": draft.block if shows_block else None,
        "prompt": draft.prompt if draft.kind == "generated" else "",
    }


def _check_structure(script: Script, request: ScriptRequest) -> None:
    wanted = [role for role, _ in groupby(request.structure)]
    written = [role for role, _ in groupby(scene.role for scene in script.scenes)]
    if written != wanted:
        raise _Rejected(
            f"the scene roles run {' → '.join(written)}, but they must run {' → '.join(wanted)} "
            "(one or more body scenes in the body's place)"
        )


def _check_duration(script: Script, request: ScriptRequest) -> None:
    target = request.target_duration_s
    estimate = script.estimated_duration_s
    if abs(estimate - target) <= DURATION_TOLERANCE * target:
        return
    words = round(abs(estimate - target) * request.words_per_minute / 60)
    change = f"remove about {words} words" if estimate > target else f"add about {words} words"
    raise _Rejected(
        f"spoken, the narration lasts about {estimate:.0f} s but the video must last {target:g} s "
        f"(±{DURATION_TOLERANCE:.0%}); {change} of narration in all"
    )


# ---------------------------------------------------------------- the writer


class LlmScriptWriter:
    """Writes scripts with an OpenAI-compatible chat model; raises ProviderError when it cannot deliver."""

    name = "openai"

    def __init__(
        self, config: LlmConfig, *, cache_dir: Path | None, client: ChatClient | None = None
    ) -> None:
        self.config = config
        self.cache_dir = cache_dir
        self.client = client or ChatClient(config)

    def write(self, document: SourceDocument, outline: Outline, request: ScriptRequest) -> WrittenScript:
        key = self.cache_key(document, outline, request)
        cached = self._cache_read(key, document)
        if cached is not None:
            return WrittenScript(script=cached, writer=self.name, cached=True)
        language = outline.language if outline.language != "und" else "en"
        messages: list[Message] = [
            {"role": "system", "content": system_prompt(document, request, language=language)},
            {"role": "user", "content": user_prompt(document, outline, language=language)},
        ]
        script, usage = self._ask(messages, document, request, language=language)
        self._cache_write(key, script)
        return WrittenScript(script=script, writer=self.name, usage=usage)

    def _ask(
        self, messages: list[Message], document: SourceDocument, request: ScriptRequest, *, language: str
    ) -> tuple[Script, tuple[TokenUsage, ...]]:
        reply = self._complete(messages)
        try:
            return script_from_answer(reply, document, request, language=language), (reply.usage,)
        except _Rejected as problem:
            repair = [
                *messages,
                {"role": "assistant", "content": reply.content},
                {"role": "user", "content": _repair_request(str(problem))},
            ]
        try:
            repaired = self._complete(repair)
        except ProviderError as error:
            error.usage = (reply.usage, *error.usage)
            raise
        usage = (reply.usage, repaired.usage)
        try:
            return script_from_answer(repaired, document, request, language=language), usage
        except _Rejected as problem:
            raise ProviderBadOutput(
                f"{self.config.model_script} wrote an unusable script, even after a repair: {problem}",
                usage=usage,
            ) from None

    def _complete(self, messages: list[Message]) -> ChatReply:
        return self.client.complete(
            messages, task="script", json_schema=DRAFT_SCHEMA, schema_name="video_script"
        )

    def cache_key(self, document: SourceDocument, outline: Outline, request: ScriptRequest) -> str:
        # The document's blocks are in the key because the script points into them; image paths are not,
        # since the same upload lands in a different work directory each time.
        blocks = [[block.kind, block.level, block.text, block.image is not None] for block in document.blocks]
        shaping = {
            "prompt": PROMPT_VERSION,
            "model": self.config.model_script,
            "base_url": self.config.base_url,
            "outline": outline.model_dump(mode="json"),
            "request": request.model_dump(mode="json"),
            "blocks": blocks,
        }
        return hashlib.sha256(json.dumps(shaping, sort_keys=True).encode()).hexdigest()

    def _cache_path(self, key: str) -> Path | None:
        return self.cache_dir / f"{key}.json" if self.cache_dir else None

    def _cache_read(self, key: str, document: SourceDocument) -> Script | None:
        path = self._cache_path(key)
        if path is None or not path.is_file():
            return None
        try:
            script = script_parse(json.loads(path.read_text(encoding="utf-8")), where=path.name)
            script_check_against(script, document)
        except (OSError, ValueError, InvalidScript):
            return None  # a damaged entry is as good as none: the script is written again
        return script

    def _cache_write(self, key: str, script: Script) -> None:
        path = self._cache_path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{key[:12]}.", suffix=".tmp")
        except OSError:
            return  # the script is paid for and valid: a full or read-only cache must not fail the job
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(script.model_dump_json(indent=2))
            os.replace(temporary, path)
        except OSError:
            Path(temporary).unlink(missing_ok=True)


def _repair_request(problem: str) -> str:
    return (
        f"That script cannot be used: {problem}. Reply with the complete corrected script as a JSON object "
        "in the same schema, changing only what is needed to fix this."
    )
