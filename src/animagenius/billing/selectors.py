"""Reads for billing: what a person's plan gives and what they used of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from animagenius.accounts.models import User
from animagenius.billing.models import Payment, Subscription, UsageMetric
from animagenius.billing.plans import PLANS, Period, Plan, plan_for


@dataclass(frozen=True)
class RenderQuota:
    """A person's render minutes this calendar month (UTC): what their plan gives, what finished videos
    used, and what their queued and running jobs will use."""

    allowed_s: float
    used_s: float
    reserved_s: float
    resets_on: date

    @property
    def left_s(self) -> float:
        return max(0.0, self.allowed_s - self.used_s - self.reserved_s)

    @property
    def summary(self) -> str:
        held = f"; {_minutes(self.reserved_s)} held by videos in progress" if self.reserved_s else ""
        return (
            f"Render minutes this month: {_minutes(self.used_s)} of {_minutes(self.allowed_s)} used{held}. "
            f"They reset on {self.resets_on:%-d %B %Y}."
        )

    def refusal(self, *, needed_s: float) -> str:
        """Why a video of `needed_s` seconds does not fit, in words; "" when it does."""
        if needed_s <= self.left_s:
            return ""
        held = f", {_minutes(self.reserved_s)} more held by videos in progress" if self.reserved_s else ""
        used = f"{_minutes(self.used_s)} of {_minutes(self.allowed_s)} used{held}"
        return (
            f"This video needs about {_minutes(needed_s)} of render time, and your plan has "
            f"{_minutes(self.left_s)} left this month ({used}). Shorten the script, or upgrade your plan; "
            f"minutes reset on {self.resets_on:%-d %B %Y}."
        )


def render_quota_get(*, user: User, reserved_s: float, now: datetime | None = None) -> RenderQuota:
    """`user`'s render minutes this month. `reserved_s`: the video seconds their unfinished jobs will make
    (the studio knows its jobs: `studio.jobs.selectors.render_seconds_reserved`)."""
    now = now or timezone.now()
    month_start = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    used = UsageMetric.objects.filter(
        user=user, action="render", resource_type="video_seconds", timestamp__gte=month_start
    ).aggregate(total=Sum("quantity"))["total"]
    return RenderQuota(
        allowed_s=plan_for(user.subscription_tier).monthly_render_minutes * 60.0,
        used_s=float(used or 0.0),
        reserved_s=reserved_s,
        resets_on=(month_start + timedelta(days=32)).replace(day=1).date(),
    )


def _minutes(seconds: float) -> str:
    minutes = seconds / 60
    return f"{minutes:.1f} minutes" if minutes < 10 else f"{minutes:.0f} minutes"


@dataclass(frozen=True)
class PlanOffer:
    """A plan on the pricing page, as one person sees it."""

    plan: Plan
    monthly: Decimal
    yearly: Decimal
    action: str  # "current", "upgrade", "downgrade", "subscribe", "free"

    @property
    def media_length(self) -> str:
        """The longest recording or video an upload may be, in words."""
        minutes = int(self.plan.ingest.max_duration_s // 60)
        if minutes < 60:
            return f"{minutes} minutes"
        return f"{minutes // 60} hour{'s' if minutes >= 120 else ''}"


def pricing_offers(*, user: User | None) -> list[PlanOffer]:
    """Every plan, cheapest first, with what the person's button does."""
    current = plan_for(user.subscription_tier) if user is not None else None
    offers = []
    for plan in sorted(PLANS.values(), key=lambda plan: plan.rank):
        offers.append(
            PlanOffer(
                plan=plan,
                monthly=plan.price(Period.MONTHLY),
                yearly=plan.price(Period.YEARLY),
                action=_action(plan, current),
            )
        )
    return offers


def subscription_current(*, user: User) -> Subscription | None:
    """The subscription the billing page is about: the newest that got past approval, else the newest."""
    subscriptions = Subscription.objects.filter(user=user).order_by("-created_at")
    return subscriptions.exclude(status=Subscription.Status.PENDING).first() or subscriptions.first()


def subscription_trouble(*, user: User) -> Subscription | None:
    """A past-due or suspended subscription of `user`: what the banner on every page warns about."""
    troubled = (Subscription.Status.PAST_DUE, Subscription.Status.SUSPENDED)
    return Subscription.objects.filter(user=user, status__in=troubled).order_by("-created_at").first()


def payments_list(*, user: User) -> list[Payment]:
    return list(Payment.objects.filter(subscription__user=user).select_related("subscription"))


def _action(plan: Plan, current: Plan | None) -> str:
    if current is None:
        return "subscribe" if plan.paid else "free"
    if plan.tier == current.tier:
        return "current"
    if not plan.paid:
        return "downgrade"
    if not current.paid:
        return "subscribe"
    return "upgrade" if plan.rank > current.rank else "downgrade"
