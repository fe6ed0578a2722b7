"""Signing in through the site's form as a guesser or an owner would, and reading how long a refusal says
to wait."""

from __future__ import annotations

import re
import time
from typing import Any

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

TRY_AGAIN = re.compile(r"Try again in (\d+) seconds?\.")


def sign_in(client: Client, email: str, password: str, *, next_url: str = "", after_s: float = 0) -> Any:
    """Post the sign-in form (after waiting `after_s`): the test client's response."""
    time.sleep(after_s)
    path = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(path, {"login": email, "password": password})


def refusal_wait_s(page: HttpResponse) -> int | None:
    """The seconds a refused sign-in page says to wait; None when it was not refused."""
    found = TRY_AGAIN.search(page.content.decode())
    return int(found.group(1)) if found else None
