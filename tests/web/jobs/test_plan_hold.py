"""A person's plan drops while their renders wait (a subscription suspended or ended): the queue holds what
the plan no longer covers, with the reason on the page and in the API, lets everyone else's work through,
and starts it once the plan covers it again; the mark follows the plan at render time; finished videos stay
downloadable whatever the plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from animagenius.accounts.models import User
from animagenius.billing.models import UsageMetric
from animagenius.billing.plans import plan_for
from animagenius.studio.jobs.execute import job_run_next, render_job_execute
from animagenius.studio.jobs.queue import render_job_claim, render_job_create, render_jobs_plan_changed
from animagenius.studio.jobs.workers import render_jobs_reap
from animagenius.studio.models import FileProcessingLog, Project, RenderJob
from tests.factories import render_job_queued_create
from tests.web.helpers import latest
from tests.web.test_themes_and_mark import frame, mark_read

pytestmark = pytest.mark.django_db

NO_4K = (
    "Waiting: your plan (Free) does not include 4K. Upgrade your plan, or cancel this render and make the "
    "video again at 1080p."
)


def tier_set(user: User, tier: str) -> None:
    """What billing does when a subscription changes: the tier, then the studio told."""
    User.objects.filter(id=user.id).update(subscription_tier=tier)
    render_jobs_plan_changed(user=user)


def render_queued(project: Project, *, resolution: str = "") -> RenderJob:
    """The render of the project's latest script version, queued (at `resolution`, if given)."""
    if resolution:
        project.options = {**project.options, "resolution": resolution}
        project.save(update_fields=["options"])
    return render_job_create(project=project, script_version=latest(project))


def test_a_4k_render_of_someone_dropped_to_free_waits_with_the_reason_and_starts_once_they_upgrade(
    signed_in: Client, user: User, tides: Project, django_capture_on_commit_callbacks
):
    User.objects.filter(id=user.id).update(subscription_tier="pro")
    held = render_queued(tides, resolution="4k")
    User.objects.filter(id=user.id).update(subscription_tier="free")  # suspended: no one told the studio
    other = render_job_queued_create(tier="free")  # queued after it, by someone else

    first = render_job_claim(task_id="message-1")
    with django_capture_on_commit_callbacks() as woken:
        nothing = job_run_next(task_id="message-2")  # only the held job is left: the worker goes idle

    assert first is not None and first.id == other.id
    assert nothing is None and woken == []
    held.refresh_from_db()
    assert held.status == RenderJob.Status.QUEUED and NO_4K in held.notices
    page = signed_in.get(reverse("studio:project_detail", args=[tides.id])).content.decode()
    assert NO_4K in page and "Queued, position" not in page
    api = signed_in.get(f"/api/v1/jobs/{held.id}").json()
    assert api["status"] == "queued" and NO_4K in api["notices"] and api["queue_position"] is None
    said = FileProcessingLog.objects.filter(render_job=held, step="waiting for plan")
    assert [row.message for row in said] == [NO_4K]  # once, however often workers look

    with django_capture_on_commit_callbacks() as woken:
        tier_set(user, "pro")
    started = render_job_claim(task_id="message-3")

    assert len(woken) == 1  # the wake-up billing's change sends: no need to wait for the reaper
    assert started is not None and started.id == held.id
    held.refresh_from_db()
    assert held.status == RenderJob.Status.RUNNING and held.task_id == "message-3"
    assert not any(notice.startswith("Waiting:") for notice in held.notices)


def test_a_held_job_is_looked_at_again_every_reaper_round_so_a_plan_changed_unannounced_starts_it(
    user: User, tides: Project, django_capture_on_commit_callbacks
):
    User.objects.filter(id=user.id).update(subscription_tier="pro")
    held = render_queued(tides, resolution="4k")
    User.objects.filter(id=user.id).update(subscription_tier="free")
    assert render_job_claim(task_id="message-1") is None

    User.objects.filter(id=user.id).update(subscription_tier="business")  # reactivated, studio not told
    with django_capture_on_commit_callbacks() as woken:
        render_jobs_reap()
    started = render_job_claim(task_id="message-2")

    assert len(woken) == 1
    assert started is not None and started.id == held.id


def test_a_4k_extra_rendition_waits_too(user: User, tides: Project):
    User.objects.filter(id=user.id).update(subscription_tier="pro")
    tides.extra_renditions = ["9:16,4k,mp4"]
    tides.save(update_fields=["extra_renditions"])
    held = render_queued(tides)

    tier_set(user, "free")  # told: the reason shows before any worker looks

    held.refresh_from_db()
    assert held.status == RenderJob.Status.QUEUED
    assert held.notices[-1].startswith("Waiting: your plan (Free) does not include 4K (asked for in an extra")
    assert render_job_claim(task_id="message-1") is None


def test_a_render_over_the_months_minutes_waits_with_what_is_left_and_when_they_reset(
    signed_in: Client, user: User, tides: Project
):
    User.objects.filter(id=user.id).update(subscription_tier="pro")
    held = render_queued(tides)
    UsageMetric.objects.create(  # an hour of Pro video this month: over what Free gives
        user=user, action="render", resource_type="video_seconds", quantity=3600
    )
    tier_set(user, "free")

    claimed = render_job_claim(task_id="message-1")

    assert claimed is None
    held.refresh_from_db()
    assert held.status == RenderJob.Status.QUEUED
    [waiting] = [notice for notice in held.notices if notice.startswith("Waiting:")]
    assert waiting.startswith("Waiting: your plan (Free) has not enough render minutes left for this video.")
    assert "your plan has 0.0 minutes left this month (60 minutes of 10 minutes used)" in waiting
    assert plan_for("free").monthly_render_minutes == 10
    assert "minutes reset on" in waiting and "It starts by itself once it fits." in waiting
    assert waiting in signed_in.get(reverse("studio:project_detail", args=[tides.id])).content.decode()

    tier_set(user, "business")
    started = render_job_claim(task_id="message-2")
    assert started is not None and started.id == held.id


def marked_after_the_plan_changes_to(tier: str, *, project: Project, folder: Path) -> bool:
    """Queue the project's render, change its owner's plan to `tier`, let a worker take it: whether the video
    carries the AnimaGenius mark."""
    job = render_queued(project)
    tier_set(project.owner, tier)
    ran = job_run_next(task_id=f"message-{tier}")
    assert ran is not None and ran.id == job.id
    job.refresh_from_db()
    project.refresh_from_db()
    assert job.status == RenderJob.Status.DONE, job.error
    return mark_read(frame(Path(project.video.path), at_s=1.5), folder)


def test_a_render_claimed_after_a_downgrade_carries_the_mark_and_after_an_upgrade_does_not(
    user: User, tides: Project, media: Path
):
    User.objects.filter(id=user.id).update(subscription_tier="pro")  # queued on Pro, rendered on Free
    assert marked_after_the_plan_changes_to("free", project=tides, folder=media)
    # queued on Free, rendered on Pro
    assert not marked_after_the_plan_changes_to("pro", project=tides, folder=media)


def test_a_finished_video_still_downloads_after_the_plan_drops_to_free(
    signed_in: Client, user: User, tides: Project
):
    User.objects.filter(id=user.id).update(subscription_tier="pro")
    job = render_queued(tides)
    render_job_execute(job_id=job.id)
    job.refresh_from_db()
    assert job.status == RenderJob.Status.DONE, job.error
    [rendition] = job.renditions.all()
    tier_set(user, "free")

    video = signed_in.get(reverse("studio:project_video", args=[tides.id]) + "?download=1")
    page_file = signed_in.get(reverse("studio:rendition_file", args=[rendition.id, "video"]) + "?download=1")
    api_file = signed_in.get(f"/api/v1/renditions/{rendition.id}/video?download=1")

    for response in (video, page_file, api_file):
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        assert b"".join(response.streaming_content)[4:8] == b"ftyp"  # type: ignore[attr-defined]
    page = signed_in.get(reverse("studio:project_detail", args=[tides.id])).content.decode()
    assert 'id="download"' in page and 'class="rendition-download"' in page
