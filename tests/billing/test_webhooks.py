"""PayPal's webhooks at /billing/paypal/webhook/: only PayPal's are taken (signature, webhook id, certificate
host), each is stored once by event id and applied once, in whatever order and however often it arrives."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client

from animagenius.billing import checkout, gateway
from animagenius.billing.events import webhook_event_apply
from animagenius.billing.models import Payment, Subscription, SubscriptionChange, WebhookEvent
from animagenius.billing.paypal.errors import PayPalUnavailable
from animagenius.billing.plans import Period
from animagenius.billing.tasks import webhooks_sweep
from tests.billing.local_paypal import LocalPayPal, webhook_post
from tests.factories import user_create

pytestmark = pytest.mark.django_db

RETURN, CANCEL = "http://testserver/billing/return/", "http://testserver/billing/approval-cancelled/"


def _active(paypal: LocalPayPal) -> str:
    user = user_create()
    approve_url = checkout.subscription_start(
        user=user, tier="pro", period=Period.MONTHLY, return_url=RETURN, cancel_url=CANCEL
    )
    paypal.approve(approve_url)
    return str(Subscription.objects.get(user=user).paypal_subscription_id)


def test_a_forged_or_foreign_delivery_gets_400_and_changes_nothing(
    paypal: LocalPayPal, client: Client, settings
):
    post = paypal.delivery("BILLING.SUBSCRIPTION.ACTIVATED", _active(paypal))
    forged = type(post)(post.headers, post.body.replace(b'"ACTIVE"', b'"CANCELLED"'))
    answers = {
        "forged body": webhook_post(client, forged),
        "another signature": webhook_post(client, post, paypal_transmission_sig="QUJD" * 64),
        "cert on another host": webhook_post(
            client, post, paypal_cert_url="https://evil.example.com/v1/notifications/certs/CERT-simulator.pem"
        ),
        "cert on a PayPal look-alike": webhook_post(
            client, post, paypal_cert_url="https://api.paypal.com.evil.example/cert.pem"
        ),
        "other algorithm": webhook_post(client, post, paypal_auth_algo="SHA1withRSA"),
        "no headers": client.post(
            "/billing/paypal/webhook/", data=post.body, content_type="application/json"
        ),
    }
    settings.PAYPAL = type(settings.PAYPAL)(**{**vars(settings.PAYPAL), "webhook_id": "WH-SOMEONE-ELSE"})
    answers["signed for another webhook id"] = webhook_post(client, post)
    for case, answer in answers.items():
        assert answer.status_code == 400, case
        assert answer.content.startswith(b"refused: "), case
    assert not WebhookEvent.objects.exists()


def test_a_replayed_event_is_stored_and_applied_once(paypal: LocalPayPal, client: Client):
    paypal_id = _active(paypal)
    for _ in range(3):
        assert paypal.deliver(client, "BILLING.SUBSCRIPTION.ACTIVATED", paypal_id).status_code == 200
    event = WebhookEvent.objects.get()
    assert event.deliveries == 3 and event.applied_at is None
    first = webhook_event_apply(event_id=event.event_id)
    assert first.startswith(f"subscription {paypal_id}: ") and "active" in first
    assert webhook_event_apply(event_id=event.event_id).startswith("already applied")
    assert paypal.deliver(client, "BILLING.SUBSCRIPTION.ACTIVATED", paypal_id).status_code == 200
    assert SubscriptionChange.objects.filter(source__startswith=f"webhook {event.event_id}").count() == 1


def test_an_activated_arriving_after_a_cancelled_does_not_revive_it(paypal: LocalPayPal, client: Client):
    paypal_id = _active(paypal)
    gateway.paypal().subscription_cancel(paypal_id, reason="changed my mind")
    paypal.deliver(client, "BILLING.SUBSCRIPTION.CANCELLED", paypal_id)
    paypal.apply_all()
    paypal.deliver(client, "BILLING.SUBSCRIPTION.ACTIVATED", paypal_id)
    paypal.deliver(client, "BILLING.SUBSCRIPTION.CREATED", paypal_id)
    outcomes = paypal.apply_all()
    assert all("nothing new (cancelled)" in outcome for outcome in outcomes), outcomes
    assert Subscription.objects.get(paypal_subscription_id=paypal_id).status == Subscription.Status.CANCELLED


def test_a_refund_is_not_undone_by_a_late_completed(paypal: LocalPayPal, client: Client):
    paypal_id = _active(paypal)
    paypal.simulator.control(paypal_id, "refund-last-payment")
    paypal.deliver(client, "PAYMENT.SALE.REFUNDED", paypal_id)
    paypal.apply_all()
    paypal.deliver(client, "PAYMENT.SALE.COMPLETED", paypal_id)
    paypal.apply_all()
    payment = Payment.objects.get(subscription__paypal_subscription_id=paypal_id)
    assert payment.status == Payment.Status.REFUNDED and str(payment.amount) == "19.00"


def test_an_event_type_we_do_not_act_on_is_answered_200_and_kept_as_ignored(
    paypal: LocalPayPal, client: Client, caplog
):
    sent = paypal.simulator.http.post(
        "/simulator/webhooks/send",
        json={"event_type": "CUSTOMER.DISPUTE.CREATED", "resource": {"id": "PP-D-4242"}},
    )
    assert sent.status_code == 202, sent.text
    post = paypal.receiver_post(sent.json()["event_id"])
    with caplog.at_level("INFO", logger="animagenius.billing.events"):
        assert webhook_post(client, post).status_code == 200
    event = WebhookEvent.objects.get()
    assert event.event_type == "CUSTOMER.DISPUTE.CREATED" and event.applied_at is not None
    assert event.outcome.startswith("ignored") and "not one we act on" in caplog.text
    assert webhook_event_apply(event_id=event.event_id).startswith("already applied: ignored")


def test_an_event_waits_while_paypal_is_down_and_the_sweep_applies_it(
    paypal: LocalPayPal, client: Client, settings
):
    paypal_id = _active(paypal)
    paypal.deliver(client, "BILLING.SUBSCRIPTION.ACTIVATED", paypal_id)
    event = WebhookEvent.objects.get()
    working = settings.PAYPAL
    settings.PAYPAL = type(working)(**{**vars(working), "base_url": "http://127.0.0.1:9", "timeout_s": 2.0})
    with pytest.raises(PayPalUnavailable):
        webhook_event_apply(event_id=event.event_id)
    event.refresh_from_db()
    assert event.applied_at is None
    settings.PAYPAL = working
    WebhookEvent.objects.filter(pk=event.pk).update(created_at=event.created_at.replace(year=2025))
    assert webhooks_sweep() == 1
    event.refresh_from_db()
    assert event.applied_at is not None and "active" in event.outcome


@pytest.mark.django_db(transaction=True)
def test_ten_parallel_deliveries_of_one_event_are_applied_once(settings, start, receiver):
    paypal = LocalPayPal.ready(settings=settings, simulator=start(), receiver=receiver)
    paypal_id = _active(paypal)
    post = paypal.delivery("BILLING.SUBSCRIPTION.ACTIVATED", paypal_id)
    answers = _in_parallel(10, lambda: webhook_post(Client(), post).status_code)
    assert answers == [200] * 10
    event = WebhookEvent.objects.get()
    assert event.deliveries == 10
    outcomes = _in_parallel(10, lambda: webhook_event_apply(event_id=event.event_id))
    assert sum(not outcome.startswith("already applied") for outcome in outcomes) == 1, outcomes
    assert SubscriptionChange.objects.filter(source__startswith=f"webhook {event.event_id}").count() == 1
    assert Subscription.objects.get(paypal_subscription_id=paypal_id).status == Subscription.Status.ACTIVE


def _in_parallel(count: int, call: Callable[[], object]) -> list:
    results: list = []
    ready = threading.Barrier(count)

    def run() -> None:
        try:
            ready.wait()
            results.append(call())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
