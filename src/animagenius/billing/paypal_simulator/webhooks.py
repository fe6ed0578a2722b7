"""Webhook events: built the way PayPal builds them, recorded as deliveries, and posted in order by one
background thread to the app's webhook URL, signed, with a few quick retries when the app answers other than
2xx or cannot be reached. Any event can be sent again."""

from __future__ import annotations

import json
import queue
import threading
import urllib.error
import urllib.request
import uuid
from typing import Any

from animagenius.billing.paypal_simulator.signing import AUTH_ALGO, CERT_PATH, Signer
from animagenius.billing.paypal_simulator.state import Delivery, JSONObject, State
from animagenius.billing.paypal_simulator.wire import event_id, not_found, now, rfc3339

ATTEMPTS = 4
BACKOFF_FIRST_S = 0.25  # doubles after each failed attempt
POST_TIMEOUT_S = 10
SUMMARIES = {
    "BILLING.SUBSCRIPTION.CREATED": "Subscription created",
    "BILLING.SUBSCRIPTION.ACTIVATED": "Subscription activated",
    "BILLING.SUBSCRIPTION.UPDATED": "Subscription updated",
    "BILLING.SUBSCRIPTION.SUSPENDED": "Subscription suspended",
    "BILLING.SUBSCRIPTION.CANCELLED": "Subscription cancelled",
    "BILLING.SUBSCRIPTION.EXPIRED": "Subscription expired",
    "BILLING.SUBSCRIPTION.PAYMENT.FAILED": "Subscription payment failed",
    "PAYMENT.SALE.COMPLETED": "Payment completed",
    "PAYMENT.SALE.REFUNDED": "A sale was refunded",
}


class Webhooks:
    def __init__(self, *, state: State, signer: Signer, url: str, webhook_id: str) -> None:
        self.state, self.signer, self.url, self.webhook_id = state, signer, url, webhook_id
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhooks", daemon=True)

    @property
    def cert_url(self) -> str:
        return f"{self.state.base_url}{CERT_PATH}"

    def start(self) -> None:
        with self.state.lock:  # events a previous run recorded but never got to post
            pending = [d.event_id for d in self.state.deliveries.values() if d.attempts == 0]
        for identifier in pending:
            self._queue.put(identifier)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._queue.put(None)
        self._thread.join(timeout=POST_TIMEOUT_S + 2)

    def emit(self, event_type: str, resource: JSONObject) -> None:
        """Record the event and queue its delivery (called with the state's lock held)."""
        stamp = rfc3339(now())
        identifier = event_id()
        sale = event_type.startswith("PAYMENT.SALE.")
        summary = SUMMARIES.get(event_type, event_type)
        if sale:
            summary = f"{summary} for $ {resource['amount']['total']} {resource['amount']['currency']}"
        href = f"{self.state.base_url}/v1/notifications/webhooks-events/{identifier}"
        event = {
            "id": identifier,
            "event_version": "1.0",
            "create_time": stamp,
            "resource_type": "sale" if sale else "subscription",
            "resource_version": "1.0" if sale else "2.0",
            "event_type": event_type,
            "summary": summary,
            "resource": resource,
            "links": [
                {"href": href, "rel": "self", "method": "GET"},
                {"href": f"{href}/resend", "rel": "resend", "method": "POST"},
            ],
        }
        self.state.deliveries[identifier] = Delivery(
            event_id=identifier,
            event_type=event_type,
            resource_id=str(resource["id"]),
            body=json.dumps(event, separators=(",", ":")),
            created=stamp,
        )
        self._queue.put(identifier)

    def resend(self, identifier: str) -> Delivery:
        with self.state.lock:
            delivery = self.state.deliveries.get(identifier)
            if delivery is None:
                raise not_found("webhook event")
        self._queue.put(identifier)
        return delivery

    def verify(self, payload: JSONObject) -> bool:
        """Whether a verify-webhook-signature request holds a signature this simulator made over that event
        with that webhook id: over the body as posted, or over the event re-serialised compactly."""
        event = payload.get("webhook_event")
        bodies = [json.dumps(event, separators=(",", ":")).encode()]
        with self.state.lock:
            delivery = self.state.deliveries.get(str(event.get("id"))) if isinstance(event, dict) else None
            if delivery is not None and json.loads(delivery.body) == event:
                bodies.insert(0, delivery.body.encode())
        if payload.get("auth_algo", AUTH_ALGO) != AUTH_ALGO:
            return False
        return any(
            self.signer.verify(
                transmission_id=str(payload.get("transmission_id", "")),
                transmission_time=str(payload.get("transmission_time", "")),
                webhook_id=str(payload.get("webhook_id", "")),
                body=body,
                signature=str(payload.get("transmission_sig", "")),
            )
            for body in bodies
        )

    def _run(self) -> None:
        while not self._stopping.is_set():
            identifier = self._queue.get()
            if identifier is None:
                return
            self._deliver(identifier)

    def _deliver(self, identifier: str) -> None:
        with self.state.lock:
            body = self.state.deliveries[identifier].body.encode()
        backoff = BACKOFF_FIRST_S
        for attempt in range(ATTEMPTS):
            if attempt and self._stopping.wait(backoff):
                return
            backoff *= 2
            status, error = self._post(body)
            with self.state.lock:
                delivery = self.state.deliveries[identifier]
                delivery.attempts += 1
                delivery.status_code, delivery.error, delivery.time = status, error, rfc3339(now())
                self.state.save()
            if delivery.delivered:
                return

    def _post(self, body: bytes) -> tuple[int | None, str]:
        transmission_id, transmission_time = str(uuid.uuid1()), rfc3339(now())
        headers: dict[str, Any] = {
            "Content-Type": "application/json",
            "User-Agent": "PayPal/AUHD-214.0-58609437 (local simulator)",
            "PAYPAL-TRANSMISSION-ID": transmission_id,
            "PAYPAL-TRANSMISSION-TIME": transmission_time,
            "PAYPAL-TRANSMISSION-SIG": self.signer.sign(
                transmission_id=transmission_id,
                transmission_time=transmission_time,
                webhook_id=self.webhook_id,
                body=body,
            ),
            "PAYPAL-CERT-URL": self.cert_url,
            "PAYPAL-AUTH-ALGO": AUTH_ALGO,
        }
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=POST_TIMEOUT_S) as response:
                return int(response.status), ""
        except urllib.error.HTTPError as error:
            return error.code, f"HTTP {error.code}"
        except (OSError, urllib.error.URLError) as error:
            return None, str(error)
