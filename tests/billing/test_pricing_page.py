"""The pricing page: every plan side by side with its price and every limit its `Plan` enforces, the person's
own plan marked, and buttons that say what they do."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from animagenius.billing.plans import PLANS
from tests.factories import user_create

pytestmark = pytest.mark.django_db


def _cards(html: str) -> dict[str, str]:
    return dict(
        re.findall(
            r'<article class="plan-card[^"]*" aria-labelledby="plan-(\w+)">(.*?)</article>', html, re.S
        )
    )


def test_a_stranger_sees_every_plan_with_its_price_and_limits(client: Client):
    page = client.get(reverse("pricing"))
    assert page.status_code == 200
    cards = _cards(page.content.decode())
    assert list(cards) == ["free", "pro", "business", "enterprise"]
    for tier, card in cards.items():
        plan = PLANS[tier]
        assert f"<strong>{plan.monthly_render_minutes}</strong> render minutes a month" in card
        assert f"<strong>{plan.concurrent_jobs}</strong> video" in card
        assert ("4K" if plan.uhd else "1080p") in card
        assert ("watermark" in card) and (("No watermark" in card) != plan.watermark)
        assert f"{plan.ingest.max_pages} pages" in card
    assert "<strong>$19</strong> a month" in cards["pro"] and "<strong>$0</strong>" in cards["free"]
    assert "Sign up to subscribe" in cards["pro"]


def test_yearly_prices_are_ten_months(client: Client):
    cards = _cards(client.get(reverse("pricing"), {"period": "yearly"}).content.decode())
    assert "<strong>$190</strong> a year" in cards["pro"]
    assert "<strong>$490</strong> a year" in cards["business"]
    assert 'name="period"' not in cards["pro"]  # a stranger signs up first


def test_a_person_sees_their_plan_marked_and_buttons_that_say_up_or_down(client: Client):
    client.force_login(user_create(tier="business"))
    cards = _cards(client.get(reverse("pricing")).content.decode())
    assert "Your plan" in cards["business"] and "Current plan" in cards["business"]
    assert "Downgrade to Pro" in cards["pro"]
    assert "Upgrade to Enterprise" in cards["enterprise"]
    assert "cancel on the billing page" in cards["free"]


def test_a_free_person_subscribes_and_a_plan_paypal_lacks_is_said(client: Client):
    client.force_login(user_create())
    cards = _cards(client.get(reverse("pricing")).content.decode())
    assert "Subscribe to Pro" in cards["pro"] and "Current plan" in cards["free"]
    answer = client.post(reverse("billing_subscribe"), {"tier": "pro", "period": "monthly"}, follow=True)
    assert "its PayPal plan is missing" in answer.content.decode()
    answer = client.post(reverse("billing_subscribe"), {"tier": "gold", "period": "monthly"}, follow=True)
    assert "There is no plan called &#x27;gold&#x27;" in answer.content.decode()
    answer = client.post(reverse("billing_subscribe"), {"tier": "pro", "period": "weekly"}, follow=True)
    assert "monthly or yearly, not &#x27;weekly&#x27;" in answer.content.decode()


def test_the_landing_page_links_to_pricing(client: Client):
    assert reverse("pricing") in client.get(reverse("home")).content.decode()


def test_the_subscribe_form_may_lead_on_to_paypals_approval_page_and_nowhere_else(client: Client, settings):
    policy = client.get(reverse("pricing"))["Content-Security-Policy"]
    assert f"form-action 'self' {settings.PAYPAL.approval_origin};" in policy + ";"
    assert "form-action 'self';" in client.get(reverse("home"))["Content-Security-Policy"] + ";"
