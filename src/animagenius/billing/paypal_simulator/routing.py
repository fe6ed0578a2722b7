"""Requests, responses and a small router: enough HTTP for the simulator's handlers to be plain functions."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import parse_qsl

from animagenius.billing.paypal_simulator.wire import PayPalError, invalid_request, not_found

FORM = "application/x-www-form-urlencoded"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: Message  # case-insensitive (http.client.HTTPMessage)
    body: bytes
    params: dict[str, str] = field(default_factory=dict)  # the route's {placeholders}

    @property
    def is_form(self) -> bool:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip() == FORM

    def json(self) -> Any:
        if not self.body.strip():
            return {}
        try:
            return json.loads(self.body)
        except ValueError:
            raise PayPalError(
                400,
                "INVALID_REQUEST",
                "Request is not well-formed, syntactically incorrect, or violates schema.",
                details=[
                    {"issue": "MALFORMED_REQUEST_JSON", "description": "The request JSON is not valid."}
                ],
            ) from None

    def json_object(self) -> dict[str, Any]:
        body = self.json()
        if not isinstance(body, dict):
            raise invalid_request("/", "INVALID_PARAMETER_SYNTAX", "A JSON object is expected.")
        return body

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode("utf-8", "replace")))


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def json_response(status: int, data: Any) -> Response:
    return Response(status, json.dumps(data).encode())


def no_content() -> Response:
    return Response(204)


def html_response(text: str, status: int = 200) -> Response:
    return Response(status, text.encode(), "text/html; charset=utf-8")


def redirect(url: str) -> Response:
    return Response(303, headers={"Location": url}, content_type="text/plain")


Handler = Callable[[Request], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, template: str, handler: Handler) -> None:
        """`template` like `/v1/billing/plans/{id}`: a placeholder matches one path segment."""
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        self.routes.append(Route(method, re.compile(f"^{regex}$"), handler))

    def resolve(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        matched = False
        for route in self.routes:
            found = route.pattern.match(path)
            if found is None:
                continue
            matched = True
            if route.method == method:
                return route.handler, found.groupdict()
        if matched:
            raise PayPalError(405, "METHOD_NOT_SUPPORTED", f"{method} is not supported on {path}.")
        raise not_found("path")
