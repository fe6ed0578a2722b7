"""bench/webhooks.py's Django side, run in a child process on one run's database: the people who subscribe
(through the app's own checkout), and, after the posts, the wait until every stored event is applied and what
the app then holds."""

from __future__ import annotations

import time
from typing import Any

from django.db.models import Count, Max

ONE_OF_OURS = "http://127.0.0.1/billing/"
UNKNOWN_TYPE = "ignored: an event type we do not act on"  # events.webhook_receive's outcome for those


def people_subscribe(*, people: int) -> dict[str, Any]:
    """`people` people, each subscribing to a paid plan (a fifth of them yearly) as the pricing page does:
    a PayPal subscription waiting for approval and its row here. Their PayPal ids and approval links, and
    the PayPal plans by id."""
    from animagenius.accounts.models import User
    from animagenius.billing import checkout
    from animagenius.billing.models import PayPalPlan, Subscription
    from animagenius.billing.plans import Period, paid_plans

    tiers = [plan.tier for plan in paid_plans()]
    subscriptions = []
    for number in range(people):
        user = User.objects.create_user(f"bench-webhooks-{number}@example.com", None, name=f"Person {number}")
        period = Period.YEARLY if number % 5 == 4 else Period.MONTHLY
        approve_url = checkout.subscription_start(
            user=user,
            tier=tiers[number % len(tiers)],
            period=period,
            return_url=f"{ONE_OF_OURS}return/",
            cancel_url=f"{ONE_OF_OURS}cancelled/",
        )
        paypal_id = Subscription.objects.get(user=user).paypal_subscription_id
        subscriptions.append({"paypal_id": paypal_id, "approve_url": approve_url})
    plans = {
        plan.paypal_plan_id: {"tier": plan.tier, "period": plan.period} for plan in PayPalPlan.objects.all()
    }
    return {"subscriptions": subscriptions, "plans": plans}


def outcome_wait(*, expected: int, timeout_s: float) -> dict[str, Any]:
    """Until `expected` events are stored and every one is applied (or `timeout_s`): each event's
    deliveries and whether it was applied, repeated changes, and every subscription's final state."""
    from animagenius.billing.models import Subscription, SubscriptionChange, WebhookEvent

    deadline = time.monotonic() + timeout_s
    while True:
        stored = WebhookEvent.objects.count()
        unapplied = WebhookEvent.objects.filter(applied_at__isnull=True).count()
        timed_out = time.monotonic() > deadline
        if (stored >= expected and not unapplied) or timed_out:
            break
        time.sleep(0.1)
    last_applied = WebhookEvent.objects.aggregate(last=Max("applied_at"))["last"]
    repeated = (
        SubscriptionChange.objects.filter(source__startswith="webhook ")
        .values("source")
        .annotate(count=Count("id"))
        .filter(count__gt=1)
    )
    states = {}
    for subscription in Subscription.objects.select_related("user").prefetch_related("payments"):
        states[str(subscription.paypal_subscription_id)] = {
            "status": subscription.status,
            "tier": subscription.tier,
            "period": subscription.period,
            "failed_payments": subscription.failed_payments,
            "paypal_plan_id": subscription.paypal_plan_id,
            "downgraded_from": subscription.downgraded_from,
            "paid_through": subscription.paid_through.isoformat() if subscription.paid_through else None,
            "person_tier": subscription.user.subscription_tier,
            "payments": sorted(
                (payment.paypal_sale_id, payment.status, f"{payment.amount} {payment.currency}")
                for payment in subscription.payments.all()
            ),
        }
    events = {
        event.event_id: {
            "deliveries": event.deliveries,
            "applied": event.applied_at is not None,
            "ignored": event.outcome == UNKNOWN_TYPE,
            "not_applied": event.outcome.startswith("not applied"),
        }
        for event in WebhookEvent.objects.all()
    }
    return {
        "timed_out": timed_out,
        "events": events,
        "last_applied": last_applied.timestamp() if last_applied else None,
        "changes_repeated": [row["source"] for row in repeated],
        "changes": SubscriptionChange.objects.filter(source__startswith="webhook ").count(),
        "states": states,
    }
