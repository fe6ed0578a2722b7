"""How fast passwords may be guessed, without a captcha and without locking the owner out.

Two limits, both counted before the password is checked (so parallel guesses count too) and taken back when
it was right:
- per IP address, any account: SIGNIN_FAILED_IP_RATE_LIMIT (10/min): one machine guessing stops there;
- per account, from anywhere: a backoff. The first FREE_FAILURES in BACKOFF_WINDOW_S pass at once; after n,
  the next attempt waits 2^(n - FREE_FAILURES) s from the latest, never more than SIGNIN_BACKOFF_MAX_S
  (30 s). Guessing spread over many addresses slows to about two a minute, while the owner, elsewhere, waits
  at most those seconds (told how many), never the minutes a lock-out would cost. Signing in clears it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings

from animagenius.core import ratelimit
from animagenius.core.ratelimit import Rate, RateLimited

FREE_FAILURES = 5
BACKOFF_WINDOW_S = 15 * 60

FROM_ADDRESS = "Too many failed sign-ins from your network. Try again {retry}."
FOR_ACCOUNT = "Too many failed sign-ins for this account. Try again {retry}."


@dataclass(frozen=True)
class Attempt:
    ip_bucket: str
    ip_at: float
    ip_keep_s: int
    account_bucket: str


def attempt_begin(*, ip: str, login: str) -> Attempt:
    """Count a sign-in attempt as failed until `attempt_succeeded`; RateLimited (saying when to try again) if
    this address or this account must wait first."""
    ip_bucket = f"signin-ip:{ip}"
    rate = Rate.parse(settings.SIGNIN_FAILED_IP_RATE_LIMIT)
    wait_s, ip_at = ratelimit.consume(ip_bucket, rate)
    if wait_s > 0:
        raise RateLimited(FROM_ADDRESS, retry_after_s=wait_s)
    account_bucket = f"signin-account:{hashlib.sha256(login.strip().lower().encode()).hexdigest()}"
    wait_s, _ = ratelimit.backoff_consume(
        account_bucket,
        free=FREE_FAILURES,
        max_wait_s=settings.SIGNIN_BACKOFF_MAX_S,
        window_s=BACKOFF_WINDOW_S,
    )
    if wait_s > 0:
        ratelimit.release(ip_bucket, ip_at, keep_s=rate.period_s)  # refused unchecked: not a failure
        raise RateLimited(FOR_ACCOUNT, retry_after_s=wait_s)
    return Attempt(ip_bucket, ip_at, rate.period_s, account_bucket)


def attempt_succeeded(attempt: Attempt) -> None:
    """The password was right: this attempt was no failure, and the account's backoff starts afresh."""
    ratelimit.release(attempt.ip_bucket, attempt.ip_at, keep_s=attempt.ip_keep_s)
    ratelimit.clear(attempt.account_bucket)
