"""The REST calls answer in PayPal's wire format: tokens, products, plans, errors, idempotent creates."""

from __future__ import annotations

import re
import time

from tests.billing.local_paypal import CLIENT, Simulator, plan_create, subscription_create


def test_a_token_needs_the_app_credentials_and_every_call_a_token(simulator: Simulator):
    wrong = simulator.http.post(
        "/v1/oauth2/token", auth=("sim-client", "nope"), data={"grant_type": "client_credentials"}
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"

    answer = simulator.http.post("/v1/oauth2/token", auth=CLIENT, data={"grant_type": "client_credentials"})
    body = answer.json()
    assert answer.status_code == 200
    assert {"access_token", "token_type", "expires_in", "app_id", "scope", "nonce"} <= set(body)
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 32400)

    anonymous = simulator.http.get("/v1/catalogs/products")
    assert anonymous.status_code == 401
    assert anonymous.json()["name"] == "AUTHENTICATION_FAILURE"
    forged = simulator.http.get("/v1/catalogs/products", headers={"Authorization": "Bearer A21AAforged"})
    assert forged.status_code == 401
    allowed = simulator.http.get(
        "/v1/catalogs/products", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert allowed.status_code == 200


def test_a_token_stops_working_when_it_expires(start):
    simulator = start("--token-ttl", "1")
    api = simulator.api()
    assert api.get("/v1/catalogs/products").status_code == 200
    time.sleep(1.5)
    expired = api.get("/v1/catalogs/products")
    assert expired.status_code == 401
    assert expired.json()["name"] == "AUTHENTICATION_FAILURE"


def test_products_and_plans_in_paypals_shapes(simulator: Simulator):
    api = simulator.api()
    product = api.post(
        "/v1/catalogs/products",
        json={"name": "AnimaGenius", "description": "Videos", "type": "SERVICE", "category": "SOFTWARE"},
    )
    assert product.status_code == 201
    body = product.json()
    assert re.fullmatch(r"PROD-[A-Z0-9]{24}", body["id"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["create_time"])
    assert {"name", "description", "type", "category", "update_time", "links"} <= set(body)

    patched = api.patch(
        f"/v1/catalogs/products/{body['id']}",
        json=[{"op": "replace", "path": "/description", "value": "New"}],
    )
    assert patched.status_code == 204
    assert api.get(f"/v1/catalogs/products/{body['id']}").json()["description"] == "New"

    plan_ids = [plan_create(api, name=f"Plan {n}") for n in range(3)]
    plan = api.get(f"/v1/billing/plans/{plan_ids[0]}").json()
    assert re.fullmatch(r"P-[A-Z0-9]{24}", plan["id"])
    assert plan["billing_cycles"][0]["pricing_scheme"]["fixed_price"] == {
        "currency_code": "USD",
        "value": "19.00",
    }
    assert plan["payment_preferences"]["payment_failure_threshold"] == 3

    listed = api.get("/v1/billing/plans", params={"page_size": 2, "page": 2}).json()
    assert (listed["total_items"], listed["total_pages"], len(listed["plans"])) == (3, 2, 1)
    assert {"id", "product_id", "name", "status", "description", "create_time", "links"} <= set(
        listed["plans"][0]
    )
    only = api.get("/v1/billing/plans", params={"product_id": plan["product_id"]}).json()
    assert [p["id"] for p in only["plans"]] == [plan_ids[0]]
    products = api.get("/v1/catalogs/products", params={"page_size": 20}).json()
    assert products["total_items"] == 4

    assert (
        api.patch(
            f"/v1/billing/plans/{plan['id']}",
            json=[{"op": "replace", "path": "/payment_preferences/payment_failure_threshold", "value": 1}],
        ).status_code
        == 204
    )
    repriced = api.post(
        f"/v1/billing/plans/{plan['id']}/update-pricing-schemes",
        json={
            "pricing_schemes": [
                {
                    "billing_cycle_sequence": 1,
                    "pricing_scheme": {"fixed_price": {"currency_code": "USD", "value": "21.00"}},
                }
            ]
        },
    )
    assert repriced.status_code == 204
    again = api.get(f"/v1/billing/plans/{plan['id']}").json()
    assert again["billing_cycles"][0]["pricing_scheme"]["fixed_price"]["value"] == "21.00"
    assert again["payment_preferences"]["payment_failure_threshold"] == 1


def test_errors_in_paypals_shape(simulator: Simulator):
    api = simulator.api()
    missing = api.get("/v1/billing/subscriptions/I-NOSUCHTHING1")
    assert missing.status_code == 404
    body = missing.json()
    assert body["name"] == "RESOURCE_NOT_FOUND"
    assert {"message", "debug_id", "details", "links"} <= set(body)
    assert body["details"][0]["issue"] == "INVALID_RESOURCE_ID"

    bad = api.post("/v1/billing/subscriptions", json={"custom_id": "x"})
    assert bad.status_code == 400
    assert bad.json()["details"][0] == {
        "field": "/plan_id",
        "issue": "MISSING_REQUIRED_PARAMETER",
        "description": "A required field is missing.",
    }


def test_a_repeated_paypal_request_id_creates_once(simulator: Simulator):
    api = simulator.api()
    plan_id = plan_create(api)
    first, second, other = (
        api.post(
            "/v1/catalogs/products",
            json={"name": "Same", "type": "SERVICE"},
            headers={"PayPal-Request-Id": request_id},
        ).json()["id"]
        for request_id in ("req-1", "req-1", "req-2")
    )
    assert first == second != other

    request = {
        "plan_id": plan_id,
        "application_context": {"return_url": "http://a/", "cancel_url": "http://b/"},
    }
    made = [
        api.post("/v1/billing/subscriptions", json=request, headers={"PayPal-Request-Id": "sub-1"})
        for _ in range(2)
    ]
    assert [m.status_code for m in made] == [201, 201]
    assert made[0].json() == made[1].json()
    deliveries = simulator.http.get("/simulator/deliveries").json()
    assert [d["resource_id"] for d in deliveries].count(made[0].json()["id"]) == 1  # one CREATED webhook
    assert subscription_create(api, plan_id)["id"] != made[0].json()["id"]
