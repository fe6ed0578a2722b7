"""A small PayPal on 127.0.0.1 for the client's tests (until the simulator lands): the calls of
docs/billing.md in PayPal's wire format, kept in memory, with every request it received on record."""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

CLIENT_ID, CLIENT_SECRET = "test-client", "test-secret"
NOW = "2026-12-07T10:00:00Z"


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class FakePayPal:
    url: str = ""
    token_lifetime_s: int = 32400
    received: list[Received] = field(default_factory=list)
    valid_tokens: dict[str, float] = field(default_factory=dict)  # token → when it expires (monotonic)
    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    plans: dict[str, dict[str, Any]] = field(default_factory=dict)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    transactions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    by_request_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    page_totals: bool = True  # False: lists say only by a `next` link that there is more
    fail_next_with: int | None = None  # answer the next API call with this status
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def calls(self, method: str, path_pattern: str) -> list[Received]:
        return [r for r in self.received if r.method == method and re.fullmatch(path_pattern, r.path)]

    def revoke_tokens(self) -> None:
        """As PayPal does when a token is revoked early: calls with it get 401 from now on."""
        self.valid_tokens.clear()

    def answer(self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: Any):
        self.received.append(Received(method, path, query, headers, body))
        if path == "/v1/oauth2/token":
            return self._token(headers, body)
        token = headers.get("authorization", "").removeprefix("Bearer ")
        if self.valid_tokens.get(token, 0.0) <= time.monotonic():
            return 401, _error("AUTHENTICATION_FAILURE", "Authentication failed due to invalid token")
        if self.fail_next_with is not None:
            status, self.fail_next_with = self.fail_next_with, None
            return status, _error("INTERNAL_SERVICE_ERROR", "An internal service error has occurred")
        request_id = headers.get("paypal-request-id")
        if request_id and request_id in self.by_request_id:
            return 201, self.by_request_id[request_id]
        for route_method, pattern, handler in ROUTES:
            match = re.fullmatch(pattern, path)
            if match and route_method == method:
                status, answer = handler(self, *match.groups(), query=query, body=body)
                if request_id and status == 201:
                    self.by_request_id[request_id] = answer
                return status, answer
        return 404, _error("NOT_FOUND", f"no route {method} {path}")

    def _token(self, headers: dict[str, str], body: Any):
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if headers.get("authorization") != f"Basic {expected}" or body != {
            "grant_type": "client_credentials"
        }:
            return 401, {"error": "invalid_client", "error_description": "Client Authentication failed"}
        token = f"A21-{uuid.uuid4().hex}"
        self.valid_tokens[token] = time.monotonic() + self.token_lifetime_s
        return 200, {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime_s,
            "app_id": "APP-TEST",
            "scope": "https://uri.paypal.com/services/subscriptions",
            "nonce": uuid.uuid4().hex,
        }

    # resources

    def product_create(self, *, query, body):
        product = {
            **body,
            "id": f"PROD-{next(self.ids):04d}",
            "create_time": NOW,
            "update_time": NOW,
            "links": [],
        }
        self.products[product["id"]] = product
        return 201, product

    def product_list(self, *, query, body):
        return 200, _page(list(self.products.values()), "products", query, totals=self.page_totals)

    def product_patch(self, product_id, *, query, body):
        if product_id not in self.products:
            return _not_found(product_id)
        for patch in body:
            self.products[product_id][patch["path"].strip("/")] = patch["value"]
        return 204, None

    def plan_create(self, *, query, body):
        plan = {**body, "id": f"P-{next(self.ids):04d}", "create_time": NOW, "update_time": NOW, "links": []}
        self.plans[plan["id"]] = plan
        return 201, plan

    def plan_list(self, *, query, body):
        plans = [
            {
                key: plan[key]
                for key in ("id", "product_id", "name", "status", "description", "create_time", "links")
            }
            for plan in self.plans.values()
            if plan["product_id"] == query.get("product_id")
        ]
        return 200, _page(plans, "plans", query, totals=self.page_totals)

    def plan_get(self, plan_id, *, query, body):
        return (200, self.plans[plan_id]) if plan_id in self.plans else _not_found(plan_id)

    def plan_patch(self, plan_id, *, query, body):
        if plan_id not in self.plans:
            return _not_found(plan_id)
        for patch in body:
            *parents, leaf = patch["path"].strip("/").split("/")
            target = self.plans[plan_id]
            for parent in parents:
                target = target[parent]
            target[leaf] = patch["value"]
        return 204, None

    def plan_pricing(self, plan_id, *, query, body):
        if plan_id not in self.plans:
            return _not_found(plan_id)
        for scheme in body["pricing_schemes"]:
            cycle = self.plans[plan_id]["billing_cycles"][scheme["billing_cycle_sequence"] - 1]
            cycle["pricing_scheme"] = scheme["pricing_scheme"]
        return 204, None

    def subscription_create(self, *, query, body):
        subscription_id = f"I-{next(self.ids):04d}"
        self.subscriptions[subscription_id] = {
            "id": subscription_id,
            "plan_id": body["plan_id"],
            "status": "APPROVAL_PENDING",
            "status_update_time": NOW,
            "custom_id": body["custom_id"],
            "subscriber": body["subscriber"],
            "create_time": NOW,
            "links": [
                {"rel": "approve", "href": f"{self.url}/approve?ba_token={subscription_id}", "method": "GET"},
                {
                    "rel": "self",
                    "href": f"{self.url}/v1/billing/subscriptions/{subscription_id}",
                    "method": "GET",
                },
            ],
        }
        return 201, {k: v for k, v in self.subscriptions[subscription_id].items() if k != "subscriber"}

    def subscription_get(self, subscription_id, *, query, body):
        if subscription_id not in self.subscriptions:
            return _not_found(subscription_id)
        return 200, self.subscriptions[subscription_id]

    def subscription_revise(self, subscription_id, *, query, body):
        if subscription_id not in self.subscriptions:
            return _not_found(subscription_id)
        return 200, {
            "plan_id": body["plan_id"],
            "plan_overridden": False,
            "effective_time": "2026-12-07T10:05:00Z",
            "links": [
                {"rel": "approve", "href": f"{self.url}/approve?revision={subscription_id}", "method": "GET"}
            ],
        }

    def subscription_move(self, subscription_id, action, *, query, body):
        if subscription_id not in self.subscriptions:
            return _not_found(subscription_id)
        subscription = self.subscriptions[subscription_id]
        allowed = {"cancel": {"ACTIVE", "SUSPENDED"}, "suspend": {"ACTIVE"}, "activate": {"SUSPENDED"}}
        if subscription["status"] not in allowed[action] or not body.get("reason"):
            return 422, _error(
                "UNPROCESSABLE_ENTITY",
                "The requested action could not be performed, semantically incorrect,"
                " or failed business validation.",
                issue="SUBSCRIPTION_STATUS_INVALID",
            )
        subscription["status"] = {"cancel": "CANCELLED", "suspend": "SUSPENDED", "activate": "ACTIVE"}[action]
        return 204, None

    def subscription_transactions(self, subscription_id, *, query, body):
        if subscription_id not in self.subscriptions:
            return _not_found(subscription_id)
        return 200, {"transactions": self.transactions.get(subscription_id, []), "links": []}


ROUTES: list[tuple[str, str, Callable[..., tuple[int, Any]]]] = [
    ("POST", r"/v1/catalogs/products", FakePayPal.product_create),
    ("GET", r"/v1/catalogs/products", FakePayPal.product_list),
    ("PATCH", r"/v1/catalogs/products/([^/]+)", FakePayPal.product_patch),
    ("POST", r"/v1/billing/plans", FakePayPal.plan_create),
    ("GET", r"/v1/billing/plans", FakePayPal.plan_list),
    ("GET", r"/v1/billing/plans/([^/]+)", FakePayPal.plan_get),
    ("PATCH", r"/v1/billing/plans/([^/]+)", FakePayPal.plan_patch),
    ("POST", r"/v1/billing/plans/([^/]+)/update-pricing-schemes", FakePayPal.plan_pricing),
    ("POST", r"/v1/billing/subscriptions", FakePayPal.subscription_create),
    ("GET", r"/v1/billing/subscriptions/([^/]+)", FakePayPal.subscription_get),
    ("POST", r"/v1/billing/subscriptions/([^/]+)/revise", FakePayPal.subscription_revise),
    ("POST", r"/v1/billing/subscriptions/([^/]+)/(cancel|suspend|activate)", FakePayPal.subscription_move),
    ("GET", r"/v1/billing/subscriptions/([^/]+)/transactions", FakePayPal.subscription_transactions),
]


def _page(items: list[dict[str, Any]], key: str, query: dict[str, str], *, totals: bool) -> dict[str, Any]:
    size, page = int(query.get("page_size", "10")), int(query.get("page", "1"))
    total_pages = max(1, -(-len(items) // size))
    answer: dict[str, Any] = {key: items[(page - 1) * size : page * size], "links": []}
    if page < total_pages:
        answer["links"].append({"rel": "next", "href": f"?page_size={size}&page={page + 1}", "method": "GET"})
    if query.get("total_required") in ("true", "True") and totals:
        answer |= {"total_items": len(items), "total_pages": total_pages}
    return answer


def _error(name: str, message: str, *, issue: str | None = None) -> dict[str, Any]:
    details = [{"issue": issue, "description": message}] if issue else []
    return {"name": name, "message": message, "debug_id": f"dbg{uuid.uuid4().hex[:12]}", "details": details}


def _not_found(resource_id: str):
    return 404, _error(
        "RESOURCE_NOT_FOUND",
        "The specified resource does not exist.",
        issue="INVALID_RESOURCE_ID",
    )


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        content_type = self.headers.get("Content-Type", "")
        if "x-www-form-urlencoded" in content_type:
            body: Any = {key: values[0] for key, values in parse_qs(raw).items()}
        else:
            body = json.loads(raw) if raw else None
        headers = {key.lower(): value for key, value in self.headers.items()}
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        with self.server.paypal.lock:
            status, answer = self.server.paypal.answer(self.command, parts.path, query, headers, body)
        payload = b"" if answer is None else json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    paypal: FakePayPal


def fake_paypal_start() -> tuple[FakePayPal, _Server]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    paypal = FakePayPal(url=f"http://127.0.0.1:{server.server_address[1]}")
    server.paypal = paypal
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return paypal, server
