"""The nightly reconciliation: every subscription that is not over is read from PayPal again and brought to
what PayPal says. A fix means a webhook never arrived (or has not yet); each is logged."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from animagenius.billing import gateway
from animagenius.billing.models import Subscription
from animagenius.billing.paypal.errors import PayPalError
from animagenius.billing.subscriptions import NOT_OVER, subscription_sync, tiers_expire

logger = logging.getLogger(__name__)

ABANDONED_AFTER = timedelta(days=3)  # a subscription never approved in this long is not read again


@dataclass
class Reconciled:
    read: int = 0
    fixed: list[str] = field(default_factory=list)  # "<paypal id>: <change>"
    failed: list[str] = field(default_factory=list)  # "<paypal id>: <why>"; read again next time
    tiers_moved: int = 0


def subscriptions_reconcile() -> Reconciled:
    result = Reconciled()
    client = gateway.paypal()
    rows = Subscription.objects.filter(status__in=NOT_OVER, paypal_subscription_id__isnull=False).exclude(
        status=Subscription.Status.PENDING, created_at__lt=timezone.now() - ABANDONED_AFTER
    )
    for paypal_id in rows.values_list("paypal_subscription_id", flat=True).iterator():
        assert paypal_id is not None
        try:
            remote = client.subscription_get(paypal_id)
        except PayPalError as error:
            logger.warning("reconciliation could not read %s from PayPal: %s", paypal_id, error)
            result.failed.append(f"{paypal_id}: {error}")
            continue
        result.read += 1
        synced = subscription_sync(remote=remote, source="reconciliation")
        if synced.change is not None:
            logger.warning("reconciliation fixed %s: %s (a webhook was missed)", paypal_id, synced.change)
            result.fixed.append(f"{paypal_id}: {synced.change}")
    result.tiers_moved = tiers_expire()
    return result
