"""PayPal's webhooks: received (verified, stored once by event id, answered at once) and applied (in a task,
exactly once: the applied mark commits with the change it made).

Subscription events are applied by reading the subscription from PayPal again, so the order events arrive
in does not matter: an ACTIVATED delivered after a CANCELLED finds PayPal's subscription cancelled, and
`subscription_sync` ignores any read older than the one we hold."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from animagenius.billing import gateway
from animagenius.billing.models import Subscription, WebhookEvent
from animagenius.billing.payments import STATUS_FROM_EVENT, MalformedSale, payment_record
from animagenius.billing.paypal.types import PayPalSubscription
from animagenius.billing.paypal.webhooks import webhook_verify
from animagenius.billing.subscriptions import UnknownPayPalPlan, subscription_sync

logger = logging.getLogger(__name__)

SUBSCRIPTION_EVENTS = frozenset(
    f"BILLING.SUBSCRIPTION.{name}"
    for name in ("CREATED", "ACTIVATED", "UPDATED", "SUSPENDED", "CANCELLED", "EXPIRED", "PAYMENT.FAILED")
)
SALE_EVENTS = frozenset(STATUS_FROM_EVENT)
HANDLED = SUBSCRIPTION_EVENTS | SALE_EVENTS
UNAPPLIED_SWEEP_AFTER = timedelta(minutes=2)  # an event whose task message got lost is applied by the sweep


@dataclass(frozen=True)
class Received:
    event: WebhookEvent
    new: bool  # False: a delivery of an event we already hold


def webhook_receive(*, headers: Mapping[str, str], body: bytes) -> Received:
    """Verify a delivery and store its event once. Raises `WebhookRejected` (paypal/webhooks.py) for one
    that is not PayPal's; the caller answers 400 and nothing is stored."""
    payload = webhook_verify(
        headers=headers, body=body, settings=settings.PAYPAL, certificates=gateway.certificates()
    )
    event_type = str(payload["event_type"])
    resource = payload.get("resource") or {}
    known = event_type in HANDLED
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                event_id=str(payload["id"])[:64],
                event_type=event_type[:64],
                resource_id=str(resource.get("id") or "")[:64],
                payload=payload,
                applied_at=None if known else timezone.now(),
                outcome="" if known else "ignored: an event type we do not act on",
            )
    except IntegrityError:
        WebhookEvent.objects.filter(event_id=payload["id"]).update(deliveries=F("deliveries") + 1)
        return Received(WebhookEvent.objects.get(event_id=payload["id"]), new=False)
    if not known:
        logger.info("PayPal event %s of type %s: not one we act on; ignored", event.event_id, event_type)
    return Received(event, new=known)


def webhook_event_apply(*, event_id: str) -> str:
    """Apply a stored event once; what it did, in words. A second call (a redelivered task, the sweep, a
    parallel worker) finds it applied and does nothing. PayPal being unreachable raises `PayPalUnavailable`:
    the event stays unapplied for a retry."""
    event = WebhookEvent.objects.get(event_id=event_id)
    if event.applied_at is not None:
        return f"already applied: {event.outcome}"
    remote = _subscription_read(event)  # outside the transaction: no lock is held across a call to PayPal
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().get(pk=event.pk)
        if event.applied_at is not None:
            return f"already applied: {event.outcome}"
        try:
            with transaction.atomic():
                outcome = _HANDLERS[_kind(event.event_type)](event, remote)
        except (MalformedSale, UnknownPayPalPlan) as error:  # will not get better by trying again
            logger.error(
                "PayPal event %s (%s) cannot be applied: %s", event.event_id, event.event_type, error
            )
            outcome = f"not applied: {error}"
        event.applied_at, event.outcome = timezone.now(), outcome
        event.save(update_fields=["applied_at", "outcome", "updated_at"])
    logger.info("PayPal event %s (%s): %s", event.event_id, event.event_type, outcome)
    return outcome


def events_unapplied(*, now: Any = None) -> list[str]:
    """Ids of events stored a while ago and still not applied (a lost task message, PayPal down)."""
    now = now or timezone.now()
    return list(
        WebhookEvent.objects.filter(applied_at__isnull=True, created_at__lte=now - UNAPPLIED_SWEEP_AFTER)
        .order_by("created_at")
        .values_list("event_id", flat=True)[:500]
    )


def _kind(event_type: str) -> str:
    return "subscription" if event_type in SUBSCRIPTION_EVENTS else "sale"


def _subscription_id(event: WebhookEvent) -> str:
    resource = event.payload.get("resource") or {}
    if event.event_type in SUBSCRIPTION_EVENTS:
        return str(resource.get("id") or "")
    return str(resource.get("billing_agreement_id") or "")


def _subscription_read(event: WebhookEvent) -> PayPalSubscription | None:
    paypal_id = _subscription_id(event)
    if not paypal_id or not Subscription.objects.filter(paypal_subscription_id=paypal_id).exists():
        return None
    return gateway.paypal().subscription_get(paypal_id)


def _apply_subscription(event: WebhookEvent, remote: PayPalSubscription | None) -> str:
    if remote is None:
        return f"subscription {_subscription_id(event) or '?'} is none of ours; ignored"
    synced = subscription_sync(remote=remote, source=f"webhook {event.event_id} {event.event_type}")
    if synced.change is None:
        return f"subscription {remote.id}: nothing new ({synced.subscription.status})"
    return f"subscription {remote.id}: {synced.change}"


def _apply_sale(event: WebhookEvent, remote: PayPalSubscription | None) -> str:
    payment = payment_record(event_type=event.event_type, sale=event.payload.get("resource") or {})
    synced = "" if remote is None else f"; {_apply_subscription(event, remote)}"
    if payment is None:
        return f"sale {event.resource_id or '?'} of no subscription of ours; ignored"
    return f"payment {payment.paypal_sale_id}: {payment.status} {payment.amount} {payment.currency}{synced}"


_HANDLERS: dict[str, Callable[[WebhookEvent, PayPalSubscription | None], str]] = {
    "subscription": _apply_subscription,
    "sale": _apply_sale,
}
