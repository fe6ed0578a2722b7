"""The speech-recogniser registry. Importing this module registers the built-in transcribers."""

from __future__ import annotations

from animagenius.pipeline.providers.local.whisper import WhisperTranscriber
from animagenius.pipeline.providers.protocols import Transcriber
from animagenius.pipeline.providers.registry import ProviderRegistry
from animagenius.pipeline.providers.settings import ProviderSettings

TRANSCRIBERS: ProviderRegistry[Transcriber] = ProviderRegistry("transcriber")


@TRANSCRIBERS.register("whisper")
def _whisper(*, settings: ProviderSettings) -> Transcriber:
    return WhisperTranscriber.default(settings.asr_model_dir)
