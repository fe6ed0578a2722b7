"""Reading PayPal's answers: JSON bodies, typed values from them, and lists spread over pages. An answer
that is not what docs/billing.md describes is `PayPalUnavailable` (a proxy's error page, a half-deployed
PayPal), naming the call and what was wrong."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

from animagenius.billing.paypal.errors import PayPalUnavailable
from animagenius.billing.paypal.types import Wire, link

T = TypeVar("T")

MAX_PAGES = 500  # a list longer than this is a paging loop, not our catalog


def json_body(call: str, text: str) -> Wire | None:
    """A 2xx answer's JSON object; None when it has no body (204)."""
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise PayPalUnavailable(
            f"{call}: PayPal answered something that is not JSON: {text[:200]!r}"
        ) from error
    if not isinstance(data, dict):
        raise PayPalUnavailable(f"{call}: PayPal answered JSON that is not an object: {text[:200]!r}")
    return data


def read(call: str, parse: Callable[[Wire], T], data: Wire | None) -> T:
    """`parse(data)`, or `PayPalUnavailable` when the answer is missing or not in PayPal's shape."""
    if data is None:
        raise PayPalUnavailable(f"{call}: PayPal answered without a body")
    try:
        return parse(data)
    except (KeyError, ValueError, TypeError, AttributeError) as error:
        raise PayPalUnavailable(f"{call}: PayPal answered in a shape we cannot read: {error!r}") from error


def read_pages(call: str, key: str, fetch_page: Callable[[int], Wire | None]) -> list[Wire]:
    """Every item under `key` of pages 1, 2, … until the last page (by `total_pages`, else by the absence
    of a `next` link) or an empty one."""
    items: list[Wire] = []
    for page in range(1, MAX_PAGES + 1):
        data = fetch_page(page)
        batch = read(call, lambda answer: list(answer.get(key) or []), data)
        items.extend(batch)
        total_pages = (data or {}).get("total_pages")
        more = page < total_pages if isinstance(total_pages, int) else link(data or {}, "next") is not None
        if not batch or not more:
            return items
    raise PayPalUnavailable(f"{call}: PayPal kept answering more pages after {MAX_PAGES}")
