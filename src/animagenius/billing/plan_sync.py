"""`manage.py paypal_sync_plans`: the PayPal product and one PayPal plan per paid tier and period, made or
brought up to date from billing/plans.py, their ids stored. Run it again at any time: it finds what it made
by name and changes only what differs."""

from __future__ import annotations

from collections.abc import Iterator

from animagenius.billing import gateway
from animagenius.billing.models import PayPalPlan as StoredPlan
from animagenius.billing.paypal.client import PayPalClient
from animagenius.billing.paypal.types import Money, PayPalPlan
from animagenius.billing.plans import CURRENCY, PAYMENT_FAILURE_THRESHOLD, Period, Plan, paid_plans

PRODUCT_NAME = "AnimaGenius"
PRODUCT_DESCRIPTION = "Narrated videos made from your documents, slides, photos and recordings."
INTERVAL = {Period.MONTHLY: "MONTH", Period.YEARLY: "YEAR"}


def paypal_plans_sync() -> Iterator[str]:
    """Sync, saying what was done, a line per product or plan."""
    client = gateway.paypal()
    product_id, said = _product(client)
    yield said
    known = {plan.name: plan for plan in client.plans_list(product_id=product_id)}
    for plan in paid_plans():
        for period in Period:
            yield _plan(client, product_id, plan, period, known.get(_name(plan, period)))


def _product(client: PayPalClient) -> tuple[str, str]:
    for product in client.products_list():
        if product.name == PRODUCT_NAME:
            if product.description != PRODUCT_DESCRIPTION:
                client.product_update(product.id, description=PRODUCT_DESCRIPTION)
                return product.id, f"product {product.id}: description updated"
            return product.id, f"product {product.id}: unchanged"
    product = client.product_create(
        name=PRODUCT_NAME, description=PRODUCT_DESCRIPTION, request_id="animagenius-product"
    )
    return product.id, f"product {product.id}: created"


def _plan(client: PayPalClient, product_id: str, plan: Plan, period: Period, found: PayPalPlan | None) -> str:
    price = Money(value=plan.price(period), currency=CURRENCY)
    name, description = _name(plan, period), _description(plan, period)
    if found is None:
        made = client.plan_create(
            product_id=product_id,
            name=name,
            description=description,
            interval_unit=INTERVAL[period],
            price=price,
            failure_threshold=PAYMENT_FAILURE_THRESHOLD,
            request_id=f"animagenius-plan-{plan.tier}-{period}",
        )
        _store(plan, period, made.id, product_id, price)
        return f"plan {name} ({made.id}): created at {price.value} {price.currency}"
    current = client.plan_get(found.id)
    changes = []
    if current.price != price:
        client.plan_price_update(found.id, price=price)
        changes.append(f"price {current.price.value if current.price else '?'} → {price.value}")
    if current.description != description or current.failure_threshold != PAYMENT_FAILURE_THRESHOLD:
        client.plan_update(
            found.id, name=name, description=description, failure_threshold=PAYMENT_FAILURE_THRESHOLD
        )
        changes.append("description and payment failure threshold")
    _store(plan, period, found.id, product_id, price)
    return f"plan {name} ({found.id}): {', '.join(changes) + ' updated' if changes else 'unchanged'}"


def _store(plan: Plan, period: Period, paypal_plan_id: str, product_id: str, price: Money) -> None:
    StoredPlan.objects.update_or_create(
        tier=plan.tier,
        period=period,
        defaults={
            "paypal_plan_id": paypal_plan_id,
            "paypal_product_id": product_id,
            "price": price.value,
            "currency": price.currency,
        },
    )


def _name(plan: Plan, period: Period) -> str:
    return f"AnimaGenius {plan.name} ({period})"


def _description(plan: Plan, period: Period) -> str:
    return (
        f"{plan.name}, billed {period}: {plan.monthly_render_minutes} render minutes a month, "
        f"{plan.concurrent_jobs} renders at once{', 4K' if plan.uhd else ''}"
        f"{'' if plan.watermark else ', no watermark'}."
    )[:127]
