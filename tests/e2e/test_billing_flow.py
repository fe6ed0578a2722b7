"""A person subscribes to Pro through the local PayPal, misses three payments, drops to Free limits and pays
again — in a real browser, every webhook applied by a real billing worker."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from tests.conftest import Probe, Worker
from tests.e2e.billing_fixtures import LivePayPal, frame, mark_read
from tests.e2e.conftest import sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

EMAIL = "pat@example.com"
SHOTS = Path("/tmp/billing-shots")
PAST_DUE = "Your payment did not go through."
SUSPENDED = "Your subscription is suspended."
PAYMENT_FAILED_SUBJECT = "Your AnimaGenius payment did not go through"
SUSPENDED_SUBJECT = "Your AnimaGenius subscription is suspended"
RENDER_TIMEOUT_MS = 300_000  # a 30-second 4K video; about a minute here when the machine is idle
APPLY_TIMEOUT_S = 90  # a webhook: simulator → live server → broker → billing worker → PayPal read → commit


def test_subscribe_miss_payments_get_suspended_and_pay_again(
    page: Page,
    live_server,
    live_paypal: LivePayPal,
    celery_worker: Worker,
    corpus: Path,
    ffprobe: Probe,
    tmp_path: Path,
) -> None:
    from animagenius.accounts.models import User
    from animagenius.studio.models import Project
    from animagenius.studio.options import project_options

    base = str(live_server.url)
    shots = SHOTS / time.strftime("%Y%m%d-%H%M%S")
    shots.mkdir(parents=True, exist_ok=True)
    page.goto(f"{base}/")
    page.get_by_role("link", name="Sign up").click()
    sign_up(page, base, EMAIL, "a-long-enough-passphrase-9")
    expect(uhd_option(page)).to_have_text("4k (paid plans)")

    page.goto(f"{base}{reverse('pricing')}")
    page.screenshot(path=str(shots / "1-pricing.png"), full_page=True)
    page.get_by_role("button", name="Subscribe to Pro").click()
    expect(page.get_by_role("heading", name="Subscribe")).to_be_visible()
    assert page.url.startswith(live_paypal.simulator.base_url), page.url
    expect(page.locator(".price")).to_have_text("19.00 USD / month")
    paypal_id = page.locator("code").inner_text()
    page.screenshot(path=str(shots / "2-approval.png"), full_page=True)

    # the return page opened before PayPal is done (a second tab) waits, then moves on by itself
    waiting = page.context.new_page()
    waiting.goto(f"{base}{reverse('billing_return')}?subscription_id={paypal_id}")
    expect(waiting.get_by_role("heading", name="Activating…")).to_be_visible()
    waiting.screenshot(path=str(shots / "3-activating.png"), full_page=True)
    page.get_by_role("button", name="Approve").click()
    expect(page).to_have_url(f"{base}{reverse('billing')}")
    expect(page.get_by_text("You are on the Pro plan.")).to_be_visible()
    expect(page.locator("p.plan-name")).to_have_text("Your plan: Pro")
    expect(page.locator("p.state")).to_have_text("Your Pro subscription is active.")
    page.screenshot(path=str(shots / "4-billing-active.png"), full_page=True)
    expect(waiting).to_have_url(f"{base}{reverse('billing')}", timeout=60_000)
    expect(waiting.locator("p.plan-name")).to_have_text("Your plan: Pro")
    waiting.close()

    page.goto(f"{base}{reverse('studio:project_list')}")
    expect(uhd_option(page)).to_have_text("4k")
    page.set_input_files("input[name=source_file]", str(corpus / "text/pep-0020.rst"))
    page.select_option("select[name=resolution]", "4k")
    page.select_option("select[name=duration]", "30")
    page.uncheck("input[name=review]")
    page.get_by_role("button", name="Create video").click()
    expect(page.get_by_role("heading", name="pep-0020.rst")).to_be_visible()
    expect(page.locator("video#result-video")).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    project = Project.objects.get(owner__email=EMAIL)
    video = Path(project.video.path)
    assert [(s["width"], s["height"]) for s in ffprobe(video)["streams"] if s["codec_type"] == "video"] == [
        (3840, 2160)
    ]
    assert not mark_read(frame(video, at_s=1.5, size=(3840, 2160)), tmp_path), "a Pro video has no mark"

    for failed in (1, 2):
        payment_fails(page, live_paypal, paypal_id)
        billing_page_until(
            page,
            base,
            f"{failed} of 3 attempts failed",
            "Your Pro subscription is past due",
            paypal=live_paypal,
        )
        expect(page.locator(".banner.past_due")).to_contain_text(PAST_DUE)
        expect(page.locator("p.state")).to_contain_text("Your Pro subscription is past due")
        expect(page.locator("p.plan-name")).to_have_text("Your plan: Pro")  # kept while PayPal retries
        live_paypal.email_wait(to=EMAIL, subject=PAYMENT_FAILED_SUBJECT, count=failed)
        if failed == 1:
            page.goto(f"{base}{reverse('studio:project_list')}")
            expect(page.locator(".banner.past_due")).to_contain_text(PAST_DUE)  # on every page
            page.screenshot(path=str(shots / "5-past-due.png"), full_page=True)

    payment_fails(page, live_paypal, paypal_id)
    # the state sentence, not the banner: the page's statement is read before its banner, so a page drawn
    # while the worker commits can show the banner's newer state beside the older sentence
    suspended_state = "Your Pro subscription is suspended: payments failed. You have the Free plan's limits."
    billing_page_until(page, base, suspended_state, paypal=live_paypal)
    expect(page.locator(".banner.suspended")).to_contain_text(SUSPENDED)
    expect(page.locator("p.plan-name")).to_have_text("Your plan: Free")
    page.screenshot(path=str(shots / "6-suspended.png"), full_page=True)
    live_paypal.email_wait(to=EMAIL, subject=SUSPENDED_SUBJECT, count=1)
    assert User.objects.get(email=EMAIL).subscription_tier == "free"
    page.goto(f"{base}{reverse('studio:project_list')}")
    expect(uhd_option(page)).to_have_text("4k (paid plans)")
    expect(page.locator(".banner.suspended")).to_contain_text(SUSPENDED)
    # what the worker would render this project with now: the Free plan's mark, which mark_read finds
    assert project_options(project, workdir=tmp_path / "free").watermark is True

    page.goto(f"{base}{reverse('billing')}")
    page.get_by_role("button", name="Pay and reactivate").click()
    expect(page.get_by_text("Your subscription is now active.")).to_be_visible()
    expect(page.locator("p.plan-name")).to_have_text("Your plan: Pro")
    expect(page.locator("p.state")).to_have_text("Your Pro subscription is active.")
    expect(page.locator(".banner")).to_have_count(0)
    page.screenshot(path=str(shots / "7-reactivated.png"), full_page=True)
    assert User.objects.get(email=EMAIL).subscription_tier == "pro"
    page.goto(f"{base}{reverse('studio:project_list')}")
    expect(uhd_option(page)).to_have_text("4k")


def uhd_option(page: Page) -> Locator:
    return page.locator("select[name=resolution] option[value='4k']")


def payment_fails(page: Page, paypal: LivePayPal, paypal_id: str) -> None:
    """On the simulator's dashboard: arm a failure of the next payment, then bill a cycle."""
    page.goto(paypal.dashboard_url)
    subscriptions = page.locator(".card", has=page.get_by_role("heading", name="Subscriptions"))
    row = subscriptions.locator("tr", has=page.locator("code", has_text=paypal_id))
    row.get_by_role("button", name="Fail next payment").click()
    expect(row).to_contain_text("(next payment fails)")
    row.get_by_role("button", name="Advance one billing cycle").click()
    expect(row).not_to_contain_text("(next payment fails)")


def billing_page_until(page: Page, base: str, *texts: str, paypal: LivePayPal) -> None:
    """Reload the billing page until it shows every one of `texts` (the worker has applied PayPal's webhook;
    a page drawn while it commits may show its banner one state ahead of its statement)."""
    deadline = time.monotonic() + APPLY_TIMEOUT_S
    text = " and ".join(repr(text) for text in texts)
    while True:
        page.goto(f"{base}{reverse('billing')}")
        shown = page.locator("body").inner_text()
        if all(text in shown for text in texts):
            return
        if time.monotonic() > deadline:
            raise AssertionError(
                f"the billing page did not show {text} in {APPLY_TIMEOUT_S} s:\n"
                f"{page.locator('main').inner_text()}\nworker log:\n{paypal.worker.output()[-3000:]}"
            )
        page.wait_for_timeout(1000)
