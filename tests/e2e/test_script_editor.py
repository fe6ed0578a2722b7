"""In a real browser: review the drafted script scene by scene, edit it, save a version and render it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from animagenius.accounts.models import User
from animagenius.studio.models import Project, RenderJob
from tests.conftest import email_verified

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-enough-passphrase-9"
LONGER = (
    "Beautiful is better than ugly, says the very first line, and the rest of the poem keeps that promise: "
    "explicit beats implicit, simple beats complex, and readability always counts in the end."
)
ADDED_TITLE = "One obvious way"
ADDED_NARRATION = "There should be one obvious way to do it, even if it is not obvious at first."


def sign_in(page: Page, base_url: str) -> User:
    user = email_verified(User.objects.create_user("mae@example.com", PASSWORD))
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.get_by_role("heading", name="New video")).to_be_visible()
    return user


def total_seconds(page: Page) -> int:
    return int(page.locator("#script-total-s").inner_text())


def card(page: Page, number: int):
    return page.locator("#scene-list > .scene-card").nth(number - 1)


def title_of(page: Page, number: int) -> str:
    return card(page, number).locator("input[name$='-title']").input_value()


def test_review_edit_save_and_render_the_saved_script(
    page: Page, live_server, celery_worker, corpus, artifacts
):
    user = sign_in(page, live_server.url)
    expect(page.locator("input[name=review]")).to_be_checked()
    page.set_input_files("input[name=source_file]", str(corpus / "text/pep-0020.rst"))
    page.select_option("select[name=duration]", "30")
    page.get_by_role("button", name="Create video").click()

    cards = page.locator("#scene-list > .scene-card")
    expect(cards.first).to_be_visible(timeout=60_000)  # the page reloads itself once the script is written
    expect(page.locator("#script-version")).to_contain_text("Version 1")
    expect(page.locator("#job-script-ready")).to_be_visible()
    titles = [title_of(page, n) for n in range(1, cards.count() + 1)]
    assert len(titles) == 4, titles
    page.evaluate("window.__sameDocument = true")

    before = total_seconds(page)
    card(page, 2).locator("textarea").fill(LONGER + " " + LONGER)
    expect(page.locator("#script-total-s")).not_to_have_text(str(before))
    assert total_seconds(page) > before + 10, "the total did not follow the longer narration"
    expect(page.locator("#render-video")).to_be_disabled()  # unsaved changes are never rendered
    expect(page.locator("#unsaved-note")).to_be_visible()

    card(page, 3).get_by_role("button", name="Delete").click()  # titles[2] goes
    card(page, 3).get_by_role("button", name="Move up").click()  # the closing scene moves before scene 2
    card(page, 1).get_by_role("button", name="Add scene after").click()
    added = card(page, 2)
    added.locator("input[name$='-title']").fill(ADDED_TITLE)
    added.locator("textarea").fill(ADDED_NARRATION)
    added.locator("input[name$='-bullet']").first.fill("One way")
    expect(added.locator(".scene-estimate")).not_to_have_text("≈ 0 s")
    expect(card(page, 4).locator(".scene-number")).to_have_text("4")
    assert page.evaluate("window.__sameDocument") is True, "the page reloaded while editing"

    page.locator("#save-script").click()
    expect(page.locator("#script-version")).to_contain_text("Version 2")
    expect(page.get_by_text("Saved version 2.")).to_be_visible()
    shown = [title_of(page, n) for n in range(1, 5)]
    assert shown == [titles[0], ADDED_TITLE, titles[3], titles[1]]
    expect(page.locator("#render-video")).to_be_enabled()
    page.locator("#script").screenshot(path=str(artifacts / "script-editor.png"))

    page.locator("#render-video").click()
    video = page.locator("video#result-video")
    expect(video).to_be_visible(timeout=240_000)
    page.wait_for_function(
        "() => { const v = document.querySelector('video#result-video'); return v && v.readyState >= 1; }",
        timeout=20_000,
    )
    assert page.evaluate("document.querySelector('video#result-video').duration") > 5
    page.evaluate("document.querySelector('video#result-video').play()")
    page.wait_for_function(
        "() => document.querySelector('video#result-video').currentTime > 0.2", timeout=10_000
    )  # it plays

    project = Project.objects.get(owner=user)
    saved = project.script_versions.get(number=2)
    job = project.render_jobs.filter(kind=RenderJob.Kind.RENDER).get()
    assert (job.status, job.script_version) == (RenderJob.Status.DONE, saved)
    assert project.ai_script == saved.script
    narrations = [scene["narration"] for scene in saved.script["scenes"]]
    assert narrations[1] == ADDED_NARRATION and narrations[3] == f"{LONGER} {LONGER}"
    page.screenshot(path=str(artifacts / "script-editor-rendered.png"), full_page=True)
