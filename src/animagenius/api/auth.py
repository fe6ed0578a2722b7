"""Who is calling: a bearer API key or the browser's session; and how often they may."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth
from ninja.throttling import BaseThrottle

from animagenius.accounts.models import User
from animagenius.api import selectors
from animagenius.core import ratelimit
from animagenius.core.ratelimit import Rate


class ApiKeyAuth(HttpBearer):
    """`Authorization: Bearer ag_…` with a key from /account/api-keys/."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return selectors.api_key_user(token=token)


class BrowserSession(SessionAuth):
    """The signed-in browser, CSRF-checked on unsafe methods.

    Without a session cookie it steps aside before the CSRF check, so that a request with a wrong or
    missing key is answered 401, not 403.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None
        return super().authenticate(request, key)


class CallerRateThrottle(BaseThrottle):
    """Requests per account at settings.API_RATE_LIMIT: all its API keys and its signed-in browser share one
    count, so a new key brings no new allowance. Counted in the cache every web process shares."""

    def __init__(self) -> None:
        self._refused = threading.local()  # ninja asks wait() right after allow_request(), in the same thread

    def allow_request(self, request: HttpRequest) -> bool:
        auth = getattr(request, "auth", None)
        if not isinstance(auth, User):
            return True  # not signed in: answered 401 before any work
        # the rate is read per request so it can be configured (and changed in tests) without a restart
        wait_s, _ = ratelimit.consume(f"api:user:{auth.pk}", Rate.parse(settings.API_RATE_LIMIT))
        self._refused.wait_s = wait_s
        return wait_s <= 0

    def wait(self) -> float:
        return max(1.0, float(getattr(self._refused, "wait_s", 1.0)))
