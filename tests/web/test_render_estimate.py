"""The estimated render time the studio shows before a render starts, learned from past renders here."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from animagenius.accounts.models import User
from animagenius.pipeline.video import RenderOptions
from animagenius.studio import selectors, services
from animagenius.studio.jobs import selectors as job_selectors
from animagenius.studio.jobs.execute import script_job_execute
from animagenius.studio.models import Project, RenderJob
from animagenius.studio.templatetags.studio import about_duration
from tests.web.helpers import render_from_the_form

TEXT = "# Tides\n\nThe moon pulls the oceans, and twice a day the water rises and falls along the coast.\n"


def finished_job(project: Project, *, took_s: float, video_s: float, **fields: str) -> RenderJob:
    end = timezone.now()
    return RenderJob.objects.create(
        project=project, kind=RenderJob.Kind.RENDER, status=RenderJob.Status.DONE, video_s=video_s,
        started_at=end - timedelta(seconds=took_s), finished_at=end,
        resolution=fields.get("resolution", "720p"), video_format=fields.get("video_format", "mp4"),
    )  # fmt: skip


def test_the_estimate_is_the_median_pace_of_past_renders_of_the_same_kind(user: User) -> None:
    project = services.project_create(
        owner=user, title="", pasted_text=TEXT,
        options=RenderOptions.read(aspect="16:9", resolution="720p", target_duration_s=60),
    )  # fmt: skip
    assert job_selectors.render_estimate(project=project, video_s=60).learned_from == 0, "a first guess"

    for took_s in (6.0, 12.0, 300.0):  # 0.1, 0.2 and 5 s per second of video: the outlier does not count
        finished_job(project, took_s=took_s, video_s=60.0)
    finished_job(project, took_s=600.0, video_s=60.0, resolution="4k")  # another resolution
    finished_job(project, took_s=600.0, video_s=60.0, video_format="gif")  # another format
    RenderJob.objects.create(project=project, status=RenderJob.Status.FAILED, video_s=60.0)

    estimate = job_selectors.render_estimate(project=project, video_s=90)
    assert estimate.learned_from == 3
    assert abs(estimate.seconds - 90 * 0.2) < 0.01


def test_the_page_shows_a_first_guess_then_what_this_machine_took(signed_in: Client, media: Path) -> None:
    project = render_from_the_form(signed_in)  # drafts the script and renders it once, for real
    job = project.render_jobs.filter(kind=RenderJob.Kind.RENDER).get()
    assert job.video_s is not None and job.started_at and job.finished_at
    assert abs(job.video_s - (project.video_duration_s or 0)) < 0.01
    pace = (job.finished_at - job.started_at).total_seconds() / job.video_s

    page = signed_in.get(reverse("studio:project_detail", args=[project.id])).content.decode()

    script_s = selectors.script_version_latest(project=project).script["scenes"]  # type: ignore[union-attr]
    total_s = round(sum(scene["estimated_s"] for scene in script_s), 1)
    assert f"{about_duration(total_s * pace)} to render (from the last 1 render here)" in page


def test_before_any_render_the_page_says_it_is_a_first_guess(signed_in: Client, media: Path) -> None:
    form = {"text": TEXT, "aspect": "16:9", "resolution": "720p", "duration": "30", "review": "on"}
    assert signed_in.post(reverse("studio:project_list"), form).status_code == 302
    project = Project.objects.get()
    script_job_execute(job_id=project.render_jobs.get().id)

    page = signed_in.get(reverse("studio:project_detail", args=[project.id])).content.decode()

    assert "to render (a first guess)" in page
