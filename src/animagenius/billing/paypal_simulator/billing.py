"""What moves money: the first payment on approval, billing a cycle (or failing to, towards the plan's
payment_failure_threshold), collecting a suspended subscription's outstanding balance, refunds, and the
transactions list.

`advance-cycle` is PayPal's next billing attempt. On an ACTIVE subscription with nothing outstanding it is one
period passing: the price is charged and the next billing time moves on a period. Armed with "fail next
payment", that attempt is declined and the price becomes the outstanding balance; the next `advance-cycle` is
then PayPal's retry of that balance (no new period), until it is paid or the plan's failure threshold
suspends the subscription. A SUSPENDED subscription is not charged new cycles: `advance-cycle` or `activate`
retries its outstanding balance, and paying returns it to ACTIVE."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode, urlsplit, urlunsplit

from animagenius.billing.paypal_simulator import catalog
from animagenius.billing.paypal_simulator.state import JSONObject, State, Subscription, Transaction
from animagenius.billing.paypal_simulator.subscriptions import (
    Emit,
    require_status,
    status_set,
    subscription_json,
)
from animagenius.billing.paypal_simulator.wire import (
    add_period,
    code,
    money,
    not_found,
    now,
    parse_time,
    paypal_fee,
    rfc3339,
    sale_id,
    unprocessable,
)

RETRY_AFTER = timedelta(days=3)


def sale_json(state: State, transaction: Transaction) -> JSONObject:
    """A transaction as the resource of a PAYMENT.SALE.* webhook."""
    href = f"{state.base_url}/v1/payments/sale/{transaction.id}"
    sale: JSONObject = {
        "id": transaction.id,
        "state": transaction.status.lower(),
        "amount": {
            "total": transaction.amount,
            "currency": transaction.currency,
            "details": {"subtotal": transaction.amount},
        },
        "payment_mode": "INSTANT_TRANSFER",
        "protection_eligibility": "ELIGIBLE",
        "transaction_fee": {"value": transaction.fee, "currency": transaction.currency},
        "billing_agreement_id": transaction.subscription_id,
        "create_time": transaction.time,
        "update_time": transaction.update_time,
        "links": [
            {"href": href, "rel": "self", "method": "GET"},
            {"href": f"{href}/refund", "rel": "refund", "method": "POST"},
        ],
    }
    custom_id = state.subscription(transaction.subscription_id).custom_id
    if custom_id:  # PayPal passes the subscription's custom_id on to its payments
        sale["custom"] = custom_id
    return sale


def _collect(
    state: State, subscription: Subscription, *, amount: Decimal, emit: Emit, may_fail: bool = True
) -> bool:
    """Charge `amount`: a COMPLETED transaction and PAYMENT.SALE.COMPLETED, or — when armed to fail — a
    DECLINED one, counted on the subscription (the caller sends BILLING.SUBSCRIPTION.PAYMENT.FAILED once the
    subscription shows the failure)."""
    _price, currency, _unit, _count = catalog.plan_terms(catalog.plan(state, subscription.plan_id))
    moment = now()
    stamp = rfc3339(moment)
    failing = may_fail and subscription.fail_next_payment
    fee = Decimal("0.00") if failing else paypal_fee(amount)
    transaction = Transaction(
        id=sale_id(),
        subscription_id=subscription.id,
        status="DECLINED" if failing else "COMPLETED",
        amount=str(money(amount, currency)["value"]),
        fee=str(fee),
        currency=currency,
        time=stamp,
        update_time=stamp,
    )
    state.transactions.append(transaction)
    subscription.update_time = stamp
    if failing:
        subscription.fail_next_payment = False
        subscription.failed_payments_count += 1
        subscription.last_failed_payment = {
            "amount": money(amount, currency),
            "time": stamp,
            "reason_code": "PAYMENT_DENIED",
            "next_payment_retry_time": rfc3339(moment + RETRY_AFTER),
        }
        return False
    subscription.last_payment = {"amount": money(amount, currency), "time": stamp}
    subscription.outstanding = "0.00"
    subscription.failed_payments_count = 0
    emit("PAYMENT.SALE.COMPLETED", sale_json(state, transaction))
    return True


def first_payment(state: State, *, subscription: Subscription, emit: Emit) -> None:
    """The subscriber approved: ACTIVE, the first cycle paid (PAYMENT.SALE.COMPLETED), then ACTIVATED."""
    price, _currency, unit, count = catalog.plan_terms(catalog.plan(state, subscription.plan_id))
    moment = now()
    subscription.start_time = rfc3339(moment)
    subscription.next_billing_time = rfc3339(add_period(moment, unit=unit, count=count))
    status_set(subscription, "ACTIVE")
    _collect(state, subscription, amount=price, emit=emit, may_fail=False)
    subscription.cycles_completed = 1
    emit("BILLING.SUBSCRIPTION.ACTIVATED", subscription_json(state, subscription))


def bill_cycle(state: State, *, subscription: Subscription, emit: Emit) -> None:
    require_status(subscription, "bill")
    plan = catalog.plan(state, subscription.plan_id)
    price, _currency, unit, count = catalog.plan_terms(plan)
    outstanding = Decimal(subscription.outstanding)
    if subscription.status == "SUSPENDED":
        if outstanding <= 0:
            raise unprocessable(
                "SUBSCRIPTION_STATUS_INVALID",
                "A suspended subscription with nothing outstanding is not billed; activate it.",
            )
        _retry_outstanding(state, subscription, amount=outstanding, emit=emit, note="")
        return
    if outstanding > 0:  # past due: this attempt is PayPal's retry of what failed, not a new period
        if _collect(state, subscription, amount=outstanding, emit=emit):
            subscription.cycles_completed += 1
            return
        _failed(state, subscription, plan=plan, emit=emit)
        return
    assert subscription.next_billing_time is not None  # an ACTIVE subscription was approved
    due = add_period(parse_time(subscription.next_billing_time), unit=unit, count=count)
    subscription.next_billing_time = rfc3339(due)
    if _collect(state, subscription, amount=price, emit=emit):
        subscription.cycles_completed += 1
        return
    subscription.outstanding = str(price)
    _failed(state, subscription, plan=plan, emit=emit)


def _failed(state: State, subscription: Subscription, *, plan: JSONObject, emit: Emit) -> None:
    """A payment failed: PAYMENT.FAILED, and SUSPENDED once the plan's failure threshold is reached."""
    emit("BILLING.SUBSCRIPTION.PAYMENT.FAILED", subscription_json(state, subscription))
    threshold = catalog.plan_failure_threshold(plan)
    if threshold and subscription.failed_payments_count >= threshold:
        status_set(subscription, "SUSPENDED", note=f"{subscription.failed_payments_count} failed payments")
        emit("BILLING.SUBSCRIPTION.SUSPENDED", subscription_json(state, subscription))


def subscription_activate(state: State, *, subscription: Subscription, reason: str, emit: Emit) -> None:
    """Reactivate a SUSPENDED subscription, collecting its outstanding balance first (422 if declined)."""
    require_status(subscription, "activate")
    outstanding = Decimal(subscription.outstanding)
    if outstanding > 0:
        _retry_outstanding(state, subscription, amount=outstanding, emit=emit, note=reason)
        if subscription.status != "ACTIVE":
            raise unprocessable(
                "PAYMENT_DENIED",
                "The outstanding balance could not be collected; the subscription stays suspended.",
            )
        return
    status_set(subscription, "ACTIVE", note=reason)
    emit("BILLING.SUBSCRIPTION.ACTIVATED", subscription_json(state, subscription))


def _retry_outstanding(
    state: State, subscription: Subscription, *, amount: Decimal, emit: Emit, note: str
) -> None:
    if _collect(state, subscription, amount=amount, emit=emit):
        status_set(subscription, "ACTIVE", note=note)
        emit("BILLING.SUBSCRIPTION.ACTIVATED", subscription_json(state, subscription))
    else:
        emit("BILLING.SUBSCRIPTION.PAYMENT.FAILED", subscription_json(state, subscription))


def refund_last_payment(state: State, *, subscription: Subscription, emit: Emit) -> Transaction:
    require_status(subscription, "refund")
    paid = [t for t in state.transactions if t.subscription_id == subscription.id and t.status == "COMPLETED"]
    if not paid:
        raise unprocessable("NO_PAYMENT_TO_REFUND", "The subscription has no completed payment to refund.")
    transaction = paid[-1]
    transaction.status, transaction.update_time = "REFUNDED", rfc3339(now())
    emit("PAYMENT.SALE.REFUNDED", {**sale_json(state, transaction), "sale_id": transaction.id})
    return transaction


def transactions_json(state: State, *, subscription: Subscription, query: dict[str, str]) -> JSONObject:
    try:
        start = parse_time(query["start_time"]) if query.get("start_time") else None
        end = parse_time(query["end_time"]) if query.get("end_time") else None
    except ValueError:
        raise unprocessable(
            "INVALID_PARAMETER_VALUE", "start_time and end_time are RFC 3339 times."
        ) from None
    name = subscription.subscriber.get("name") or {}
    rows = []
    for transaction in state.transactions:
        moment = parse_time(transaction.time)
        if (
            transaction.subscription_id != subscription.id
            or (start and moment < start)
            or (end and moment > end)
        ):
            continue
        gross, fee = Decimal(transaction.amount), Decimal(transaction.fee)
        rows.append(
            {
                "id": transaction.id,
                "status": transaction.status,
                "amount_with_breakdown": {
                    "gross_amount": money(gross, transaction.currency),
                    "fee_amount": money(fee, transaction.currency),
                    "net_amount": money(gross - fee, transaction.currency),
                },
                "payer_name": name,
                "payer_email": subscription.subscriber.get("email_address", ""),
                "time": transaction.time,
            }
        )
    href = f"{state.base_url}/v1/billing/subscriptions/{subscription.id}/transactions"
    return {
        "transactions": rows,
        "total_items": len(rows),
        "total_pages": 1,
        "links": [{"href": href, "rel": "self", "method": "GET"}],
    }


def by_approval_token(state: State, token: str) -> tuple[Subscription, bool]:
    """The subscription an approval page is for, and whether it is a revision (a plan change) of it."""
    for subscription in state.subscriptions.values():
        if subscription.ba_token == token:
            return subscription, False
        if subscription.revision and subscription.revision["ba_token"] == token:
            return subscription, True
    raise not_found("approval token")


def approve(state: State, *, token: str, emit: Emit) -> str:
    """The subscriber pressed Approve; where their browser goes next."""
    subscription, revision = by_approval_token(state, token)
    if revision:
        assert subscription.revision is not None
        require_status(subscription, "revise")
        target = subscription.revision["return_url"]
        subscription.plan_id, subscription.revision = subscription.revision["plan_id"], None
        subscription.update_time = rfc3339(now())
        emit("BILLING.SUBSCRIPTION.UPDATED", subscription_json(state, subscription))
        return _with_return_params(target, subscription, token)
    if subscription.status != "APPROVAL_PENDING":
        raise unprocessable("SUBSCRIPTION_STATUS_INVALID", "The subscription was already approved.")
    first_payment(state, subscription=subscription, emit=emit)
    return _with_return_params(subscription.return_url, subscription, token)


def approval_cancel(state: State, *, token: str) -> str:
    """The subscriber pressed Cancel: nothing changes (a revision is dropped); back to the cancel URL."""
    subscription, revision = by_approval_token(state, token)
    if revision:
        assert subscription.revision is not None
        target, subscription.revision = subscription.revision["cancel_url"], None
        return _with_return_params(target, subscription, token)
    return _with_return_params(subscription.cancel_url, subscription, token)


def _with_return_params(url: str, subscription: Subscription, token: str) -> str:
    parts = urlsplit(url)
    params = urlencode({"subscription_id": subscription.id, "ba_token": token, "token": code(17)})
    return urlunsplit(parts._replace(query=f"{parts.query}&{params}" if parts.query else params))
