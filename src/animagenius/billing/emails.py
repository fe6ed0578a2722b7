"""The emails a subscriber gets, sent through Django's email backend once the change that caused them commits:
activated, payment received, payment failed (what happens next, and where to fix it), suspended, cancelled."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from animagenius.billing.plans import PAYMENT_FAILURE_THRESHOLD, plan_for

if TYPE_CHECKING:
    from animagenius.billing.models import Payment, Subscription

logger = logging.getLogger(__name__)

SUBJECTS = {
    "activated": "Your AnimaGenius {plan} plan is active",
    "payment_received": "Payment received: {amount} {currency}",
    "payment_failed": "Your AnimaGenius payment did not go through",
    "suspended": "Your AnimaGenius subscription is suspended",
    "cancelled": "Your AnimaGenius subscription is cancelled",
}


def subscription_changed(*, subscription: Subscription, status_before: str, failed_before: int) -> None:
    """The email a change of `subscription` calls for, if any."""
    status = subscription.status
    if status in ("active", "past_due") and status_before not in ("active", "past_due"):
        _send("activated", subscription)
    if status == "past_due" and subscription.failed_payments > failed_before:
        _send("payment_failed", subscription)
    if status != status_before and status in ("suspended", "cancelled"):
        _send(status, subscription)


def payment_received(*, payment: Payment) -> None:
    _send("payment_received", payment.subscription, payment=payment)


def _send(kind: str, subscription: Subscription, **extra: Any) -> None:
    user = subscription.user
    context = {
        "user": user,
        "subscription": subscription,
        "plan": plan_for(subscription.tier),
        "threshold": PAYMENT_FAILURE_THRESHOLD,
        "billing_url": settings.SITE_URL + reverse("billing"),
        "pricing_url": settings.SITE_URL + reverse("pricing"),
        **extra,
    }
    payment = extra.get("payment")
    subject = SUBJECTS[kind].format(
        plan=context["plan"].name,
        amount=getattr(payment, "amount", ""),
        currency=getattr(payment, "currency", ""),
    )
    body = render_to_string(f"billing/email/{kind}.txt", context)
    transaction.on_commit(lambda: _deliver(subject, body, user.email))


def _deliver(subject: str, body: str, to: str) -> None:
    try:
        send_mail(subject, body, None, [to])
    except OSError:  # the mail server is down: the change stands, the billing page shows the same facts
        logger.exception("could not send %r to %s", subject, to)
