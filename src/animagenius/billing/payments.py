"""Payments PayPal reports for a subscription (sales), stored by sale id. A sale's later state wins over an
earlier one whatever order the events arrive in: a refund is never undone by a late "completed"."""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_datetime

from animagenius.billing import emails
from animagenius.billing.models import Payment, Subscription

logger = logging.getLogger(__name__)

STATUS_FROM_SALE_STATE = {
    "completed": Payment.Status.COMPLETED,
    "denied": Payment.Status.DENIED,
    "refunded": Payment.Status.REFUNDED,
    "partially_refunded": Payment.Status.REFUNDED,
    "reversed": Payment.Status.REVERSED,
}
STATUS_FROM_EVENT = {
    "PAYMENT.SALE.COMPLETED": Payment.Status.COMPLETED,
    "PAYMENT.SALE.DENIED": Payment.Status.DENIED,
    "PAYMENT.SALE.REFUNDED": Payment.Status.REFUNDED,
    "PAYMENT.SALE.REVERSED": Payment.Status.REVERSED,
}
LATER = {  # a status may move only to one listed after it
    Payment.Status.DENIED: 0,
    Payment.Status.COMPLETED: 1,
    Payment.Status.REFUNDED: 2,
    Payment.Status.REVERSED: 2,
}


class MalformedSale(ValueError):
    """A sale resource without the fields a payment needs."""


def payment_record(*, event_type: str, sale: dict[str, Any]) -> Payment | None:
    """Store or move on the payment of `sale` (a PAYMENT.SALE.* resource). None when the sale belongs to no
    subscription of ours. A refund's resource is the refund: it names the sale in `sale_id`."""
    status = STATUS_FROM_EVENT[event_type]
    sale_id = str(sale.get("sale_id") or sale.get("id") or "")
    subscription = Subscription.objects.filter(
        paypal_subscription_id=sale.get("billing_agreement_id")
    ).first()
    if subscription is None or not sale_id:
        subscription = _subscription_of_sale(sale_id)
    if subscription is None:
        logger.warning("%s for sale %s of no subscription of ours; ignored", event_type, sale_id or "?")
        return None
    amount, currency = _amount(sale)
    payment, created = Payment.objects.select_for_update().get_or_create(
        paypal_sale_id=sale_id,
        defaults={
            "subscription": subscription,
            "status": status,
            "amount": amount,
            "currency": currency,
            "paid_at": _time(sale),
        },
    )
    if created:
        if status == Payment.Status.COMPLETED:
            emails.payment_received(payment=payment)
        return payment
    if LATER[Payment.Status(status)] > LATER[Payment.Status(payment.status)]:
        payment.status = status
        payment.save(update_fields=["status", "updated_at"])
    return payment


def _subscription_of_sale(sale_id: str) -> Subscription | None:
    payment = Payment.objects.select_related("subscription").filter(paypal_sale_id=sale_id).first()
    return payment.subscription if payment else None


def _amount(sale: dict[str, Any]) -> tuple[Decimal, str]:
    amount = sale.get("amount") or {}
    try:
        return Decimal(str(amount["total"])), str(amount["currency"])
    except (KeyError, TypeError, InvalidOperation):
        raise MalformedSale(f"sale {sale.get('id')!r} has no amount with a total and a currency") from None


def _time(sale: dict[str, Any]) -> datetime:
    when = parse_datetime(str(sale.get("create_time") or ""))
    if when is None:
        raise MalformedSale(f"sale {sale.get('id')!r} has no create_time")
    return when
