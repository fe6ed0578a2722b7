"""The local PayPal started for real (`python -m animagenius.billing.paypal_simulator --port 0`), a webhook
receiver standing in for the app, the few PayPal calls the tests make again and again, and `LocalPayPal`:
the app's side of it (settings pointing at it, its deliveries posted to the app's webhook view)."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.processes import process_stop

SRC = Path(__file__).resolve().parents[3] / "src"
WEBHOOK_ID = "WH-LOCAL-SIMULATOR"
CLIENT = ("sim-client", "sim-secret")


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    """The app's webhook endpoint: records every post; answers `failures` of them with 500 first."""

    url: str = ""
    posts: list[Received] = field(default_factory=list)
    failures: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)

    def events(self, event_type: str | None = None, resource_id: str | None = None) -> list[dict[str, Any]]:
        with self.changed:
            events = [post.event for post in self.posts]
        return [
            e
            for e in events
            if (event_type is None or e["event_type"] == event_type)
            and (resource_id is None or e["resource"]["id"] == resource_id)
        ]

    def wait(
        self, event_type: str, *, resource_id: str | None = None, count: int = 1
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + 20
        with self.changed:
            while len(self.events(event_type, resource_id)) < count:
                if not self.changed.wait(timeout=deadline - time.monotonic()):
                    raise AssertionError(f"no {count} × {event_type} arrived; got {self.types()}")
        return self.events(event_type, resource_id)

    def types(self, resource_id: str | None = None) -> list[str]:
        return [e["event_type"] for e in self.events(resource_id=resource_id)]


@contextlib.contextmanager
def receiver_serving() -> Iterator[Receiver]:
    """A `Receiver` listening on 127.0.0.1 (a port of its own) until the block ends."""
    record = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with record.changed:
                failing = record.failures > 0
                record.failures -= failing
                if not failing:
                    record.posts.append(Received({k.upper(): v for k, v in self.headers.items()}, body))
                record.changed.notify_all()
            self.send_response(500 if failing else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    record.url = f"http://127.0.0.1:{server.server_address[1]}/billing/paypal/webhook/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield record
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Simulator:
    process: subprocess.Popen[bytes]
    base_url: str
    http: httpx.Client  # no token: the pages and the simulator's own controls

    def token(self) -> str:
        answer = self.http.post("/v1/oauth2/token", auth=CLIENT, data={"grant_type": "client_credentials"})
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url, headers={"Authorization": f"Bearer {self.token()}"}, timeout=20
        )

    def control(self, subscription_id: str, action: str) -> httpx.Response:
        return self.http.post(f"/simulator/subscriptions/{subscription_id}/{action}")


def simulator_start(*, log: Path, webhook_url: str, extra: Sequence[str] = ()) -> Simulator:
    command = [sys.executable, "-m", "animagenius.billing.paypal_simulator", "--port", "0"]
    command += ["--webhook-url", webhook_url, *extra]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    with log.open("ab") as sink:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=sink, env=env)
    assert process.stdout is not None
    line = process.stdout.readline().decode()
    if not line.startswith("listening on http://"):
        process_stop(process, timeout_s=0)
        raise RuntimeError(f"the simulator did not start: {line!r}\n{log.read_text()[-3000:]}")
    base_url = line.removeprefix("listening on ").strip()
    return Simulator(process, base_url, httpx.Client(base_url=base_url, timeout=20))


def plan_create(
    api: httpx.Client, *, price: str = "19.00", unit: str = "MONTH", threshold: int = 3, name: str = "Pro"
) -> str:
    product = api.post("/v1/catalogs/products", json={"name": "AnimaGenius", "type": "SERVICE"})
    plan = api.post(
        "/v1/billing/plans",
        json={
            "product_id": product.json()["id"],
            "name": name,
            "status": "ACTIVE",
            "billing_cycles": [
                {
                    "frequency": {"interval_unit": unit, "interval_count": 1},
                    "tenure_type": "REGULAR",
                    "sequence": 1,
                    "total_cycles": 0,
                    "pricing_scheme": {"fixed_price": {"currency_code": "USD", "value": price}},
                }
            ],
            "payment_preferences": {
                "auto_bill_outstanding": True,
                "setup_fee_failure_action": "CONTINUE",
                "payment_failure_threshold": threshold,
            },
        },
    )
    assert plan.status_code == 201, plan.text
    return str(plan.json()["id"])


def subscription_create(api: httpx.Client, plan_id: str) -> dict[str, Any]:
    answer = api.post(
        "/v1/billing/subscriptions",
        json={
            "plan_id": plan_id,
            "custom_id": "user-42",
            "subscriber": {"email_address": "ada@example.com", "name": {"given_name": "Ada", "surname": "L"}},
            "application_context": {
                "brand_name": "AnimaGenius",
                "user_action": "SUBSCRIBE_NOW",
                "shipping_preference": "NO_SHIPPING",
                "return_url": "http://app.test/billing/return/?next=studio",
                "cancel_url": "http://app.test/pricing/",
            },
        },
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def link(resource: dict[str, Any], rel: str) -> str:
    return str(next(item["href"] for item in resource["links"] if item["rel"] == rel))


def approval_press(simulator: Simulator, approve_href: str, button: str = "approve") -> httpx.Response:
    """Open the approval page, press Approve (or Cancel) on it; the redirect it answers with."""
    page = simulator.http.get(approve_href)
    assert page.status_code == 200, page.text
    token = parse_qs(urlsplit(approve_href).query)["ba_token"][0]
    assert f"value='{token}'" in page.text
    return simulator.http.post(f"/webapps/billing/subscriptions/{button}", data={"ba_token": token})


def active_subscription(simulator: Simulator, api: httpx.Client, **plan: Any) -> dict[str, Any]:
    created = subscription_create(api, plan_create(api, **plan))
    answer = approval_press(simulator, link(created, "approve"))
    assert answer.status_code == 303
    return dict(api.get(f"/v1/billing/subscriptions/{created['id']}").json())


def signature_valid(post: Received, *, webhook_id: str = WEBHOOK_ID, cert_pem: bytes | None = None) -> bool:
    """Check a webhook's signature as the app does: with the public key of the certificate at its cert URL
    (or of `cert_pem`, one fetched before)."""
    pem = cert_pem or httpx.get(post.headers["PAYPAL-CERT-URL"]).content
    certificate = x509.load_pem_x509_certificate(pem)
    key = certificate.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    text = "|".join(
        [
            post.headers["PAYPAL-TRANSMISSION-ID"],
            post.headers["PAYPAL-TRANSMISSION-TIME"],
            webhook_id,
            str(zlib.crc32(post.body)),
        ]
    )
    try:
        key.verify(
            base64.b64decode(post.headers["PAYPAL-TRANSMISSION-SIG"]),
            text.encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except InvalidSignature:
        return False
    return True


@dataclass
class LocalPayPal:
    """The app pointed at a local PayPal: what a test does on PayPal's side (approve, bill, fail a payment)
    and the deliveries it sent, posted to the app's webhook view when the test says."""

    simulator: Simulator
    receiver: Receiver

    @classmethod
    def ready(cls, *, settings: Any, simulator: Simulator, receiver: Receiver) -> LocalPayPal:
        from animagenius.billing.paypal.settings import PayPalSettings
        from animagenius.billing.plan_sync import paypal_plans_sync

        settings.PAYPAL = PayPalSettings(
            mode="local",
            client_id=CLIENT[0],
            client_secret=CLIENT[1],
            webhook_id=WEBHOOK_ID,
            base_url=simulator.base_url,
        )
        list(paypal_plans_sync())
        return cls(simulator, receiver)

    @property
    def base_url(self) -> str:
        return self.simulator.base_url

    def approve(self, approve_url: str, button: str = "approve") -> str:
        """Press Approve (or Cancel) on PayPal's page; where PayPal sends the person back to."""
        answer = approval_press(self.simulator, approve_url, button)
        assert answer.status_code == 303, answer.text
        return str(answer.headers["Location"])

    def advance_cycle(self, paypal_id: str) -> None:
        answer = self.simulator.control(paypal_id, "advance-cycle")
        assert answer.status_code == 200, answer.text

    def payment_fails(self, paypal_id: str) -> None:
        """The next billing attempt of `paypal_id` fails, and it is made now."""
        armed = self.simulator.control(paypal_id, "fail-next-payment")
        assert armed.status_code == 200, armed.text
        self.advance_cycle(paypal_id)

    def delivery(self, event_type: str, paypal_id: str, *, count: int = 1) -> Received:
        """The `count`-th delivery of `event_type` about subscription `paypal_id` (waited for)."""
        deadline = time.monotonic() + 20
        with self.receiver.changed:
            while True:
                found = [post for post in self.receiver.posts if _about(post.event, event_type, paypal_id)]
                if len(found) >= count:
                    return found[count - 1]
                if not self.receiver.changed.wait(timeout=max(0.0, deadline - time.monotonic())):
                    raise AssertionError(
                        f"no {count} × {event_type} for {paypal_id}: {self.receiver.types()}"
                    )

    def receiver_post(self, event_id: str) -> Received:
        """The delivery of event `event_id` (waited for)."""
        deadline = time.monotonic() + 20
        with self.receiver.changed:
            while True:
                for post in self.receiver.posts:
                    if post.event["id"] == event_id:
                        return post
                if not self.receiver.changed.wait(timeout=max(0.0, deadline - time.monotonic())):
                    raise AssertionError(f"event {event_id} was not delivered: {self.receiver.types()}")

    def deliver(self, client: Any, event_type: str, paypal_id: str, *, count: int = 1) -> Any:
        """Post that delivery to the app's webhook view, as PayPal did; the app's answer."""
        post = self.delivery(event_type, paypal_id, count=count)
        return webhook_post(client, post)

    def apply_all(self) -> list[str]:
        """Apply every stored event not yet applied, oldest first (what the billing worker does)."""
        from animagenius.billing.events import webhook_event_apply
        from animagenius.billing.models import WebhookEvent

        pending = WebhookEvent.objects.filter(applied_at__isnull=True).order_by("created_at")
        return [
            webhook_event_apply(event_id=event_id) for event_id in pending.values_list("event_id", flat=True)
        ]

    @staticmethod
    def receipt_links(page: str) -> list[str]:
        return re.findall(r'href="(/billing/receipts/[^"/]+/)"', page)


def webhook_post(client: Any, post: Received, **header_changes: str) -> Any:
    """`post` sent to the app's webhook view with its PayPal headers (some changed, as a forger would)."""
    headers = {name: value for name, value in post.headers.items() if name.startswith("PAYPAL-")}
    headers.update({name.replace("_", "-").upper(): value for name, value in header_changes.items()})
    return client.post(
        "/billing/paypal/webhook/", data=post.body, content_type="application/json", headers=headers
    )


def _about(event: dict[str, Any], event_type: str, paypal_id: str) -> bool:
    resource = event.get("resource") or {}
    return event["event_type"] == event_type and paypal_id in (
        resource.get("id"),
        resource.get("billing_agreement_id"),
    )
