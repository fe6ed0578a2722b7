"""The one client-credentials access token of a `PayPalClient`, shared by every thread and by both ways we
call PayPal (httpx and the official SDK): fetched once, reused until shortly before `expires_in` runs out,
and dropped when PayPal answers 401 to it so the next call fetches a fresh one."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from animagenius.billing.paypal.errors import PayPalUnavailable, error_from_answer
from animagenius.billing.paypal.settings import PayPalSettings

REFRESH_MARGIN_S = 60.0  # a token this close to its end is replaced, so no call carries a dying token
TOKEN_PATH = "/v1/oauth2/token"


@dataclass(frozen=True)
class AccessToken:
    value: str
    expires_in_s: float


class TokenCache:
    """Thread-safe: concurrent callers wait for one fetch instead of each fetching."""

    def __init__(self, fetch: Callable[[], AccessToken]) -> None:
        self._fetch = fetch
        self._lock = threading.Lock()
        self._token: str | None = None
        self._good_until = 0.0

    def get(self) -> str:
        """The current token, fetching one when there is none or it is about to expire."""
        with self._lock:
            if self._token is None or time.monotonic() >= self._good_until:
                fetched_at = time.monotonic()
                token = self._fetch()
                margin = min(REFRESH_MARGIN_S, token.expires_in_s / 10)
                self._token, self._good_until = token.value, fetched_at + token.expires_in_s - margin
            return self._token

    def is_current(self, token: str) -> bool:
        """Whether `token` is still the one to use (not replaced, dropped or about to expire)."""
        with self._lock:
            return token == self._token and time.monotonic() < self._good_until

    def drop(self, token: str) -> None:
        """Forget `token` (PayPal refused it); a token another thread already replaced it with is kept."""
        with self._lock:
            if token == self._token:
                self._token = None


def token_fetcher(settings: PayPalSettings, http: httpx.Client) -> Callable[[], AccessToken]:
    """`POST /v1/oauth2/token` with the app's client id and secret."""

    def fetch() -> AccessToken:
        call = f"POST {TOKEN_PATH}"
        try:
            answer = http.post(
                f"{settings.base_url}{TOKEN_PATH}",
                data={"grant_type": "client_credentials"},
                auth=(settings.client_id, settings.client_secret),
                headers={"Accept": "application/json"},
                timeout=settings.timeout_s,
            )
        except httpx.HTTPError as error:
            raise PayPalUnavailable(f"{call}: PayPal did not answer: {error!r}") from error
        if answer.status_code != 200:
            raise error_from_answer(call=call, status=answer.status_code, body=answer.text)
        try:
            data = answer.json()
            return AccessToken(value=str(data["access_token"]), expires_in_s=float(data["expires_in"]))
        except (ValueError, KeyError, TypeError) as error:
            raise PayPalUnavailable(f"{call}: PayPal answered a token we cannot read: {error!r}") from error

    return fetch
