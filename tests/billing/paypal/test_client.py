"""The PayPal client against a PayPal on 127.0.0.1 that speaks docs/billing.md's wire format: one token for
many calls (refreshed when it expires or is refused), PayPal's errors as typed exceptions carrying its
debug_id, money as Decimal, whole lists across pages, and idempotency keys sent."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from animagenius.billing.paypal.client import PayPalClient
from animagenius.billing.paypal.errors import (
    PayPalAuthFailed,
    PayPalNotFound,
    PayPalRefused,
    PayPalUnavailable,
)
from animagenius.billing.paypal.settings import PayPalSettings
from animagenius.billing.paypal.types import LastPayment, Money
from tests.billing.paypal.fake_paypal import CLIENT_ID, CLIENT_SECRET, FakePayPal, fake_paypal_start

USD = "USD"
TOKEN_PATH = r"/v1/oauth2/token"


@pytest.fixture
def paypal() -> Iterator[FakePayPal]:
    paypal, server = fake_paypal_start()
    yield paypal
    server.shutdown()
    server.server_close()


def settings_for(url: str, *, secret: str = CLIENT_SECRET) -> PayPalSettings:
    return PayPalSettings.from_env(
        {
            "PAYPAL_API_BASE": url,
            "PAYPAL_CLIENT_ID": CLIENT_ID,
            "PAYPAL_CLIENT_SECRET": secret,
            "PAYPAL_MODE": "local",
        }
    )


@pytest.fixture
def client(paypal: FakePayPal) -> Iterator[PayPalClient]:
    client = PayPalClient(settings_for(paypal.url))
    yield client
    client.close()


def a_plan(client: PayPalClient, *, price: str = "19.00", product_id: str | None = None) -> str:
    product_id = (
        product_id or client.product_create(name="AnimaGenius", description="Videos", request_id="p").id
    )
    return client.plan_create(
        product_id=product_id,
        name="Pro monthly",
        description="120 minutes a month",
        interval_unit="MONTH",
        price=Money(Decimal(price), USD),
        failure_threshold=3,
        request_id=f"plan-{price}-{product_id}",
    ).id


def a_subscription(client: PayPalClient, plan_id: str, *, request_id: str = "sub-1"):
    return client.subscription_create(
        plan_id=plan_id,
        custom_id="user-42",
        email="ada@example.com",
        given_name="Ada",
        surname="Lovelace",
        return_url="http://app.test/billing/return/",
        cancel_url="http://app.test/pricing/",
        request_id=request_id,
    )


def bearer_tokens(paypal: FakePayPal) -> set[str]:
    return {r.headers["authorization"] for r in paypal.received if r.path != TOKEN_PATH}


def test_one_token_serves_many_calls_through_httpx_and_the_sdk(paypal, client):
    plan_id = a_plan(client)
    client.plan_get(plan_id)
    client.products_list()
    subscription = a_subscription(client, plan_id)
    client.subscription_get(subscription.id)
    assert len(paypal.calls("POST", TOKEN_PATH)) == 1
    assert len(bearer_tokens(paypal)) == 1  # products (httpx) and plans/subscriptions (SDK) carry the same


def test_calls_from_many_threads_wait_for_one_token(paypal, client):
    plan_id = a_plan(client)
    fresh = PayPalClient(settings_for(paypal.url))
    answers: list[object] = []
    threads = [threading.Thread(target=lambda: answers.append(fresh.plan_get(plan_id))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 8
    assert len(paypal.calls("POST", TOKEN_PATH)) == 2  # the first client's and the fresh one's
    fresh.close()


def test_a_token_is_fetched_again_shortly_before_it_expires(paypal, client):
    paypal.token_lifetime_s = 4  # reused for 3.6 s
    plan_id = a_plan(client)
    assert len(paypal.calls("POST", TOKEN_PATH)) == 1
    first_token = bearer_tokens(paypal)
    time.sleep(4.0)  # past our 3.6 s and PayPal's 4 s: a token sent now would be refused
    client.plan_get(plan_id)  # the SDK asks our cache, which has let the token go
    client.products_list()
    assert len(paypal.calls("POST", TOKEN_PATH)) == 2
    after = paypal.received[-2:]
    assert [r.path for r in after] == [f"/v1/billing/plans/{plan_id}", "/v1/catalogs/products"]  # no retry
    assert len({r.headers["authorization"] for r in after} | first_token) == 2


def test_a_refused_token_is_replaced_once_and_the_call_repeated(paypal, client):
    plan_id = a_plan(client)
    paypal.revoke_tokens()
    assert client.products_list()  # httpx: 401, new token, again
    assert len(paypal.calls("POST", TOKEN_PATH)) == 2
    paypal.revoke_tokens()
    assert client.plan_get(plan_id).id == plan_id  # the SDK: 401, new token, again
    assert len(paypal.calls("POST", TOKEN_PATH)) == 3
    assert len(paypal.calls("GET", r"/v1/billing/plans/.*")) == 2


def test_wrong_credentials_are_an_auth_failure_naming_paypals_error(paypal):
    client = PayPalClient(settings_for(paypal.url, secret="wrong"))
    with pytest.raises(PayPalAuthFailed, match=r"POST /v1/oauth2/token: PayPal answered 401 invalid_client"):
        client.products_list()
    with pytest.raises(PayPalAuthFailed):
        client.subscription_get("I-0001")


def test_an_unknown_resource_is_not_found_with_paypals_debug_id(paypal, client):
    with pytest.raises(PayPalNotFound) as httpx_error:
        client.product_update("PROD-404", description="x")
    with pytest.raises(PayPalNotFound) as sdk_error:
        client.subscription_get("I-404")
    for error in (httpx_error.value, sdk_error.value):
        assert error.name == "RESOURCE_NOT_FOUND" and error.status == 404
        assert error.debug_id and error.debug_id.startswith("dbg")
        assert error.debug_id in str(error) and "RESOURCE_NOT_FOUND" in str(error)
    assert "GET /v1/billing/subscriptions/{id}" in str(sdk_error.value)


def test_a_move_the_state_does_not_allow_is_refused_with_the_issue(paypal, client):
    subscription = a_subscription(client, a_plan(client))
    with pytest.raises(PayPalRefused) as refused:
        client.subscription_suspend(subscription.id, reason="Asked by the subscriber")
    assert not isinstance(refused.value, PayPalNotFound)
    assert (refused.value.status, refused.value.issue) == (422, "SUBSCRIPTION_STATUS_INVALID")
    assert refused.value.debug_id and refused.value.debug_id in str(refused.value)


def test_paypal_down_or_failing_is_unavailable(paypal, client):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(PayPalUnavailable, match="did not answer"):
        PayPalClient(settings_for(closed_url)).products_list()

    paypal.fail_next_with = 503
    with pytest.raises(PayPalUnavailable) as failing:
        client.products_list()
    assert failing.value.status == 503 and "INTERNAL_SERVICE_ERROR" in str(failing.value)
    paypal.fail_next_with = 500
    with pytest.raises(PayPalUnavailable):
        client.subscription_get("I-1")


def test_paypal_going_away_between_calls_is_unavailable_to_the_sdk_too():
    paypal, server = fake_paypal_start()
    client = PayPalClient(settings_for(paypal.url))
    plan_id = a_plan(client)
    server.shutdown()
    server.server_close()
    with pytest.raises(PayPalUnavailable, match=r"GET /v1/billing/plans/\{id\}: PayPal did not answer"):
        client.plan_get(plan_id)


def test_prices_travel_as_decimal_strings_and_come_back_as_decimal(paypal, client):
    plan_id = a_plan(client, price="19.90")
    sent = paypal.calls("POST", r"/v1/billing/plans")[0].body
    assert sent["billing_cycles"][0]["pricing_scheme"]["fixed_price"] == {
        "currency_code": USD,
        "value": "19.90",
    }
    assert sent["billing_cycles"][0]["total_cycles"] == 0  # billed until cancelled
    plan = client.plan_get(plan_id)
    assert plan.price == Money(Decimal("19.90"), USD) and isinstance(plan.price.value, Decimal)
    assert (plan.interval_unit, plan.failure_threshold, plan.status) == ("MONTH", 3, "ACTIVE")

    client.plan_price_update(plan_id, price=Money(Decimal("24.00"), USD))
    assert client.plan_get(plan_id).price == Money(Decimal("24.00"), USD)
    with pytest.raises(TypeError, match="never a float"):
        Money(19.9, USD)  # type: ignore[arg-type]


def test_plan_fields_are_replaced_by_json_patch(paypal, client):
    plan_id = a_plan(client)
    client.plan_update(plan_id, name="Pro", failure_threshold=2)
    plan = client.plan_get(plan_id)
    assert (plan.name, plan.description, plan.failure_threshold) == ("Pro", "120 minutes a month", 2)
    with pytest.raises(ValueError, match="at least one"):
        client.plan_update(plan_id)


@pytest.mark.parametrize("page_totals", [True, False], ids=["by total_pages", "by next links"])
def test_lists_are_read_across_every_page(paypal, client, page_totals):
    paypal.page_totals = page_totals
    names = [f"Product {n}" for n in range(45)]
    for n, name in enumerate(names):
        client.product_create(name=name, description="d", request_id=f"product-{n}")
    assert [product.name for product in client.products_list()] == names
    assert [r.query["page"] for r in paypal.calls("GET", r"/v1/catalogs/products")] == ["1", "2", "3"]

    product_id, other_id = client.products_list()[0].id, client.products_list()[1].id
    for price in range(21, 44):
        a_plan(client, price=f"{price}.00", product_id=product_id)
    a_plan(client, product_id=other_id)
    plans = client.plans_list(product_id=product_id)
    assert len(plans) == 23 and {plan.product_id for plan in plans} == {product_id}
    assert plans[0].price is None  # the list answer carries no billing cycles
    assert len(paypal.calls("GET", r"/v1/billing/plans")) == 2


def test_creations_carry_an_idempotency_key_and_repeat_safely(paypal, client):
    first = client.product_create(name="AnimaGenius", description="Videos", request_id="product-once")
    again = client.product_create(name="AnimaGenius", description="Videos", request_id="product-once")
    assert first == again and len(paypal.products) == 1
    a_subscription(client, a_plan(client, product_id=first.id), request_id="subscribe-7")
    keys = {(r.method, r.path): r.headers.get("paypal-request-id") for r in paypal.received}
    assert keys[("POST", "/v1/catalogs/products")] == "product-once"
    assert keys[("POST", "/v1/billing/plans")] == f"plan-19.00-{first.id}"
    assert keys[("POST", "/v1/billing/subscriptions")] == "subscribe-7"


def test_a_new_subscription_waits_for_approval_on_paypal(paypal, client):
    plan_id = a_plan(client)
    subscription = a_subscription(client, plan_id)
    assert subscription.status == "APPROVAL_PENDING" and subscription.plan_id == plan_id
    assert subscription.approve_url == f"{paypal.url}/approve?ba_token={subscription.id}"
    assert subscription.custom_id == "user-42"
    assert subscription.status_update_time == datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    assert subscription.last_payment is None and subscription.failed_payments_count == 0
    sent = paypal.calls("POST", r"/v1/billing/subscriptions")[0].body
    assert sent["subscriber"] == {
        "email_address": "ada@example.com",
        "name": {"given_name": "Ada", "surname": "Lovelace"},
    }
    assert sent["application_context"] == {
        "brand_name": "AnimaGenius",
        "user_action": "SUBSCRIBE_NOW",
        "shipping_preference": "NO_SHIPPING",
        "return_url": "http://app.test/billing/return/",
        "cancel_url": "http://app.test/pricing/",
    }


def test_an_active_subscription_reads_its_billing(paypal, client):
    subscription_id = a_subscription(client, a_plan(client)).id
    money = {"currency_code": USD, "value": "19.00"}
    paypal.subscriptions[subscription_id] |= {
        "status": "ACTIVE",
        "status_update_time": "2026-12-07T10:01:00Z",
        "start_time": "2026-12-07T10:00:00Z",
        "update_time": "2026-12-07T11:00:00.250+01:00",
        "billing_info": {
            "outstanding_balance": {"currency_code": USD, "value": "0.00"},
            "cycle_executions": [
                {"tenure_type": "REGULAR", "sequence": 1, "cycles_completed": 1, "total_cycles": 0}
            ],
            "last_payment": {"amount": money, "time": "2026-12-07T10:01:00Z"},
            "next_billing_time": "2027-01-07T10:00:00Z",
            "failed_payments_count": 2,
            "last_failed_payment": {
                "amount": money,
                "time": "2026-12-06T10:00:00Z",
                "reason_code": "PAYMENT_DENIED",
                "next_payment_retry_time": "2026-12-09T10:00:00Z",
            },
        },
    }
    subscription = client.subscription_get(subscription_id)
    assert subscription.status == "ACTIVE"
    assert subscription.last_payment == LastPayment(
        Money(Decimal("19.00"), USD), datetime(2026, 12, 7, 10, 1, tzinfo=UTC)
    )
    assert subscription.update_time == datetime(2026, 12, 7, 10, 0, 0, 250000, tzinfo=UTC)
    assert subscription.update_time.tzinfo == UTC
    assert subscription.next_billing_time == datetime(2027, 1, 7, 10, tzinfo=UTC)
    assert subscription.failed_payments_count == 2
    assert subscription.next_payment_retry_time == datetime(2026, 12, 9, 10, tzinfo=UTC)
    assert subscription.outstanding_balance == Money(Decimal("0.00"), USD)
    assert subscription.subscriber_email == "ada@example.com"


def test_a_plan_change_is_approved_by_the_subscriber(paypal, client):
    subscription_id = a_subscription(client, a_plan(client)).id
    revision = client.subscription_revise(
        subscription_id, plan_id="P-9", return_url="http://app.test/r", cancel_url="http://app.test/c"
    )
    assert revision.plan_id == "P-9"
    assert revision.effective_time == datetime(2026, 12, 7, 10, 5, tzinfo=UTC)
    assert revision.approve_url == f"{paypal.url}/approve?revision={subscription_id}"


def test_suspend_activate_cancel_follow_paypals_state(paypal, client):
    subscription_id = a_subscription(client, a_plan(client)).id
    paypal.subscriptions[subscription_id]["status"] = "ACTIVE"
    client.subscription_suspend(subscription_id, reason="Asked by the subscriber")
    assert client.subscription_get(subscription_id).status == "SUSPENDED"
    client.subscription_activate(subscription_id, reason="Back")
    client.subscription_cancel(subscription_id, reason="Leaving")
    assert client.subscription_get(subscription_id).status == "CANCELLED"
    assert paypal.calls("POST", r".*/cancel")[0].body == {"reason": "Leaving"}
    with pytest.raises(PayPalRefused, match="SUBSCRIPTION_STATUS_INVALID"):
        client.subscription_cancel(subscription_id, reason="Twice")


def test_transactions_are_read_with_their_fees(paypal, client):
    subscription_id = a_subscription(client, a_plan(client)).id
    paypal.transactions[subscription_id] = [
        {
            "id": "5O190127TN364715T",
            "status": "COMPLETED",
            "amount_with_breakdown": {
                "gross_amount": {"currency_code": USD, "value": "19.00"},
                "fee_amount": {"currency_code": USD, "value": "0.85"},
                "net_amount": {"currency_code": USD, "value": "18.15"},
            },
            "payer_name": {"given_name": "Ada", "surname": "Lovelace"},
            "payer_email": "ada@example.com",
            "time": "2026-12-07T10:01:00Z",
        },
        {
            "id": "DECLINED-1",
            "status": "DECLINED",
            "amount_with_breakdown": {"gross_amount": {"currency_code": USD, "value": "19.00"}},
            "time": "2027-01-07T10:00:00Z",
        },
    ]
    start = datetime(2026, 12, 1, 1, 0, tzinfo=timezone(timedelta(hours=1)))
    paid, declined = client.subscription_transactions(
        subscription_id, start=start, end=datetime(2027, 2, 1, tzinfo=UTC)
    )
    assert (paid.id, paid.status, paid.gross, paid.fee) == (
        "5O190127TN364715T",
        "COMPLETED",
        Money(Decimal("19.00"), USD),
        Money(Decimal("0.85"), USD),
    )
    assert paid.payer_email == "ada@example.com" and paid.time == datetime(2026, 12, 7, 10, 1, tzinfo=UTC)
    assert (declined.status, declined.fee, declined.payer_email) == ("DECLINED", None, None)
    query = paypal.calls("GET", r".*/transactions")[0].query
    assert query == {"start_time": "2026-12-01T00:00:00Z", "end_time": "2027-02-01T00:00:00Z"}


def test_an_answer_not_in_paypals_shape_is_unavailable_not_a_crash(paypal, client):
    subscription_id = a_subscription(client, a_plan(client)).id
    paypal.subscriptions[subscription_id]["status_update_time"] = "yesterday"
    with pytest.raises(PayPalUnavailable, match="in a shape we cannot read"):
        client.subscription_get(subscription_id)
