"""MRR, churn and plan moves over any period, computed from the subscriptions' change log alone."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from animagenius.accounts.models import User
from animagenius.billing import checkout, gateway
from animagenius.billing.metrics import revenue_get
from animagenius.billing.models import Subscription
from animagenius.billing.plans import Period
from tests.billing.local_paypal import LocalPayPal
from tests.factories import user_create

pytestmark = pytest.mark.django_db


def _paying(paypal: LocalPayPal, tier: str, period: Period) -> str:
    user = user_create()
    url = checkout.subscription_start(
        user=user, tier=tier, period=period, return_url="http://t/", cancel_url="http://t/"
    )
    paypal.approve(url)
    paypal_id = url and str(user.subscriptions.get().paypal_subscription_id)
    checkout.subscription_refresh(user=user, paypal_id=paypal_id, source="test")
    return paypal_id


def test_mrr_churn_and_moves_come_from_what_billing_stores(paypal: LocalPayPal):
    before = timezone.now()
    pro = _paying(paypal, "pro", Period.MONTHLY)
    business_yearly = _paying(paypal, "business", Period.YEARLY)
    leaving = _paying(paypal, "pro", Period.MONTHLY)
    middle = timezone.now()
    assert revenue_get(start=before, end=middle).mrr == (
        Decimal("19.00") * 2 + Decimal("490.00") / 12
    ).quantize(Decimal("0.01"))

    gateway.paypal().subscription_cancel(leaving, reason="too expensive")
    checkout.subscription_refresh(user=user_of(leaving), paypal_id=leaving, source="test")
    revision = gateway.paypal().subscription_revise(
        pro, plan_id=plan_id("business", "monthly"), return_url="http://t/", cancel_url="http://t/"
    )
    paypal.approve(revision.approve_url)
    checkout.subscription_refresh(user=user_of(pro), paypal_id=pro, source="test")
    end = timezone.now() + timedelta(seconds=1)

    revenue = revenue_get(start=middle, end=end)
    assert (revenue.paying_at_start, revenue.paying_at_end, revenue.churned) == (3, 2, 1)
    assert revenue.churn_rate == Decimal("0.3333")
    assert (revenue.upgrades, revenue.downgrades) == (1, 0)
    assert revenue.mrr == (Decimal("49.00") + Decimal("490.00") / 12).quantize(Decimal("0.01"))
    assert revenue.currency == "USD" and business_yearly


def user_of(paypal_id: str) -> User:
    return Subscription.objects.get(paypal_subscription_id=paypal_id).user


def plan_id(tier: str, period: str) -> str:
    from animagenius.billing.models import PayPalPlan

    return PayPalPlan.objects.get(tier=tier, period=period).paypal_plan_id
