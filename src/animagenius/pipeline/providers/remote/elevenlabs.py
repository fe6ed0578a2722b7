"""ElevenLabs text-to-speech through its `with-timestamps` endpoint: audio plus the time of every character.

The characters are grouped into words at white space, and those words are matched to the written ones
(voice/align.py), so a text ElevenLabs normalised still gets one timing per written word. Audio comes as
16-bit PCM (no decoder needed) or, if configured, MP3 decoded with the bundled ffmpeg. Off unless
ELEVENLABS_API_KEY is set.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Callable
from typing import Any

from animagenius.pipeline.domain import WordTiming
from animagenius.pipeline.errors import ProviderBadOutput, ProviderUnavailable
from animagenius.pipeline.providers.protocols import Speech, VoiceQuality
from animagenius.pipeline.providers.remote.config import ElevenLabsConfig
from animagenius.pipeline.providers.remote.http import preview
from animagenius.pipeline.providers.remote.speech import Endpoint, mp3_samples, pcm16_samples, post
from animagenius.pipeline.voice.align import align_words

MP3_SAMPLE_RATE = 44_100
MIN_SPEED, MAX_SPEED = 0.7, 1.2  # what ElevenLabs accepts; the audio's real length sets the timings anyway
WORDS_PER_MINUTE = 155.0
ENDPOINT = Endpoint(
    label="ElevenLabs",
    prefix="ELEVENLABS_",
    key_header=lambda key: {"xi-api-key": key},
    model_setting="ELEVENLABS_VOICE_ID and ELEVENLABS_MODEL",
)


class ElevenLabsVoice:
    """A `Voice` speaking through ElevenLabs, timed by its own character alignment."""

    def __init__(self, config: ElevenLabsConfig, *, sleep: Callable[[float], None] = time.sleep) -> None:
        if not config.enabled:
            raise ProviderUnavailable("the elevenlabs voice has no API key; set ELEVENLABS_API_KEY")
        self.config = config
        self._sleep = sleep
        self.name = f"elevenlabs:{config.voice_id}"
        self.identity = f"elevenlabs:{config.base_url.rstrip('/')}:{config.model}:{config.voice_id}"
        self.language = "en-US"
        self.quality: VoiceQuality = "neural"
        self.description = f"ElevenLabs voice {config.voice_id} ({config.model}), remote"
        self.words_per_minute = WORDS_PER_MINUTE

    @property
    def url(self) -> str:
        return f"{self.config.base_url.rstrip('/')}/v1/text-to-speech/{self.config.voice_id}/with-timestamps"

    def synthesize(self, text: str, *, speed: float = 1.0) -> Speech:
        body = {
            "text": text,
            "model_id": self.config.model,
            "voice_settings": {"speed": min(MAX_SPEED, max(MIN_SPEED, speed))},
        }
        response = post(
            self.url,
            body=body,
            params={"output_format": self.config.output_format},
            config=self.config,
            endpoint=ENDPOINT,
            sleep=self._sleep,
        )
        data = _json_object(response.content)
        audio = _audio_bytes(data)
        codec, _, rate_text = self.config.output_format.partition("_")
        if codec == "mp3":
            rate = MP3_SAMPLE_RATE
            samples = mp3_samples(audio, sample_rate=rate, label=ENDPOINT.label)
        else:
            rate = int(rate_text)
            samples = pcm16_samples(audio, label=ENDPOINT.label)
        spoken = character_words(data.get("alignment"))
        words = align_words(text, spoken, (0.0, len(samples) / rate))
        return Speech(samples=samples, sample_rate=rate, words=words)


def character_words(alignment: object) -> tuple[WordTiming, ...]:
    """Words (split at white space) timed from ElevenLabs' parallel character / start / end lists."""
    if not isinstance(alignment, dict):
        raise ProviderBadOutput("ElevenLabs' answer has no alignment of the characters")
    characters = alignment.get("characters")
    starts = alignment.get("character_start_times_seconds")
    ends = alignment.get("character_end_times_seconds")
    if not (
        isinstance(characters, list)
        and isinstance(starts, list)
        and isinstance(ends, list)
        and len(characters) == len(starts) == len(ends)
        and all(isinstance(c, str) for c in characters)
        and all(isinstance(t, int | float) and not isinstance(t, bool) for t in (*starts, *ends))
    ):
        raise ProviderBadOutput(
            "ElevenLabs' alignment is not three lists of equal length (characters, start and end times)"
        )
    words: list[WordTiming] = []
    letters: list[str] = []
    first = last = 0.0
    for character, start, end in zip(characters, starts, ends, strict=True):
        if character.isspace():
            if letters:
                words.append(WordTiming(word="".join(letters), start_s=first, end_s=last))
                letters = []
            continue
        if not letters:
            first = float(start)
        letters.append(character)
        last = float(end)
    if letters:
        words.append(WordTiming(word="".join(letters), start_s=first, end_s=last))
    return tuple(words)


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ProviderBadOutput(
            f"ElevenLabs answered with something that is not JSON: {preview(raw)}"
        ) from None
    if not isinstance(data, dict):
        raise ProviderBadOutput(f"ElevenLabs answered with JSON that is not an object: {preview(raw)}")
    return data


def _audio_bytes(data: dict[str, Any]) -> bytes:
    encoded = data.get("audio_base64")
    if not isinstance(encoded, str) or not encoded:
        raise ProviderBadOutput("ElevenLabs' answer has no audio_base64")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ProviderBadOutput(f"ElevenLabs' audio_base64 is not valid base64: {preview(encoded)}") from None
