"""The voice registry. Importing this module registers the built-in voices."""

from __future__ import annotations

from animagenius.pipeline.providers.local.piper import PiperTTS
from animagenius.pipeline.providers.protocols import Voice
from animagenius.pipeline.providers.registry import Registry

VOICES: Registry[Voice] = Registry("voice")
VOICES.register("piper")(PiperTTS.default)
