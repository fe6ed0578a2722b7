"""The SDK request models of our plan calls: one regular billing cycle at a fixed price, billed until
cancelled, with outstanding amounts billed at the next cycle."""

from __future__ import annotations

from typing import Any

from paypalserversdk.models.frequency import Frequency
from paypalserversdk.models.money import Money as SdkMoney
from paypalserversdk.models.patch import Patch
from paypalserversdk.models.payment_preferences import PaymentPreferences
from paypalserversdk.models.plan_request import PlanRequest
from paypalserversdk.models.subscription_billing_cycle import SubscriptionBillingCycle
from paypalserversdk.models.subscription_pricing_scheme import SubscriptionPricingScheme
from paypalserversdk.models.update_pricing_scheme import UpdatePricingScheme
from paypalserversdk.models.update_pricing_schemes_request import UpdatePricingSchemesRequest

from animagenius.billing.paypal.types import Money

INTERVAL_UNITS = ("MONTH", "YEAR")
REGULAR_CYCLE = 1  # the sequence number of our plans' only billing cycle
FOREVER = 0  # total_cycles: bill until the subscription ends


def plan_request(
    *,
    product_id: str,
    name: str,
    description: str,
    interval_unit: str,
    price: Money,
    failure_threshold: int,
) -> Any:
    if interval_unit not in INTERVAL_UNITS:
        raise ValueError(f"interval_unit must be one of {', '.join(INTERVAL_UNITS)}, not {interval_unit!r}")
    return PlanRequest(
        product_id=product_id,
        name=name,
        description=description,
        status="ACTIVE",
        billing_cycles=[
            SubscriptionBillingCycle(
                frequency=Frequency(interval_unit=interval_unit, interval_count=1),
                tenure_type="REGULAR",
                sequence=REGULAR_CYCLE,
                total_cycles=FOREVER,
                pricing_scheme=SubscriptionPricingScheme(fixed_price=_sdk_money(price)),
            )
        ],
        payment_preferences=PaymentPreferences(
            auto_bill_outstanding=True,
            setup_fee_failure_action="CONTINUE",
            payment_failure_threshold=failure_threshold,
        ),
    )


def plan_patches(*, name: str | None, description: str | None, failure_threshold: int | None) -> list[Any]:
    """JSON Patch `replace` operations for the fields given; at least one must be."""
    values = {
        "/name": name,
        "/description": description,
        "/payment_preferences/payment_failure_threshold": failure_threshold,
    }
    patches = [
        Patch(op="replace", path=path, value=value) for path, value in values.items() if value is not None
    ]
    if not patches:
        raise ValueError("plan_update needs at least one of name, description, failure_threshold")
    return patches


def pricing_request(price: Money) -> Any:
    scheme = SubscriptionPricingScheme(fixed_price=_sdk_money(price))
    return UpdatePricingSchemesRequest(
        pricing_schemes=[UpdatePricingScheme(billing_cycle_sequence=REGULAR_CYCLE, pricing_scheme=scheme)]
    )


def _sdk_money(price: Money) -> Any:
    wire = price.to_wire()
    return SdkMoney(currency_code=wire["currency_code"], value=wire["value"])
