"""Every provider's settings in one frozen object, read from the environment once (`from_env`) by the CLI and
by Django's settings, and handed to the registries that make the providers."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from animagenius.pipeline.providers.remote.config import (
    ElevenLabsConfig,
    ImageConfig,
    LlmConfig,
    ReplicateConfig,
    SpeechConfig,
)


class ProviderSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    llm: LlmConfig = Field(LlmConfig(), description="LLM_*: script writing and chat")
    speech: SpeechConfig = Field(SpeechConfig(), description="TTS_*: the openai voice")
    elevenlabs: ElevenLabsConfig = Field(ElevenLabsConfig(), description="ELEVENLABS_*: the elevenlabs voice")
    images: ImageConfig = Field(ImageConfig(), description="IMAGES_*: generated pictures")
    replicate: ReplicateConfig = Field(ReplicateConfig(), description="REPLICATE_*: pictures and clips")
    asr_model_dir: Path | None = Field(
        None, description="ASR_MODEL_DIR: a CTranslate2 Whisper folder; unset: the bundled tiny.en model"
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ProviderSettings:
        """Read every provider's variables (os.environ unless told); a bad value raises InvalidOption naming
        the variable and what to put."""
        env = os.environ if environ is None else environ
        asr_model_dir = env.get("ASR_MODEL_DIR", "")
        return cls(
            llm=LlmConfig.from_env(env),
            speech=SpeechConfig.from_env(env),
            elevenlabs=ElevenLabsConfig.from_env(env),
            images=ImageConfig.from_env(env),
            replicate=ReplicateConfig.from_env(env),
            asr_model_dir=Path(asr_model_dir).expanduser() if asr_model_dir else None,
        )
