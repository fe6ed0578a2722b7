"""The speech-recogniser registry. Importing this module registers the built-in transcribers."""

from __future__ import annotations

from animagenius.pipeline.providers.local.whisper import WhisperTranscriber
from animagenius.pipeline.providers.protocols import Transcriber
from animagenius.pipeline.providers.registry import Registry

TRANSCRIBERS: Registry[Transcriber] = Registry("transcriber")
TRANSCRIBERS.register("whisper")(WhisperTranscriber.default)
