"""Typed contracts between the pipeline stages."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from animagenius.pipeline.errors import InvalidOption


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


BlockKind = Literal["heading", "paragraph", "list_item", "quote", "table", "figure", "notes", "transcript"]
"""`notes` are a slide's speaker notes; `transcript` is recognised speech (with start_s/end_s)."""


class Block(Frozen):
    kind: BlockKind
    text: str = Field(description="readable text; a table's text is its rows joined, a figure's its caption")
    level: int = Field(0, description="heading level, 1 = top")
    source: Provenance
    rows: tuple[tuple[str, ...], ...] = Field((), description="table cells, first row = header if any")
    image: Path | None = Field(None, description="image file of a figure/photo/keyframe, if extracted")


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
    needs_review: bool = Field(description="content-safety flag for the moderation queue")
    flagged_terms: tuple[str, ...] = ()


# ---------------------------------------------------------------- script


class Scene(Frozen):
    title: str
    bullets: tuple[str, ...] = Field(max_length=3)
    narration: str
    source_blocks: tuple[int, ...] = Field(description="indexes into SourceDocument.blocks")


class Script(Frozen):
    title: str
    target_duration_s: float
    scenes: tuple[Scene, ...]


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


_SHORT_SIDE = {Resolution.HD: 720, Resolution.FULL_HD: 1080}


def frame_size(aspect: Aspect, resolution: Resolution) -> tuple[int, int]:
    """Pixel size of the output: the resolution names the short side."""
    short = _SHORT_SIDE[resolution]
    long = short * 16 // 9
    return {Aspect.LANDSCAPE: (long, short), Aspect.PORTRAIT: (short, long), Aspect.SQUARE: (short, short)}[
        aspect
    ]


MIN_DURATION_S = 15
MAX_DURATION_S = 600


class RenderOptions(Frozen):
    aspect: Aspect = Aspect.LANDSCAPE
    resolution: Resolution = Resolution.HD
    target_duration_s: int = Field(60, description="approximate length of the finished video, seconds")
    fps: int = 30

    @classmethod
    def parse(cls, *, aspect: str, resolution: str, duration: int) -> RenderOptions:
        """Build options from user strings, raising InvalidOption with the accepted values."""
        try:
            parsed_aspect = Aspect(aspect)
        except ValueError:
            raise InvalidOption(
                f"aspect ratio {aspect!r} is not supported; use one of {', '.join(a.value for a in Aspect)}"
            ) from None
        try:
            parsed_resolution = Resolution(resolution.lower())
        except ValueError:
            raise InvalidOption(
                f"resolution {resolution!r} is not supported; use one of "
                f"{', '.join(r.value for r in Resolution)}"
            ) from None
        if not MIN_DURATION_S <= duration <= MAX_DURATION_S:
            raise InvalidOption(
                f"duration {duration} s is out of range; choose {MIN_DURATION_S} to {MAX_DURATION_S} seconds"
            )
        return cls(aspect=parsed_aspect, resolution=parsed_resolution, target_duration_s=duration)

    @property
    def size(self) -> tuple[int, int]:
        return frame_size(self.aspect, self.resolution)


class RenderResult(Frozen):
    video: Path
    subtitles: tuple[Path, ...] = Field((), description="SRT and WebVTT captions written next to the video")
    script: Script
    duration_s: float
    scene_starts_s: tuple[float, ...]


Progress = Callable[[str, float], None]
"""Called as on_progress(stage_name, overall_fraction_0_to_1)."""


def no_progress(stage: str, fraction: float) -> None:
    """A progress callback that ignores updates."""
