"""Typed contracts between the pipeline stages."""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from animagenius.pipeline.errors import InvalidOption
from animagenius.pipeline.visuals.themes import DEFAULT_THEME, THEMES


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


class Aspect(StrEnum):
    LANDSCAPE = "16:9"
    PORTRAIT = "9:16"
    SQUARE = "1:1"


class Resolution(StrEnum):
    HD = "720p"
    FULL_HD = "1080p"
    UHD = "4k"


_SHORT_SIDE = {Resolution.HD: 720, Resolution.FULL_HD: 1080, Resolution.UHD: 2160}
_RESOLUTION_ALIASES = {"2160p": Resolution.UHD, "uhd": Resolution.UHD, "hd": Resolution.HD}

VideoFormat = Literal["mp4", "webm", "gif"]
VIDEO_FORMATS: tuple[VideoFormat, ...] = ("mp4", "webm", "gif")
Codec = Literal["h264", "h265"]
CODECS: tuple[Codec, ...] = ("h264", "h265")


def frame_size(aspect: Aspect, resolution: Resolution) -> tuple[int, int]:
    """Pixel size of the output: the resolution names the short side."""
    short = _SHORT_SIDE[resolution]
    long = short * 16 // 9
    return {Aspect.LANDSCAPE: (long, short), Aspect.PORTRAIT: (short, long), Aspect.SQUARE: (short, short)}[
        aspect
    ]


MIN_DURATION_S = 15
MAX_DURATION_S = 600


CaptionStyle = Literal["clean", "bold", "karaoke", "none"]
CAPTION_STYLES: tuple[CaptionStyle, ...] = ("clean", "bold", "karaoke", "none")
CaptionPosition = Literal["bottom", "top"]
Transition = Literal["crossfade", "cut", "slide", "wipe"]
TRANSITIONS: tuple[Transition, ...] = ("crossfade", "cut", "slide", "wipe")
MIN_SPEED, MAX_SPEED = 0.75, 1.5


class Brand(Frozen):
    """A person's brand kit as a render uses it (files already checked: pipeline/brand.py)."""

    accent: str = Field(
        "", description="hex colour like #2563eb for rules, bullets and charts; blank: the theme's"
    )
    font: Path | None = Field(None, description="TrueType/OpenType font for the slides' text; None: Inter")
    logo: Path | None = Field(None, description="picture shown in the top right corner of every frame")


class RenderOptions(Frozen):
    """How the video looks and sounds: the one contract for a render's options.

    The command line, the studio's form and the API all build it with `read`, which raises InvalidOption
    naming the option (its `title`) and the values it accepts; the studio stores a project's as JSON.
    """

    aspect: Aspect = Field(Aspect.LANDSCAPE, title="aspect ratio", description="16:9, 9:16 or 1:1")
    resolution: Resolution = Field(
        Resolution.HD, title="resolution", description="the frame's short side: 720p, 1080p or 4k"
    )
    target_duration_s: int = Field(
        60,
        ge=MIN_DURATION_S,
        le=MAX_DURATION_S,
        title="duration",
        description="approximate length of the finished video, seconds",
    )
    fps: int = 30
    captions: CaptionStyle = Field(
        "clean", title="caption style", description="burned-in caption style: clean, bold, karaoke or none"
    )
    caption_position: CaptionPosition = Field(
        "bottom",
        title="caption position",
        description="where the captions sit: bottom, or top (the top safe area, e.g. over a lower-third)",
    )
    music: str = Field(
        "",
        title="music",
        description="background music ducked under the voice: a built-in track's name or an audio "
        "file's path; blank: none",
    )
    speed: float = Field(
        1.0,
        ge=MIN_SPEED,
        le=MAX_SPEED,
        title="speed",
        description="narration speed, 1.0 is the voice's own",
    )
    format: VideoFormat = Field(
        "mp4",
        title="video format",
        description="container: mp4 (H.264/H.265 + AAC), webm (VP9 + Opus), gif",
    )
    codec: Codec = Field(
        "h264", title="codec", description="video codec of an mp4: h264 (plays everywhere) or h265 (smaller)"
    )
    theme: str = Field(DEFAULT_THEME, title="theme", description=f"look of the stills: {', '.join(THEMES)}")
    watermark: bool = Field(
        False, description="an AnimaGenius mark in the top corner (the free tier's videos)"
    )
    transition: Transition = Field(
        "crossfade", title="transition", description="between scenes: crossfade, cut, slide or wipe"
    )
    brand: Brand = Brand()

    @field_validator("resolution", mode="before")
    @classmethod
    def _resolution_alias(cls, resolution: Any) -> Any:
        if isinstance(resolution, str):
            return _RESOLUTION_ALIASES.get(resolution.lower(), resolution.lower())
        return resolution

    @field_validator("music")
    @classmethod
    def _music_stripped(cls, music: str) -> str:
        return music.strip()

    @field_validator("theme")
    @classmethod
    def _known_theme(cls, theme: str) -> str:
        if theme not in THEMES:
            raise ValueError(f"theme {theme!r} is not supported; use one of {', '.join(THEMES)}")
        return theme

    @model_validator(mode="after")
    def _codec_of_an_mp4(self) -> RenderOptions:
        if self.codec != "h264" and self.format != "mp4":
            raise ValueError(
                f"codec {self.codec} is for .mp4 files; {self.format} has its own (leave the codec out)"
            )
        return self

    @classmethod
    def read(cls, **values: Any) -> RenderOptions:
        """Options from what a person typed or picked, by field name; a value the fields refuse raises
        InvalidOption naming the option and the values it accepts."""
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            raise InvalidOption(option_problem(error.errors()[0], cls)) from None

    def rendition(self, spec: str) -> RenderOptions:
        """These options at another aspect, size and format named by `spec`: "9:16,720p,webm", with an
        optional codec for an mp4 ("16:9,1080p,mp4,h265"). Everything else stays as it is."""
        parts = [part.strip() for part in spec.split(",")]
        if len(parts) not in (3, 4):
            raise InvalidOption(
                f"rendition {spec!r} must name an aspect, a resolution and a format, e.g. 9:16,720p,webm"
            )
        aspect, resolution, format = parts[:3]
        try:
            return RenderOptions.read(
                **{
                    **self.model_dump(),
                    "aspect": aspect,
                    "resolution": resolution,
                    "format": format.lower().lstrip("."),
                    "codec": parts[3].lower() if len(parts) == 4 else "h264",
                }
            )
        except InvalidOption as error:
            raise InvalidOption(f"rendition {spec!r}: {error}") from None

    @property
    def rendition_spec(self) -> str:
        """The `rendition` spec of these options' aspect, size and format."""
        codec = ",h265" if self.codec == "h265" else ""
        return f"{self.aspect.value},{self.resolution.value},{self.format}{codec}"

    @property
    def size(self) -> tuple[int, int]:
        return frame_size(self.aspect, self.resolution)


def option_problem(problem: ErrorDetails, model: type[BaseModel]) -> str:
    """A problem pydantic found with `model`'s options (one of ValidationError.errors()), in the words of
    the command line and the studio: the option's title, the value given, and the values it accepts or the
    range it allows."""
    message = str(problem["msg"]).removeprefix("Value error, ")
    name = str(problem["loc"][0]) if problem["loc"] else ""
    field = model.model_fields.get(name)
    if field is None:
        if problem["type"] == "extra_forbidden":
            return f"{name!r} is not an option; the options are {', '.join(model.model_fields)}"
        return message  # the model's own check, e.g. a codec for a container that has its own
    title, value = field.title or name, problem["input"]
    accepted = _accepted_values(field.annotation)
    if problem["type"] in ("enum", "literal_error") and accepted:
        return f"{title} {value!r} is not supported; use one of {', '.join(accepted)}"
    bounds = {
        type(rule).__name__: getattr(rule, type(rule).__name__.lower())
        for rule in field.metadata
        if type(rule).__name__ in ("Ge", "Le")
    }
    if problem["type"] in ("greater_than_equal", "less_than_equal") and {"Ge", "Le"} <= bounds.keys():
        unit = (" s", " seconds") if name.endswith("_s") else ("", "")
        shown = f"{value:g}" if isinstance(value, int | float) else str(value)
        allowed = f"{bounds['Ge']:g} to {bounds['Le']:g}{unit[1]}"
        return f"{title} {shown}{unit[0]} is out of range; choose {allowed}"
    if problem["type"] == "value_error":
        return message
    return f"{title} {value!r} is not valid: {message[:1].lower()}{message[1:]}"


def _accepted_values(annotation: Any) -> list[str]:
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return [member.value for member in annotation]
    if get_origin(annotation) is Literal:
        return [str(value) for value in get_args(annotation)]
    return []


class Rendition(Frozen):
    """One rendering of the video: its file, a poster frame and a short muted preview (none for a GIF)."""

    video: Path
    poster: Path
    preview: Path | None
    subtitles: tuple[Path, ...] = ()
    aspect: Aspect
    resolution: Resolution
    format: VideoFormat
    codec: Codec = "h264"


class RenderResult(Frozen):
    video: Path
    renditions: tuple[Rendition, ...] = Field(
        (), description="the main video first, then any others asked for"
    )
    subtitles: tuple[Path, ...] = Field((), description="SRT and WebVTT captions written next to the video")
    script: Script
    duration_s: float
    scene_starts_s: tuple[float, ...]
    writer: str = Field("offline", description="who wrote the script: a writer's name, or 'edited'")
    notices: tuple[str, ...] = Field((), description="plain-words notes for the person, e.g. a fallback")


Progress = Callable[[str, float], None]
"""Called as on_progress(stage_name, overall_fraction_0_to_1)."""


def no_progress(stage: str, fraction: float) -> None:
    """A progress callback that ignores updates."""
