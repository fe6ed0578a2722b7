"""What the remote voices share: a POST with retries and clear refusals, and audio bytes to samples.

Every message names the provider and the setting to check (`TTS_API_KEY`, `ELEVENLABS_VOICE_ID`…), so a
person reading a job's notice knows what to change.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import numpy as np
import numpy.typing as npt

from animagenius.pipeline.errors import (
    ProviderBadOutput,
    ProviderError,
    ProviderRateLimited,
    ProviderUnavailable,
)
from animagenius.pipeline.media.ffmpeg import FFmpegTimedOut, ffmpeg_message, ffmpeg_output
from animagenius.pipeline.providers.remote.config import RemoteConfig
from animagenius.pipeline.providers.remote.http import (
    CONNECT_TIMEOUT_S,
    Retryable,
    attempts_text,
    error_detail,
    retryable_status,
    with_retries,
)

DECODE_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Endpoint:
    """Who we talk to and which settings a person would change when it refuses."""

    label: str  # "the OpenAI speech endpoint"
    prefix: str  # "TTS_"
    key_header: Callable[[str], dict[str, str]]  # the API key → auth headers
    model_setting: str  # the variable naming what a 404 may not find, e.g. "TTS_MODEL or TTS_VOICE"


def post(
    url: str,
    *,
    body: dict[str, Any],
    config: RemoteConfig,
    endpoint: Endpoint,
    sleep: Callable[[float], None] = time.sleep,
    params: dict[str, str] | None = None,
) -> httpx.Response:
    """The successful (2xx) response to a JSON POST with `config`'s key, timeout and retries; transient
    failures are retried, others raise at once."""
    headers = {"Content-Type": "application/json", **endpoint.key_header(config.api_key.get_secret_value())}
    timeout_s, max_attempts, backoff_s = config.timeout_s, config.max_attempts, config.backoff_s

    def attempt() -> httpx.Response:
        timeout = httpx.Timeout(timeout_s, connect=min(timeout_s, CONNECT_TIMEOUT_S))
        try:
            with httpx.Client(timeout=timeout) as client:
                response = client.post(url, json=body, headers=headers, params=params)
        except httpx.TimeoutException:
            raise Retryable(
                f"{endpoint.label} did not answer within {timeout_s:g} s ({endpoint.prefix}TIMEOUT_S)"
            ) from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as error:
            raise ProviderUnavailable(
                f"{endpoint.prefix}BASE_URL gives no usable address ({error})"
            ) from None
        except httpx.TransportError as error:
            raise Retryable(f"cannot reach {endpoint.label} at {url} ({error})") from None
        except httpx.HTTPError as error:
            raise ProviderUnavailable(f"{endpoint.label}'s answer could not be read ({error})") from None
        _check_status(response, endpoint)
        return response

    def give_up(failure: Retryable, attempts: int) -> ProviderError:
        tries = attempts_text(attempts)
        if failure.rate_limited:
            return ProviderRateLimited(
                f"{endpoint.label} kept rate-limiting us ({failure}) after {tries}; try again later",
                retry_after_s=failure.retry_after_s,
            )
        return ProviderUnavailable(
            f"{failure}, after {tries}; try again later or check {endpoint.prefix}BASE_URL"
        )

    return with_retries(attempt, max_attempts=max_attempts, backoff_s=backoff_s, give_up=give_up, sleep=sleep)


def _check_status(response: httpx.Response, endpoint: Endpoint) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    detail = error_detail(response)
    retryable = retryable_status(response, f"{endpoint.label} answered HTTP {status}{detail}")
    if retryable is not None:
        raise retryable
    key = f"{endpoint.prefix}API_KEY"
    message = {
        401: f"{endpoint.label} refused the API key (HTTP 401{detail}); check {key}",
        402: f"the account behind {key} has no credit left (HTTP 402{detail}); top it up or change {key}",
        403: f"{endpoint.label} denied access (HTTP 403{detail}); check {key} and its permissions",
        404: f"{endpoint.label} has no {response.request.url.path} (HTTP 404{detail}); "
        f"check {endpoint.prefix}BASE_URL and {endpoint.model_setting}",
    }.get(
        status,
        f"{endpoint.label} rejected the request (HTTP {status}{detail}); check {endpoint.model_setting}",
    )
    raise ProviderUnavailable(message)


def pcm16_samples(raw: bytes, *, label: str) -> npt.NDArray[np.float32]:
    """Mono float samples from 16-bit little-endian PCM."""
    if len(raw) < 2:
        raise ProviderBadOutput(f"{label} returned no audio")
    return np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0


def wav_samples(raw: bytes, *, label: str) -> tuple[npt.NDArray[np.float32], int]:
    """Mono float samples and the rate of a 16-bit PCM WAV; chunk sizes of streamed WAVs (0xFFFFFFFF, as
    OpenAI sends them) are not trusted: the data runs to the end of the body."""
    if raw[:4] != b"RIFF" or raw[8:12] != b"WAVE":
        raise ProviderBadOutput(f"{label} returned something that is not a WAV file ({raw[:12]!r})")
    position, channels, rate, bits = 12, 0, 0, 0
    while position + 8 <= len(raw):
        chunk, size = raw[position : position + 4], int.from_bytes(raw[position + 4 : position + 8], "little")
        body = position + 8
        if chunk == b"fmt ":
            channels = int.from_bytes(raw[body + 2 : body + 4], "little")
            rate = int.from_bytes(raw[body + 4 : body + 8], "little")
            bits = int.from_bytes(raw[body + 14 : body + 16], "little")
        elif chunk == b"data":
            if bits != 16 or channels < 1 or rate <= 0:
                raise ProviderBadOutput(f"{label} returned a WAV that is not 16-bit PCM ({bits} bits)")
            data = raw[body : body + size] if body + size <= len(raw) else raw[body:]
            frames = pcm16_samples(data[: len(data) // (2 * channels) * 2 * channels], label=label)
            return frames.reshape(-1, channels).mean(axis=1).astype(np.float32), rate
        position = body + size + (size & 1)
    raise ProviderBadOutput(f"{label} returned a WAV file without audio data")


def mp3_samples(raw: bytes, *, sample_rate: int, label: str) -> npt.NDArray[np.float32]:
    """Mono float samples of an MP3, decoded by the bundled ffmpeg."""
    try:
        completed = ffmpeg_output(
            ["-nostdin", "-hide_banner", "-loglevel", "error", "-f", "mp3", "-i", "pipe:0",
             "-ac", "1", "-ar", str(sample_rate), "-f", "s16le", "pipe:1"],
            timeout_s=DECODE_TIMEOUT_S,
            stdin=raw,
        )  # fmt: skip
    except FFmpegTimedOut:
        raise ProviderBadOutput(f"decoding the MP3 from {label} took over {DECODE_TIMEOUT_S:.0f} s") from None
    if completed.returncode != 0:
        detail = ffmpeg_message(completed.stderr.decode(errors="replace"), lines=3)[-200:]
        raise ProviderBadOutput(f"{label} returned MP3 audio that could not be decoded ({detail})")
    return pcm16_samples(completed.stdout, label=label)


__all__ = ["Endpoint", "mp3_samples", "pcm16_samples", "post", "wav_samples"]
