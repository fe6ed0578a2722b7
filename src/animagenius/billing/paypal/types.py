"""What PayPal tells us, as frozen values read from its JSON (docs/billing.md): money as `Decimal`, times as
timezone-aware UTC datetimes. Each `from_wire` raises ValueError/KeyError/TypeError on an answer that is not
in PayPal's shape; the client turns that into `PayPalUnavailable`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

Wire = dict[str, Any]


@dataclass(frozen=True)
class Money:
    value: Decimal
    currency: str  # ISO 4217, e.g. "USD"

    def __post_init__(self) -> None:
        if not isinstance(self.value, Decimal):
            raise TypeError(f"Money.value must be a Decimal (never a float), not {type(self.value).__name__}")

    @classmethod
    def from_wire(cls, data: Wire) -> Money:
        """From PayPal's `{"currency_code": "USD", "value": "19.00"}`."""
        text = data["value"]
        if not isinstance(text, str):
            raise TypeError(f"a money value is a string on the wire, not {type(text).__name__}")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not an amount of money: {text!r}") from None
        if not value.is_finite():
            raise ValueError(f"not an amount of money: {text!r}")
        return cls(value=value, currency=_text(data, "currency_code"))

    def to_wire(self) -> dict[str, str]:
        return {"currency_code": self.currency, "value": format(self.value, "f")}


@dataclass(frozen=True)
class PayPalProduct:
    id: str  # "PROD-…"
    name: str
    description: str | None
    type: str | None  # "SERVICE"; the list answer leaves it out
    category: str | None  # "SOFTWARE"; the list answer leaves it out
    create_time: datetime | None

    @classmethod
    def from_wire(cls, data: Wire) -> PayPalProduct:
        return cls(
            id=_text(data, "id"),
            name=_text(data, "name"),
            description=_optional_text(data, "description"),
            type=_optional_text(data, "type"),
            category=_optional_text(data, "category"),
            create_time=_optional_time(data, "create_time"),
        )


@dataclass(frozen=True)
class PayPalPlan:
    id: str  # "P-…"
    product_id: str
    name: str
    description: str | None
    status: str  # "ACTIVE", "INACTIVE", "CREATED"
    create_time: datetime | None
    # the regular billing cycle and payment preferences: in `plan_get`, not in the list answer (None there)
    interval_unit: str | None  # "MONTH" | "YEAR"
    price: Money | None
    failure_threshold: int | None  # failed payments before PayPal suspends the subscription

    @classmethod
    def from_wire(cls, data: Wire) -> PayPalPlan:
        cycles = [
            cycle for cycle in data.get("billing_cycles") or [] if cycle.get("tenure_type") == "REGULAR"
        ]
        cycle = cycles[0] if cycles else None
        fixed_price = ((cycle or {}).get("pricing_scheme") or {}).get("fixed_price")
        threshold = (data.get("payment_preferences") or {}).get("payment_failure_threshold")
        return cls(
            id=_text(data, "id"),
            product_id=_text(data, "product_id"),
            name=_text(data, "name"),
            description=_optional_text(data, "description"),
            status=_text(data, "status"),
            create_time=_optional_time(data, "create_time"),
            interval_unit=cycle["frequency"]["interval_unit"] if cycle else None,
            price=Money.from_wire(fixed_price) if fixed_price else None,
            failure_threshold=int(threshold) if threshold is not None else None,
        )


@dataclass(frozen=True)
class LastPayment:
    amount: Money
    time: datetime


@dataclass(frozen=True)
class PayPalSubscription:
    id: str  # "I-…"
    plan_id: str
    status: str  # APPROVAL_PENDING, APPROVED, ACTIVE, SUSPENDED, CANCELLED, EXPIRED
    status_update_time: datetime
    update_time: datetime  # the create time for a subscription never updated
    custom_id: str | None  # ours: who subscribed
    approve_url: str | None  # where the subscriber approves; only while approval is pending
    start_time: datetime | None
    next_billing_time: datetime | None
    last_payment: LastPayment | None
    failed_payments_count: int
    next_payment_retry_time: datetime | None
    outstanding_balance: Money | None
    subscriber_email: str | None

    @classmethod
    def from_wire(cls, data: Wire) -> PayPalSubscription:
        billing = data.get("billing_info") or {}
        last_payment = billing.get("last_payment")
        balance = billing.get("outstanding_balance")
        return cls(
            id=_text(data, "id"),
            plan_id=_text(data, "plan_id"),
            status=_text(data, "status"),
            status_update_time=_time(data, "status_update_time"),
            update_time=_optional_time(data, "update_time") or _time(data, "create_time"),
            custom_id=_optional_text(data, "custom_id"),
            approve_url=link(data, "approve"),
            start_time=_optional_time(data, "start_time"),
            next_billing_time=_optional_time(billing, "next_billing_time"),
            last_payment=(
                LastPayment(amount=Money.from_wire(last_payment["amount"]), time=_time(last_payment, "time"))
                if last_payment
                else None
            ),
            failed_payments_count=int(billing.get("failed_payments_count") or 0),
            next_payment_retry_time=_optional_time(
                billing.get("last_failed_payment") or {}, "next_payment_retry_time"
            ),
            outstanding_balance=Money.from_wire(balance) if balance else None,
            subscriber_email=_optional_text(data.get("subscriber") or {}, "email_address"),
        )


@dataclass(frozen=True)
class Revision:
    """A plan change waiting for the subscriber's approval on PayPal."""

    plan_id: str
    effective_time: datetime
    approve_url: str

    @classmethod
    def from_wire(cls, data: Wire) -> Revision:
        approve_url = link(data, "approve")
        if approve_url is None:
            raise KeyError("the revision has no approve link")
        return cls(
            plan_id=_text(data, "plan_id"),
            effective_time=_time(data, "effective_time"),
            approve_url=approve_url,
        )


@dataclass(frozen=True)
class PayPalTransaction:
    id: str
    status: str  # COMPLETED, DECLINED, PARTIALLY_REFUNDED, PENDING, REFUNDED
    gross: Money
    fee: Money | None
    time: datetime
    payer_email: str | None

    @classmethod
    def from_wire(cls, data: Wire) -> PayPalTransaction:
        amounts = data["amount_with_breakdown"]
        fee = amounts.get("fee_amount")
        return cls(
            id=_text(data, "id"),
            status=_text(data, "status"),
            gross=Money.from_wire(amounts["gross_amount"]),
            fee=Money.from_wire(fee) if fee else None,
            time=_time(data, "time"),
            payer_email=_optional_text(data, "payer_email"),
        )


def link(data: Wire, rel: str) -> str | None:
    """The href of the HATEOAS link `rel` of a resource, if it has one."""
    for entry in data.get("links") or []:
        if entry.get("rel") == rel and isinstance(entry.get("href"), str):
            return str(entry["href"])
    return None


def parse_time(text: str) -> datetime:
    """An RFC 3339 time (`2026-12-07T10:00:00Z`) as an aware UTC datetime; one without a zone is refused."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"a PayPal time carries its zone: {text!r}")
    return moment.astimezone(UTC)


def _text(data: Wire, key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise TypeError(f"{key} is a string on the wire, not {type(value).__name__}")
    return value


def _optional_text(data: Wire, key: str) -> str | None:
    return _text(data, key) if data.get(key) is not None else None


def _time(data: Wire, key: str) -> datetime:
    return parse_time(_text(data, key))


def _optional_time(data: Wire, key: str) -> datetime | None:
    return _time(data, key) if data.get(key) else None
