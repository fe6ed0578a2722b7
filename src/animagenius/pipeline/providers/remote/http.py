"""What every remote provider's HTTP client shares: which failures are worth retrying, how long to wait.

Transient failures (408, 429, 5xx, connection errors, timeouts) are retried with exponential backoff and
jitter, honouring `Retry-After`; a wait longer than a job should sit through gives up at once with
ProviderRateLimited. Error bodies are reduced to a short detail for messages.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

import httpx

from animagenius.pipeline.errors import ProviderError, ProviderRateLimited

T = TypeVar("T")

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_BACKOFF_S = 30.0
MAX_RETRY_AFTER_S = 60.0  # a longer wait is the caller's decision: we give up with ProviderRateLimited
CONNECT_TIMEOUT_S = 10.0
ERROR_DETAIL_CHARS = 300


class Retryable(Exception):
    """One attempt failed in a way that may succeed later."""

    def __init__(self, message: str, *, retry_after_s: float | None = None, rate_limited: bool = False):
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.rate_limited = rate_limited


def with_retries(
    attempt: Callable[[], T],
    *,
    max_attempts: int,
    backoff_s: float,
    give_up: Callable[[Retryable, int], ProviderError],
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """`attempt()` until it returns, raises something other than Retryable, or `max_attempts` are spent;
    then `give_up(last failure, attempts)` is raised."""
    for number in range(1, max_attempts + 1):
        try:
            return attempt()
        except Retryable as failure:
            if failure.retry_after_s is not None and failure.retry_after_s > MAX_RETRY_AFTER_S:
                raise ProviderRateLimited(
                    f"{failure}; the endpoint asks to wait {failure.retry_after_s:.0f} s, "
                    "longer than we wait during a job",
                    retry_after_s=failure.retry_after_s,
                ) from None
            if number == max_attempts:
                raise give_up(failure, max_attempts) from None
            sleep(backoff_delay_s(number, backoff_s=backoff_s, retry_after_s=failure.retry_after_s))
    raise AssertionError("unreachable: the last attempt returns or raises")


def backoff_delay_s(
    attempt: int, *, backoff_s: float, retry_after_s: float | None, cap_s: float = MAX_BACKOFF_S
) -> float:
    """The wait before retry `attempt` (1 for the first): `backoff_s` doubling each time, up to `cap_s`,
    unless the other side said how long."""
    if retry_after_s is not None:
        return retry_after_s
    base = min(cap_s, backoff_s * 2 ** (attempt - 1))
    # Jitter spreads the retries of many workers hit by the same outage.
    return min(cap_s, base * random.uniform(1.0, 1.25))


def retryable_status(response: httpx.Response, message: str) -> Retryable | None:
    """A Retryable for a 408/429/5xx answer (with its Retry-After), None for any other status."""
    if response.status_code not in RETRYABLE_STATUSES:
        return None
    return Retryable(
        message,
        retry_after_s=retry_after_s(response.headers.get("Retry-After")),
        rate_limited=response.status_code == 429,
    )


def attempts_text(attempts: int) -> str:
    return f"{attempts} attempt{'s' if attempts != 1 else ''}"


def retry_after_s(header: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay in seconds or an HTTP date); None if absent or bad."""
    if not header or not header.strip():
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def error_detail(response: httpx.Response) -> str:
    """': <message>' from an error response's body (OpenAI's {"error": {"message": …}}, ElevenLabs'
    {"detail": {"message": …}}, or plain text)."""
    try:
        raw = response.read()
    except httpx.HTTPError:
        return ""
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        text = raw.decode(errors="replace").strip()
        return f": {text[:ERROR_DETAIL_CHARS]}" if text else ""
    error = (data.get("error") or data.get("detail")) if isinstance(data, dict) else None
    message = error.get("message") if isinstance(error, dict) else error
    return f": {str(message)[:ERROR_DETAIL_CHARS]}" if message else ""


def preview(raw: bytes | str, limit: int = 120) -> str:
    text = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
    text = " ".join(text.split())
    return repr(text[:limit] + ("…" if len(text) > limit else ""))
