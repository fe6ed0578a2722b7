"""The Content-Security-Policy of every page: django-csp's middleware with the policy in settings
(CONTENT_SECURITY_POLICY), plus the one origin only known per deployment that pages connect to: the
live-progress stream's (EVENTS_URL), read at each response so the policy follows the setting."""

from __future__ import annotations

from typing import TypeVar

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from animagenius.config.env import url_origin

R = TypeVar("R", bound=HttpResponseBase)


def form_action_allow(response: R, origin: str) -> R:
    """Let the forms of this one page lead to `origin` too (a form whose answer redirects there, such as
    subscribing, which goes on to PayPal's approval page)."""
    response._csp_update = {"form-action": ["'self'", origin]}  # type: ignore[attr-defined]  # django-csp's
    return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        events = url_origin(settings.EVENTS_URL)
        if events:
            update = dict(parts.update or {})
            update["connect-src"] = [*update.get("connect-src", ()), events]
            parts.update = update
        return parts
