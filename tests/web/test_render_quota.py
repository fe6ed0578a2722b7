"""Monthly render minutes: counted from finished videos and held for queued ones, checked whenever a render
is queued (the studio's buttons, the new-video form, the API, a script job that renders afterwards)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from animagenius.accounts.models import User
from animagenius.billing import selectors as billing_selectors
from animagenius.billing.models import UsageMetric
from animagenius.billing.plans import plan_for
from animagenius.pipeline.video import RenderOptions
from animagenius.studio import services
from animagenius.studio.errors import QuotaExceeded
from animagenius.studio.jobs import selectors as job_selectors
from animagenius.studio.jobs.execute import script_job_execute
from animagenius.studio.jobs.queue import render_job_cancel, render_job_create, script_job_create
from animagenius.studio.models import Project, RenderJob
from tests.factories import TIDES, project_drafted_create
from tests.web.helpers import latest

pytestmark = pytest.mark.django_db

FREE_S = plan_for("free").monthly_render_minutes * 60


def rendered(user: User, seconds: float, *, when: datetime | None = None) -> UsageMetric:
    """A finished video's usage row, as `_job_succeed` writes it."""
    row = UsageMetric.objects.create(
        user=user, action="render", resource_type="video_seconds", quantity=seconds
    )
    if when is not None:
        UsageMetric.objects.filter(id=row.id).update(timestamp=when)
    return row


def test_the_month_counts_this_months_videos_and_holds_minutes_for_queued_ones(user: User, tides: Project):
    now = datetime(2026, 12, 5, 10, tzinfo=UTC)
    rendered(user, 100, when=datetime(2026, 12, 1, 0, 0, 1, tzinfo=UTC))
    rendered(user, 50, when=datetime(2026, 11, 30, 23, 59, tzinfo=UTC))  # last month: not counted
    UsageMetric.objects.create(user=user, action="script", resource_type="tokens", quantity=5000)
    render_job_create(project=tides, script_version=latest(tides))

    reserved_s = job_selectors.render_seconds_reserved(user=user)
    quota = billing_selectors.render_quota_get(user=user, reserved_s=reserved_s, now=now)

    assert quota.used_s == 100
    assert quota.reserved_s == pytest.approx(latest(tides).estimated_duration_s) and quota.reserved_s > 0
    assert quota.left_s == pytest.approx(FREE_S - 100 - quota.reserved_s)
    assert quota.resets_on.isoformat() == "2027-01-01"


def test_a_render_that_does_not_fit_is_refused_with_what_is_left(
    user: User, tides: Project, signed_in: Client
):
    needed = latest(tides).estimated_duration_s
    rendered(user, FREE_S - needed + 6)  # 6 s short

    response = signed_in.post(
        reverse("studio:project_render", args=[tides.id]), {"version": str(latest(tides).id)}
    )

    page = response.content.decode()
    assert response.status_code == 402
    assert "This video needs about" in page and "left this month" in page and "upgrade your plan" in page
    assert not tides.render_jobs.filter(kind="render").exists()
    tides.refresh_from_db()
    assert tides.status == Project.Status.REVIEW  # the script is kept, ready for when minutes come back


def test_a_render_that_just_fits_is_queued(user: User, tides: Project):
    rendered(user, FREE_S - latest(tides).estimated_duration_s)

    job = render_job_create(project=tides, script_version=latest(tides))

    assert job.status == RenderJob.Status.QUEUED


def test_minutes_held_by_a_queued_render_count_against_the_next(user: User, tides: Project, media: Path):
    other = project_drafted_create(owner=user, name="tides-again.md", content=TIDES.encode())
    rendered(user, FREE_S - latest(tides).estimated_duration_s - latest(other).estimated_duration_s / 2)
    render_job_create(project=tides, script_version=latest(tides))

    with pytest.raises(QuotaExceeded, match="held by videos in progress"):
        render_job_create(project=other, script_version=latest(other))


def test_a_cancelled_render_gives_its_minutes_back(user: User, tides: Project, media: Path):
    other = project_drafted_create(owner=user, name="tides-again.md", content=TIDES.encode())
    rendered(user, FREE_S - latest(tides).estimated_duration_s - latest(other).estimated_duration_s / 2)
    render_job_cancel(job=render_job_create(project=tides, script_version=latest(tides)))

    assert render_job_create(project=other, script_version=latest(other)).status == "queued"


def test_a_higher_plan_has_more_minutes(user: User, tides: Project):
    rendered(user, FREE_S)
    with pytest.raises(QuotaExceeded):
        render_job_create(project=tides, script_version=latest(tides))

    User.objects.filter(id=user.id).update(subscription_tier="pro")
    tides.owner.refresh_from_db()
    assert render_job_create(project=tides, script_version=latest(tides)).status == "queued"


def test_the_new_video_form_refuses_a_render_the_minutes_do_not_cover(
    user: User, signed_in: Client, media: Path
):
    rendered(user, FREE_S - 20)
    form = {
        "text": TIDES,
        "aspect": "16:9",
        "resolution": "720p",
        "duration": "30",
    }  # no review: render at once

    refused = signed_in.post(reverse("studio:project_list"), form)
    drafted_first = signed_in.post(reverse("studio:project_list"), {**form, "review": "on"})

    assert refused.status_code == 400
    assert "This video needs about 0.5 minutes" in refused.content.decode()
    assert "review the script first" in refused.content.decode()
    assert drafted_first.status_code == 302 and Project.objects.filter(owner=user).count() == 1


def test_the_studio_shows_the_minutes_used(user: User, signed_in: Client):
    rendered(user, 90)
    page = signed_in.get(reverse("studio:project_list")).content.decode()
    assert "Render minutes this month: 1.5 minutes of 10 minutes used." in page


def test_a_script_job_whose_render_no_longer_fits_leaves_the_script_for_review(user: User, media: Path):
    project = services.project_create(
        owner=user,
        title="",
        options=RenderOptions.read(aspect="16:9", resolution="720p", target_duration_s=30),
        uploads=[SimpleUploadedFile("tides.md", TIDES.encode())],
    )
    job = script_job_create(project=project, render_after=True)
    rendered(user, FREE_S - 1)  # another video finished while this one's script was queued

    script_job_execute(job_id=job.id)

    job.refresh_from_db()
    project.refresh_from_db()
    assert job.status == RenderJob.Status.DONE and latest(project).number == 1
    assert not project.render_jobs.filter(kind="render").exists()
    assert project.status == Project.Status.REVIEW
    assert any(notice.startswith("Not rendered: This video needs about") for notice in job.notices)
