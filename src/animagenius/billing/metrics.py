"""Revenue figures read from what billing stores: the change log of every subscription (each change's status
and tier, and when) gives who was paying at any moment, so MRR, churn and plan moves over any period are
computed after the fact. The back office charts them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from animagenius.billing.models import Subscription, SubscriptionChange
from animagenius.billing.plans import CURRENCY, Period, plan_for

PAYING = {Subscription.Status.ACTIVE, Subscription.Status.PAST_DUE}
CALENDAR_MONTHS = {Period.MONTHLY: 1, Period.YEARLY: 12}  # how long a period lasts (not what it costs)


@dataclass(frozen=True)
class Revenue:
    start: datetime
    end: datetime
    mrr: Decimal  # monthly recurring revenue at `end`, in CURRENCY (a year's price counts as a twelfth)
    currency: str
    paying_at_start: int
    paying_at_end: int
    churned: int  # paying at `start`, not at `end`
    upgrades: int  # moves to a higher plan within the period
    downgrades: int

    @property
    def churn_rate(self) -> Decimal | None:
        if not self.paying_at_start:
            return None
        return (Decimal(self.churned) / self.paying_at_start).quantize(Decimal("0.0001"))


def revenue_get(*, start: datetime, end: datetime) -> Revenue:
    changes = SubscriptionChange.objects.filter(created_at__lt=end).select_related("subscription")
    at_start: dict[object, SubscriptionChange] = {}
    at_end: dict[object, SubscriptionChange] = {}
    upgrades = downgrades = 0
    for change in changes.order_by("created_at"):
        at_end[change.subscription_id] = change
        if change.created_at < start:
            at_start[change.subscription_id] = change
        elif change.tier_before and change.tier_before != change.tier_after:
            moved_up = plan_for(change.tier_after).rank > plan_for(change.tier_before).rank
            upgrades, downgrades = upgrades + moved_up, downgrades + (not moved_up)
    paying_start = {key for key, change in at_start.items() if change.status_after in PAYING}
    paying_end = {key for key, change in at_end.items() if change.status_after in PAYING}
    mrr = sum((_monthly(at_end[key]) for key in paying_end), Decimal("0.00"))
    return Revenue(
        start=start,
        end=end,
        mrr=mrr.quantize(Decimal("0.01")),
        currency=CURRENCY,
        paying_at_start=len(paying_start),
        paying_at_end=len(paying_end),
        churned=len(paying_start - paying_end),
        upgrades=upgrades,
        downgrades=downgrades,
    )


def _monthly(change: SubscriptionChange) -> Decimal:
    period = Period(change.subscription.period)
    return plan_for(change.tier_after).price(period) / CALENDAR_MONTHS[period]
