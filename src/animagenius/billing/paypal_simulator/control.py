"""The simulator's own controls, as JSON for tests and benchmarks, and as the targets of the dashboard's
buttons (a form post is answered with a redirect back to the dashboard). Local only: no token needed."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from animagenius.billing.paypal_simulator import billing, subscriptions
from animagenius.billing.paypal_simulator.routing import (
    Handler,
    Request,
    Response,
    Router,
    json_response,
    redirect,
)
from animagenius.billing.paypal_simulator.state import Delivery, JSONObject, State, Subscription
from animagenius.billing.paypal_simulator.webhooks import Webhooks
from animagenius.billing.paypal_simulator.wire import PayPalError

DASHBOARD = "/simulator/"


def delivery_json(delivery: Delivery) -> JSONObject:
    return {
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "resource_id": delivery.resource_id,
        "status_code": delivery.status_code,
        "attempts": delivery.attempts,
        "delivered": delivery.delivered,
        "time": delivery.time,
        "created": delivery.created,
        "error": delivery.error,
    }


class Control:
    def __init__(self, *, state: State, webhooks: Webhooks) -> None:
        self.state, self.webhooks = state, webhooks

    def install(self, router: Router) -> None:
        router.add("GET", "/simulator/state", self.state_dump)
        router.add("GET", "/simulator/deliveries", self.deliveries)
        router.add("POST", "/simulator/deliveries/{id}/resend", self._form_aware(self.resend))
        router.add("POST", "/simulator/webhooks/send", self.event_send)
        actions: dict[str, Callable[[Subscription], None]] = {
            "fail-next-payment": self._arm_failure,
            "advance-cycle": lambda s: billing.bill_cycle(
                self.state, subscription=s, emit=self.webhooks.emit
            ),
            "refund-last-payment": lambda s: self._refund(s),
            "expire": lambda s: subscriptions.subscription_move(
                self.state,
                subscription=s,
                action="expire",
                reason="Expired on the simulator",
                emit=self.webhooks.emit,
            ),
        }
        for name, action in actions.items():
            router.add(
                "POST", f"/simulator/subscriptions/{{id}}/{name}", self._form_aware(self._acting(action))
            )

    def state_dump(self, request: Request) -> Response:
        dump = self.state.to_json()
        dump.pop("key_pem")
        dump["base_url"] = self.state.base_url
        return json_response(200, dump)

    def deliveries(self, request: Request) -> Response:
        return json_response(200, [delivery_json(d) for d in self.state.deliveries.values()])

    def resend(self, request: Request) -> Response:
        return json_response(202, delivery_json(self.webhooks.resend(request.params["id"])))

    def event_send(self, request: Request) -> Response:
        """A mock event of any type, signed and delivered like the others (PayPal's "Webhooks simulator"):
        `{"event_type": …, "resource": {"id": …, …}}`."""
        body = request.json_object()
        event_type, resource = body.get("event_type"), body.get("resource")
        if not isinstance(event_type, str) or not isinstance(resource, dict) or "id" not in resource:
            raise PayPalError(400, "INVALID_REQUEST", "Send an event_type and a resource with an id.")
        if event_type.startswith("PAYMENT.SALE.") and not isinstance(resource.get("amount"), dict):
            raise PayPalError(400, "INVALID_REQUEST", "A sale's resource has an amount {total, currency}.")
        self.webhooks.emit(event_type, resource)
        return json_response(202, delivery_json(list(self.state.deliveries.values())[-1]))

    def _arm_failure(self, subscription: Subscription) -> None:
        subscriptions.require_status(subscription, "fail-next-payment")
        subscription.fail_next_payment = True

    def _refund(self, subscription: Subscription) -> None:
        billing.refund_last_payment(self.state, subscription=subscription, emit=self.webhooks.emit)

    def _acting(self, action: Callable[[Subscription], None]) -> Handler:
        def act(request: Request) -> Response:
            subscription = self.state.subscription(request.params["id"])
            action(subscription)
            return json_response(200, subscriptions.subscription_json(self.state, subscription))

        return act

    def _form_aware(self, handler: Handler) -> Handler:
        """A dashboard button (a form post) goes back to the dashboard, with the error if there was one."""

        def answer(request: Request) -> Response:
            if not request.is_form:
                return handler(request)
            try:
                handler(request)
            except PayPalError as error:
                detail = error.details[0]["description"] if error.details else error.message
                return redirect(f"{DASHBOARD}?error={quote(detail)}")
            return redirect(DASHBOARD)

        return answer
