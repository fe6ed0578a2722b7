"""bench/webhooks.py's PayPal side (Django-free): people approving, being billed, failing payments, being
suspended, reactivated, refunded, moving plan, cancelling and expiring on the local PayPal, until it has sent
enough events; the deliveries its receiver caught, PayPal's resends of some of them, and what PayPal says
each subscription is at the end."""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.billing.local_paypal import Receiver, Simulator

SETTLE_TIMEOUT_S = 120
RETURN_URLS = {"return_url": "http://127.0.0.1/billing/return/", "cancel_url": "http://127.0.0.1/pricing/"}
OUR_STATUS = {  # subscriptions.STATUS_FROM_PAYPAL, in the words stored (ACTIVE with failures: past due)
    "APPROVAL_PENDING": "pending",
    "APPROVED": "pending",
    "ACTIVE": "active",
    "SUSPENDED": "suspended",
    "CANCELLED": "cancelled",
    "EXPIRED": "expired",
}
# what may happen to a subscription next, by PayPal status, with how often (weights)
NEXT: dict[str, list[tuple[str, float]]] = {
    "ACTIVE": [("advance-cycle", 5), ("fail-payment", 3), ("refund", 1), ("revise", 1), ("suspend", 0.5),
               ("cancel", 0.4), ("expire", 0.1)],
    "SUSPENDED": [("advance-cycle", 2), ("fail-payment", 1), ("activate", 2), ("cancel", 0.5),
                  ("revise", 0.3)],
    "CANCELLED": [("refund", 1), ("done", 2)],
    "EXPIRED": [("refund", 1), ("done", 2)],
}  # fmt: skip


@dataclass(frozen=True)
class Post:
    """One delivery as PayPal made it: the body and the headers to send it again with."""

    event_id: str
    event_type: str
    body: bytes
    headers: dict[str, str]


class Drive:
    def __init__(self, *, simulator: Simulator, receiver: Receiver, plans: dict[str, Any], seed: int) -> None:
        self.simulator, self.receiver, self.plans = simulator, receiver, plans  # plans: id → tier, period
        self.api = simulator.api()
        self.rng = random.Random(seed)
        self.actions: Counter[str] = Counter()
        self.paypal_ids: list[str] = []

    def run(self, subscriptions: list[dict[str, str]], *, distinct: int) -> None:
        """Approve every subscription, then act on a random live one until PayPal has sent `distinct`
        events (or every subscription is over)."""
        for subscribed in subscriptions:
            self.paypal_ids.append(subscribed["paypal_id"])
            self._approve(subscribed["approve_url"])
            self.actions["approve"] += 1
        live = list(self.paypal_ids)
        while live and self._sent() < distinct:
            paypal_id = self.rng.choice(live)
            status = self._get(paypal_id)["status"]
            names, weights = zip(*NEXT[status], strict=True)
            action = self.rng.choices(names, weights)[0]
            if action == "done":
                live.remove(paypal_id)
                continue
            refused = not self._act(paypal_id, action)
            self.actions[f"{action} (refused)" if refused else action] += 1
            if status in ("CANCELLED", "EXPIRED"):
                live.remove(paypal_id)
        self._settle()

    def originals(self) -> list[Post]:
        """The first delivery of every event, in the order PayPal sent them."""
        seen: dict[str, Post] = {}
        with self.receiver.changed:
            for received in self.receiver.posts:
                event = received.event
                seen.setdefault(event["id"], _post(event, received.headers, received.body))
        return list(seen.values())

    def redeliveries(self, chosen: list[Post]) -> list[Post]:
        """PayPal's resend of each of `chosen` (a transmission of its own: new id, time and signature)."""
        before = len(self.receiver.posts)
        for post in chosen:
            answer = self.api.post(f"/v1/notifications/webhooks-events/{post.event_id}/resend")
            answer.raise_for_status()
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while len(self.receiver.posts) < before + len(chosen):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{before + len(chosen) - len(self.receiver.posts)} resends never arrived")
            time.sleep(0.05)
        with self.receiver.changed:
            resent = [_post(r.event, r.headers, r.body) for r in self.receiver.posts[before:]]
        originals = {post.event_id: post for post in chosen}
        for post in resent:
            original = originals[post.event_id]
            if post.body != original.body or post.headers == original.headers:
                raise RuntimeError(
                    f"the resend of {post.event_id} is not a new transmission of the same event"
                )
        return resent

    def paypal_view(self) -> dict[str, dict[str, Any]]:
        """What PayPal says each subscription is, in our terms: status, failed payments, plan, and the sales
        a webhook tells of (completed or refunded; a declined attempt sends none)."""
        view = {}
        for paypal_id in self.paypal_ids:
            remote = self._get(paypal_id)
            failed = int((remote.get("billing_info") or {}).get("failed_payments_count", 0))
            status = OUR_STATUS[remote["status"]]
            transactions = self.api.get(f"/v1/billing/subscriptions/{paypal_id}/transactions").json()
            view[paypal_id] = {
                "status": "past_due" if status == "active" and failed else status,
                "failed_payments": failed,
                "plan": remote["plan_id"],
                "sales": {
                    t["id"]: t["status"].lower()
                    for t in transactions["transactions"]
                    if t["status"] in ("COMPLETED", "REFUNDED")
                },
            }
        return view

    def _act(self, paypal_id: str, action: str) -> bool:
        """Whether PayPal did it (it refuses, e.g., to activate one with a balance it cannot collect)."""
        control = self.simulator.control
        if action == "fail-payment":
            return control(paypal_id, "fail-next-payment").is_success and self._act(
                paypal_id, "advance-cycle"
            )
        if action in ("advance-cycle", "expire"):
            return control(paypal_id, action).is_success
        if action == "refund":
            return control(paypal_id, "refund-last-payment").is_success
        if action in ("suspend", "cancel", "activate"):
            path = f"/v1/billing/subscriptions/{paypal_id}/{action}"
            return self.api.post(path, json={"reason": f"bench: {action}"}).is_success
        assert action == "revise"
        current = self.plans[self._get(paypal_id)["plan_id"]]
        others = [plan_id for plan_id, plan in self.plans.items()
                  if plan["period"] == current["period"] and plan["tier"] != current["tier"]]  # fmt: skip
        revised = self.api.post(
            f"/v1/billing/subscriptions/{paypal_id}/revise",
            json={"plan_id": self.rng.choice(others), "application_context": RETURN_URLS},
        )
        if not revised.is_success:
            return False
        approve = next(link["href"] for link in revised.json()["links"] if link["rel"] == "approve")
        return self._approve(approve)

    def _approve(self, approve_url: str) -> bool:
        token = parse_qs(urlsplit(approve_url).query)["ba_token"][0]
        answer = self.simulator.http.post("/webapps/billing/subscriptions/approve", data={"ba_token": token})
        if answer.status_code != 303:
            raise RuntimeError(f"approving {approve_url} answered {answer.status_code}: {answer.text[:300]}")
        return True

    def _get(self, paypal_id: str) -> dict[str, Any]:
        answer = self.api.get(f"/v1/billing/subscriptions/{paypal_id}")
        answer.raise_for_status()
        return dict(answer.json())

    def _sent(self) -> int:
        return len(self.simulator.http.get("/simulator/deliveries").json())

    def _settle(self) -> None:
        """Until the receiver holds every event PayPal recorded, each delivered."""
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while True:
            deliveries = self.simulator.http.get("/simulator/deliveries").json()
            with self.receiver.changed:
                received = {r.event["id"] for r in self.receiver.posts}
            if all(d["delivered"] for d in deliveries) and received == {d["event_id"] for d in deliveries}:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{len(deliveries) - len(received)} deliveries never reached the receiver")
            time.sleep(0.1)


def _post(event: dict[str, Any], headers: dict[str, str], body: bytes) -> Post:
    sent = {name: value for name, value in headers.items() if name.startswith("PAYPAL-")}
    return Post(event["id"], event["event_type"], body, {**sent, "Content-Type": "application/json"})
