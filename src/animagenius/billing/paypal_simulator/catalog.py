"""Products and plans: created, listed a page at a time, read, patched, and a plan's price changed."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

from animagenius.billing.paypal_simulator.state import JSONObject, State
from animagenius.billing.paypal_simulator.wire import (
    invalid_request,
    not_found,
    now,
    plan_id,
    product_id,
    rfc3339,
    unprocessable,
)

PRODUCT_PATCHABLE = {"/description", "/category", "/image_url", "/home_url"}
PLAN_PATCHABLE = {"/description", "/name", "/payment_preferences/payment_failure_threshold"}
PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX = 10, 20


def _required(body: JSONObject, *names: str) -> None:
    for name in names:
        if body.get(name) in (None, ""):
            raise invalid_request(f"/{name}")


def product_create(state: State, *, body: JSONObject) -> JSONObject:
    _required(body, "name", "type")
    stamp = rfc3339(now())
    product = {
        "id": product_id(),
        "name": body["name"],
        "description": body.get("description", ""),
        "type": body["type"],
        "category": body.get("category", "SOFTWARE"),
        "create_time": stamp,
        "update_time": stamp,
    }
    state.products[product["id"]] = product
    return product


def product(state: State, identifier: str) -> JSONObject:
    try:
        return state.products[identifier]
    except KeyError:
        raise not_found("product") from None


def product_json(state: State, item: JSONObject) -> JSONObject:
    href = f"{state.base_url}/v1/catalogs/products/{item['id']}"
    return {**item, "links": [_link(href, "self"), _link(href, "edit", "PATCH")]}


def product_patch(state: State, *, identifier: str, operations: Any) -> None:
    _patch(product(state, identifier), operations, PRODUCT_PATCHABLE)


def plan_create(state: State, *, body: JSONObject) -> JSONObject:
    _required(body, "product_id", "name", "billing_cycles")
    product(state, body["product_id"])
    cycles = body["billing_cycles"]
    if not isinstance(cycles, list) or not all(isinstance(c, dict) for c in cycles):
        raise invalid_request("/billing_cycles", "INVALID_PARAMETER_SYNTAX", "A list of billing cycles.")
    if not any(c.get("tenure_type") == "REGULAR" for c in cycles):
        raise invalid_request(
            "/billing_cycles", "INVALID_PARAMETER_VALUE", "One REGULAR billing cycle is needed."
        )
    if any(c.get("tenure_type") != "REGULAR" for c in cycles):
        raise unprocessable("UNSUPPORTED_TENURE_TYPE", "The local PayPal has no trial cycles.")
    for index, cycle in enumerate(cycles):
        _amount(cycle.get("pricing_scheme", {}).get("fixed_price"), f"/billing_cycles/{index}/pricing_scheme")
        if cycle.get("frequency", {}).get("interval_unit") not in {"DAY", "WEEK", "MONTH", "YEAR"}:
            raise invalid_request(
                f"/billing_cycles/{index}/frequency/interval_unit", "INVALID_PARAMETER_VALUE"
            )
    stamp = rfc3339(now())
    preferences = {"auto_bill_outstanding": True, "setup_fee_failure_action": "CONTINUE"}
    preferences |= body.get("payment_preferences", {})
    preferences.setdefault("payment_failure_threshold", 0)
    plan = {
        "id": plan_id(),
        "product_id": body["product_id"],
        "name": body["name"],
        "description": body.get("description", ""),
        "status": body.get("status", "ACTIVE"),
        "usage_type": "LICENSED",
        "billing_cycles": [{"total_cycles": 0, "sequence": 1, **cycle} for cycle in cycles],
        "payment_preferences": preferences,
        "quantity_supported": False,
        "create_time": stamp,
        "update_time": stamp,
    }
    state.plans[plan["id"]] = plan
    return plan


def plan(state: State, identifier: str) -> JSONObject:
    try:
        return state.plans[identifier]
    except KeyError:
        raise not_found("plan") from None


def plan_json(state: State, item: JSONObject) -> JSONObject:
    href = f"{state.base_url}/v1/billing/plans/{item['id']}"
    return {
        **item,
        "links": [
            _link(href, "self"),
            _link(href, "edit", "PATCH"),
            _link(f"{href}/deactivate", "self", "POST"),
        ],
    }


def plan_summary(state: State, item: JSONObject) -> JSONObject:
    full = plan_json(state, item)
    keys = ("id", "product_id", "name", "status", "description", "usage_type", "create_time", "links")
    return {key: full[key] for key in keys}


def plan_patch(state: State, *, identifier: str, operations: Any) -> None:
    target = plan(state, identifier)
    _patch(target, operations, PLAN_PATCHABLE)
    threshold = target["payment_preferences"].get("payment_failure_threshold")
    if not isinstance(threshold, int) or threshold < 0:
        raise invalid_request("/payment_preferences/payment_failure_threshold", "INVALID_PARAMETER_VALUE")


def plan_update_pricing(state: State, *, identifier: str, body: JSONObject) -> None:
    target = plan(state, identifier)
    schemes = body.get("pricing_schemes")
    if not isinstance(schemes, list) or not schemes:
        raise invalid_request("/pricing_schemes")
    cycles = {cycle["sequence"]: cycle for cycle in target["billing_cycles"]}
    for index, scheme in enumerate(schemes):
        cycle = cycles.get(scheme.get("billing_cycle_sequence"))
        if cycle is None:
            raise invalid_request(
                f"/pricing_schemes/{index}/billing_cycle_sequence", "INVALID_PARAMETER_VALUE"
            )
        _amount(
            scheme.get("pricing_scheme", {}).get("fixed_price"), f"/pricing_schemes/{index}/pricing_scheme"
        )
        version = cycle["pricing_scheme"].get("version", 1) + 1
        cycle["pricing_scheme"] = {
            **scheme["pricing_scheme"],
            "version": version,
            "update_time": rfc3339(now()),
        }
    target["update_time"] = rfc3339(now())


def plan_terms(item: JSONObject) -> tuple[Decimal, str, str, int]:
    """Price, currency, interval unit and interval count of the plan's regular cycle."""
    cycle = next(cycle for cycle in item["billing_cycles"] if cycle["tenure_type"] == "REGULAR")
    price = cycle["pricing_scheme"]["fixed_price"]
    frequency = cycle["frequency"]
    return (
        Decimal(price["value"]),
        price["currency_code"],
        frequency["interval_unit"],
        frequency.get("interval_count", 1),
    )


def plan_failure_threshold(item: JSONObject) -> int:
    return int(item["payment_preferences"].get("payment_failure_threshold", 0))


def page(items: list[JSONObject], *, query: dict[str, str], href: str, key: str) -> JSONObject:
    """One page of `items` as PayPal lists them: `{key: [...], "total_items", "total_pages", "links"}`."""
    try:
        size = min(max(int(query.get("page_size", PAGE_SIZE_DEFAULT)), 1), PAGE_SIZE_MAX)
        number = max(int(query.get("page", 1)), 1)
    except ValueError:
        raise invalid_request(
            "page_size", "INVALID_PARAMETER_VALUE", "page and page_size are numbers."
        ) from None
    pages = max(math.ceil(len(items) / size), 1)
    links = [_link(f"{href}?page_size={size}&page={number}", "self")]
    if number < pages:
        links.append(_link(f"{href}?page_size={size}&page={number + 1}", "next"))
    return {
        key: items[(number - 1) * size : number * size],
        "total_items": len(items),
        "total_pages": pages,
        "links": links,
    }


def _link(href: str, rel: str, method: str = "GET") -> JSONObject:
    return {"href": href, "rel": rel, "method": method}


def _amount(value: Any, field: str) -> None:
    try:
        if not isinstance(value, dict) or Decimal(value["value"]) < 0 or not value["currency_code"]:
            raise invalid_request(f"{field}/fixed_price", "INVALID_PARAMETER_VALUE")
    except (KeyError, InvalidOperation, TypeError):
        raise invalid_request(f"{field}/fixed_price", "INVALID_PARAMETER_VALUE") from None


def _patch(target: JSONObject, operations: Any, allowed: set[str]) -> None:
    if not isinstance(operations, list) or not operations:
        raise invalid_request("/", "INVALID_PATCH_REQUEST", "A JSON Patch list is expected.")
    for index, operation in enumerate(operations):
        path = operation.get("path") if isinstance(operation, dict) else None
        if operation.get("op") != "replace" or path not in allowed:
            raise invalid_request(f"/{index}/path", "INVALID_PARAMETER_VALUE", f"Cannot patch {path}.")
    for operation in operations:
        *parents, leaf = operation["path"].strip("/").split("/")
        node = target
        for name in parents:
            node = node.setdefault(name, {})
        node[leaf] = operation.get("value")
    target["update_time"] = rfc3339(now())
