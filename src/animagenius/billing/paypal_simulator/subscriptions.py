"""Subscriptions as PayPal shows them, and the moves between their states that need no money: create, revise,
cancel, suspend, expire. A move PayPal does not allow from the current state is a 422
SUBSCRIPTION_STATUS_INVALID."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from animagenius.billing.paypal_simulator import catalog
from animagenius.billing.paypal_simulator.state import JSONObject, State, Subscription
from animagenius.billing.paypal_simulator.wire import (
    ba_token,
    invalid_request,
    money,
    now,
    payer_id,
    rfc3339,
    subscription_id,
    unprocessable,
)

Emit = Callable[[str, JSONObject], None]  # (event type, resource): one webhook to send

FINAL = {"CANCELLED", "EXPIRED"}
# the states each move may start from (PayPal's rules; APPROVED is never held here: approval activates)
ALLOWED_FROM = {
    "cancel": {"ACTIVE", "SUSPENDED"},
    "suspend": {"ACTIVE"},
    "activate": {"SUSPENDED"},
    "expire": {"ACTIVE", "SUSPENDED"},
    "revise": {"ACTIVE", "SUSPENDED"},
    "bill": {"ACTIVE", "SUSPENDED"},
    "fail-next-payment": {"APPROVAL_PENDING", "ACTIVE", "SUSPENDED"},
    "refund": {"ACTIVE", "SUSPENDED", "CANCELLED", "EXPIRED"},
}


def require_status(subscription: Subscription, action: str) -> None:
    allowed = ALLOWED_FROM[action]
    if subscription.status not in allowed:
        raise unprocessable(
            "SUBSCRIPTION_STATUS_INVALID",
            f"Invalid subscription status for {action} action; subscription status should be "
            f"{' or '.join(sorted(s.lower() for s in allowed))}, not {subscription.status.lower()}.",
        )


def status_set(subscription: Subscription, status: str, *, note: str = "") -> None:
    stamp = rfc3339(now())
    subscription.status, subscription.status_update_time, subscription.update_time = status, stamp, stamp
    subscription.status_change_note = note


def _plan_asked(state: State, body: JSONObject) -> JSONObject:
    """The active plan a create or revise request names."""
    if not body.get("plan_id"):
        raise invalid_request("/plan_id")
    plan = catalog.plan(state, body["plan_id"])
    if plan["status"] != "ACTIVE":
        raise unprocessable("PLAN_STATUS_INVALID", "The plan is not active.")
    return plan


def subscription_create(state: State, *, body: JSONObject, emit: Emit) -> Subscription:
    plan = _plan_asked(state, body)
    context = body.get("application_context") or {}
    stamp = rfc3339(now())
    subscriber = body.get("subscriber") or {}
    subscription = Subscription(
        id=subscription_id(),
        plan_id=plan["id"],
        status="APPROVAL_PENDING",
        status_update_time=stamp,
        custom_id=str(body.get("custom_id") or ""),
        subscriber={
            "email_address": subscriber.get("email_address") or "buyer@example.com",
            "name": subscriber.get("name") or {"given_name": "Local", "surname": "Buyer"},
        },
        return_url=context.get("return_url") or f"{state.base_url}/simulator/",
        cancel_url=context.get("cancel_url") or f"{state.base_url}/simulator/",
        ba_token=ba_token(),
        create_time=stamp,
        update_time=stamp,
        payer_id=payer_id(),
    )
    state.subscriptions[subscription.id] = subscription
    emit("BILLING.SUBSCRIPTION.CREATED", subscription_json(state, subscription))
    return subscription


def approve_url(state: State, token: str) -> str:
    return f"{state.base_url}/webapps/billing/subscriptions?ba_token={token}"


def subscription_json(state: State, subscription: Subscription) -> JSONObject:
    """The subscription as `GET /v1/billing/subscriptions/{id}` answers."""
    href = f"{state.base_url}/v1/billing/subscriptions/{subscription.id}"
    links = [{"href": href, "rel": "edit", "method": "PATCH"}, {"href": href, "rel": "self", "method": "GET"}]
    if subscription.status == "APPROVAL_PENDING":
        links.insert(
            0, {"href": approve_url(state, subscription.ba_token), "rel": "approve", "method": "GET"}
        )
    for action in ("cancel", "suspend", "activate"):
        if subscription.status in ALLOWED_FROM[action]:
            links.append({"href": f"{href}/{action}", "rel": action, "method": "POST"})
    body: JSONObject = {
        "id": subscription.id,
        "plan_id": subscription.plan_id,
        "status": subscription.status,
        "status_update_time": subscription.status_update_time,
        "start_time": subscription.start_time or subscription.create_time,
        "quantity": "1",
        "plan_overridden": False,
        "create_time": subscription.create_time,
        "update_time": subscription.update_time,
        "links": links,
    }
    if subscription.status_change_note:
        body["status_change_note"] = subscription.status_change_note
    if subscription.custom_id:
        body["custom_id"] = subscription.custom_id
    if not subscription.approved:
        return body
    body["subscriber"] = {**subscription.subscriber, "payer_id": subscription.payer_id}
    body["billing_info"] = billing_info(state, subscription)
    return body


def billing_info(state: State, subscription: Subscription) -> JSONObject:
    _price, currency, _unit, _count = catalog.plan_terms(catalog.plan(state, subscription.plan_id))
    info: JSONObject = {
        "outstanding_balance": money(Decimal(subscription.outstanding), currency),
        "cycle_executions": [
            {
                "tenure_type": "REGULAR",
                "sequence": 1,
                "cycles_completed": subscription.cycles_completed,
                "cycles_remaining": 0,
                "current_pricing_scheme_version": 1,
                "total_cycles": 0,
            }
        ],
        "failed_payments_count": subscription.failed_payments_count,
    }
    if subscription.last_payment:
        info["last_payment"] = subscription.last_payment
    if subscription.last_failed_payment:
        info["last_failed_payment"] = subscription.last_failed_payment
    if subscription.status == "ACTIVE" and subscription.next_billing_time:
        info["next_billing_time"] = subscription.next_billing_time
    return info


def subscription_revise(state: State, *, subscription: Subscription, body: JSONObject) -> JSONObject:
    require_status(subscription, "revise")
    plan = _plan_asked(state, body)
    context = body.get("application_context") or {}
    token = ba_token()
    subscription.revision = {
        "plan_id": plan["id"],
        "ba_token": token,
        "return_url": context.get("return_url") or subscription.return_url,
        "cancel_url": context.get("cancel_url") or subscription.cancel_url,
    }
    subscription.update_time = rfc3339(now())
    return {
        "plan_id": plan["id"],
        "plan_overridden": False,
        "effective_time": subscription.next_billing_time or rfc3339(now()),
        "links": [{"href": approve_url(state, token), "rel": "approve", "method": "GET"}],
    }


def subscription_move(
    state: State, *, subscription: Subscription, action: str, reason: str, emit: Emit
) -> None:
    """Cancel, suspend or expire `subscription` (activation may collect money: billing.py)."""
    require_status(subscription, action)
    status = {"cancel": "CANCELLED", "suspend": "SUSPENDED", "expire": "EXPIRED"}[action]
    status_set(subscription, status, note=reason)
    if status in FINAL:
        subscription.fail_next_payment, subscription.revision = False, None
    emit(f"BILLING.SUBSCRIPTION.{status}", subscription_json(state, subscription))


def reason_of(body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("reason"), str):
        return str(body["reason"])[:128]
    return ""
