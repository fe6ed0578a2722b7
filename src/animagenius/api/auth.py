"""Who is calling: a bearer API key or the browser's session; and how often they may."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth
from ninja.throttling import SimpleRateThrottle

from animagenius.accounts.models import User
from animagenius.api import selectors
from animagenius.api.tokens import token_hash

DEFAULT_RATE = "120/min"


class ApiKeyAuth(HttpBearer):
    """`Authorization: Bearer ag_…` with a key from /account/api-keys/."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = selectors.api_key_user(token=token)
        if user is not None:
            request.api_key_hash = token_hash(token)  # type: ignore[attr-defined]
        return user


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


class CallerRateThrottle(SimpleRateThrottle):
    """Requests per API key (or per signed-in person for the browser), at settings.API_RATE_LIMIT."""

    scope = "api"

    def __init__(self) -> None:
        super().__init__(rate=DEFAULT_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        # read per request so the rate can be configured (and changed in tests) without a restart
        self.num_requests, self.duration = self.parse_rate(settings.API_RATE_LIMIT)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        key_hash = getattr(request, "api_key_hash", None)
        auth = getattr(request, "auth", None)
        if key_hash:
            ident = f"key-{key_hash}"
        elif isinstance(auth, User):
            ident = f"user-{auth.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def wait(self) -> float:
        return max(1.0, super().wait() or float(self.duration or 60))
