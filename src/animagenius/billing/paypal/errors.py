"""What can go wrong talking to PayPal, as exceptions a caller can act on: retry later (`PayPalUnavailable`),
fix the request or the state (`PayPalRefused`, `PayPalNotFound`), or fix the credentials (`PayPalAuthFailed`).

Every message names the call and carries PayPal's error name and `debug_id` (what PayPal support asks for)."""

from __future__ import annotations

import json
from typing import Any


class PayPalError(Exception):
    """Any failure of a PayPal call."""


class PayPalUnavailable(PayPalError):
    """PayPal could not be reached, timed out, answered 5xx or 429, or answered something unreadable:
    worth retrying later."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class PayPalRefused(PayPalError):
    """PayPal understood the call and said no (4xx): retrying the same call will not help."""

    def __init__(
        self,
        *,
        call: str,
        status: int,
        name: str,
        message: str,
        issue: str | None = None,
        debug_id: str | None = None,
    ) -> None:
        issue_part = f" ({issue})" if issue else ""
        super().__init__(
            f"{call}: PayPal answered {status} {name}{issue_part}: {message} [debug_id {debug_id}]"
        )
        self.call = call
        self.status = status
        self.name = name
        self.issue = issue
        self.debug_id = debug_id
        self.paypal_message = message


class PayPalNotFound(PayPalRefused):
    """The product, plan or subscription does not exist (404 `RESOURCE_NOT_FOUND`)."""


class PayPalAuthFailed(PayPalError):
    """PayPal rejected our client credentials or token even after fetching a fresh token: a configuration
    problem (PAYPAL_CLIENT_ID / PAYPAL_CLIENT_SECRET / PAYPAL_MODE), not a transient one."""

    def __init__(self, *, call: str, status: int, name: str, message: str, debug_id: str | None) -> None:
        super().__init__(f"{call}: PayPal answered {status} {name}: {message} [debug_id {debug_id}]")
        self.call = call
        self.status = status
        self.name = name
        self.debug_id = debug_id


def error_from_answer(*, call: str, status: int, body: str) -> PayPalError:
    """The exception for a non-2xx answer with PayPal's error body (or the token endpoint's OAuth one)."""
    fields = _error_fields(body)
    name = fields.get("name") or fields.get("error") or "UNKNOWN_ERROR"
    message = fields.get("message") or fields.get("error_description") or body[:200] or "(no body)"
    debug_id = fields.get("debug_id")
    if status >= 500 or status == 429:
        return PayPalUnavailable(
            f"{call}: PayPal answered {status} {name}: {message} [debug_id {debug_id}]", status=status
        )
    if status == 401:
        return PayPalAuthFailed(call=call, status=status, name=name, message=message, debug_id=debug_id)
    refusal = PayPalNotFound if status == 404 else PayPalRefused
    return refusal(
        call=call, status=status, name=name, message=message, issue=fields.get("issue"), debug_id=debug_id
    )


def _error_fields(body: str) -> dict[str, str]:
    try:
        parsed: Any = json.loads(body)
    except ValueError:
        return {}
    if not isinstance(parsed, dict):
        return {}
    fields = {key: value for key, value in parsed.items() if isinstance(value, str)}
    details = parsed.get("details")
    if isinstance(details, list) and details and isinstance(details[0], dict):
        issue = details[0].get("issue")
        if isinstance(issue, str):
            fields["issue"] = issue
    return fields
