"""What the simulator knows — products, plans, subscriptions, transactions, webhook deliveries, access tokens,
answers to idempotent requests and its signing key — behind one lock, saved to a JSON file after each change
when it has one (written aside and renamed into place, so a crash never leaves half a file)."""

from __future__ import annotations

import dataclasses
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from animagenius.billing.paypal_simulator.wire import not_found

JSONObject = dict[str, Any]


@dataclass
class Subscription:
    id: str
    plan_id: str
    status: str  # APPROVAL_PENDING, ACTIVE, SUSPENDED, CANCELLED, EXPIRED
    status_update_time: str
    custom_id: str
    subscriber: JSONObject
    return_url: str
    cancel_url: str
    ba_token: str
    create_time: str
    update_time: str
    payer_id: str
    status_change_note: str = ""
    start_time: str | None = None
    next_billing_time: str | None = None
    cycles_completed: int = 0
    outstanding: str = "0.00"
    failed_payments_count: int = 0
    last_payment: JSONObject | None = None
    last_failed_payment: JSONObject | None = None
    fail_next_payment: bool = False
    # a plan change waiting for the subscriber's approval: {"plan_id", "ba_token", "return_url", "cancel_url"}
    revision: JSONObject | None = None

    @property
    def approved(self) -> bool:
        return self.start_time is not None


@dataclass
class Transaction:
    id: str
    subscription_id: str
    status: str  # COMPLETED, DECLINED, REFUNDED
    amount: str
    fee: str
    currency: str
    time: str
    update_time: str


@dataclass
class Delivery:
    event_id: str
    event_type: str
    resource_id: str
    body: str  # the event exactly as posted (its CRC32 is signed)
    created: str
    status_code: int | None = None
    attempts: int = 0
    time: str | None = None
    error: str = ""

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass
class State:
    path: Path | None = None
    base_url: str = ""  # where this run answers; set once bound, not saved
    products: dict[str, JSONObject] = field(default_factory=dict)
    plans: dict[str, JSONObject] = field(default_factory=dict)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    transactions: list[Transaction] = field(default_factory=list)
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    tokens: dict[str, float] = field(default_factory=dict)  # access token → expiry (Unix time)
    idempotent: dict[str, JSONObject] = field(default_factory=dict)  # "path|request id" → {"status", "body"}
    key_pem: str = ""
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @classmethod
    def load(cls, path: Path | None) -> State:
        state = cls(path=path)
        if path is None or not path.exists():
            return state
        data = json.loads(path.read_text())
        state.products = {item["id"]: item for item in data["products"]}
        state.plans = {item["id"]: item for item in data["plans"]}
        state.subscriptions = {item["id"]: Subscription(**item) for item in data["subscriptions"]}
        state.transactions = [Transaction(**item) for item in data["transactions"]]
        state.deliveries = {item["event_id"]: Delivery(**item) for item in data["deliveries"]}
        state.tokens = data["tokens"]
        state.idempotent = data["idempotent"]
        state.key_pem = data["key_pem"]
        return state

    def to_json(self) -> JSONObject:
        return {
            "products": list(self.products.values()),
            "plans": list(self.plans.values()),
            "subscriptions": [dataclasses.asdict(item) for item in self.subscriptions.values()],
            "transactions": [dataclasses.asdict(item) for item in self.transactions],
            "deliveries": [dataclasses.asdict(item) for item in self.deliveries.values()],
            "tokens": self.tokens,
            "idempotent": self.idempotent,
            "key_pem": self.key_pem,
        }

    def save(self) -> None:
        if self.path is None:
            return
        with self.lock:
            text = json.dumps(self.to_json(), indent=1)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            aside = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            aside.touch(mode=0o600)  # it holds the signing key
            aside.write_text(text)
            os.replace(aside, self.path)

    def subscription(self, subscription_id: str) -> Subscription:
        try:
            return self.subscriptions[subscription_id]
        except KeyError:
            raise not_found("subscription") from None
