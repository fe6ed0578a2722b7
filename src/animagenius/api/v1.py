"""The REST API, version 1: /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from __future__ import annotations

from ninja import NinjaAPI

from animagenius.api import endpoints
from animagenius.api.auth import ApiKeyAuth, BrowserSession, CallerRateThrottle
from animagenius.api.errors import handlers_install

DESCRIPTION = """Make narrated videos from documents, and fetch them.

Authenticate with `Authorization: Bearer <key>` (create keys at /account/api-keys/), or from a signed-in
browser with its session and CSRF token. Errors are JSON: `{"detail": "…"}`, and invalid input adds
`"errors": {field: [messages]}`."""

api = NinjaAPI(
    title="AnimaGenius API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=[ApiKeyAuth(), BrowserSession()],
    throttle=[CallerRateThrottle()],
)
handlers_install(api)
api.add_router("", endpoints.router)
