"""hibari (PyPI `hibari-tts`, Apache-2.0): a small neural English voice whose model is inside the wheel.

Its one bundled voice, "heart" (American English, female, 7.9 MB), is distilled from Kokoro-82M's af_heart.
The package can fetch four more voices from the network on first use; we never ask for them. hibari returns
audio only, so the words are timed the way the remote voices' are: Whisper hears the speech and the heard
words are matched to the written ones (voice/align.py).
"""

from __future__ import annotations

import functools
from importlib.metadata import version

import numpy as np

from animagenius.pipeline.errors import ProviderError, ProviderUnavailable
from animagenius.pipeline.providers.protocols import Speech, Transcriber, VoiceQuality
from animagenius.pipeline.voice.align import align_speech

VOICE = "heart"  # the one voice in the wheel; any other name makes hibari download a model
SAMPLE_RATE = 24_000
WORDS_PER_MINUTE = 152.0  # measured over three paragraphs of prose at speed 1.0
# hibari's speed divides phoneme durations, but the audio stretches a little more than that: measured,
# its length goes as (1 / speed) ** 1.15, so the speed it is given is ours ** (1 / 1.15).
_SPEED_EXPONENT = 1 / 1.15


@functools.cache
def _load() -> object:
    from hibari import Hibari

    return Hibari(voice=VOICE, threads=1)


class HibariTTS:
    name = f"hibari:{VOICE}"
    language = "en-US"
    quality: VoiceQuality = "neural"
    description = "hibari neural voice (heart, distilled from Kokoro), natural and offline"
    words_per_minute = WORDS_PER_MINUTE

    def __init__(self, *, transcriber: Transcriber | None = None) -> None:
        try:
            self.identity = f"{self.name}:hibari-tts {version('hibari-tts')}"
        except ImportError as error:  # PackageNotFoundError
            raise ProviderUnavailable("the hibari voice is not installed (pip install hibari-tts)") from error
        self._transcriber = transcriber

    def synthesize(self, text: str, *, speed: float = 1.0) -> Speech:
        try:
            audio = _load()(text, speed=speed**_SPEED_EXPONENT, seed=0)  # type: ignore[operator]
        except Exception as error:  # onnxruntime and the G2P raise anything; a fallback may answer
            raise ProviderError(f"the hibari voice failed ({error})") from error
        samples = np.asarray(audio, dtype=np.float32)
        words = align_speech(samples, SAMPLE_RATE, text, transcriber=self._aligner())
        return Speech(samples=samples, sample_rate=SAMPLE_RATE, words=words)

    def _aligner(self) -> Transcriber:
        if self._transcriber is None:
            from animagenius.pipeline.voice.transcribers import TRANSCRIBERS

            self._transcriber = TRANSCRIBERS.create("whisper")
        return self._transcriber
