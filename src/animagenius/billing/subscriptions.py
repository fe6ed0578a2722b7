"""The one writer of a subscription's state and of the tier it gives: every change, whoever saw it first (a
webhook, the return from PayPal, the nightly reconciliation, a person's own cancel), goes through
`subscription_sync` with what PayPal says, and a read older than the one we hold changes nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from animagenius.accounts.models import User
from animagenius.billing import emails
from animagenius.billing.models import PayPalPlan, Subscription, SubscriptionChange
from animagenius.billing.paypal.types import PayPalSubscription
from animagenius.billing.plans import plan_for
from animagenius.studio.jobs.queue import render_jobs_plan_changed

logger = logging.getLogger(__name__)

FREE = "free"
Status = Subscription.Status
STATUS_FROM_PAYPAL = {
    "APPROVAL_PENDING": Status.PENDING,
    "APPROVED": Status.PENDING,
    "ACTIVE": Status.ACTIVE,
    "SUSPENDED": Status.SUSPENDED,
    "CANCELLED": Status.CANCELLED,
    "EXPIRED": Status.EXPIRED,
}
PAYING = (Status.ACTIVE, Status.PAST_DUE)  # PayPal still collects: the tier stays
NOT_OVER = (Status.PENDING, Status.ACTIVE, Status.PAST_DUE, Status.SUSPENDED)  # what reconciliation re-reads


class UnknownPayPalPlan(LookupError):
    """A subscription on a PayPal plan `paypal_sync_plans` did not make: nothing to read a tier from."""


@dataclass(frozen=True)
class Synced:
    subscription: Subscription
    change: SubscriptionChange | None  # None: PayPal said nothing new, or said it before what we hold


def subscription_sync(*, remote: PayPalSubscription, source: str, now: datetime | None = None) -> Synced:
    """Bring our row of `remote.id` to what PayPal says in `remote`, and the person's tier with it. Call it in
    a transaction of your own when something else must commit with it (a webhook's applied mark)."""
    now = now or timezone.now()
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(paypal_subscription_id=remote.id)
        if _older_than_held(subscription, remote):
            logger.info("%s: PayPal's read of %s is older than the one we hold; ignored", source, remote.id)
            return Synced(subscription, None)
        before = (subscription.status, subscription.tier, subscription.failed_payments)
        _take(subscription, remote, now=now)
        subscription.save()
        after = (subscription.status, subscription.tier, subscription.failed_payments)
        change = None if after == before else _record(subscription, before=before, source=source)
        user_tier_apply(user=subscription.user, source=source, now=now)
        if change is not None:
            emails.subscription_changed(
                subscription=subscription, status_before=before[0], failed_before=before[2]
            )
    return Synced(subscription, change)


def subscription_pending_create(
    *, user: User, remote: PayPalSubscription, tier: str, period: str, price: Decimal
) -> Subscription:
    """The row of a subscription just created on PayPal and waiting for the person's approval."""
    subscription = Subscription.objects.create(
        user=user,
        paypal_subscription_id=remote.id,
        paypal_plan_id=remote.plan_id,
        tier=tier,
        period=period,
        price=price,
        status=Status.PENDING,
        paypal_status_time=remote.status_update_time,
        paypal_update_time=remote.update_time,
    )
    _record(subscription, before=("", "", 0), source="created on PayPal")
    return subscription


def tier_effective(subscription: Subscription, *, now: datetime) -> str:
    """The tier `subscription` gives at `now`: its own while PayPal collects (a downgraded-from tier until the
    period paid for ends); a cancelled one's until the paid period ends; otherwise Free."""
    paid = subscription.paid_through is not None and now < subscription.paid_through
    if subscription.status in PAYING:
        kept = subscription.downgraded_from if paid and subscription.downgraded_from else FREE
        return _higher(subscription.tier, kept)
    if subscription.status == Status.CANCELLED and paid:
        return subscription.tier
    return FREE


def user_tier_apply(*, user: User, source: str, now: datetime | None = None) -> str:
    """Set `user`'s tier to the best any of their subscriptions gives now; a person with no subscription
    keeps the tier they have (one given in the admin)."""
    now = now or timezone.now()
    subscriptions = list(Subscription.objects.filter(user=user))
    if not subscriptions:
        return user.subscription_tier
    tier = FREE
    for subscription in subscriptions:
        tier = _higher(tier, tier_effective(subscription, now=now))
    if tier != user.subscription_tier:
        logger.info("%s: %s moves from %s to %s", source, user.email, user.subscription_tier, tier)
        User.objects.filter(pk=user.pk).update(subscription_tier=tier)
        user.subscription_tier = tier
        render_jobs_plan_changed(user=user)  # held renders start now, or say why they wait
    return tier


def tiers_expire(*, now: datetime | None = None) -> int:
    """Apply the tiers of people whose paid period ended (a cancellation or a downgrade that took effect);
    the periodic task calls it. Returns how many people moved."""
    now = now or timezone.now()
    ended = Subscription.objects.filter(paid_through__lte=now).exclude(tier=FREE)
    ended = ended.filter(status=Status.CANCELLED) | ended.exclude(downgraded_from="")
    moved = 0
    for user in User.objects.filter(subscriptions__in=ended).distinct():
        before = user.subscription_tier
        if user_tier_apply(user=user, source="paid period ended", now=now) != before:
            moved += 1
    return moved


def _older_than_held(subscription: Subscription, remote: PayPalSubscription) -> bool:
    return _before(remote.status_update_time, subscription.paypal_status_time) or _before(
        remote.update_time, subscription.paypal_update_time
    )


def _before(remote_time: datetime | None, held_time: datetime | None) -> bool:
    return remote_time is not None and held_time is not None and remote_time < held_time


def _take(subscription: Subscription, remote: PayPalSubscription, *, now: datetime) -> None:
    status = STATUS_FROM_PAYPAL.get(remote.status, subscription.status)
    if status == Status.ACTIVE and remote.failed_payments_count > 0:
        status = Status.PAST_DUE
    if remote.plan_id != subscription.paypal_plan_id:
        _plan_switch(subscription, remote.plan_id)
    subscription.status = status
    subscription.failed_payments = remote.failed_payments_count
    subscription.next_retry_at = remote.next_payment_retry_time if status == Status.PAST_DUE else None
    subscription.current_period_end = remote.next_billing_time
    if status == Status.ACTIVE and remote.next_billing_time is not None:
        subscription.paid_through = remote.next_billing_time
    subscription.paypal_status_time = remote.status_update_time or subscription.paypal_status_time
    subscription.paypal_update_time = remote.update_time or subscription.paypal_update_time
    subscription.read_at = now


def _plan_switch(subscription: Subscription, paypal_plan_id: str) -> None:
    plan = PayPalPlan.objects.filter(paypal_plan_id=paypal_plan_id).first()
    if plan is None:
        raise UnknownPayPalPlan(
            f"subscription {subscription.paypal_subscription_id} is on PayPal plan {paypal_plan_id}, which "
            "`manage.py paypal_sync_plans` did not make"
        )
    old_tier = subscription.tier
    moving_down = plan_for(plan.tier).rank < plan_for(old_tier).rank
    subscription.downgraded_from = _higher(old_tier, subscription.downgraded_from) if moving_down else ""
    subscription.tier, subscription.period = plan.tier, plan.period
    subscription.price, subscription.currency = plan.price, plan.currency
    subscription.paypal_plan_id = paypal_plan_id


def _record(subscription: Subscription, *, before: tuple[str, str, int], source: str) -> SubscriptionChange:
    failed = subscription.failed_payments
    note = f"{failed} failed payment{'s' if failed != 1 else ''} in a row" if failed != before[2] else ""
    return SubscriptionChange.objects.create(
        subscription=subscription,
        source=source[:120],
        status_before=before[0],
        status_after=subscription.status,
        tier_before=before[1],
        tier_after=subscription.tier,
        note=note,
    )


def _higher(tier: str, other: str) -> str:
    if not other:
        return tier
    return tier if plan_for(tier).rank >= plan_for(other).rank else other
