"""A person signs up, uploads a document, watches it render, and plays the video — in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_up

READ_STATUS_PANEL = """() => {
    const stage = document.querySelector('#job-stage'), progress = document.querySelector('#job-progress');
    return {
        video: document.querySelector('video#result-video') !== null,
        progress: stage && progress ? `${stage.innerText} ${progress.innerText}` : null,
    };
}"""

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_sign_up_upload_watch_progress_and_play(page: Page, live_server, celery_worker, corpus, artifacts):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Sign up").click()
    sign_up(page, live_server.url, "lin@example.com", "a-long-enough-passphrase-9")

    page.set_input_files("input[name=source_file]", str(corpus / "text/pep-0020.rst"))
    page.select_option("select[name=aspect]", "16:9")
    page.select_option("select[name=resolution]", "720p")
    page.select_option("select[name=duration]", "30")
    page.get_by_label("Vertical 9:16, 720p MP4").check()  # a second rendition from the same render
    page.uncheck("input[name=review]")  # straight to the video; tests/e2e/test_script_editor.py reviews first
    page.get_by_role("button", name="Create video").click()

    expect(page.get_by_role("heading", name="pep-0020.rst")).to_be_visible()
    page.evaluate("window.__sameDocument = true")  # survives only if the page never reloads
    seen: list[str] = []
    video = page.locator("video#result-video")
    for _ in range(960):  # up to 4 minutes on a busy machine
        # read the panel in one go: HTMX may swap it between two separate locator calls
        state = page.evaluate(READ_STATUS_PANEL)
        if state["video"]:
            break
        if state["progress"] and (not seen or seen[-1] != state["progress"]):
            seen.append(state["progress"])
        page.wait_for_timeout(250)
    expect(video).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True, "the page reloaded instead of updating live"
    percentages = [int(re.search(r"(\d+)%", s).group(1)) for s in seen]  # type: ignore[union-attr]
    assert len(set(percentages)) >= 2, f"progress never advanced on screen: {seen}"
    assert percentages == sorted(percentages), f"progress went backwards: {seen}"

    page.wait_for_function(
        "() => { const v = document.querySelector('video#result-video'); return v && v.readyState >= 1; }",
        timeout=20000,
    )
    width, duration = page.evaluate(
        "() => { const v = document.querySelector('video#result-video'); return [v.videoWidth, v.duration]; }"
    )
    assert width == 1280
    assert duration > 5
    expect(page.locator("a#download")).to_have_attribute("href", re.compile(r"video\.mp4\?download=1$"))
    renditions = page.locator("#renditions li.rendition")
    expect(renditions).to_have_count(2)
    vertical = page.locator('li.rendition[data-spec="9:16,720p,mp4"]')
    expect(vertical).to_contain_text("9:16 · 720p · MP4")
    poster = vertical.locator("img")
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=poster.element_handle())
    assert poster.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [720, 1280]
    vertical.locator(".rendition-poster").hover()  # its 3-second preview plays over the poster
    page.wait_for_function(
        "(v) => !v.paused && v.currentTime > 0.2",
        arg=vertical.locator("video").element_handle(),
        timeout=10000,
    )
    page.screenshot(path=str(artifacts / "project-page.png"), full_page=True)
