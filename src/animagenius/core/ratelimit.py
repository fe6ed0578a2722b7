"""Rate limits counted in Django's cache, which every web process shares: Redis when REDIS_URL is set, else a
table in the database (settings CACHES), so two gunicorn workers (or two machines on one PostgreSQL) count
together.

A bucket keeps the times of its recent events, newest first, read and written under a lock (`cache.add` is
atomic in both caches), so concurrent requests cannot both take the last place.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

_PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}
_PERIODS |= {"d": 86400, "day": 86400}
RATE = re.compile(r"(\d+)/(\d*)(" + "|".join(sorted(_PERIODS, key=len, reverse=True)) + r")")
"""`amount/period`, the period optionally a multiple: 120/min, 5/15min, 1000/day."""

LOCK_HOLD_S = 10  # a lock left by a process that died is free again after this
LOCK_WAIT_S = 1.0


@dataclass(frozen=True)
class Rate:
    amount: int
    period_s: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        match = RATE.fullmatch(text.strip())
        if match is None or int(match.group(1)) < 1 or match.group(2) == "0":
            raise ValueError(f"{text!r} is not a rate; write events per period, e.g. 120/min or 5/15min")
        return cls(int(match.group(1)), int(match.group(2) or 1) * _PERIODS[match.group(3)])

    @property
    def period(self) -> str:
        """'minute', '15 minutes', 'hour': the period in words, as in "in the last …"."""
        for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
            if self.period_s % size == 0:
                count = self.period_s // size
                return unit if count == 1 else f"{count} {unit}s"
        raise AssertionError(self.period_s)  # every period is whole seconds


class RateLimited(Exception):
    """Refused for now; `retry_after_s` says when the same request will be accepted again."""

    def __init__(self, message: str, *, retry_after_s: float) -> None:
        self.retry_after_s = max(1, math.ceil(retry_after_s))
        super().__init__(message.format(retry=retry_in(self.retry_after_s)))


def retry_in(seconds: float) -> str:
    """'in 40 seconds', 'in 12 minutes', 'in 2 hours': when to try again, as a person reads it."""
    seconds = max(1, math.ceil(seconds))
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= 2 * size:
            count = math.ceil(seconds / size)
            return f"in {count} {unit}s"
    return f"in {seconds} second{'s' if seconds != 1 else ''}"


def refusal_page(request: HttpRequest, refusal: RateLimited) -> HttpResponse:
    """The web page for a refused form: 429, what was refused and when to try again (also as Retry-After)."""
    response = render(request, "429.html", {"message": str(refusal)}, status=429)
    response["Retry-After"] = str(refusal.retry_after_s)
    return response


def consume(bucket: str, rate: Rate) -> tuple[float, float]:
    """Count one event in `bucket` if `rate` allows it now: (0.0, its time, for `release`). Otherwise count
    nothing: (the seconds until it would be allowed, when the oldest event in the period leaves it, 0.0)."""
    with _events(bucket, keep_s=rate.period_s) as events:
        if events is None:
            return 1.0, 0.0
        now = time.time()
        events[:] = [at for at in events if at > now - rate.period_s][: rate.amount]
        if len(events) >= rate.amount:
            return events[rate.amount - 1] + rate.period_s - now, 0.0
        events.insert(0, now)
        return 0.0, now


def consume_or_raise(bucket: str, rate: Rate, message: str) -> None:
    """`consume`, raising RateLimited(`message`) when refused; `message` may name {retry}: 'in 3 minutes'."""
    wait_s, _ = consume(bucket, rate)
    if wait_s > 0:
        raise RateLimited(message, retry_after_s=wait_s)


def backoff_consume(bucket: str, *, free: int, max_wait_s: float, window_s: int) -> tuple[float, float]:
    """An attempt under exponential backoff: the first `free` events in `window_s` pass at once; after n
    events, the next waits 2^(n - free) seconds (at most `max_wait_s`) from the latest one. Allowed: the
    attempt is counted and (0.0, its time) comes back, the time for `release`; else (seconds to wait, 0.0)."""
    with _events(bucket, keep_s=window_s) as events:
        if events is None:
            return 1.0, 0.0
        now = time.time()
        events[:] = [at for at in events if at > now - window_s][: free + 32]
        if len(events) >= free:
            wait_s = min(max_wait_s, 2.0 ** (len(events) - free)) - (now - events[0])
            if wait_s > 0:
                return wait_s, 0.0
        events.insert(0, now)
        return 0.0, now


def release(bucket: str, at: float, *, keep_s: int) -> None:
    """Take back the event counted at `at` (it turned out not to count, e.g. a sign-in that succeeded)."""
    with _events(bucket, keep_s=keep_s) as events:
        if events is not None:
            events[:] = [stamp for stamp in events if stamp != at]


def clear(bucket: str) -> None:
    cache.delete(_key(bucket))


def _key(bucket: str) -> str:
    return f"ratelimit:{bucket}"


@contextmanager
def _events(bucket: str, *, keep_s: int) -> Iterator[list[float] | None]:
    """The bucket's event times, newest first, under its lock; what the caller leaves in the list is stored
    for `keep_s`. None when the lock could not be had in LOCK_WAIT_S (callers refuse: better a client
    retrying in a second than a limit passed by a flood of parallel requests)."""
    key, lock = _key(bucket), f"{_key(bucket)}:lock"
    deadline, pause = time.monotonic() + LOCK_WAIT_S, 0.01
    while not cache.add(lock, 1, timeout=LOCK_HOLD_S):
        if time.monotonic() > deadline:
            yield None
            return
        time.sleep(pause)
        pause = min(pause * 2, 0.1)
    try:
        events: list[float] = list(cache.get(key) or [])
        before = list(events)
        yield events
        if events != before:
            cache.set(key, events, timeout=keep_s)
    finally:
        cache.delete(lock)
