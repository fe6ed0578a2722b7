"""The Content-Security-Policy of every page: django-csp's middleware with the policy in settings
(CONTENT_SECURITY_POLICY), plus the one origin only known per deployment that pages connect to: the
live-progress stream's (EVENTS_URL), read at each response so the policy follows the setting."""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from animagenius.config.env import url_origin


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
