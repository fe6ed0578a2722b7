"""What a video is to be and what a render returns: the render options contract (one validator: the model's
own), frame sizes, and the rendered files."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from animagenius.pipeline.domain import Frozen, Script
from animagenius.pipeline.errors import InvalidOption
from animagenius.pipeline.visuals.themes import DEFAULT_THEME, THEMES


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
