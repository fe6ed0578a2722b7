"""Cancelling a job from the project page: a queued job never runs, an ended one is left as it was.

A running job stopped by its worker is tested with the real worker process in
tests/api/test_render_through_worker.py.
"""

from __future__ import annotations

from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from animagenius.accounts.models import User
from animagenius.pipeline.video import RenderOptions
from animagenius.studio import services
from animagenius.studio.jobs.execute import render_job_execute, script_job_execute
from animagenius.studio.jobs.queue import render_job_create, script_job_create
from animagenius.studio.models import FileProcessingLog, Project, RenderJob
from tests.factories import TIDES
from tests.web.helpers import latest


def queued_render(project: Project) -> RenderJob:
    return render_job_create(project=project, script_version=latest(project))


def cancel(client: Client, job: RenderJob):
    return client.post(reverse("studio:job_cancel", args=[job.id]), follow=True)


def test_a_queued_render_cancelled_from_the_page_never_runs(signed_in: Client, tides: Project) -> None:
    job = queued_render(tides)
    page = signed_in.get(reverse("studio:project_detail", args=[tides.id])).content.decode()
    assert 'id="job-cancel"' in page and "Cancel the render" in page

    response = cancel(signed_in, job)

    page = response.content.decode()
    assert response.redirect_chain == [(reverse("studio:project_detail", args=[tides.id]), 302)]
    assert "The render was cancelled." in page
    assert 'id="job-cancelled"' in page and "No video was made" in page
    assert 'id="job-cancel"' not in page
    job.refresh_from_db()
    assert (job.status, job.stage) == (RenderJob.Status.CANCELLED, "cancelled")
    assert job.finished_at is not None
    tides.refresh_from_db()
    assert tides.status == Project.Status.REVIEW  # its script is still there to render
    assert FileProcessingLog.objects.filter(render_job=job, step="cancelled").exists()

    render_job_execute(job_id=job.id)  # the worker receives the message after all

    job.refresh_from_db()
    tides.refresh_from_db()
    assert (job.status, job.attempts, job.started_at) == (RenderJob.Status.CANCELLED, 0, None)
    assert not job.renditions.exists() and not tides.video


def test_a_new_render_can_be_queued_once_the_last_is_cancelled(signed_in: Client, tides: Project) -> None:
    cancel(signed_in, queued_render(tides))

    response = signed_in.post(
        reverse("studio:project_render", args=[tides.id]), {"version": latest(tides).id}
    )

    assert response.status_code == 302
    renders = tides.render_jobs.filter(kind=RenderJob.Kind.RENDER).order_by("created_at")
    assert list(renders.values_list("status", flat=True)) == ["cancelled", "queued"]


def test_an_ended_job_is_not_cancelled_and_the_page_says_why(signed_in: Client, tides: Project) -> None:
    drafted = tides.render_jobs.get(kind=RenderJob.Kind.SCRIPT)

    response = cancel(signed_in, drafted)

    assert "This job has already ended (done): nothing to cancel." in response.content.decode()
    drafted.refresh_from_db()
    assert drafted.status == RenderJob.Status.DONE


def test_someone_elses_job_is_404_and_keeps_going(client: Client, tides: Project) -> None:
    job = queued_render(tides)
    client.force_login(User.objects.create_user("grace@example.com", "another-long-passphrase-7"))

    response = client.post(reverse("studio:job_cancel", args=[job.id]))

    assert response.status_code == 404
    job.refresh_from_db()
    assert job.status == RenderJob.Status.QUEUED


def test_cancelling_needs_a_post(signed_in: Client, tides: Project) -> None:
    job = queued_render(tides)

    assert signed_in.get(reverse("studio:job_cancel", args=[job.id])).status_code == 405
    job.refresh_from_db()
    assert job.status == RenderJob.Status.QUEUED


def test_a_cancelled_render_leaves_the_last_video_standing(signed_in: Client, tides: Project) -> None:
    tides.video.save("earlier.mp4", ContentFile(b"an earlier render"))

    page = cancel(signed_in, queued_render(tides)).content.decode()

    assert "No new video was made; your last one is still here." in page
    tides.refresh_from_db()
    assert tides.status == Project.Status.DONE and tides.video.read() == b"an earlier render"


def test_a_cancelled_script_can_be_written_again_and_then_drafts_for_review(
    signed_in: Client, user: User, media: Path
) -> None:
    project = services.project_create(
        owner=user,
        title="",
        options=RenderOptions(),
        uploads=[SimpleUploadedFile("tides.md", TIDES.encode())],
    )
    first = script_job_create(project=project, render_after=True)
    cancel(signed_in, first)
    page = signed_in.get(reverse("studio:project_detail", args=[project.id])).content.decode()
    assert "No script was written." in page and 'id="script-draft-again"' in page

    response = signed_in.post(reverse("studio:script_draft", args=[project.id]), follow=True)

    again = project.render_jobs.exclude(id=first.id).get()
    assert response.status_code == 200 and 'id="script-draft-again"' not in response.content.decode()
    assert (again.kind, again.status, again.render_after) == ("script", "queued", False)
    script_job_execute(job_id=again.id)
    project.refresh_from_db()
    assert project.status == Project.Status.REVIEW and latest(project).number == 1


def test_writing_the_script_again_is_refused_while_a_job_runs_or_once_there_is_a_script(
    signed_in: Client, tides: Project
) -> None:
    has_script = signed_in.post(reverse("studio:script_draft", args=[tides.id]), follow=True)
    queued_render(tides)
    busy = signed_in.post(reverse("studio:script_draft", args=[tides.id]), follow=True)

    assert "This project already has a script" in has_script.content.decode()
    assert "already being worked on" in busy.content.decode()
    assert tides.render_jobs.filter(kind="script").count() == 1
