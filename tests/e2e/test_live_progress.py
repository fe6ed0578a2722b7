"""In a real browser: the project page follows its render over server-sent events from the stream server
(as `make run` serves it), not by polling, and shows the video when the job ends."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, expect

from tests.e2e.test_script_editor import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def article() -> str:
    """New words each run, so no cache of an earlier run makes the render too quick to watch."""
    night = uuid.uuid4().int % 10_000
    return "# Lighthouses\n\n" + "".join(
        f"## Keeper {number}\n\nOn night {night} the keeper climbed the tower and lit lamp {number}.\n\n"
        for number in range(1, 4)
    )


def test_the_page_follows_the_render_over_its_stream(
    page: Page, live_server, celery_worker, events_server, settings, tmp_path
):
    # the stream on the page's own host name, so the browser sends it the session cookie
    settings.EVENTS_URL = events_server.replace(
        "127.0.0.1", urlsplit(live_server.url).hostname or "localhost"
    )
    polls: list[str] = []
    page.on("request", lambda request: polls.append(request.url) if _is_poll(request) else None)
    sign_in(page, live_server.url)
    source = tmp_path / "lighthouses.md"
    source.write_text(article())
    page.set_input_files("input[name=source_file]", str(source))
    page.select_option("select[name=duration]", "60")
    page.uncheck("input[name=review]")
    page.get_by_role("button", name="Create video").click()

    rendering = page.locator("#job-status[data-kind=render][data-stream=live]")
    expect(rendering).to_be_visible(timeout=120_000)
    polls.clear()
    # a one-minute video renders for well over the few seconds three updates take; how far apart they
    # come depends on the machine (a stage may hold one value for a while), so wait for them, not a clock
    page.wait_for_function(_THREE_UPDATES_OR_CLOSED, timeout=60_000)
    polled = list(polls)
    streamed = int(page.locator("#job-status").get_attribute("data-streamed") or 0)
    stage = page.locator("#job-stage").inner_text()
    expect(page.locator("#result-video")).to_be_visible(timeout=240_000)

    assert not polled, polled  # while the stream was live, the panel did not poll
    assert streamed >= 3  # the updates came over the stream (the worker writes every 0.5 s)
    # the stream wrote one of the render's stages there (three updates may come before it narrates)
    assert stage in (
        "Starting",
        "Reading",
        "Writing script",
        "Narrating",
        "Designing slides",
        "Rendering video",
    ), stage
    assert page.locator("#job-status").get_attribute("data-status") == "done"


_THREE_UPDATES_OR_CLOSED = """() => {
    const box = document.getElementById("job-status");
    return !box || box.dataset.stream !== "live" || Number(box.dataset.streamed || 0) >= 3;
}"""


def _is_poll(request: Request) -> bool:
    return request.url.rstrip("/").endswith("/status")
