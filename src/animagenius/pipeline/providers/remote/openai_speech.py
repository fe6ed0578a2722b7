"""An OpenAI-compatible `POST /audio/speech` voice (OpenAI, or any server speaking its wire format).

The endpoint returns audio only, so the written words are timed by aligning the audio to the text with the
transcriber's word timestamps (pipeline/voice/align.py). Off unless TTS_API_KEY is set.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from animagenius.pipeline.errors import ProviderUnavailable
from animagenius.pipeline.providers.protocols import Speech, Transcriber, VoiceQuality
from animagenius.pipeline.providers.remote.config import SpeechConfig
from animagenius.pipeline.providers.remote.speech import Endpoint, pcm16_samples, post, wav_samples
from animagenius.pipeline.voice.align import align_speech

PCM_SAMPLE_RATE = 24_000  # what OpenAI's response_format "pcm" is: 24 kHz, 16-bit, mono
WORDS_PER_MINUTE = 160.0
ENDPOINT = Endpoint(
    label="the OpenAI speech endpoint",
    prefix="TTS_",
    key_header=lambda key: {"Authorization": f"Bearer {key}"},
    model_setting="TTS_MODEL and TTS_VOICE",
)


class OpenAISpeechVoice:
    """A `Voice` speaking through `config.base_url`/audio/speech; timings from `transcriber` (default:
    the registry's whisper, loaded on first use)."""

    def __init__(
        self,
        config: SpeechConfig,
        *,
        transcriber: Transcriber | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not config.enabled:
            raise ProviderUnavailable("the openai voice has no API key; set TTS_API_KEY")
        self.config = config
        self._transcriber = transcriber
        self._sleep = sleep
        self.name = f"openai:{config.voice}"
        self.identity = f"openai:{config.base_url.rstrip('/')}:{config.model}:{config.voice}"
        self.language = "en-US"  # the bundled aligner (Whisper tiny.en) understands English
        self.quality: VoiceQuality = "neural"
        self.description = f"{config.voice} ({config.model}), OpenAI-compatible speech, remote"
        self.words_per_minute = WORDS_PER_MINUTE

    @property
    def url(self) -> str:
        return self.config.base_url.rstrip("/") + "/audio/speech"

    def synthesize(self, text: str, *, speed: float = 1.0) -> Speech:
        body = {
            "model": self.config.model,
            "input": text,
            "voice": self.config.voice,
            "response_format": self.config.response_format,
            "speed": speed,
        }
        response = post(
            self.url,
            body=body,
            config=self.config,
            endpoint=ENDPOINT,
            sleep=self._sleep,
        )
        if self.config.response_format == "pcm":
            samples, rate = pcm16_samples(response.content, label=ENDPOINT.label), PCM_SAMPLE_RATE
        else:
            samples, rate = wav_samples(response.content, label=ENDPOINT.label)
        words = align_speech(samples, rate, text, transcriber=self._aligner())
        return Speech(samples=samples, sample_rate=rate, words=words)

    def _aligner(self) -> Transcriber:
        if self._transcriber is None:
            from animagenius.pipeline.voice.transcribers import TRANSCRIBERS

            self._transcriber = TRANSCRIBERS.create("whisper")
        return self._transcriber
