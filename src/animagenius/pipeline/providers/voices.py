"""The voice registry, and the fallback chain that ends with espeak-ng.

Importing this module registers the built-in voices. `voice_chain(["piper"])` is Piper that falls back to
espeak-ng with a notice when Piper cannot speak. The remote voices ("openai", "elevenlabs") read their
settings from the environment when created, and refuse to be created without a key; in a chain that refusal
is one more reason to fall back, told in the notice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from animagenius.pipeline.errors import ProviderError
from animagenius.pipeline.providers.local.espeak import EspeakTTS
from animagenius.pipeline.providers.local.piper import PiperTTS
from animagenius.pipeline.providers.protocols import Speech, Voice
from animagenius.pipeline.providers.registry import Registry
from animagenius.pipeline.providers.remote.elevenlabs import ElevenLabsVoice
from animagenius.pipeline.providers.remote.openai_speech import OpenAISpeechVoice

LAST_RESORT = "espeak"

VOICES: Registry[Voice] = Registry("voice")
VOICES.register("piper")(PiperTTS.default)
VOICES.register(LAST_RESORT)(EspeakTTS)
VOICES.register("openai")(OpenAISpeechVoice.from_env)
VOICES.register("elevenlabs")(ElevenLabsVoice.from_env)


class FallbackVoice:
    """Speaks with the first voice that can; the speech says which one did and why the others did not.

    Name, identity, language and pace are the first voice's: scripts are timed for the voice asked for,
    and narrations are cached only when it answered (speech with a notice is not cached), so the chain
    and the first voice alone share cache entries.
    """

    def __init__(self, voices: Sequence[Voice], *, notices: Sequence[str] = ()) -> None:
        if not voices:
            raise ValueError("a fallback chain needs at least one voice")
        self.voices = list(voices)
        self.notices = tuple(notices)  # why voices asked for before these could not even be set up
        first = self.voices[0]
        self.name = first.name
        self.identity = first.identity
        self.language = first.language
        self.description = first.description
        self.words_per_minute = first.words_per_minute

    def synthesize(self, text: str, *, speed: float = 1.0) -> Speech:
        notices: list[str] = list(self.notices)
        for position, voice in enumerate(self.voices):
            try:
                speech = voice.synthesize(text, speed=speed)
            except ProviderError as error:
                if position == len(self.voices) - 1:
                    raise
                following = self.voices[position + 1].name
                notices.append(f"The {voice.name} voice failed ({error}); the {following} voice spoke.")
                continue
            return replace(speech, notices=(*notices, *speech.notices))
        raise AssertionError("unreachable: the last voice either returns or raises")


def voice_chain(names: Sequence[str]) -> Voice:
    """The voices `names` in order, then espeak-ng if it is not there already; one voice needs no chain."""
    chain = [name for name in names if name]
    if LAST_RESORT not in chain:
        chain.append(LAST_RESORT)
    voices: list[Voice] = []
    notices: list[str] = []
    for position, name in enumerate(chain):
        try:
            voices.append(VOICES.create(name))
        except ProviderError as error:  # e.g. a remote voice without its key
            if position == len(chain) - 1:
                raise
            notices.append(
                f"The {name} voice cannot be used ({error}); the {chain[position + 1]} voice spoke."
            )
    if len(voices) == 1 and not notices:
        return voices[0]
    return FallbackVoice(voices, notices=notices)
