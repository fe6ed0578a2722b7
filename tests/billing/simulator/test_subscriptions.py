"""A subscription's life on the local PayPal: approval, billing, failures and suspension, reactivation,
revision, refunds and expiry — each with the webhooks PayPal would send, signed."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from tests.billing.local_paypal import (
    Receiver,
    Simulator,
    active_subscription,
    approval_press,
    link,
    plan_create,
    signature_valid,
    subscription_create,
)


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_approving_activates_takes_the_first_payment_and_returns_to_the_app(
    simulator: Simulator, receiver: Receiver
):
    api = simulator.api()
    plan_id = plan_create(api, price="19.00", unit="MONTH")
    created = subscription_create(api, plan_id)
    assert re.fullmatch(r"I-[A-Z0-9]{12}", created["id"])
    assert (created["status"], created["plan_id"], created["custom_id"]) == (
        "APPROVAL_PENDING",
        plan_id,
        "user-42",
    )
    approve = link(created, "approve")
    assert re.fullmatch(
        rf"{simulator.base_url}/webapps/billing/subscriptions\?ba_token=BA-[A-Z0-9]{{17}}", approve
    )
    assert "billing_info" not in api.get(f"/v1/billing/subscriptions/{created['id']}").json()

    page = simulator.http.get(approve)
    assert "Pro" in page.text and "19.00 USD / month" in page.text and "no real money" in page.text

    answer = approval_press(simulator, approve)
    assert answer.status_code == 303
    back = urlsplit(answer.headers["Location"])
    assert (back.netloc, back.path) == ("app.test", "/billing/return/")
    params = parse_qs(back.query)
    assert params["subscription_id"] == [created["id"]] and params["next"] == ["studio"]
    assert params["ba_token"][0].startswith("BA-") and params["token"]

    subscription = api.get(f"/v1/billing/subscriptions/{created['id']}").json()
    info = subscription["billing_info"]
    assert subscription["status"] == "ACTIVE"
    assert subscription["subscriber"]["email_address"] == "ada@example.com"
    assert subscription["subscriber"]["payer_id"]
    assert info["last_payment"]["amount"] == {"currency_code": "USD", "value": "19.00"}
    assert info["outstanding_balance"]["value"] == "0.00" and info["failed_payments_count"] == 0
    assert info["cycle_executions"][0]["cycles_completed"] == 1
    start, due = _time(subscription["start_time"]), _time(info["next_billing_time"])
    assert due.day == start.day and (due.month - start.month) % 12 == 1

    activated = receiver.wait("BILLING.SUBSCRIPTION.ACTIVATED")[0]
    assert receiver.types(created["id"]) == ["BILLING.SUBSCRIPTION.CREATED", "BILLING.SUBSCRIPTION.ACTIVATED"]
    assert receiver.types() == [
        "BILLING.SUBSCRIPTION.CREATED",
        "PAYMENT.SALE.COMPLETED",
        "BILLING.SUBSCRIPTION.ACTIVATED",
    ]
    assert activated["resource"] == {**subscription, "links": activated["resource"]["links"]}
    sale = receiver.events("PAYMENT.SALE.COMPLETED")[0]
    assert re.fullmatch(r"WH-[A-Z0-9]{17}-[A-Z0-9]{17}", sale["id"])
    assert sale["resource_type"] == "sale"
    assert re.fullmatch(r"[A-Z0-9]{17}", sale["resource"]["id"])
    assert sale["resource"]["billing_agreement_id"] == created["id"]
    assert sale["resource"]["amount"] == {
        "total": "19.00",
        "currency": "USD",
        "details": {"subtotal": "19.00"},
    }
    assert (sale["resource"]["state"], sale["resource"]["custom"]) == ("completed", "user-42")

    for post in receiver.posts:
        assert post.headers["PAYPAL-AUTH-ALGO"] == "SHA256withRSA"
        assert (
            post.headers["PAYPAL-CERT-URL"]
            == f"{simulator.base_url}/v1/notifications/certs/CERT-simulator.pem"
        )
        assert signature_valid(post)
        assert not signature_valid(post, webhook_id="WH-SOMEONE-ELSE")

    transactions = api.get(f"/v1/billing/subscriptions/{created['id']}/transactions").json()["transactions"]
    assert [(t["status"], t["amount_with_breakdown"]["gross_amount"]["value"]) for t in transactions] == [
        ("COMPLETED", "19.00")
    ]


def test_cancel_on_the_approval_page_goes_back_and_leaves_it_pending(
    simulator: Simulator, receiver: Receiver
):
    api = simulator.api()
    created = subscription_create(api, plan_create(api))
    answer = approval_press(simulator, link(created, "approve"), button="cancel")
    assert answer.status_code == 303
    back = urlsplit(answer.headers["Location"])
    assert (back.netloc, back.path) == ("app.test", "/pricing/")
    assert parse_qs(back.query)["subscription_id"] == [created["id"]]
    assert api.get(f"/v1/billing/subscriptions/{created['id']}").json()["status"] == "APPROVAL_PENDING"


def test_moves_paypal_does_not_allow_are_refused(simulator: Simulator, receiver: Receiver):
    api = simulator.api()
    pending = subscription_create(api, plan_create(api))
    refused = api.post(f"/v1/billing/subscriptions/{pending['id']}/cancel", json={"reason": "bye"})
    assert refused.status_code == 422
    assert refused.json()["name"] == "UNPROCESSABLE_ENTITY"
    assert refused.json()["details"][0]["issue"] == "SUBSCRIPTION_STATUS_INVALID"

    subscription = active_subscription(simulator, api)
    path = f"/v1/billing/subscriptions/{subscription['id']}"
    moves = [("activate", 422), ("suspend", 204), ("suspend", 422), ("activate", 204), ("cancel", 204)]
    moves += [("activate", 422), ("suspend", 422), ("cancel", 422)]
    assert [
        (move, api.post(f"{path}/{move}", json={"reason": "r"}).status_code) for move, _ in moves
    ] == moves
    final = api.get(path).json()
    assert final["status"] == "CANCELLED"
    assert final["status_update_time"] == final["update_time"]
    receiver.wait("BILLING.SUBSCRIPTION.CANCELLED")
    assert receiver.types(subscription["id"])[-3:] == [
        "BILLING.SUBSCRIPTION.SUSPENDED",
        "BILLING.SUBSCRIPTION.ACTIVATED",
        "BILLING.SUBSCRIPTION.CANCELLED",
    ]
    assert simulator.control(subscription["id"], "advance-cycle").status_code == 422


def test_failed_payments_suspend_at_the_threshold_and_paying_reactivates(
    simulator: Simulator, receiver: Receiver
):
    api = simulator.api()
    subscription = active_subscription(simulator, api, price="10.00", threshold=2)
    identifier = subscription["id"]
    first_due = _time(subscription["billing_info"]["next_billing_time"])

    assert simulator.control(identifier, "fail-next-payment").status_code == 200
    failed = simulator.control(identifier, "advance-cycle").json()
    info = failed["billing_info"]
    assert failed["status"] == "ACTIVE"
    assert (info["failed_payments_count"], info["outstanding_balance"]["value"]) == (1, "10.00")
    assert info["last_failed_payment"]["reason_code"] == "PAYMENT_DENIED"
    assert info["last_failed_payment"]["amount"]["value"] == "10.00"
    retry = _time(info["last_failed_payment"]["next_payment_retry_time"])
    assert (retry - _time(info["last_failed_payment"]["time"])).days == 3
    assert _time(info["next_billing_time"]) > first_due
    assert receiver.wait("BILLING.SUBSCRIPTION.PAYMENT.FAILED")[0]["resource"]["id"] == identifier

    simulator.control(identifier, "fail-next-payment")
    suspended = simulator.control(identifier, "advance-cycle").json()  # PayPal's retry: no new period
    assert suspended["status"] == "SUSPENDED"
    assert suspended["billing_info"]["failed_payments_count"] == 2
    assert suspended["billing_info"]["outstanding_balance"]["value"] == "10.00"
    receiver.wait("BILLING.SUBSCRIPTION.SUSPENDED")

    simulator.control(identifier, "fail-next-payment")
    declined = api.post(f"/v1/billing/subscriptions/{identifier}/activate", json={"reason": "paid?"})
    assert declined.status_code == 422
    assert declined.json()["name"] == "UNPROCESSABLE_ENTITY"
    assert api.get(f"/v1/billing/subscriptions/{identifier}").json()["status"] == "SUSPENDED"

    assert (
        api.post(f"/v1/billing/subscriptions/{identifier}/activate", json={"reason": "paid"}).status_code
        == 204
    )
    active = api.get(f"/v1/billing/subscriptions/{identifier}").json()
    assert active["status"] == "ACTIVE"
    assert active["billing_info"]["outstanding_balance"]["value"] == "0.00"
    assert active["billing_info"]["failed_payments_count"] == 0
    assert active["billing_info"]["last_payment"]["amount"]["value"] == "10.00"
    receiver.wait("BILLING.SUBSCRIPTION.ACTIVATED", resource_id=identifier, count=2)

    statuses = [
        (t["status"], t["amount_with_breakdown"]["gross_amount"]["value"])
        for t in api.get(f"/v1/billing/subscriptions/{identifier}/transactions").json()["transactions"]
    ]
    assert statuses == [
        ("COMPLETED", "10.00"),
        ("DECLINED", "10.00"),
        ("DECLINED", "10.00"),  # the retry of what failed, not a second period
        ("DECLINED", "10.00"),
        ("COMPLETED", "10.00"),
    ]

    paid = simulator.control(identifier, "advance-cycle").json()
    assert paid["billing_info"]["cycle_executions"][0]["cycles_completed"] == 2
    assert paid["billing_info"]["last_payment"]["amount"]["value"] == "10.00"


def test_a_suspended_subscription_that_pays_on_the_next_cycle_is_active_again(
    simulator: Simulator, receiver: Receiver
):
    api = simulator.api()
    identifier = active_subscription(simulator, api, price="5.00", threshold=1)["id"]
    simulator.control(identifier, "fail-next-payment")
    assert simulator.control(identifier, "advance-cycle").json()["status"] == "SUSPENDED"
    retried = simulator.control(identifier, "advance-cycle").json()
    assert retried["status"] == "ACTIVE"
    assert retried["billing_info"]["last_payment"]["amount"]["value"] == "5.00"
    receiver.wait("BILLING.SUBSCRIPTION.ACTIVATED", resource_id=identifier, count=2)


def test_a_revision_approved_switches_the_plan_and_its_price_applies_from_the_next_cycle(
    simulator: Simulator, receiver: Receiver
):
    api = simulator.api()
    subscription = active_subscription(simulator, api, price="9.00")
    bigger = plan_create(api, price="29.00", name="Studio")
    revised = api.post(
        f"/v1/billing/subscriptions/{subscription['id']}/revise",
        json={"plan_id": bigger, "application_context": {"return_url": "http://app.test/upgraded/"}},
    )
    assert revised.status_code == 200
    body = revised.json()
    assert (body["plan_id"], body["plan_overridden"]) == (bigger, False)
    assert body["effective_time"] == subscription["billing_info"]["next_billing_time"]
    assert (
        api.get(f"/v1/billing/subscriptions/{subscription['id']}").json()["plan_id"]
        == subscription["plan_id"]
    )

    page = simulator.http.get(link(body, "approve"))
    assert "Studio" in page.text and "29.00 USD / month" in page.text
    answer = approval_press(simulator, link(body, "approve"))
    assert urlsplit(answer.headers["Location"]).path == "/upgraded/"
    assert api.get(f"/v1/billing/subscriptions/{subscription['id']}").json()["plan_id"] == bigger
    updated = receiver.wait("BILLING.SUBSCRIPTION.UPDATED")[0]
    assert updated["resource"]["plan_id"] == bigger

    billed = simulator.control(subscription["id"], "advance-cycle").json()
    assert billed["billing_info"]["last_payment"]["amount"]["value"] == "29.00"


def test_a_revision_cancelled_on_the_approval_page_keeps_the_plan(simulator: Simulator, receiver: Receiver):
    api = simulator.api()
    subscription = active_subscription(simulator, api)
    revised = api.post(
        f"/v1/billing/subscriptions/{subscription['id']}/revise",
        json={
            "plan_id": plan_create(api, name="Studio"),
            "application_context": {"cancel_url": "http://app.test/x/"},
        },
    ).json()
    answer = approval_press(simulator, link(revised, "approve"), button="cancel")
    assert urlsplit(answer.headers["Location"]).path == "/x/"
    assert (
        api.get(f"/v1/billing/subscriptions/{subscription['id']}").json()["plan_id"]
        == subscription["plan_id"]
    )
    assert simulator.http.get(link(revised, "approve")).status_code == 404
    recorded = [d["event_type"] for d in simulator.http.get("/simulator/deliveries").json()]  # at emission
    assert "BILLING.SUBSCRIPTION.ACTIVATED" in recorded and "BILLING.SUBSCRIPTION.UPDATED" not in recorded


def test_refund_and_expiry(simulator: Simulator, receiver: Receiver):
    api = simulator.api()
    subscription = active_subscription(simulator, api, price="12.00", unit="YEAR")
    start, due = _time(subscription["start_time"]), _time(subscription["billing_info"]["next_billing_time"])
    assert (due.year - start.year, due.month) == (1, start.month)

    assert simulator.control(subscription["id"], "refund-last-payment").status_code == 200
    refunded = receiver.wait("PAYMENT.SALE.REFUNDED")[0]["resource"]
    assert (refunded["billing_agreement_id"], refunded["amount"]["total"]) == (subscription["id"], "12.00")
    transactions = api.get(f"/v1/billing/subscriptions/{subscription['id']}/transactions").json()[
        "transactions"
    ]
    assert [t["status"] for t in transactions] == ["REFUNDED"]
    assert transactions[0]["id"] == refunded["id"]
    assert simulator.control(subscription["id"], "refund-last-payment").status_code == 422

    expired = simulator.control(subscription["id"], "expire").json()
    assert expired["status"] == "EXPIRED"
    assert receiver.wait("BILLING.SUBSCRIPTION.EXPIRED")[0]["resource"]["status"] == "EXPIRED"
    assert simulator.control(subscription["id"], "expire").status_code == 422
    assert _time(expired["status_update_time"]) <= datetime.now(UTC)
