"""The studio on a phone: the new-video form fits a 390 px wide screen, voice picker and all — the voices'
longer labels (language and quality) and the top bar's links once pushed the page to 1,007 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_new_video_form_fits_a_phone(browser: Browser, live_server) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    sign_up(page, live_server.url, "ana@example.com", "a-long-enough-passphrase-9")

    expect(page.get_by_label("About these files")).to_be_visible()
    expect(page.locator("select[name=voice]")).to_contain_text("English")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than the phone's screen"
    page.close()
