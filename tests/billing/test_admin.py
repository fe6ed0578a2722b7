"""The admin shows every change of a subscription (who or what, when, from and to), the webhooks as they
arrived and what they did, and lets an admin suspend or activate a subscription on PayPal."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from animagenius.billing import checkout
from animagenius.billing.models import Subscription, WebhookEvent
from animagenius.billing.plans import Period
from tests.billing.local_paypal import LocalPayPal
from tests.factories import user_create

pytestmark = pytest.mark.django_db


def test_an_admin_sees_the_changes_and_suspends_and_activates_on_paypal(paypal: LocalPayPal, client: Client):
    person = user_create()
    approve_url = checkout.subscription_start(
        user=person,
        tier="pro",
        period=Period.MONTHLY,
        return_url="http://testserver/",
        cancel_url="http://testserver/",
    )
    paypal.approve(approve_url)
    subscription = Subscription.objects.get(user=person)
    paypal_id = str(subscription.paypal_subscription_id)
    checkout.subscription_refresh(user=person, paypal_id=paypal_id, source="return from PayPal")
    admin = user_create(email="root@example.com", is_staff=True, is_superuser=True)
    client.force_login(admin)

    changes = reverse("admin:billing_subscription_change", args=[subscription.pk])
    answer = client.post(
        reverse("admin:billing_subscription_changelist"),
        {"action": "suspend_on_paypal", "_selected_action": [subscription.pk]},
        follow=True,
    )
    assert "now Suspended" in answer.content.decode()
    person.refresh_from_db()
    assert person.subscription_tier == "free"
    page = client.get(changes).content.decode()
    for seen in ("created on PayPal", "return from PayPal", "suspend by admin root@example.com", "suspended"):
        assert seen in page, seen

    client.post(
        reverse("admin:billing_subscription_changelist"),
        {"action": "activate_on_paypal", "_selected_action": [subscription.pk]},
    )
    person.refresh_from_db()
    assert person.subscription_tier == "pro"
    assert "activate by admin root@example.com" in client.get(changes).content.decode()

    paypal.deliver(client, "BILLING.SUBSCRIPTION.SUSPENDED", paypal_id)
    paypal.apply_all()
    event = WebhookEvent.objects.get(event_type="BILLING.SUBSCRIPTION.SUSPENDED")
    listing = client.get(reverse("admin:billing_webhookevent_changelist")).content.decode()
    assert event.event_id in listing and "nothing new" in listing  # the admin's activation came later
