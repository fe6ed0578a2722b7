"""Settings of the OpenAI-compatible LLM endpoint, read from the environment by the CLI and by Django."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from animagenius.pipeline.errors import InvalidOption

LlmTask = Literal["chat", "script", "image", "video"]


class LlmConfig(BaseModel):
    """An OpenAI-compatible chat-completions endpoint (OpenRouter by default) and the model for each task."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = Field(
        "https://openrouter.ai/api/v1", description="endpoint root; /chat/completions is added"
    )
    api_key: SecretStr = Field(SecretStr(""), description="bearer token; blank turns the LLM providers off")
    model_chat: str = Field("anthropic/claude-sonnet-4", description="model for chat and analysis")
    model_script: str = Field("openai/gpt-4o", description="model that writes scripts")
    model_image: str = Field("google/gemini-2.5-flash-image", description="model for image generation")
    model_video: str = Field("google/veo-3", description="model for video generation")
    timeout_s: float = Field(60.0, gt=0, le=600, description="seconds to wait for one response")
    max_attempts: int = Field(4, ge=1, le=10, description="tries per request on 429/5xx/timeouts")
    backoff_s: float = Field(
        1.0, ge=0, le=60, description="first retry delay; doubles each time, with jitter"
    )
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

    @property
    def enabled(self) -> bool:
        return bool(self.api_key.get_secret_value())

    def model_for(self, task: LlmTask) -> str:
        return str(getattr(self, f"model_{task}"))

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> LlmConfig:
        """Read LLM_* variables; a bad value raises InvalidOption naming the variable and what to put."""
        values: dict[str, object] = {}
        for field, info in cls.model_fields.items():
            raw = environ.get(f"LLM_{field.upper()}", "").strip()
            if not raw:
                continue
            if info.annotation in (float, "float"):
                values[field] = _number(f"LLM_{field.upper()}", raw, int_only=False)
            elif info.annotation in (int, "int"):
                values[field] = _number(f"LLM_{field.upper()}", raw, int_only=True)
            else:
                values[field] = raw
        try:
            config = cls.model_validate(values)
        except ValidationError as error:
            problem = error.errors()[0]
            name = f"LLM_{str(problem['loc'][0]).upper()}"
            raise InvalidOption(f"{name}: {problem['msg']}") from None
        scheme = urlsplit(config.base_url).scheme
        if scheme not in ("http", "https"):
            raise InvalidOption(f"LLM_BASE_URL={config.base_url!r} must start with https:// (or http://)")
        return config


def _number(name: str, raw: str, *, int_only: bool) -> float | int:
    try:
        return int(raw) if int_only else float(raw)
    except ValueError:
        kind = "a whole number" if int_only else "a number"
        raise InvalidOption(f"{name}={raw!r} is not {kind}") from None
