"""In a real browser: cancel a render while the worker encodes it; the page says so, and ffmpeg stops."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from animagenius.studio.models import Project, RenderJob
from tests.e2e.test_script_editor import sign_in
from tests.processes import encoders_stop_s, running_ffmpegs

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ARTICLE = "# Rivers\n\n" + "".join(
    f"## Stretch {number}\n\nThe river carries sand from the hills to the sea, stretch {number} of many.\n"
    "Where it slows down, the sand settles and builds new land at the mouth.\n\n"
    for number in range(1, 7)
)


def long_render_encoding(page: Page, live_server, celery_worker, tmp_path: Path) -> Locator:
    """Sign in, make a 2-minute 1080p video of ARTICLE, and wait until the worker's ffmpeg encodes it; the
    status panel while it runs."""
    sign_in(page, live_server.url)
    source = tmp_path / "rivers.md"
    source.write_text(ARTICLE)
    page.set_input_files("input[name=source_file]", str(source))
    page.select_option("select[name=resolution]", "1080p")
    page.select_option("select[name=duration]", "120")
    page.uncheck("input[name=review]")
    page.get_by_role("button", name="Create video").click()
    expect(page.get_by_role("heading", name="rivers.md")).to_be_visible()

    running = page.locator("#job-status[data-kind=render][data-status=running]")
    expect(running).to_be_visible(timeout=120_000)  # the script is drafted and its render has started
    for _ in range(600):
        if running_ffmpegs(celery_worker.process.pid):
            break
        page.wait_for_timeout(100)
    assert running_ffmpegs(celery_worker.process.pid), "the render never started an encoder"
    return running


def test_cancel_a_render_from_the_project_page(page: Page, live_server, celery_worker, tmp_path):
    long_render_encoding(page, live_server, celery_worker, tmp_path)
    page.get_by_role("button", name="Cancel the render").click()
    clicked = time.monotonic()
    stopped_s = encoders_stop_s(celery_worker.process.pid, since=clicked)
    assert stopped_s <= 15.0, f"ffmpeg ran on for {stopped_s:.1f} s after the click (bench/cancel.py: 0.5 s)"

    expect(page.locator("#job-cancelled")).to_contain_text("No video was made")
    expect(page.locator(".messages")).to_contain_text("The render was cancelled.")
    job = RenderJob.objects.get(kind=RenderJob.Kind.RENDER)
    assert job.status == RenderJob.Status.CANCELLED
    assert Project.objects.get().status == Project.Status.REVIEW
    expect(page.locator("#render-video")).to_be_enabled()  # the script can be rendered again
