"""Every page carries a Content-Security-Policy that allows scripts, styles and connections only from the site
(and the live-progress stream's origin), and no page needs more: none holds an inline script, style or event
handler, and in a real browser no page — studio, script editor, brand kit, API keys, the API docs' Swagger
UI, the admin — meets a single violation (issue 19, item 9)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from playwright.sync_api import Page, expect

from animagenius.accounts.models import User
from animagenius.studio.models import BrandKit, Project
from tests.conftest import email_verified
from tests.e2e.conftest import browser_type_launch_args  # noqa: F401  (Debian's Chromium)
from tests.factories import PASSWORD, project_drafted_create
from tests.web.helpers import logo_upload


def policy_of(header: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


class InlineCode(HTMLParser):
    """What a page holds that a policy without 'unsafe-inline' blocks: inline scripts (data blocks such as
    application/json are not run, so they pass), <style> elements, style attributes, event handlers and
    javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src") and attributes.get("type") != "application/json":
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> element at line {self.getpos()[0]}")
        for name, value in attributes.items():
            if name == "style" or name.startswith("on"):
                self.found.append(f"{name}= on <{tag}> at line {self.getpos()[0]}")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: {name} on <{tag}>")


@pytest.fixture
def site(db: None, settings, tmp_path: Path) -> tuple[User, Project]:
    """A staff member with a drafted script waiting for review and a brand kit with an accent and a logo."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RENDER_WORKDIR = tmp_path / "work"
    user = User.objects.create_user("mae@example.com", PASSWORD, is_staff=True, is_superuser=True)
    email_verified(user)  # the browser test signs in through the form
    project = project_drafted_create(owner=user)
    kit = BrandKit.objects.create(owner=user, accent="#16a34a")
    kit.logo.save("logo.png", ContentFile(logo_upload().read()))
    return user, project


def pages(project: Project) -> list[str]:
    return [
        "/projects/", f"/projects/{project.id}/", f"/projects/{project.id}/status/", "/projects/brand/",
        "/account/api-keys/", "/accounts/email/", "/accounts/password/change/", "/api/v1/docs", "/admin/",
        "/admin/studio/project/", f"/admin/studio/project/{project.id}/change/", "/projects/no-such-page/",
    ]  # fmt: skip


ANONYMOUS_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]


def test_every_page_carries_the_policy_and_holds_no_inline_code(site: tuple[User, Project], client: Client):
    user, project = site
    anonymous = {path: client.get(path) for path in ANONYMOUS_PAGES}
    client.force_login(user)
    signed_in = {path: client.get(path) for path in pages(project)}

    for path, response in [*anonymous.items(), *signed_in.items()]:
        assert response.status_code == (404 if "no-such-page" in path else 200), path
        policy = policy_of(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"], path
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], path
        parser = InlineCode()
        parser.feed(response.content.decode())
        assert parser.found == [], f"{path}: {parser.found}"


def test_the_policy_lets_pages_connect_to_the_progress_stream(site: tuple[User, Project], client, settings):
    user, project = site
    client.force_login(user)
    settings.EVENTS_URL = "https://events.animagenius.example.com"

    policy = policy_of(client.get(f"/projects/{project.id}/")["Content-Security-Policy"])

    assert policy["connect-src"] == ["'self'", "https://events.animagenius.example.com"]


# ---------------------------------------------------------------- in a real browser

REPORT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
                           + ` (${event.sourceFile || ""}:${event.lineNumber || ""})`);
});
"""


@pytest.fixture
def browser_page(page: Page) -> Page:
    """The page, keeping every violation of the policy it meets in window.__violations."""
    page.add_init_script(REPORT_VIOLATIONS)
    return page


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_no_page_meets_a_violation_in_a_real_browser(
    site: tuple[User, Project], browser_page: Page, live_server
):
    _, project = site
    page, base = browser_page, live_server.url
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", "mae@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.get_by_role("heading", name="New video")).to_be_visible()
    violations: dict[str, list[str]] = {}

    for path in pages(project):
        page.goto(f"{base}{path}")
        if path == "/api/v1/docs":
            expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)  # Swagger UI drew the API
        if path == f"/projects/{project.id}/":
            cards = page.locator("#scene-list > .scene-card")
            before = cards.count()
            cards.first.get_by_role("button", name="Add scene after").click()  # the editor's script runs
            expect(cards).to_have_count(before + 1)
        if path == "/projects/brand/":
            expect(page.locator("#brand-current .swatch")).to_be_visible()  # the accent's sample
        page.wait_for_load_state("networkidle")
        violations[path] = page.evaluate("window.__violations")

    assert {path: found for path, found in violations.items() if found} == {}
    assert not [line for line in console if "Content Security Policy" in line], console
