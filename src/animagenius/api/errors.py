"""Every error the API answers is JSON: {"detail": "..."} and, for invalid input, "errors" by field."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from animagenius.core.ratelimit import RateLimited
from animagenius.studio.errors import StudioError, http_status

logger = logging.getLogger(__name__)

UNAUTHORIZED = "Send a valid API key as `Authorization: Bearer <key>` (keys: /account/api-keys/), or sign in."
TOO_BIG = "The request is larger than this API accepts."
UNREADABLE_FORM = (
    "The multipart/form-data body could not be read ({reason}); send the Content-Type header with the "
    "body's boundary (`multipart/form-data; boundary=…`), as HTTP clients do when given form fields or files."
)


class FormInvalid(Exception):
    """The request's fields did not pass the form; `errors` maps each field to its problems."""

    def __init__(self, errors: Mapping[str, Iterable[object]]) -> None:
        self.errors = {field: [str(message) for message in messages] for field, messages in errors.items()}
        super().__init__(summary(self.errors))


def summary(errors: Mapping[str, Sequence[str]]) -> str:
    parts = [
        " ".join(messages) if field == "__all__" else f"{field}: {' '.join(messages)}"
        for field, messages in errors.items()
    ]
    return "; ".join(parts) or "The request is not valid."


def handlers_install(api: NinjaAPI) -> None:
    """ninja's own HttpError (401, 403, 404, 409, 429…) already answers {"detail": message}."""

    def form_invalid(request: HttpRequest, exc: FormInvalid) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc), "errors": exc.errors}, status=422)

    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            # ninja's locations start with where the value came from (path, query, body) and, for a body,
            # the handler's parameter name: keep the field
            location = [str(part) for part in error.get("loc", ())]
            location = location[2:] if location[:1] == ["body"] else location[1:]
            location = location or ["__all__"]
            errors.setdefault(".".join(location), []).append(str(error.get("msg", "is not valid")))
        return form_invalid(request, FormInvalid(errors))

    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(request, {"detail": UNAUTHORIZED}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    def too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc) or TOO_BIG}, status=413)

    def malformed(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc) or "The request is malformed."}, status=400)

    def unreadable_form(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        reason = str(exc).rstrip(".") or "it is malformed"
        return api.create_response(request, {"detail": UNREADABLE_FORM.format(reason=reason)}, status=400)

    def refused(request: HttpRequest, exc: StudioError) -> HttpResponse:
        """A conflict (409), a quota (402), the storage (503, with the reference in our log)…"""
        body = {"detail": str(exc), **({"reference": exc.reference} if exc.reference else {})}
        response = api.create_response(request, body, status=http_status(exc))
        if exc.retry_after_s is not None:
            response["Retry-After"] = str(exc.retry_after_s)
        return response

    def limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        response = api.create_response(request, {"detail": str(exc)}, status=429)
        response["Retry-After"] = str(exc.retry_after_s)
        return response

    def crashed(request: HttpRequest, exc: Exception) -> HttpResponse:
        ref = uuid.uuid4().hex[:8]
        logger.exception("API request %s %s failed (reference %s)", request.method, request.path, ref)
        detail = f"Something went wrong on our side (reference {ref}). Please try again."
        return api.create_response(request, {"detail": detail}, status=500)

    _on(api, FormInvalid, form_invalid)
    _on(api, ValidationError, invalid)
    _on(api, AuthenticationError, unauthorized)
    _on(api, RequestDataTooBig, too_big)
    _on(api, SuspiciousOperation, malformed)
    _on(api, MultiPartParserError, unreadable_form)
    _on(api, StudioError, refused)
    _on(api, RateLimited, limited)
    _on(api, Exception, crashed)


E = TypeVar("E", bound=Exception)


def _on(api: NinjaAPI, exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
    # ninja types a handler as also taking the exception's class; it only ever passes an instance
    api.add_exception_handler(exc_class, handler)  # type: ignore[arg-type]
