"""Typed contracts between the pipeline stages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ---------------------------------------------------------------- ingest


class WordTiming(Frozen):
    word: str
    start_s: float
    end_s: float


class Provenance(Frozen):
    """Where a block came from, so later stages can point back at it."""

    file: str
    page: int | None = Field(None, description="1-based page number for paged sources")
    slide: int | None = Field(None, description="1-based slide number for presentations")
    start_s: float | None = Field(None, description="start time in the recording (audio/video)")
    end_s: float | None = Field(None, description="end time in the recording (audio/video)")


BlockKind = Literal[
    "heading", "paragraph", "list_item", "quote", "table", "figure", "notes", "transcript", "code"
]
"""`notes` are a slide's speaker notes; `transcript` is recognised speech (with start_s/end_s); `code` is a
listing, shown and never read aloud."""


class Block(Frozen):
    kind: BlockKind
    text: str = Field(description="readable text; a table's text is its rows joined, a figure's its caption")
    level: int = Field(0, description="heading level, 1 = top")
    source: Provenance
    rows: tuple[tuple[str, ...], ...] = Field((), description="table cells, first row = header if any")
    image: Path | None = Field(None, description="image file of a figure/photo/keyframe, if extracted")
    chart: Literal["bar", "line", "pie", "area"] | None = Field(
        None,
        description="for a table read from a chart: how the source drew it (doughnut as pie)",
    )


class MediaInfo(Frozen):
    """An uploaded picture, recording or clip that can itself be used in the video."""

    path: Path
    kind: Literal["image", "audio", "video"]
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None


class SourceDocument(Frozen):
    title: str
    blocks: tuple[Block, ...]
    language: str = Field("und", description="BCP 47 code of the main language, 'und' if unknown")
    media: tuple[MediaInfo, ...] = ()
    words: tuple[WordTiming, ...] = Field((), description="timed words of recognised speech, if any")
    unreadable_pages: tuple[Provenance, ...] = Field(
        (), description="pages left out because they have no readable text, even by OCR"
    )
    files: tuple[Path, ...] = Field(
        (), description="the source files as read, for visuals that show a page or slide itself"
    )

    @property
    def word_count(self) -> int:
        return sum(len(block.text.split()) for block in self.blocks)


# ---------------------------------------------------------------- analyse


class KeyPoint(Frozen):
    text: str
    score: float
    block: int = Field(description="index into SourceDocument.blocks")


class OutlineSection(Frozen):
    heading: str | None
    blocks: tuple[int, ...]
    key_points: tuple[KeyPoint, ...] = Field(description="most important sentences first")


class Highlight(Frozen):
    block: int
    kind: Literal["figure", "table"]
    why: str


class ChartableNumber(Frozen):
    text: str
    values: tuple[float, ...]
    unit: str
    block: int


class Outline(Frozen):
    title: str
    language: str
    sections: tuple[OutlineSection, ...]
    highlights: tuple[Highlight, ...] = Field(description="figures and tables worth showing, and why")
    numbers: tuple[ChartableNumber, ...] = Field(description="quantities worth charting")
    word_count: int
    reading_time_s: float
    needs_review: bool = Field(
        description="a person should look before it is published: flagged terms, or pages left unread"
    )
    flagged_terms: tuple[str, ...] = ()
    unreadable_pages: tuple[Provenance, ...] = Field(
        (), description="source pages with no readable text, even by OCR, so absent from the outline"
    )


# ---------------------------------------------------------------- script

SCENE_LEAD_IN_S = 0.3
"""Silence before a scene's narration starts."""
SCENE_PAUSE_S = 0.5
"""Silence after a scene's narration, before the next scene."""
DEFAULT_WORDS_PER_MINUTE = 165.0
RECAP_MIN_S = 45
"""Videos this long or longer have a recap of their key points (when the structure asks for one)."""
CLOSING_MIN_S = 30
"""Videos this long or longer have a closing scene; shorter ones only when the person wrote the line."""

SceneRole = Literal["hook", "body", "recap", "call_to_action"]
ScriptStyle = Literal["explainer", "summary", "lesson", "promo"]
VisualKind = Literal[
    "slide", "figure", "table", "chart", "quote", "image", "clip", "generated", "generated-clip",
    "page", "code", "number", "definition", "diagram",
]  # fmt: skip
GENERATED_VISUALS: dict[str, str] = {"generated": "picture", "generated-clip": "clip"}
"""Visual kinds made by a provider from the visual's `prompt`, and what each makes."""
SOURCE_VISUALS: dict[str, tuple[BlockKind, ...]] = {
    "figure": ("figure",),
    "image": ("figure",),
    "table": ("table",),
    "chart": ("table",),
    "clip": ("figure",),  # a scene of a source video: it plays, from the scene's start
    "quote": ("quote", "paragraph", "list_item", "notes", "transcript"),
    # the source page or slide itself, cropped to the block and the block highlighted
    "page": ("heading", "paragraph", "list_item", "quote", "table", "figure", "notes", "code"),
    "code": ("code",),  # a listing as a syntax-highlighted card
    "number": ("paragraph", "list_item", "quote", "table", "notes", "transcript", "heading"),
    "definition": ("paragraph", "list_item", "quote", "notes", "transcript"),
    "diagram": ("list_item",),  # the list that starts at the block, as steps, a comparison or a timeline
}
"""Visual kinds that show a source block, and the block kinds each can show."""

# seconds per feature at 165 words a minute, fitted to Piper's joe voice (see speaking_time_s)
_LETTER_S = 0.0576
_DIGIT_S = 0.317  # "2,048" is read as several words
_ACRONYM_LETTER_S = 0.138  # on top of _LETTER_S: "PDF" is spelled out
_SYMBOL_S = 0.255  # "build/generic", "lcov.info": the slash and the dot are read aloud
_SENTENCE_BREAK_S = 0.537
_CLAUSE_BREAK_S = 0.374
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")
_ACRONYM = re.compile(r"\b[A-Z]{2,6}s?\b")
_SYMBOL = re.compile(r"(?<=\w)[/._:@#=+\\-](?=\w)")
_CLAUSE_BREAK = re.compile(r"[,;:](?=\s)")


class Visual(Frozen):
    """What a scene shows. Visuals taken from the source name the block, so each one is traceable."""

    kind: VisualKind = "slide"
    block: int | None = Field(
        None, description="index of the source block shown (figure, table, quote, image)"
    )
    prompt: str = Field(
        "", max_length=500, description="what to generate, for kinds 'generated' and 'generated-clip'"
    )
    text: str = Field(
        "",
        max_length=200,
        description="what a 'number', 'definition' or 'quote' card shows (the key number, the term, the "
        "quoted sentence); blank: taken from the narration and the block",
    )
    icon: str = Field(
        "", max_length=60, description="a bundled icon's name shown on a card; blank: matched to the scene"
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_stray_block(cls, data: Any) -> Any:
        """A slide or generated picture or clip shows no source block; a block left over from an edit is
        dropped."""
        if isinstance(data, dict) and data.get("kind", "slide") not in SOURCE_VISUALS:
            return {**data, "block": None}
        return data

    @model_validator(mode="after")
    def _complete(self) -> Visual:
        if self.kind in SOURCE_VISUALS and self.block is None:
            raise ValueError(f"a {self.kind} visual needs the index of the source block it shows")
        if self.kind in GENERATED_VISUALS and not self.prompt.strip():
            made = GENERATED_VISUALS[self.kind]
            raise ValueError(f"a generated visual needs a prompt describing the {made}")
        return self


class Scene(Frozen):
    id: str = Field("", max_length=16, description="stable name for editing; assigned by the Script if blank")
    role: SceneRole = "body"
    title: str = Field(min_length=1, max_length=300)
    bullets: tuple[str, ...] = Field((), max_length=3)
    narration: str = Field(min_length=1, max_length=3000)
    visual: Visual = Visual()
    source_blocks: tuple[int, ...] = Field((), description="indexes into SourceDocument.blocks")
    estimated_s: float = Field(0.0, description="narration plus pauses at the script's words per minute")

    @field_validator("title", "narration")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("must not be blank")
        return text.strip()

    @field_validator("bullets")
    @classmethod
    def _no_blank_bullets(cls, bullets: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(bullet.strip() for bullet in bullets if bullet.strip())


def speaking_time_s(text: str, *, words_per_minute: float) -> float:
    """How long a voice takes to say `text`, for a voice whose pace on ordinary prose is `words_per_minute`.

    A linear model fitted to Piper on 227 corpus sentences and script scenes (median error 4 % per scene,
    within ±4 % over each document): time grows with letters rather than words; digits, acronyms and the
    symbols inside paths and file names take long to read aloud; each sentence and clause ends in a pause.
    """
    seconds = (
        _LETTER_S * sum(char.isalpha() for char in text)
        + _DIGIT_S * sum(char.isdigit() for char in text)
        + _ACRONYM_LETTER_S * sum(len(acronym) for acronym in _ACRONYM.findall(text))
        + _SYMBOL_S * len(_SYMBOL.findall(text))
        + _SENTENCE_BREAK_S * max(1, len(_SENTENCE_END.findall(text)))
        + _CLAUSE_BREAK_S * len(_CLAUSE_BREAK.findall(text))
    )
    return seconds * DEFAULT_WORDS_PER_MINUTE / words_per_minute


def scene_time_s(narration: str, *, words_per_minute: float) -> float:
    """How long a scene lasts in the video: its narration plus the pauses around it."""
    return SCENE_LEAD_IN_S + speaking_time_s(narration, words_per_minute=words_per_minute) + SCENE_PAUSE_S


class Script(Frozen):
    """The narration plan. Scene estimates and missing scene ids are filled in on construction."""

    title: str = Field(min_length=1, max_length=200)
    language: str = "en"
    target_duration_s: float = Field(
        ge=1, le=3600, description="what was asked for; the estimate if not given"
    )
    style: ScriptStyle = "explainer"
    words_per_minute: float = Field(DEFAULT_WORDS_PER_MINUTE, ge=60, le=400)
    scenes: tuple[Scene, ...] = Field(min_length=1, max_length=200)

    @model_validator(mode="before")
    @classmethod
    def _fill_in(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("scenes"), list | tuple):
            return data
        wpm = float(data.get("words_per_minute", DEFAULT_WORDS_PER_MINUTE))
        try:
            scenes = [Scene.model_validate(scene) for scene in data["scenes"]]
        except ValidationError:
            return {
                "target_duration_s": 60.0,
                **data,
            }  # field validation reports the scene, with its position
        taken = {scene.id for scene in scenes if isinstance(scene, Scene) and scene.id}
        filled: list[Scene] = []
        for scene in scenes:
            update: dict[str, Any] = {
                "estimated_s": round(scene_time_s(scene.narration, words_per_minute=wpm), 2)
            }
            if not scene.id or scene.id in {s.id for s in filled}:
                update["id"] = _next_scene_id(taken)
                taken.add(update["id"])
            filled.append(scene.model_copy(update=update))
        estimated = round(sum(scene.estimated_s for scene in filled), 1)
        return {"target_duration_s": max(1.0, estimated), **data, "scenes": tuple(filled)}

    @model_validator(mode="after")
    def _unique_ids(self) -> Script:
        ids = [scene.id for scene in self.scenes]
        if len(set(ids)) != len(ids):
            raise ValueError("scene ids must be unique")
        return self

    @property
    def estimated_duration_s(self) -> float:
        return round(sum(scene.estimated_s for scene in self.scenes), 1)

    def scene(self, scene_id: str) -> Scene:
        for scene in self.scenes:
            if scene.id == scene_id:
                return scene
        raise KeyError(scene_id)


def _next_scene_id(taken: set[str]) -> str:
    number = 1
    while f"s{number}" in taken:
        number += 1
    return f"s{number}"


class ScriptRequest(Frozen):
    """What the person asked of the script writer."""

    target_duration_s: float = Field(60, ge=15, le=600, description="length of the finished video, seconds")
    style: ScriptStyle = Field("explainer", description="tone: explainer, summary, lesson or promo")
    structure: tuple[SceneRole, ...] = Field(
        ("hook", "body", "recap", "call_to_action"),
        min_length=1,
        description="scene roles in order; 'body' expands into the document's sections",
    )
    call_to_action: str = Field("", max_length=200, description="closing line; blank uses the style's")
    words_per_minute: float = Field(DEFAULT_WORDS_PER_MINUTE, ge=60, le=400, description="the voice's pace")

    @field_validator("structure")
    @classmethod
    def _has_body(cls, structure: tuple[SceneRole, ...]) -> tuple[SceneRole, ...]:
        if "body" not in structure:
            raise ValueError("the structure needs a 'body' part where the document's content goes")
        return structure

    @property
    def planned_structure(self) -> tuple[SceneRole, ...]:
        """The roles of `structure` that this length earns, which every writer follows: the hook and the
        body always, a recap from RECAP_MIN_S, a closing from CLOSING_MIN_S or when the person wrote it."""
        return tuple(role for role in self.structure if self._earns_its_time(role))

    def _earns_its_time(self, role: SceneRole) -> bool:
        if role == "recap":
            return self.target_duration_s >= RECAP_MIN_S
        if role == "call_to_action":
            return self.target_duration_s >= CLOSING_MIN_S or bool(self.call_to_action.strip())
        return True


# ---------------------------------------------------------------- voice


class VoiceTrack(Frozen):
    """Narration of one scene. `duration_s` includes the lead-in and trailing pause."""

    audio: Path
    words: tuple[WordTiming, ...]
    duration_s: float


# ---------------------------------------------------------------- render options
