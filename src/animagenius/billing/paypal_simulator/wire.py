"""PayPal's wire conventions: ids, RFC 3339 times, money, and the error shape."""

from __future__ import annotations

import calendar
import secrets
import string
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

ALNUM = string.ascii_uppercase + string.digits
CENT = Decimal("0.01")


def code(length: int) -> str:
    return "".join(secrets.choice(ALNUM) for _ in range(length))


def product_id() -> str:
    return f"PROD-{code(24)}"


def plan_id() -> str:
    return f"P-{code(24)}"


def subscription_id() -> str:
    return f"I-{code(12)}"


def ba_token() -> str:
    return f"BA-{code(17)}"


def sale_id() -> str:
    return code(17)


def event_id() -> str:
    return f"WH-{code(17)}-{code(17)}"


def payer_id() -> str:
    return code(13)


def debug_id() -> str:
    return secrets.token_hex(7)[:13]


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def add_period(moment: datetime, *, unit: str, count: int = 1) -> datetime:
    """`moment` moved on by `count` DAY/WEEK/MONTH/YEAR; a month end stays within the shorter month."""
    if unit == "DAY":
        return moment + timedelta(days=count)
    if unit == "WEEK":
        return moment + timedelta(weeks=count)
    months = count * (12 if unit == "YEAR" else 1)
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def money(value: Decimal, currency: str) -> dict[str, str]:
    return {"currency_code": currency, "value": str(value.quantize(CENT))}


def paypal_fee(amount: Decimal) -> Decimal:
    """PayPal's usual cut of a payment (3.49% + 0.49), so fee and net amounts look real."""
    return (amount * Decimal("0.0349") + Decimal("0.49")).quantize(CENT) if amount > 0 else Decimal("0.00")


class PayPalError(Exception):
    """An answer in PayPal's error shape: `{"name", "message", "debug_id", "details", "links"}`."""

    def __init__(
        self, status: int, name: str, message: str, *, details: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(f"{status} {name}: {message}")
        self.status, self.name, self.message = status, name, message
        self.details = details or []

    def body(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "message": self.message,
            "debug_id": debug_id(),
            "details": self.details,
            "links": [
                {
                    "href": f"https://developer.paypal.com/api/rest/reference/orders/v2/errors/#{self.name}",
                    "rel": "information_link",
                    "method": "GET",
                }
            ],
        }


def not_found(what: str = "resource") -> PayPalError:
    return PayPalError(
        404,
        "RESOURCE_NOT_FOUND",
        "The specified resource does not exist.",
        details=[{"issue": "INVALID_RESOURCE_ID", "description": f"Requested {what} ID was not found."}],
    )


def invalid_request(
    field: str, issue: str = "MISSING_REQUIRED_PARAMETER", description: str = ""
) -> PayPalError:
    return PayPalError(
        400,
        "INVALID_REQUEST",
        "Request is not well-formed, syntactically incorrect, or violates schema.",
        details=[
            {"field": field, "issue": issue, "description": description or "A required field is missing."}
        ],
    )


def unprocessable(issue: str, description: str) -> PayPalError:
    return PayPalError(
        422,
        "UNPROCESSABLE_ENTITY",
        "The requested action could not be performed, semantically incorrect, or failed business validation.",
        details=[{"issue": issue, "description": description}],
    )


def authentication_failure() -> PayPalError:
    return PayPalError(
        401,
        "AUTHENTICATION_FAILURE",
        "Authentication failed due to invalid authentication credentials or a missing Authorization header.",
        details=[
            {"issue": "INVALID_TOKEN", "description": "The access token is missing, unknown or expired."}
        ],
    )
