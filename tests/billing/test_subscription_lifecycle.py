"""A subscription's whole life against the local PayPal: subscribe, approve, come back; webhooks applied; a
failed payment (past due), the threshold (suspended, Free), paying again (active); plan changes; cancelling
keeps the plan to the end of the paid period; the nightly reconciliation fixes a missed webhook."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from animagenius.accounts.models import User
from animagenius.billing import checkout, gateway
from animagenius.billing.models import Payment, PayPalPlan, Subscription, SubscriptionChange
from animagenius.billing.plan_sync import paypal_plans_sync
from animagenius.billing.plans import Period
from animagenius.billing.reconcile import subscriptions_reconcile
from animagenius.billing.subscriptions import tiers_expire
from tests.billing.local_paypal import LocalPayPal
from tests.factories import user_create

pytestmark = pytest.mark.django_db

RETURN, CANCEL = "http://testserver/billing/return/", "http://testserver/billing/approval-cancelled/"


def _subscribed(paypal: LocalPayPal, user: User, tier: str = "pro", period: Period = Period.MONTHLY) -> str:
    """`user` subscribes to `tier` and approves on PayPal; the PayPal subscription id."""
    approve_url = checkout.subscription_start(
        user=user, tier=tier, period=period, return_url=RETURN, cancel_url=CANCEL
    )
    back = paypal.approve(approve_url)
    assert back.startswith(RETURN + "?subscription_id=I-")
    return back.split("subscription_id=")[1].split("&")[0]


def _subscription(user: User) -> Subscription:
    return Subscription.objects.get(user=user)


def test_plans_are_made_once_and_found_again(paypal: LocalPayPal):
    assert PayPalPlan.objects.count() == 6  # pro, business, enterprise × monthly, yearly
    yearly = PayPalPlan.objects.get(tier="pro", period="yearly")
    assert str(yearly.price) == "190.00" and yearly.currency == "USD"
    again = list(paypal_plans_sync())
    assert again[0].endswith("unchanged") and all(line.endswith("unchanged") for line in again)
    assert PayPalPlan.objects.count() == 6
    remote = gateway.paypal().plan_get(yearly.paypal_plan_id)
    assert remote.interval_unit == "YEAR" and remote.failure_threshold == 3


def test_subscribe_approve_and_return_makes_the_person_pro(
    paypal: LocalPayPal, client: Client, django_capture_on_commit_callbacks
):
    user = user_create()
    client.force_login(user)
    answer = client.post(reverse("billing_subscribe"), {"tier": "pro", "period": "monthly"})
    assert answer.status_code == 302 and answer["Location"].startswith(paypal.base_url + "/webapps/")
    assert _subscription(user).status == Subscription.Status.PENDING
    user.refresh_from_db()
    assert user.subscription_tier == "free"  # nothing yet: the person has not approved

    back = paypal.approve(answer["Location"])
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(back.removeprefix("http://testserver"), follow=True)
    assert "You are on the Pro plan." in page.content.decode()
    user.refresh_from_db()
    subscription = _subscription(user)
    assert user.subscription_tier == "pro"
    assert subscription.status == Subscription.Status.ACTIVE and subscription.paid_through is not None
    assert [message.subject for message in mail.outbox] == ["Your AnimaGenius Pro plan is active"]
    assert SubscriptionChange.objects.filter(subscription=subscription, source="return from PayPal").exists()


def test_the_return_url_alone_changes_nothing(paypal: LocalPayPal, client: Client):
    user = user_create()
    client.force_login(user)
    approve_url = checkout.subscription_start(
        user=user, tier="pro", period=Period.MONTHLY, return_url=RETURN, cancel_url=CANCEL
    )
    paypal_id = str(_subscription(user).paypal_subscription_id)
    page = client.get(reverse("billing_return"), {"subscription_id": paypal_id})  # not approved on PayPal
    assert "Activating…" in page.content.decode()
    user.refresh_from_db()
    assert user.subscription_tier == "free" and approve_url
    other = user_create()
    client.force_login(other)
    page = client.get(reverse("billing_return"), {"subscription_id": paypal_id}, follow=True)
    assert "not one of yours" in page.content.decode()


def test_cancel_on_paypal_comes_back_to_pricing_with_a_message(paypal: LocalPayPal, client: Client):
    user = user_create()
    client.force_login(user)
    answer = client.post(reverse("billing_subscribe"), {"tier": "business", "period": "yearly"})
    back = paypal.approve(answer["Location"], button="cancel")
    page = client.get(back.removeprefix("http://testserver"), follow=True)
    assert "nothing was charged" in page.content.decode()
    assert page.redirect_chain[-1][0] == reverse("pricing")


def test_webhooks_alone_activate_and_record_the_payment(
    paypal: LocalPayPal, client: Client, django_capture_on_commit_callbacks
):
    user = user_create()
    paypal_id = _subscribed(paypal, user)
    with django_capture_on_commit_callbacks(execute=True):
        for event_type in (
            "BILLING.SUBSCRIPTION.CREATED",
            "PAYMENT.SALE.COMPLETED",
            "BILLING.SUBSCRIPTION.ACTIVATED",
        ):
            assert paypal.deliver(client, event_type, paypal_id).status_code == 200
        paypal.apply_all()
    user.refresh_from_db()
    assert user.subscription_tier == "pro"
    payment = Payment.objects.get(subscription__user=user)
    assert (str(payment.amount), payment.currency, payment.status) == ("19.00", "USD", "completed")
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == ["Payment received: 19.00 USD", "Your AnimaGenius Pro plan is active"]


def test_failed_payments_past_due_then_suspended_then_paid_again(
    paypal: LocalPayPal, client: Client, django_capture_on_commit_callbacks
):
    user = user_create()
    client.force_login(user)
    paypal_id = _subscribed(paypal, user)
    checkout.subscription_refresh(user=user, paypal_id=paypal_id, source="test")
    for attempt in (1, 2, 3):
        paypal.payment_fails(paypal_id)
        with django_capture_on_commit_callbacks(execute=True):
            paypal.deliver(client, "BILLING.SUBSCRIPTION.PAYMENT.FAILED", paypal_id, count=attempt)
            paypal.apply_all()
        subscription = _subscription(user)
        user.refresh_from_db()
        if attempt < 3:
            assert subscription.status == Subscription.Status.PAST_DUE
            assert subscription.failed_payments == attempt and subscription.next_retry_at is not None
            assert user.subscription_tier == "pro"  # PayPal still retries
            assert mail.outbox[-1].subject == "Your AnimaGenius payment did not go through"
            assert f"{attempt} of 3 attempts" in mail.outbox[-1].body
            banner = client.get(reverse("studio:project_list")).content.decode()
            assert "Your payment did not go through." in banner and reverse("billing") in banner
    with django_capture_on_commit_callbacks(execute=True):
        paypal.deliver(client, "BILLING.SUBSCRIPTION.SUSPENDED", paypal_id)
        paypal.apply_all()
    user.refresh_from_db()
    assert _subscription(user).status == Subscription.Status.SUSPENDED and user.subscription_tier == "free"
    assert mail.outbox[-1].subject == "Your AnimaGenius subscription is suspended"
    assert "Your subscription is suspended." in client.get(reverse("billing")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("billing_reactivate"), follow=True)
    assert "now active" in page.content.decode()
    user.refresh_from_db()
    assert user.subscription_tier == "pro" and _subscription(user).failed_payments == 0
    assert mail.outbox[-1].subject == "Your AnimaGenius Pro plan is active"


def test_an_upgrade_counts_at_once_and_a_downgrade_at_the_end_of_the_paid_period(
    paypal: LocalPayPal, client: Client
):
    user = user_create()
    client.force_login(user)
    paypal_id = _subscribed(paypal, user)
    checkout.subscription_refresh(user=user, paypal_id=paypal_id, source="test")
    answer = client.post(reverse("billing_subscribe"), {"tier": "business", "period": "monthly"})
    paypal.approve(answer["Location"])
    checkout.subscription_refresh(user=user, paypal_id=paypal_id, source="test")
    user.refresh_from_db()
    assert user.subscription_tier == "business"

    answer = client.post(reverse("billing_subscribe"), {"tier": "pro", "period": "monthly"})
    paypal.approve(answer["Location"])
    checkout.subscription_refresh(user=user, paypal_id=paypal_id, source="test")
    user.refresh_from_db()
    subscription = _subscription(user)
    assert subscription.tier == "pro" and subscription.downgraded_from == "business"
    assert user.subscription_tier == "business"  # paid for until the period ends
    assert "You keep Business until" in client.get(reverse("billing")).content.decode()
    assert subscription.paid_through is not None
    tiers_expire(now=subscription.paid_through + timedelta(seconds=1))
    user.refresh_from_db()
    assert user.subscription_tier == "pro"


def test_cancelling_keeps_the_plan_until_the_paid_period_ends(
    paypal: LocalPayPal, client: Client, django_capture_on_commit_callbacks
):
    user = user_create()
    client.force_login(user)
    paypal_id = _subscribed(paypal, user)
    checkout.subscription_refresh(user=user, paypal_id=paypal_id, source="test")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("billing_cancel"))
    subscription = _subscription(user)
    user.refresh_from_db()
    assert subscription.status == Subscription.Status.CANCELLED and user.subscription_tier == "pro"
    assert mail.outbox[-1].subject == "Your AnimaGenius subscription is cancelled"
    assert f"until {subscription.paid_through:%-d %B %Y}" in mail.outbox[-1].body
    assert "you keep Pro until" in client.get(reverse("billing")).content.decode()
    assert subscription.paid_through is not None
    assert tiers_expire(now=subscription.paid_through - timedelta(minutes=1)) == 0
    assert tiers_expire(now=subscription.paid_through + timedelta(minutes=1)) == 1
    user.refresh_from_db()
    assert user.subscription_tier == "free"


def test_reconciliation_fixes_a_webhook_that_never_arrived(paypal: LocalPayPal):
    user = user_create()
    paypal_id = _subscribed(paypal, user)
    checkout.subscription_refresh(user=user, paypal_id=paypal_id, source="test")
    gateway.paypal().subscription_suspend(paypal_id, reason="by PayPal, no webhook delivered")
    result = subscriptions_reconcile()
    assert result.read == 1 and len(result.fixed) == 1 and paypal_id in result.fixed[0]
    user.refresh_from_db()
    assert user.subscription_tier == "free"
    change = SubscriptionChange.objects.filter(subscription__user=user).first()
    assert change is not None and change.source == "reconciliation" and change.status_after == "suspended"
    assert subscriptions_reconcile().fixed == []  # nothing left to fix


def test_billing_page_lists_payments_with_a_receipt_each_only_for_their_owner(
    paypal: LocalPayPal, client: Client
):
    user = user_create()
    client.force_login(user)
    paypal_id = _subscribed(paypal, user)
    checkout.subscription_refresh(user=user, paypal_id=paypal_id, source="test")
    paypal.advance_cycle(paypal_id)
    page = client.get(reverse("billing")).content.decode()
    assert "Your Pro subscription is active." in page and "Next payment: <strong>19.00 USD on" in page
    receipts = paypal.receipt_links(page)
    assert len(receipts) == 2
    receipt = client.get(receipts[0]).content.decode()
    assert "19.00 USD" in receipt and paypal_id in receipt and "Pro plan, billed monthly" in receipt
    client.force_login(user_create())
    assert client.get(receipts[0]).status_code == 404
