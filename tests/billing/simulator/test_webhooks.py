"""Webhook delivery (retries, re-sending, the record of every delivery), signature verification, the
dashboard's buttons, and a state file that outlives a restart."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import httpx

from tests.billing.local_paypal import (
    WEBHOOK_ID,
    Receiver,
    Simulator,
    active_subscription,
    plan_create,
    signature_valid,
    subscription_create,
)


def _deliveries(simulator: Simulator, event_type: str) -> list[dict]:
    return [d for d in simulator.http.get("/simulator/deliveries").json() if d["event_type"] == event_type]


def _settled(simulator: Simulator, event_type: str, attempts: int) -> dict:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = _deliveries(simulator, event_type)
        if found and found[0]["attempts"] >= attempts and found[0]["delivered"]:
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"{event_type} was not delivered in {attempts} attempts: {found}")


def test_a_refused_delivery_is_retried_and_any_event_can_be_sent_again(
    simulator: Simulator, receiver: Receiver
):
    receiver.failures = 2
    api = simulator.api()
    created = subscription_create(api, plan_create(api))
    delivery = _settled(simulator, "BILLING.SUBSCRIPTION.CREATED", attempts=3)
    assert delivery["status_code"] == 200
    assert delivery["resource_id"] == created["id"]
    assert delivery["event_id"].startswith("WH-") and delivery["time"].endswith("Z")
    assert len(receiver.events("BILLING.SUBSCRIPTION.CREATED")) == 1

    resent = simulator.http.post(f"/simulator/deliveries/{delivery['event_id']}/resend")
    assert resent.status_code == 202
    again = receiver.wait("BILLING.SUBSCRIPTION.CREATED", count=2)
    assert again[0] == again[1]
    assert _settled(simulator, "BILLING.SUBSCRIPTION.CREATED", attempts=4)["status_code"] == 200
    first, second = receiver.posts[0].headers, receiver.posts[1].headers
    assert first["PAYPAL-TRANSMISSION-ID"] != second["PAYPAL-TRANSMISSION-ID"]
    assert all(signature_valid(post) for post in receiver.posts)


def test_an_unreachable_app_is_recorded(start, receiver: Receiver):
    simulator = start("--webhook-url", "http://127.0.0.1:9/nowhere/")
    api = simulator.api()
    subscription_create(api, plan_create(api))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (
        (found := _deliveries(simulator, "BILLING.SUBSCRIPTION.CREATED")) and found[0]["attempts"] >= 4
    ):
        time.sleep(0.1)
    assert found[0]["attempts"] == 4
    assert found[0]["status_code"] is None and found[0]["error"] and not found[0]["delivered"]


def test_verify_webhook_signature_says_success_only_for_its_own_signature(
    simulator: Simulator, receiver: Receiver
):
    api = simulator.api()
    subscription_create(api, plan_create(api))
    receiver.wait("BILLING.SUBSCRIPTION.CREATED")
    post = receiver.posts[0]
    request = {
        "auth_algo": post.headers["PAYPAL-AUTH-ALGO"],
        "cert_url": post.headers["PAYPAL-CERT-URL"],
        "transmission_id": post.headers["PAYPAL-TRANSMISSION-ID"],
        "transmission_sig": post.headers["PAYPAL-TRANSMISSION-SIG"],
        "transmission_time": post.headers["PAYPAL-TRANSMISSION-TIME"],
        "webhook_id": WEBHOOK_ID,
        "webhook_event": json.loads(post.body),
    }

    def verdict(**changes: object) -> str:
        answer = api.post("/v1/notifications/verify-webhook-signature", json={**request, **changes})
        assert answer.status_code == 200, answer.text
        return str(answer.json()["verification_status"])

    assert verdict() == "SUCCESS"
    assert verdict(webhook_id="WH-ANOTHER-WEBHOOK") == "FAILURE"
    assert verdict(webhook_event={**request["webhook_event"], "summary": "forged"}) == "FAILURE"
    assert verdict(transmission_id="another") == "FAILURE"
    assert simulator.http.post("/v1/notifications/verify-webhook-signature", json=request).status_code == 401


def test_the_dashboard_shows_subscriptions_and_its_buttons_act(simulator: Simulator, receiver: Receiver):
    api = simulator.api()
    subscription = active_subscription(simulator, api, price="7.00")
    page = simulator.http.get("/simulator/")
    assert page.status_code == 200
    assert "Local PayPal simulator — no real money" in page.text
    assert subscription["id"] in page.text and "7.00 USD / month" in page.text
    for label in (
        "Fail next payment",
        "Advance one billing cycle",
        "Refund last payment",
        "Expire",
        "Re-send",
    ):
        assert label in page.text

    base = f"/simulator/subscriptions/{subscription['id']}"
    pressed = simulator.http.post(f"{base}/fail-next-payment", data={"from": "dashboard"})
    assert (pressed.status_code, pressed.headers["Location"]) == (303, "/simulator/")
    assert "next payment fails" in simulator.http.get("/simulator/").text
    simulator.http.post(f"{base}/advance-cycle", data={"from": "dashboard"})
    assert (
        api.get(f"/v1/billing/subscriptions/{subscription['id']}").json()["billing_info"][
            "failed_payments_count"
        ]
        == 1
    )
    simulator.http.post(f"{base}/expire", data={"from": "dashboard"})
    refused = simulator.http.post(f"{base}/expire", data={"from": "dashboard"})
    assert refused.status_code == 303 and "error=" in refused.headers["Location"]
    assert "Invalid subscription status" in simulator.http.get(refused.headers["Location"]).text


def test_the_state_file_keeps_everything_across_a_restart(start, receiver: Receiver, tmp_path: Path):
    state = tmp_path / "paypal.json"
    first = start("--state", str(state))
    api = first.api()
    subscription = active_subscription(first, api)
    receiver.wait("BILLING.SUBSCRIPTION.ACTIVATED")
    cached_cert = httpx.get(receiver.posts[0].headers["PAYPAL-CERT-URL"]).content  # as the app caches it
    first.process.send_signal(signal.SIGTERM)
    assert first.process.wait(timeout=20) == 0

    second = start("--state", str(state))
    api = second.api()
    again = api.get(f"/v1/billing/subscriptions/{subscription['id']}").json()
    assert again["status"] == "ACTIVE" and again["plan_id"] == subscription["plan_id"]
    assert again["billing_info"] == subscription["billing_info"]
    assert len(_deliveries(second, "BILLING.SUBSCRIPTION.ACTIVATED")) == 1

    second.control(subscription["id"], "advance-cycle")
    receiver.wait("PAYMENT.SALE.COMPLETED", count=2)
    after = receiver.posts[-1]
    assert after.headers["PAYPAL-CERT-URL"].startswith(second.base_url)
    assert signature_valid(after, cert_pem=cached_cert)  # the same key signs after the restart
