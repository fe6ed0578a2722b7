"""Real Chromium (Debian's) driven by Playwright against a live server and a real worker."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.e2e.billing_fixtures import LivePayPal, live_paypal_running

CHROMIUM = "/usr/bin/chromium"
# Playwright waits 5 s by default; on a loaded 2-core machine a page's round trip can take longer than that
EXPECT_TIMEOUT_MS = 30_000
expect.set_options(timeout=EXPECT_TIMEOUT_MS)

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls stay synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing; `make test` installs it (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic",
        ],
    }  # fmt: skip


@pytest.fixture(autouse=True)
def patient_page(page: Page) -> Page:
    page.set_default_timeout(EXPECT_TIMEOUT_MS * 2)
    return page


@pytest.fixture
def site_origins(live_server: Any) -> str:
    """The stream server lets the live server's pages read its streams (as `make run` sets SITE_ORIGINS)."""
    return str(live_server.url)


@pytest.fixture
def live_paypal(
    settings: Any, live_server: Any, transactional_db: None, tmp_path: Path
) -> Iterator[LivePayPal]:
    """A local PayPal posting its webhooks to the live server, and a billing worker applying them."""
    with live_paypal_running(settings=settings, app_url=str(live_server.url), logs=tmp_path) as paypal:
        yield paypal


def sign_up(page: Page, base_url: str, email: str, password: str) -> None:
    """Sign up through the form, open the link the confirmation email brings (in the same browser, which it
    signs in), and land on the studio's first page."""
    page.goto(f"{base_url}/accounts/signup/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    page.locator("form button[type=submit]").click()
    expect(page.get_by_role("heading", name="Verify your email address")).to_be_visible()
    sent = [message for message in mail.outbox if message.to == [email]]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", str(sent[-1].body)) if sent else None
    assert link is not None, f"no confirmation email to {email}"
    page.goto(link.group(0))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="New video")).to_be_visible()
