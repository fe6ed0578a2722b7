"""The script writer that asks an LLM (any OpenAI-compatible chat-completions endpoint).

1. The prompt (`llm_prompt`) asks for what the offline writer delivers: the planned structure (a hook that
   says what the subject is in the document's own defining sentence, body scenes in the document's order
   opening with a bridge, a recap from 45 s, a closing takeaway), the style's shape, the document's
   language, a word budget from the target length, whole key phrases as bullets, and which source blocks
   each kind of visual may show.
2. The answer is constrained by a JSON schema (strict mode) generated from the `Draft` model below.
3. The answer passes the offline writer's cleaning: every narration sentence is cleaned for the ear
   (`script.clean.spoken`: markers, asides, code and pointers at what the viewer cannot see are taken out,
   or the sentence is), and bullets that are not whole key phrases (`script.bullets.complete`) are left off.
4. It is then checked like an edited script: no scene left without narration, pointers resolve to blocks of
   the right kind, roles follow the planned structure, and the cleaned script's spoken length is within
   ±15 % of the target. If not, the model gets one chance to repair it, told exactly what is wrong; then we
   give up with ProviderBadOutput so the fallback chain can answer.
5. Accepted scripts are cached on disk, keyed by everything that shaped the request.
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

from animagenius.pipeline.domain import (
    SOURCE_VISUALS,
    Outline,
    SceneRole,
    Script,
    ScriptRequest,
    SourceDocument,
)
from animagenius.pipeline.errors import InvalidScript, ProviderBadOutput, ProviderError
from animagenius.pipeline.providers.protocols import TokenUsage, WrittenScript
from animagenius.pipeline.providers.remote.chat import ChatClient, ChatReply, Message
from animagenius.pipeline.providers.remote.config import LlmConfig
from animagenius.pipeline.providers.remote.llm_prompt import (
    DURATION_TOLERANCE,
    TITLE_MAX_WORDS,
    system_prompt,
    user_prompt,
)
from animagenius.pipeline.script.analyse import split_sentences
from animagenius.pipeline.script.bullets import MAX_BULLET_WORDS, MAX_BULLETS, complete
from animagenius.pipeline.script.clean import looks_like_code, spoken
from animagenius.pipeline.script.edit import script_check_against, script_parse
from animagenius.pipeline.script.language import Phrases, phrases_for

PROMPT_VERSION = "script-v2"  # change whenever the prompt or the schema changes: it invalidates the cache
QUOTED_SENTENCES = 3  # cut sentences quoted back to the model in a repair request

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
    title: str = Field(description=f"on-screen title, at most {TITLE_MAX_WORDS} words")
    bullets: list[str] = Field(
        description=f"0 to {MAX_BULLETS} on-screen bullets, each a complete key phrase of at most "
        f"{MAX_BULLET_WORDS} words"
    )
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

# ---------------------------------------------------------------- checking the answer


class _Rejected(Exception):
    """What is wrong with an answer, worded for the model that wrote it."""


def script_from_answer(
    reply: ChatReply, document: SourceDocument, request: ScriptRequest, *, language: str
) -> Script:
    """The script in `reply`, cleaned, or _Rejected naming the first thing that makes it unusable."""
    draft, cut = clean_draft(_parse_draft(reply), request, phrases_for(language))
    script = _build_script(draft, document, request, language=language)
    _check_structure(script, request)
    _check_duration(script, request, cut=cut)
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


def clean_draft(draft: Draft, request: ScriptRequest, phrases: Phrases) -> tuple[Draft, list[str]]:
    """The draft as the offline writer lets a script be heard and shown: every narration sentence cleaned
    for the ear (the person's own call to action is said as written), and bullets that are not whole key
    phrases left off; with the sentences that were cut. _Rejected names the scenes left with nothing to
    say."""
    as_written = {_unstopped(s) for s in split_sentences(" ".join(request.call_to_action.split()))}
    scenes, cut, emptied = [], [], []
    for number, scene in enumerate(draft.scenes, start=1):
        kept, dropped = _cleaned_narration(scene.narration, phrases, as_written=as_written)
        cut += dropped
        if not kept:
            emptied.append(_emptied(number, scene, dropped))
        bullets = [text for text in (b.strip() for b in scene.bullets) if _key_phrase(text, phrases)]
        scenes.append(scene.model_copy(update={"narration": " ".join(kept), "bullets": bullets}))
    if emptied:
        raise _Rejected(f"{'; '.join(emptied)}. Say what such a scene says in plain spoken sentences")
    return draft.model_copy(update={"scenes": scenes}), cut


def _cleaned_narration(
    narration: str, phrases: Phrases, *, as_written: set[str]
) -> tuple[list[str], list[str]]:
    """The narration's sentences as the voice should say them, and those that cannot be said."""
    text = " ".join(narration.split())
    if text and not _ends_a_sentence(text):
        text += "."
    kept, dropped = [], []
    for sentence in split_sentences(text):
        said = sentence if _unstopped(sentence) in as_written else spoken(sentence, phrases, own_words=True)
        if said:
            kept.append(said)
        else:
            dropped.append(sentence)
    return kept, dropped


def _ends_a_sentence(text: str) -> bool:
    return text.rstrip("\"'”’»)")[-1:] in (".", "!", "?", "…")


def _unstopped(sentence: str) -> str:
    return sentence.rstrip(".!?… ")


def _key_phrase(text: str, phrases: Phrases) -> bool:
    return complete(text, phrases) and not looks_like_code(text)


def _emptied(number: int, scene: DraftScene, dropped: list[str]) -> str:
    named = f'scene {number} ({scene.role}, "{scene.title}")'
    if not dropped:
        return f"{named} has no narration"
    return (
        f"{named} has nothing left to say once its narration is cleaned for the ear: "
        f"{_quoted(dropped)} cannot be spoken (citation markers, code, links and mentions of figures, "
        "tables, pages or code the viewer cannot see are cut, and so is a sentence left incomplete "
        "without them)"
    )


def _quoted(sentences: list[str]) -> str:
    shown = " ".join(f'"{sentence}"' for sentence in sentences[:QUOTED_SENTENCES])
    more = len(sentences) - QUOTED_SENTENCES
    return shown + (f" (and {more} more)" if more > 0 else "")


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
    wanted = [role for role, _ in groupby(request.planned_structure)]
    written = [role for role, _ in groupby(scene.role for scene in script.scenes)]
    if written != wanted:
        raise _Rejected(
            f"the scene roles run {' → '.join(written)}, but they must run {' → '.join(wanted)} "
            "(one or more body scenes in the body's place)"
        )


def _check_duration(script: Script, request: ScriptRequest, *, cut: list[str]) -> None:
    target = request.target_duration_s
    estimate = script.estimated_duration_s
    if abs(estimate - target) <= DURATION_TOLERANCE * target:
        return
    words = round(abs(estimate - target) * request.words_per_minute / 60)
    change = f"remove about {words} words" if estimate > target else f"add about {words} words"
    why = f" (these sentences were cut because they cannot be spoken: {_quoted(cut)})" if cut else ""
    raise _Rejected(
        f"spoken, the narration lasts about {estimate:.0f} s but the video must last {target:g} s "
        f"(±{DURATION_TOLERANCE:.0%}){why}; {change} of narration in all"
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
