"""The PayPal REST calls of docs/billing.md: OAuth tokens, catalog products, plans, subscriptions and webhook
signature verification. Every call but the token and the certificate needs a live bearer token; create calls
with a `PayPal-Request-Id` answer a repeat with the first answer."""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time

from animagenius.billing.paypal_simulator import billing, catalog, subscriptions
from animagenius.billing.paypal_simulator.routing import (
    Handler,
    Request,
    Response,
    Router,
    json_response,
    no_content,
)
from animagenius.billing.paypal_simulator.signing import CERT_PATH, Signer
from animagenius.billing.paypal_simulator.state import JSONObject, State
from animagenius.billing.paypal_simulator.webhooks import Webhooks
from animagenius.billing.paypal_simulator.wire import (
    authentication_failure,
    code,
    invalid_request,
    not_found,
    now,
    rfc3339,
)

APP_ID = "APP-80W284485P519543T"
SCOPE = "https://uri.paypal.com/services/subscriptions https://uri.paypal.com/services/applications/webhooks"


class Api:
    def __init__(
        self,
        *,
        state: State,
        webhooks: Webhooks,
        signer: Signer,
        client_id: str,
        client_secret: str,
        token_ttl_s: int,
    ) -> None:
        self.state, self.webhooks, self.signer = state, webhooks, signer
        self.client_id, self.client_secret, self.token_ttl_s = client_id, client_secret, token_ttl_s

    def install(self, router: Router) -> None:
        router.add("POST", "/v1/oauth2/token", self.token)
        router.add("GET", CERT_PATH, self.certificate)
        calls: list[tuple[str, str, Handler]] = [
            ("POST", "/v1/catalogs/products", self._idempotent(self.product_create)),
            ("GET", "/v1/catalogs/products", self.product_list),
            ("GET", "/v1/catalogs/products/{id}", self.product_get),
            ("PATCH", "/v1/catalogs/products/{id}", self.product_patch),
            ("POST", "/v1/billing/plans", self._idempotent(self.plan_create)),
            ("GET", "/v1/billing/plans", self.plan_list),
            ("GET", "/v1/billing/plans/{id}", self.plan_get),
            ("PATCH", "/v1/billing/plans/{id}", self.plan_patch),
            ("POST", "/v1/billing/plans/{id}/update-pricing-schemes", self.plan_update_pricing),
            ("POST", "/v1/billing/plans/{id}/activate", self.plan_status("ACTIVE")),
            ("POST", "/v1/billing/plans/{id}/deactivate", self.plan_status("INACTIVE")),
            ("POST", "/v1/billing/subscriptions", self._idempotent(self.subscription_create)),
            ("GET", "/v1/billing/subscriptions/{id}", self.subscription_get),
            ("POST", "/v1/billing/subscriptions/{id}/revise", self.subscription_revise),
            ("POST", "/v1/billing/subscriptions/{id}/cancel", self.subscription_move("cancel")),
            ("POST", "/v1/billing/subscriptions/{id}/suspend", self.subscription_move("suspend")),
            ("POST", "/v1/billing/subscriptions/{id}/activate", self.subscription_activate),
            ("GET", "/v1/billing/subscriptions/{id}/transactions", self.subscription_transactions),
            ("POST", "/v1/notifications/verify-webhook-signature", self.verify_signature),
            ("GET", "/v1/notifications/webhooks-events/{id}", self.event_get),
            ("POST", "/v1/notifications/webhooks-events/{id}/resend", self.event_resend),
        ]
        for method, template, handler in calls:
            router.add(method, template, self._authenticated(handler))

    # tokens and the certificate

    def token(self, request: Request) -> Response:
        if not self._client_credentials_match(request.headers.get("Authorization") or ""):
            return json_response(
                401, {"error": "invalid_client", "error_description": "Client Authentication failed"}
            )
        if request.form().get("grant_type") != "client_credentials":
            return json_response(
                400,
                {"error": "unsupported_grant_type", "error_description": "Grant Type is NULL or unsupported"},
            )
        moment = time.time()
        self.state.tokens = {token: expiry for token, expiry in self.state.tokens.items() if expiry > moment}
        token = f"A21AA{secrets.token_urlsafe(64)}"
        self.state.tokens[token] = moment + self.token_ttl_s
        return json_response(
            200,
            {
                "scope": SCOPE,
                "access_token": token,
                "token_type": "Bearer",
                "app_id": APP_ID,
                "expires_in": self.token_ttl_s,
                "nonce": f"{rfc3339(now())}{code(43)}",
            },
        )

    def certificate(self, request: Request) -> Response:
        return Response(200, self.signer.cert_pem, "application/x-pem-file")

    def _client_credentials_match(self, authorization: str) -> bool:
        scheme, _, encoded = authorization.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            client_id, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return secrets.compare_digest(client_id, self.client_id) and secrets.compare_digest(
            secret, self.client_secret
        )

    def _authenticated(self, handler: Handler) -> Handler:
        def checked(request: Request) -> Response:
            scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
            expiry = self.state.tokens.get(token.strip()) if scheme.lower() == "bearer" else None
            if expiry is None or expiry <= time.time():
                raise authentication_failure()
            return handler(request)

        return checked

    def _idempotent(self, handler: Handler) -> Handler:
        def once(request: Request) -> Response:
            request_id = request.headers.get("PayPal-Request-Id")
            key = f"{request.path}|{request_id}"
            if request_id and key in self.state.idempotent:
                earlier = self.state.idempotent[key]
                return json_response(earlier["status"], earlier["body"])
            response = handler(request)
            if request_id and 200 <= response.status < 300:
                self.state.idempotent[key] = {"status": response.status, "body": _decoded(response)}
            return response

        return once

    # products and plans

    def product_create(self, request: Request) -> Response:
        product = catalog.product_create(self.state, body=request.json_object())
        return json_response(201, catalog.product_json(self.state, product))

    def product_list(self, request: Request) -> Response:
        items = [catalog.product_json(self.state, p) for p in self.state.products.values()]
        href = f"{self.state.base_url}/v1/catalogs/products"
        return json_response(200, catalog.page(items, query=request.query, href=href, key="products"))

    def product_get(self, request: Request) -> Response:
        return json_response(
            200, catalog.product_json(self.state, catalog.product(self.state, request.params["id"]))
        )

    def product_patch(self, request: Request) -> Response:
        catalog.product_patch(self.state, identifier=request.params["id"], operations=request.json())
        return no_content()

    def plan_create(self, request: Request) -> Response:
        plan = catalog.plan_create(self.state, body=request.json_object())
        return json_response(201, catalog.plan_json(self.state, plan))

    def plan_list(self, request: Request) -> Response:
        product_id = request.query.get("product_id")
        items = [
            catalog.plan_summary(self.state, p)
            for p in self.state.plans.values()
            if not product_id or p["product_id"] == product_id
        ]
        href = f"{self.state.base_url}/v1/billing/plans"
        return json_response(200, catalog.page(items, query=request.query, href=href, key="plans"))

    def plan_get(self, request: Request) -> Response:
        return json_response(
            200, catalog.plan_json(self.state, catalog.plan(self.state, request.params["id"]))
        )

    def plan_patch(self, request: Request) -> Response:
        catalog.plan_patch(self.state, identifier=request.params["id"], operations=request.json())
        return no_content()

    def plan_update_pricing(self, request: Request) -> Response:
        catalog.plan_update_pricing(self.state, identifier=request.params["id"], body=request.json_object())
        return no_content()

    def plan_status(self, status: str) -> Handler:
        def change(request: Request) -> Response:
            plan = catalog.plan(self.state, request.params["id"])
            plan["status"], plan["update_time"] = status, rfc3339(now())
            return no_content()

        return change

    # subscriptions

    def subscription_create(self, request: Request) -> Response:
        subscription = subscriptions.subscription_create(
            self.state, body=request.json_object(), emit=self.webhooks.emit
        )
        body = subscriptions.subscription_json(self.state, subscription)
        keys = ("id", "plan_id", "status", "status_update_time", "custom_id", "create_time", "links")
        return json_response(201, {key: body[key] for key in keys if key in body})

    def subscription_get(self, request: Request) -> Response:
        subscription = self.state.subscription(request.params["id"])
        return json_response(200, subscriptions.subscription_json(self.state, subscription))

    def subscription_revise(self, request: Request) -> Response:
        subscription = self.state.subscription(request.params["id"])
        answer = subscriptions.subscription_revise(
            self.state, subscription=subscription, body=request.json_object()
        )
        return json_response(200, answer)

    def subscription_move(self, action: str) -> Handler:
        def move(request: Request) -> Response:
            subscriptions.subscription_move(
                self.state,
                subscription=self.state.subscription(request.params["id"]),
                action=action,
                reason=subscriptions.reason_of(request.json()),
                emit=self.webhooks.emit,
            )
            return no_content()

        return move

    def subscription_activate(self, request: Request) -> Response:
        billing.subscription_activate(
            self.state,
            subscription=self.state.subscription(request.params["id"]),
            reason=subscriptions.reason_of(request.json()),
            emit=self.webhooks.emit,
        )
        return no_content()

    def subscription_transactions(self, request: Request) -> Response:
        subscription = self.state.subscription(request.params["id"])
        return json_response(
            200, billing.transactions_json(self.state, subscription=subscription, query=request.query)
        )

    # webhooks

    def verify_signature(self, request: Request) -> Response:
        payload = request.json_object()
        for name in (
            "transmission_id",
            "transmission_sig",
            "transmission_time",
            "webhook_id",
            "webhook_event",
        ):
            if not payload.get(name):
                raise invalid_request(f"/{name}")
        status = "SUCCESS" if self.webhooks.verify(payload) else "FAILURE"
        return json_response(200, {"verification_status": status})

    def event_get(self, request: Request) -> Response:
        delivery = self.state.deliveries.get(request.params["id"])
        if delivery is None:
            raise not_found("webhook event")
        return Response(200, delivery.body.encode())

    def event_resend(self, request: Request) -> Response:
        delivery = self.webhooks.resend(request.params["id"])
        return json_response(202, {"id": delivery.event_id, "status": "PENDING"})


def _decoded(response: Response) -> JSONObject:
    decoded: JSONObject = json.loads(response.body)
    return decoded
