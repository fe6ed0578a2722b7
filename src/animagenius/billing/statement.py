"""What the billing page shows a person: their plan and its state in words, the next payment, the payments
PayPal lists (our own record of them when PayPal cannot be reached), and the render minutes of this period."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from animagenius.accounts.models import User
from animagenius.billing import gateway
from animagenius.billing.models import Payment, Subscription
from animagenius.billing.paypal.errors import PayPalError
from animagenius.billing.paypal.types import Money, PayPalTransaction
from animagenius.billing.plans import Plan, plan_for
from animagenius.billing.selectors import RenderQuota, payments_list, render_quota_get, subscription_current
from animagenius.studio.jobs.selectors import render_seconds_reserved

logger = logging.getLogger(__name__)

Status = Subscription.Status
STATUS_LABELS = {
    "COMPLETED": "Paid",
    "DECLINED": "Declined",
    "REFUNDED": "Refunded",
    "PARTIALLY_REFUNDED": "Partly refunded",
    "REVERSED": "Reversed",
    "PENDING": "Pending",
}


@dataclass(frozen=True)
class Line:
    """One payment as the page and its receipt show it."""

    id: str
    time: datetime
    amount: Money
    fee: Money | None
    status: str  # PayPal's: COMPLETED, DECLINED, REFUNDED…
    payer_email: str  # "" when PayPal did not say

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status.replace("_", " ").capitalize())


@dataclass(frozen=True)
class Statement:
    plan: Plan
    subscription: Subscription | None
    state: str  # the subscription's state, a sentence
    next_payment: str  # "19.00 USD on 7 January 2027", or ""
    next_payment_label: str  # "Next payment", or "Next attempt" while past due
    lines: list[Line] = field(default_factory=list)
    lines_note: str = ""  # why the list may be incomplete
    quota: RenderQuota | None = None
    can_cancel: bool = False
    can_reactivate: bool = False


@dataclass(frozen=True)
class Found:
    line: Line
    subscription: Subscription

    @property
    def plan(self) -> Plan:
        return plan_for(self.subscription.tier)


def billing_statement(*, user: User, now: datetime | None = None) -> Statement:
    now = now or timezone.now()
    subscription = subscription_current(user=user)
    lines, note = _lines(user)
    quota = render_quota_get(user=user, reserved_s=render_seconds_reserved(user=user), now=now)
    status = subscription.status if subscription else ""
    return Statement(
        plan=plan_for(user.subscription_tier),
        subscription=subscription,
        state=_state(subscription, now=now),
        next_payment=_next_payment(subscription),
        next_payment_label="Next attempt" if status == Status.PAST_DUE else "Next payment",
        lines=lines,
        lines_note=note,
        quota=quota,
        can_cancel=status in (Status.ACTIVE, Status.PAST_DUE, Status.SUSPENDED),
        can_reactivate=status == Status.SUSPENDED,
    )


def transaction_find(*, user: User, transaction_id: str) -> Found | None:
    """One of `user`'s payments, for its receipt; None for anyone else's."""
    for subscription, line in _paypal_lines(user):
        if line.id == transaction_id:
            return Found(line, subscription)
    return None


def _state(subscription: Subscription | None, *, now: datetime) -> str:
    if subscription is None:
        return "You are on the Free plan."
    name = plan_for(subscription.tier).name
    paid_through = subscription.paid_through
    states = {
        Status.PENDING: f"Your {name} subscription is waiting for your approval on PayPal.",
        Status.ACTIVE: f"Your {name} subscription is active.",
        Status.PAST_DUE: (
            f"Your {name} subscription is past due: PayPal could not take the last payment"
            + (
                f" and tries again on {subscription.next_retry_at:%-d %B %Y}."
                if subscription.next_retry_at
                else "."
            )
        ),
        Status.SUSPENDED: (
            f"Your {name} subscription is suspended: payments failed. You have the Free plan's limits."
        ),
        Status.CANCELLED: (
            f"Your {name} subscription is cancelled; you keep {name} until {paid_through:%-d %B %Y}."
            if paid_through and paid_through > now
            else f"Your {name} subscription is cancelled."
        ),
        Status.EXPIRED: f"Your {name} subscription has ended.",
    }
    state = states[Status(subscription.status)]
    if subscription.downgraded_from and paid_through and paid_through > now:
        state += f" You keep {plan_for(subscription.downgraded_from).name} until {paid_through:%-d %B %Y}."
    return state


def _next_payment(subscription: Subscription | None) -> str:
    if subscription is None or subscription.status not in (Status.ACTIVE, Status.PAST_DUE):
        return ""
    when = (
        subscription.next_retry_at
        if subscription.status == Status.PAST_DUE
        else subscription.current_period_end
    )
    if when is None:
        return ""
    return f"{subscription.price} {subscription.currency} on {when:%-d %B %Y}"


def _lines(user: User) -> tuple[list[Line], str]:
    try:
        lines = [line for _, line in _paypal_lines(user)]
    except PayPalError as error:
        logger.warning("could not list %s's payments from PayPal: %s", user.email, error)
        lines = [_line_of(payment) for payment in payments_list(user=user)]
        return lines, "PayPal could not be reached: these are the payments we recorded."
    return sorted(lines, key=lambda line: line.time, reverse=True), ""


def _paypal_lines(user: User) -> list[tuple[Subscription, Line]]:
    client = gateway.paypal()
    found = []
    for subscription in Subscription.objects.filter(user=user).exclude(status=Status.PENDING):
        start = subscription.created_at - timedelta(days=1)
        for transaction in client.subscription_transactions(
            str(subscription.paypal_subscription_id), start=start, end=timezone.now() + timedelta(days=1)
        ):
            found.append((subscription, _line_from_paypal(transaction)))
    return found


def _line_from_paypal(transaction: PayPalTransaction) -> Line:
    return Line(
        id=transaction.id,
        time=transaction.time,
        amount=transaction.gross,
        fee=transaction.fee,
        status=transaction.status,
        payer_email=transaction.payer_email or "",
    )


def _line_of(payment: Payment) -> Line:
    return Line(
        id=payment.paypal_sale_id,
        time=payment.paid_at,
        amount=Money(value=Decimal(payment.amount), currency=payment.currency),
        fee=None,
        status=payment.get_status_display().upper(),
        payer_email=payment.subscription.user.email,
    )
