"""Settings of the remote providers (LLM, speech), read from the environment by the CLI and by Django."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from animagenius.pipeline.errors import InvalidOption

LlmTask = Literal["chat", "script", "image", "video"]


class RemoteConfig(BaseModel):
    """What every keyed remote service shares: its key, and how long and how often to try a request."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    api_key: SecretStr = Field(SecretStr(""), description="blank turns the service off")
    timeout_s: float = Field(60.0, gt=0, le=600, description="seconds to wait for one response")
    max_attempts: int = Field(4, ge=1, le=10, description="tries per request on 429/5xx/timeouts")
    backoff_s: float = Field(
        1.0, ge=0, le=60, description="first retry delay; doubles each time, with jitter"
    )

    @property
    def enabled(self) -> bool:
        return bool(self.api_key.get_secret_value())


class LlmConfig(RemoteConfig):
    """An OpenAI-compatible chat-completions endpoint (OpenRouter by default) and the model for each task."""

    base_url: str = Field(
        "https://openrouter.ai/api/v1", description="endpoint root; /chat/completions is added"
    )
    api_key: SecretStr = Field(SecretStr(""), description="bearer token; blank turns the LLM providers off")
    model_chat: str = Field("anthropic/claude-sonnet-4", description="model for chat and analysis")
    model_script: str = Field("openai/gpt-4o", description="model that writes scripts")
    model_image: str = Field("google/gemini-2.5-flash-image", description="model for image generation")
    model_video: str = Field("google/veo-3", description="model for video generation")
    price_prompt_per_mtok: float = Field(
        0.0, ge=0, description="USD per million prompt tokens, if not reported"
    )
    price_completion_per_mtok: float = Field(0.0, ge=0, description="USD per million completion tokens")
    stream: bool = Field(
        False,
        description="receive answers as a server-sent event stream (for proxies that cut idle links)",
    )
    app_url: str = Field(
        "", description="sent as HTTP-Referer so OpenRouter credits the app; blank sends none"
    )
    app_name: str = Field("AnimaGenius", description="sent as X-Title, the app name OpenRouter shows")

    def model_for(self, task: LlmTask) -> str:
        return str(getattr(self, f"model_{task}"))

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> LlmConfig:
        """Read LLM_* variables; a bad value raises InvalidOption naming the variable and what to put."""
        return settings_from_env(cls, "LLM_", environ)


class SpeechConfig(RemoteConfig):
    """An OpenAI-compatible `/audio/speech` endpoint (OpenAI by default); it returns audio without timings,
    so word timings come from aligning the audio to the text."""

    base_url: str = Field("https://api.openai.com/v1", description="endpoint root; /audio/speech is added")
    api_key: SecretStr = Field(SecretStr(""), description="bearer token; blank turns the openai voice off")
    model: str = Field("gpt-4o-mini-tts", description="speech model")
    voice: str = Field("alloy", description="voice name, e.g. alloy, nova, onyx")
    response_format: Literal["wav", "pcm"] = Field(
        "wav", description="audio format asked for; both need no decoder (pcm is 24 kHz 16-bit mono)"
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> SpeechConfig:
        """Read TTS_* variables; a bad value raises InvalidOption naming the variable and what to put."""
        return settings_from_env(cls, "TTS_", environ)


class ImageConfig(RemoteConfig):
    """An OpenAI-compatible `/images/generations` endpoint (OpenAI by default) for generated pictures."""

    base_url: str = Field(
        "https://api.openai.com/v1", description="endpoint root; /images/generations is added"
    )
    api_key: SecretStr = Field(SecretStr(""), description="bearer token; blank turns image generation off")
    model: str = Field("gpt-image-1", description="image model")
    quality: Literal["low", "medium", "high", "auto"] = Field("medium", description="quality asked for")
    timeout_s: float = Field(120.0, gt=0, le=600, description="seconds to wait for one picture")

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> ImageConfig:
        """Read IMAGES_* variables; a bad value raises InvalidOption naming the variable and what to put."""
        return settings_from_env(cls, "IMAGES_", environ)


class ReplicateConfig(RemoteConfig):
    """Replicate's predictions API, for a text-to-image model such as Flux and a text-to-video one (Veo)."""

    base_url: str = Field("https://api.replicate.com/v1", description="API root; /models/<model>/predictions")
    api_key: SecretStr = Field(SecretStr(""), description="bearer token; blank turns Replicate off")
    model: str = Field("black-forest-labs/flux-schnell", description="owner/name of the image model")
    timeout_s: float = Field(
        120.0, gt=0, le=600, description="seconds to wait for one picture, polling included"
    )
    poll_s: float = Field(1.0, gt=0, le=30, description="seconds between looks at a running prediction")
    video_model: str = Field("google/veo-3-fast", description="owner/name of the video model")
    video_timeout_s: float = Field(
        600.0, gt=0, le=3600, description="seconds to wait for one clip, polling included"
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> ReplicateConfig:
        """Read REPLICATE_* variables; a bad value raises InvalidOption naming the variable."""
        return settings_from_env(cls, "REPLICATE_", environ)


class ElevenLabsConfig(RemoteConfig):
    """ElevenLabs text-to-speech with character timestamps."""

    base_url: str = Field("https://api.elevenlabs.io", description="API root; /v1/text-to-speech/… is added")
    api_key: SecretStr = Field(
        SecretStr(""), description="sent as xi-api-key; blank turns the elevenlabs voice off"
    )
    voice_id: str = Field("21m00Tcm4TlvDq8ikWAM", description="voice ID (default: the premade Rachel)")
    model: str = Field("eleven_multilingual_v2", description="model_id sent with each request")
    output_format: Literal["pcm_16000", "pcm_22050", "pcm_24000", "pcm_44100", "mp3_44100_128"] = Field(
        "pcm_22050", description="audio format; pcm needs no decoder, mp3 is decoded with the bundled ffmpeg"
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> ElevenLabsConfig:
        """Read ELEVENLABS_* variables; a bad value raises InvalidOption naming the variable."""
        return settings_from_env(cls, "ELEVENLABS_", environ)


Settings = TypeVar("Settings", bound=BaseModel)


def settings_from_env(cls: type[Settings], prefix: str, environ: Mapping[str, str]) -> Settings:
    """`cls` from `<prefix><FIELD>` variables; a bad value raises InvalidOption naming the variable."""
    values: dict[str, object] = {}
    for field, info in cls.model_fields.items():
        raw = environ.get(f"{prefix}{field.upper()}", "").strip()
        if not raw:
            continue
        if info.annotation in (float, "float"):
            values[field] = _number(f"{prefix}{field.upper()}", raw, int_only=False)
        elif info.annotation in (int, "int"):
            values[field] = _number(f"{prefix}{field.upper()}", raw, int_only=True)
        else:
            values[field] = raw
    try:
        config = cls.model_validate(values)
    except ValidationError as error:
        problem = error.errors()[0]
        name = f"{prefix}{str(problem['loc'][0]).upper()}"
        raise InvalidOption(f"{name}: {problem['msg']}") from None
    base_url = str(getattr(config, "base_url", "https://"))
    if urlsplit(base_url).scheme not in ("http", "https"):
        raise InvalidOption(f"{prefix}BASE_URL={base_url!r} must start with https:// (or http://)")
    return config


def _number(name: str, raw: str, *, int_only: bool) -> float | int:
    try:
        return int(raw) if int_only else float(raw)
    except ValueError:
        kind = "a whole number" if int_only else "a number"
        raise InvalidOption(f"{name}={raw!r} is not {kind}") from None
