"""What each subscription tier gets: one frozen `Plan` per tier, the only place a plan rule is written.

Django-free (the CLI and the bench may read it); the pipeline never imports it: it takes an `IngestLimits`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from animagenius.pipeline.ingest.limits import MB, IngestLimits
from animagenius.pipeline.video import Resolution

PROMOTION_EVERY_S = 300  # a waiting job climbs one tier every 5 minutes, so free work never starves


class UnknownPlan(LookupError):
    """A tier no plan is written for (a typo in data or code): named, with the tiers there are."""

    def __init__(self, tier: object) -> None:
        super().__init__(f"there is no plan for tier {tier!r}; the plans are {', '.join(PLANS)}")
        self.tier = tier


@dataclass(frozen=True)
class Plan:
    tier: str  # as stored in User.subscription_tier
    name: str  # as a person reads it
    monthly_render_minutes: int  # minutes of finished video a calendar month (UTC)
    queue_priority: int  # higher starts first
    concurrent_jobs: int  # a person's jobs running at once
    watermark: bool  # the videos carry the AnimaGenius mark
    uhd: bool  # may render 4K
    ingest: IngestLimits  # what one upload may ask of us (the size also capped by UPLOAD_MAX_BYTES)
    premium_pool: bool  # renders on the premium provider when one is configured
    monthly_price: Decimal  # in CURRENCY; 0 for Free
    rank: int  # the order plans go up in: an upgrade is a move to a higher rank

    def price(self, period: Period) -> Decimal:
        """What one billing period costs: a year is YEARLY_MONTHS months' price."""
        return self.monthly_price * PERIOD_MONTHS[period]

    @property
    def paid(self) -> bool:
        return self.monthly_price > 0

    @property
    def resolutions(self) -> list[str]:
        """The resolutions this plan may choose, smallest first."""
        return [res.value for res in Resolution if self.uhd or res is not Resolution.UHD]


CURRENCY = "USD"


class Period(StrEnum):
    MONTHLY = "monthly"
    YEARLY = "yearly"


YEARLY_MONTHS = 10  # a year costs ten months: two months free
PERIOD_MONTHS = {Period.MONTHLY: 1, Period.YEARLY: YEARLY_MONTHS}
PAYMENT_FAILURE_THRESHOLD = 3  # failed payments in a row before PayPal suspends a subscription


PLANS: dict[str, Plan] = {
    plan.tier: plan
    for plan in (
        Plan(
            tier="free",
            name="Free",
            monthly_render_minutes=10,
            queue_priority=0,
            concurrent_jobs=1,
            watermark=True,
            uhd=False,
            ingest=IngestLimits(
                max_bytes=25 * MB, max_pages=50, max_pixels=25_000_000, max_duration_s=10 * 60
            ),
            premium_pool=False,
            monthly_price=Decimal("0.00"),
            rank=0,
        ),
        Plan(
            tier="pro",
            name="Pro",
            monthly_render_minutes=120,
            queue_priority=1,
            concurrent_jobs=2,
            watermark=False,
            uhd=True,
            ingest=IngestLimits(
                max_bytes=100 * MB, max_pages=300, max_pixels=50_000_000, max_duration_s=60 * 60
            ),
            premium_pool=False,
            monthly_price=Decimal("19.00"),
            rank=1,
        ),
        Plan(
            tier="business",
            name="Business",
            monthly_render_minutes=600,
            queue_priority=2,
            concurrent_jobs=4,
            watermark=False,
            uhd=True,
            ingest=IngestLimits(
                max_bytes=250 * MB, max_pages=500, max_pixels=100_000_000, max_duration_s=2 * 3600
            ),
            premium_pool=False,
            monthly_price=Decimal("49.00"),
            rank=2,
        ),
        Plan(
            tier="enterprise",
            name="Enterprise",
            monthly_render_minutes=6000,
            queue_priority=3,
            concurrent_jobs=10,
            watermark=False,
            uhd=True,
            ingest=IngestLimits(
                max_bytes=1024 * MB,
                max_pages=2000,
                max_pixels=200_000_000,
                max_duration_s=4 * 3600,
                timeout_s=1800,
            ),
            premium_pool=True,
            monthly_price=Decimal("199.00"),
            rank=3,
        ),
    )
}


def plan_for(tier: str) -> Plan:
    """The plan of `tier`; UnknownPlan for a tier there is none for."""
    try:
        return PLANS[tier]
    except (KeyError, TypeError):
        raise UnknownPlan(tier) from None


def paid_plans() -> list[Plan]:
    """The plans a person can subscribe to, cheapest first."""
    return sorted((plan for plan in PLANS.values() if plan.paid), key=lambda plan: plan.rank)
