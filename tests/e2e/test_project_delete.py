"""In a real browser: delete a project while the worker renders it. The page asks first; once the person
agrees, ffmpeg stops, the project and its uploads are gone, and the list no longer shows it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Dialog, Page, expect

from animagenius.studio.models import Asset, Project, RenderJob
from tests.e2e.test_cancel import long_render_encoding
from tests.processes import encoders_stop_s, running_ffmpegs

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_delete_a_project_while_it_renders(page: Page, live_server, celery_worker, tmp_path):
    running = long_render_encoding(page, live_server, celery_worker, tmp_path)
    upload = Path(Asset.objects.get(kind=Asset.Kind.SOURCE).file.path)
    assert upload.is_file()

    questions: list[str] = []

    def answer(dialog: Dialog, *, agree: bool) -> None:
        questions.append(dialog.message)
        dialog.accept() if agree else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, agree=False))
    page.get_by_role("button", name="Delete project").click()
    expect(running).to_be_visible()  # the person said no: nothing was sent
    assert Project.objects.exists() and running_ffmpegs(celery_worker.process.pid)

    page.once("dialog", lambda dialog: answer(dialog, agree=True))
    page.get_by_role("button", name="Delete project").click()
    clicked = time.monotonic()
    expect(page.locator(".messages")).to_contain_text("” was deleted, with its videos and uploads.")
    stopped_s = encoders_stop_s(celery_worker.process.pid, since=clicked)
    assert stopped_s <= 15.0, f"ffmpeg ran on for {stopped_s:.1f} s after the deletion"

    assert len(questions) == 2 and questions[0] == questions[1], questions
    assert questions[0].endswith("” with its videos and uploads? This cannot be undone."), questions
    assert page.url.rstrip("/").endswith("/projects")
    expect(page.locator("ul.projects li")).to_have_count(0)
    assert not Project.objects.exists() and not RenderJob.objects.exists()
    assert not upload.exists()
