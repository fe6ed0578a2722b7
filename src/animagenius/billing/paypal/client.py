"""The PayPal REST calls we make (docs/billing.md), with typed answers and typed failures.

Plans and subscriptions go through PayPal's official SDK (`sdk.py`: its request models and transport, our
base URL and token, our reading of the answers). Catalog products go through httpx: the SDK has no catalog
calls. Both share one `TokenCache`: a token is fetched once, reused until shortly before it expires, and a
call PayPal answers 401 is retried once with a fresh token before `PayPalAuthFailed` is raised."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from paypalserversdk.models.activate_subscription_request import ActivateSubscriptionRequest
from paypalserversdk.models.cancel_subscription_request import CancelSubscriptionRequest
from paypalserversdk.models.create_subscription_request import CreateSubscriptionRequest
from paypalserversdk.models.modify_subscription_request import ModifySubscriptionRequest
from paypalserversdk.models.name import Name
from paypalserversdk.models.subscriber_request import SubscriberRequest
from paypalserversdk.models.subscription_application_context import SubscriptionApplicationContext
from paypalserversdk.models.subscription_patch_application_context import SubscriptionPatchApplicationContext
from paypalserversdk.models.suspend_subscription import SuspendSubscription

from animagenius.billing.paypal.errors import PayPalAuthFailed, PayPalUnavailable, error_from_answer
from animagenius.billing.paypal.plan_requests import plan_patches, plan_request, pricing_request
from animagenius.billing.paypal.sdk import sdk_call, sdk_client
from animagenius.billing.paypal.settings import PayPalSettings
from animagenius.billing.paypal.tokens import TokenCache, token_fetcher
from animagenius.billing.paypal.types import (
    Money,
    PayPalPlan,
    PayPalProduct,
    PayPalSubscription,
    PayPalTransaction,
    Revision,
    Wire,
)
from animagenius.billing.paypal.wire import json_body, read, read_pages

T = TypeVar("T")

PAGE_SIZE = 20  # the most PayPal's catalog and plan lists give per page


class PayPalClient:
    """Thread-safe; one per process is enough (it keeps one token and one connection pool)."""

    def __init__(self, settings: PayPalSettings, *, http: httpx.Client | None = None) -> None:
        self._settings = settings
        self._own_http = http is None
        self._http = http or httpx.Client(timeout=settings.timeout_s, follow_redirects=False)
        self._tokens = TokenCache(token_fetcher(settings, self._http))
        self._sdk = sdk_client(settings, self._tokens)

    def close(self) -> None:
        """Close the HTTP connections this client opened (not an `http` client it was given)."""
        if self._own_http:
            self._http.close()

    # catalog products (httpx)

    def products_list(self) -> list[PayPalProduct]:
        call = "GET /v1/catalogs/products"
        pages = read_pages(
            call,
            "products",
            lambda page: self._http_call(
                "GET",
                "/v1/catalogs/products",
                params={"page_size": PAGE_SIZE, "page": page, "total_required": "true"},
            ),
        )
        return [read(call, PayPalProduct.from_wire, item) for item in pages]

    def product_create(self, *, name: str, description: str, request_id: str) -> PayPalProduct:
        body = {"name": name, "description": description, "type": "SERVICE", "category": "SOFTWARE"}
        data = self._http_call("POST", "/v1/catalogs/products", json=body, request_id=request_id)
        return read("POST /v1/catalogs/products", PayPalProduct.from_wire, data)

    def product_update(self, product_id: str, *, description: str) -> None:
        patch = [{"op": "replace", "path": "/description", "value": description}]
        self._http_call("PATCH", f"/v1/catalogs/products/{quote(product_id, safe='')}", json=patch)

    # plans (SDK)

    def plans_list(self, *, product_id: str) -> list[PayPalPlan]:
        call = "GET /v1/billing/plans"
        options = {"product_id": product_id, "page_size": PAGE_SIZE, "total_required": True}
        pages = read_pages(
            call,
            "plans",
            lambda page: self._sdk_call(
                call, lambda: self._sdk.subscriptions.list_billing_plans({**options, "page": page})
            ),
        )
        return [read(call, PayPalPlan.from_wire, item) for item in pages]

    def plan_get(self, plan_id: str) -> PayPalPlan:
        call = "GET /v1/billing/plans/{id}"
        data = self._sdk_call(call, lambda: self._sdk.subscriptions.get_billing_plan(plan_id))
        return read(call, PayPalPlan.from_wire, data)

    def plan_create(
        self,
        *,
        product_id: str,
        name: str,
        description: str,
        interval_unit: str,
        price: Money,
        failure_threshold: int,
        request_id: str,
    ) -> PayPalPlan:
        call = "POST /v1/billing/plans"
        body = plan_request(
            product_id=product_id,
            name=name,
            description=description,
            interval_unit=interval_unit,
            price=price,
            failure_threshold=failure_threshold,
        )
        options = {"body": body, "paypal_request_id": request_id, "prefer": "return=representation"}
        data = self._sdk_call(call, lambda: self._sdk.subscriptions.create_billing_plan(options))
        return read(call, PayPalPlan.from_wire, data)

    def plan_update(
        self,
        plan_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        failure_threshold: int | None = None,
    ) -> None:
        """Replace the given fields of a plan (None: leave as is)."""
        body = plan_patches(name=name, description=description, failure_threshold=failure_threshold)
        self._sdk_call(
            "PATCH /v1/billing/plans/{id}",
            lambda: self._sdk.subscriptions.patch_billing_plan({"id": plan_id, "body": body}),
        )

    def plan_price_update(self, plan_id: str, *, price: Money) -> None:
        options = {"id": plan_id, "body": pricing_request(price)}
        self._sdk_call(
            "POST /v1/billing/plans/{id}/update-pricing-schemes",
            lambda: self._sdk.subscriptions.update_billing_plan_pricing_schemes(options),
        )

    # subscriptions (SDK)

    def subscription_create(
        self,
        *,
        plan_id: str,
        custom_id: str,
        email: str,
        given_name: str,
        surname: str,
        return_url: str,
        cancel_url: str,
        request_id: str,
        brand_name: str = "AnimaGenius",
    ) -> PayPalSubscription:
        """A subscription waiting for the subscriber's approval at its `approve_url`."""
        call = "POST /v1/billing/subscriptions"
        body = CreateSubscriptionRequest(
            plan_id=plan_id,
            custom_id=custom_id,
            subscriber=SubscriberRequest(
                email_address=email, name=Name(given_name=given_name, surname=surname)
            ),
            application_context=SubscriptionApplicationContext(
                brand_name=brand_name,
                user_action="SUBSCRIBE_NOW",
                shipping_preference="NO_SHIPPING",
                return_url=return_url,
                cancel_url=cancel_url,
            ),
        )
        options = {"body": body, "paypal_request_id": request_id}
        data = self._sdk_call(call, lambda: self._sdk.subscriptions.create_subscription(options))
        subscription = read(call, PayPalSubscription.from_wire, data)
        if subscription.approve_url is None:
            raise PayPalUnavailable(f"{call}: PayPal created {subscription.id} without an approve link")
        return subscription

    def subscription_get(self, subscription_id: str) -> PayPalSubscription:
        call = "GET /v1/billing/subscriptions/{id}"
        data = self._sdk_call(call, lambda: self._sdk.subscriptions.get_subscription({"id": subscription_id}))
        return read(call, PayPalSubscription.from_wire, data)

    def subscription_revise(
        self,
        subscription_id: str,
        *,
        plan_id: str,
        return_url: str,
        cancel_url: str,
        brand_name: str = "AnimaGenius",
    ) -> Revision:
        """Ask to move a subscription to `plan_id`; the subscriber approves the change at `approve_url`."""
        call = "POST /v1/billing/subscriptions/{id}/revise"
        body = ModifySubscriptionRequest(
            plan_id=plan_id,
            application_context=SubscriptionPatchApplicationContext(
                brand_name=brand_name,
                shipping_preference="NO_SHIPPING",
                return_url=return_url,
                cancel_url=cancel_url,
            ),
        )
        options = {"id": subscription_id, "body": body}
        data = self._sdk_call(call, lambda: self._sdk.subscriptions.revise_subscription(options))
        return read(call, Revision.from_wire, data)

    def subscription_cancel(self, subscription_id: str, *, reason: str) -> None:
        options = {"id": subscription_id, "body": CancelSubscriptionRequest(reason=reason)}
        self._sdk_call(
            "POST /v1/billing/subscriptions/{id}/cancel",
            lambda: self._sdk.subscriptions.cancel_subscription(options),
        )

    def subscription_suspend(self, subscription_id: str, *, reason: str) -> None:
        options = {"id": subscription_id, "body": SuspendSubscription(reason=reason)}
        self._sdk_call(
            "POST /v1/billing/subscriptions/{id}/suspend",
            lambda: self._sdk.subscriptions.suspend_subscription(options),
        )

    def subscription_activate(self, subscription_id: str, *, reason: str) -> None:
        options = {"id": subscription_id, "body": ActivateSubscriptionRequest(reason=reason)}
        self._sdk_call(
            "POST /v1/billing/subscriptions/{id}/activate",
            lambda: self._sdk.subscriptions.activate_subscription(options),
        )

    def subscription_transactions(
        self, subscription_id: str, *, start: datetime, end: datetime
    ) -> list[PayPalTransaction]:
        """The payments (and failed or refunded ones) of a subscription between `start` and `end`."""
        call = "GET /v1/billing/subscriptions/{id}/transactions"
        options = {"id": subscription_id, "start_time": _wire_time(start), "end_time": _wire_time(end)}
        data = self._sdk_call(call, lambda: self._sdk.subscriptions.list_subscription_transactions(options))
        items = read(call, lambda answer: list(answer.get("transactions") or []), data)
        return [read(call, PayPalTransaction.from_wire, item) for item in items]

    # the two ways of calling, both behind one token

    def _with_token(self, attempt: Callable[[str], T]) -> T:
        token = self._tokens.get()
        try:
            return attempt(token)
        except PayPalAuthFailed:
            self._tokens.drop(token)
            return attempt(self._tokens.get())

    def _http_call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        request_id: str | None = None,
    ) -> Wire | None:
        call = f"{method} {path}"

        def attempt(token: str) -> Wire | None:
            headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
            if request_id is not None:
                headers["PayPal-Request-Id"] = request_id
            try:
                answer = self._http.request(
                    method,
                    f"{self._settings.base_url}{path}",
                    json=json,
                    params=params,
                    headers=headers,
                    timeout=self._settings.timeout_s,
                )
            except httpx.HTTPError as error:
                raise PayPalUnavailable(f"{call}: PayPal did not answer: {error!r}") from error
            if not answer.is_success:
                raise error_from_answer(call=call, status=answer.status_code, body=answer.text)
            return json_body(call, answer.text)

        return self._with_token(attempt)

    def _sdk_call(self, call: str, run: Callable[[], Any]) -> Wire | None:
        # the SDK takes the token from the same cache (its token provider), so `_token` is the one it sends
        return self._with_token(lambda _token: json_body(call, sdk_call(call, run)))


def _wire_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError(f"a time sent to PayPal must be timezone-aware, not {moment!r}")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
