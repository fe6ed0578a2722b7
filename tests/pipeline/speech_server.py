"""A local HTTP server that speaks the speech wire formats of OpenAI (`/audio/speech`) and ElevenLabs
(`/v1/text-to-speech/{voice_id}/with-timestamps`), for testing our remote voices against.

It is chat_server's machinery (queued answers, recorded requests, delays, error statuses) with answers that
carry real speech: the tests synthesise the text with the project's Piper voice, so the audio has words a
transcriber can hear, and Piper's own word timings are the truth to compare against.
"""

from __future__ import annotations

import base64
import io
import subprocess
import wave
from typing import Any

import numpy as np

from animagenius.pipeline.media.ffmpeg import ffmpeg_exe
from animagenius.pipeline.providers.protocols import Speech
from tests.pipeline.chat_server import Answer, ChatServer, json_answer, raw, slow, status

__all__ = ["Answer", "SpeechServer", "elevenlabs_answer", "pcm_answer", "raw", "slow", "status", "wav_answer"]

STREAMED_SIZE = 0xFFFFFFFF  # what OpenAI writes as RIFF and data sizes of a WAV it streams


class SpeechServer(ChatServer):
    """`base_url` ends in /v1 (OpenAI's root); `root_url` is the bare host, ElevenLabs' root."""

    @property
    def root_url(self) -> str:
        return self.base_url.removesuffix("/v1")


def pcm16(speech: Speech, *, sample_rate: int | None = None) -> bytes:
    samples = speech.samples
    if sample_rate is not None and sample_rate != speech.sample_rate:
        count = round(len(samples) * sample_rate / speech.sample_rate)
        samples = np.interp(
            np.arange(count) * speech.sample_rate / sample_rate, np.arange(len(samples)), samples
        ).astype(np.float32)
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def wav_answer(speech: Speech, *, streamed: bool = True) -> Answer:
    """A 16-bit mono WAV of `speech`; `streamed` writes the unknown sizes OpenAI's streamed WAVs carry."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(speech.sample_rate)
        writer.writeframes(pcm16(speech))
    data = bytearray(buffer.getvalue())
    if streamed:
        data[4:8] = STREAMED_SIZE.to_bytes(4, "little")
        data[40:44] = STREAMED_SIZE.to_bytes(4, "little")  # the data chunk's size, after a 16-byte fmt
    return Answer(headers={"Content-Type": "audio/wav"}, pieces=(bytes(data),))


def pcm_answer(speech: Speech) -> Answer:
    """OpenAI's "pcm": raw 24 kHz 16-bit mono."""
    return Answer(headers={"Content-Type": "audio/pcm"}, pieces=(pcm16(speech, sample_rate=24_000),))


def character_alignment(speech: Speech, text: str) -> dict[str, list[Any]]:
    """ElevenLabs' alignment of `text`: each word's time shared among its characters, spaces in between."""
    characters = list(text)
    starts = [0.0] * len(characters)
    ends = [0.0] * len(characters)
    position = 0
    previous_end = 0.0
    for word in speech.words:
        at = text.index(word.word, position)
        for index in range(position, at):  # the white space before the word
            starts[index], ends[index] = previous_end, word.start_s
        step = (word.end_s - word.start_s) / len(word.word)
        for offset in range(len(word.word)):
            starts[at + offset] = round(word.start_s + offset * step, 3)
            ends[at + offset] = round(word.start_s + (offset + 1) * step, 3)
        position, previous_end = at + len(word.word), word.end_s
    return {
        "characters": characters,
        "character_start_times_seconds": starts,
        "character_end_times_seconds": ends,
    }


def mp3(speech: Speech) -> bytes:
    """`speech` as a 44.1 kHz MP3, encoded by the bundled ffmpeg (libmp3lame)."""
    completed = subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-f", "s16le", "-ar", str(speech.sample_rate), "-ac", "1",
         "-i", "pipe:0", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "128k", "-f", "mp3", "pipe:1"],
        input=pcm16(speech),
        capture_output=True,
        check=True,
        timeout=60,
    )  # fmt: skip
    return completed.stdout


def elevenlabs_answer(
    speech: Speech, text: str, *, sample_rate: int = 22_050, as_mp3: bool = False
) -> Answer:
    """The with-timestamps JSON: base64 PCM (or MP3) of `speech` and the character alignment of `text`."""
    alignment = character_alignment(speech, text)
    audio = mp3(speech) if as_mp3 else pcm16(speech, sample_rate=sample_rate)
    body = {
        "audio_base64": base64.b64encode(audio).decode(),
        "alignment": alignment,
        "normalized_alignment": alignment,
    }
    return json_answer(body)
