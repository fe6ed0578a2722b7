"""The contracts every provider of a kind fulfils."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from animagenius.pipeline.domain import Outline, Script, ScriptRequest, SourceDocument, WordTiming
from animagenius.pipeline.video import Aspect


@dataclass(frozen=True)
class Speech:
    samples: npt.NDArray[np.float32]  # mono, -1..1
    sample_rate: int
    words: tuple[WordTiming, ...]
    notices: tuple[str, ...] = ()  # plain-words notes for the job, e.g. that a fallback voice answered

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


VoiceQuality = Literal["neural", "synthetic"]  # a trained model that sounds human / rules that sound robotic


class Voice(Protocol):
    name: str
    identity: str  # changes whenever the same text would sound different (model file, engine version)
    language: str  # BCP 47, e.g. "en-US": the one language it speaks (see voice/voices.speaks)
    quality: VoiceQuality
    description: str  # one line for the voice picker
    words_per_minute: float  # usual pace at speed 1.0, used to time scripts before they are spoken

    def synthesize(self, text: str, *, speed: float = 1.0) -> Speech:
        """Speak `text` at `speed` (1.0 = the voice's own pace), with the start and end of every written word.

        Raises ProviderError when the voice cannot speak.
        """
        ...


@dataclass(frozen=True)
class Transcript:
    text: str
    language: str  # BCP 47, e.g. "en"
    words: tuple[WordTiming, ...]
    segments: tuple[tuple[float, float, str], ...]  # (start_s, end_s, text) per speech segment
    duration_s: float


class ImageGenerator(Protocol):
    name: str
    identity: str  # changes whenever the same prompt would give another picture (endpoint, model, quality)

    def generate(self, prompt: str, *, aspect: Aspect, out: Path) -> Path:
        """A picture of `prompt` shaped for `aspect`, written to `out` (PNG). Raises ProviderError."""
        ...


class VideoGenerator(Protocol):
    name: str
    identity: str  # changes whenever the same prompt would give another clip (endpoint, model)
    durations_s: tuple[int, ...]  # the clip lengths it makes, shortest first

    def generate(self, prompt: str, *, aspect: Aspect, seconds: int, out: Path) -> Path:
        """A clip of `prompt` `seconds` long (one of `durations_s`), shaped for `aspect` or wider (the
        renderer crops it to fill the frame), written to `out` (MP4) and checked to play.

        Raises ProviderError.
        """
        ...


class Transcriber(Protocol):
    name: str

    def transcribe(self, audio: Path) -> Transcript:
        """Recognise the speech in an audio (or video) file, with the start and end time of every word."""
        ...


@dataclass(frozen=True)
class OcrLine:
    text: str
    box: tuple[float, float, float, float]  # left, top, right, bottom in pixels
    confidence: float


@dataclass(frozen=True)
class OcrResult:
    lines: tuple[OcrLine, ...]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


class OCR(Protocol):
    name: str

    def read(self, image: Path) -> OcrResult:
        """The text lines in the picture, top to bottom, each with its box and confidence."""
        ...


@dataclass(frozen=True)
class TokenUsage:
    model: str
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float  # as reported by the provider, else from the configured prices; 0.0 when unknown


@dataclass(frozen=True)
class WrittenScript:
    script: Script
    writer: str  # the provider that wrote it, e.g. "openai" or "offline"
    usage: tuple[TokenUsage, ...] = ()  # one entry per model call, repairs and retries included
    notices: tuple[str, ...] = ()  # plain-words notes for the job, e.g. that a fallback answered
    cached: bool = False


class ScriptWriter(Protocol):
    name: str

    def write(self, document: SourceDocument, outline: Outline, request: ScriptRequest) -> WrittenScript:
        """A script for `document` as `request` asks; raises ProviderError when this writer cannot deliver."""
        ...
