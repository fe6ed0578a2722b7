"""The render queue: which job a worker's dispatch message takes (plan, then age; each person capped by plan),
where a queued job waits, and a message that comes again after its worker died."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from animagenius.accounts.models import User
from animagenius.billing.models import UsageMetric
from animagenius.billing.plans import PROMOTION_EVERY_S
from animagenius.pipeline.video import RenderOptions
from animagenius.studio import services
from animagenius.studio.jobs import selectors as job_selectors
from animagenius.studio.jobs.execute import job_run_next
from animagenius.studio.jobs.queue import render_job_claim, script_job_create
from animagenius.studio.jobs.states import RESTARTED, WORKER_LOST
from animagenius.studio.jobs.workers import render_jobs_reap
from animagenius.studio.models import Project, RenderJob
from tests.factories import TIDES, render_job_queued_create, user_create
from tests.processes import pool_process
from tests.web.helpers import encoding_render, workdir_removed

pytestmark = pytest.mark.django_db


def owners_tiers(jobs: list[RenderJob]) -> list[str]:
    return [job.project.owner.subscription_tier for job in jobs]


def test_the_queue_starts_the_higher_plan_first_then_the_older_job():
    free = render_job_queued_create(tier="free", waited_s=60)
    pro = render_job_queued_create(tier="pro", waited_s=30)
    enterprise = render_job_queued_create(tier="enterprise")
    business = render_job_queued_create(tier="business", waited_s=10)
    older_pro = render_job_queued_create(tier="pro", waited_s=40)

    order = job_selectors.render_job_queue()

    assert [job.id for job in order] == [enterprise.id, business.id, older_pro.id, pro.id, free.id]
    assert [job_selectors.render_job_position(job=job) for job in (enterprise, free)] == [1, 5]


def test_a_waiting_free_job_climbs_a_plan_every_promotion_interval_so_it_never_starves():
    business = render_job_queued_create(tier="business")
    pro = render_job_queued_create(tier="pro")
    free = render_job_queued_create(
        tier="free", waited_s=2 * PROMOTION_EVERY_S + 1
    )  # ranks as a business job

    assert [job.id for job in job_selectors.render_job_queue()] == [free.id, business.id, pro.id]


def test_a_worker_takes_the_best_job_whose_owner_is_under_their_plans_cap():
    busy, other = user_create(tier="free"), user_create(tier="free")
    running = render_job_queued_create(owner=busy, status=RenderJob.Status.RUNNING)
    # older, but its owner already runs the one job Free allows
    waiting = render_job_queued_create(owner=busy, waited_s=100)
    later = render_job_queued_create(owner=other, waited_s=5)

    first = render_job_claim(task_id="message-1")
    nothing = render_job_claim(task_id="message-2")
    RenderJob.objects.filter(id=running.id).update(status=RenderJob.Status.DONE)
    second = render_job_claim(task_id="message-3")

    assert first is not None and first.id == later.id
    assert nothing is None
    assert second is not None and second.id == waiting.id
    claimed = RenderJob.objects.get(id=later.id)
    assert (claimed.status, claimed.task_id) == (RenderJob.Status.RUNNING, "message-1")


def test_a_pro_person_runs_two_jobs_at_once_and_the_third_waits():
    owner = user_create(tier="pro")
    jobs = [render_job_queued_create(owner=owner, waited_s=30 - index) for index in range(3)]

    claims = [render_job_claim(task_id=f"message-{index}") for index in range(3)]

    assert [claim.id if claim else None for claim in claims] == [jobs[0].id, jobs[1].id, None]
    assert job_selectors.render_job_position(job=jobs[2]) == 1


def test_a_message_that_comes_again_takes_back_the_job_its_dead_worker_ran():
    first = render_job_queued_create(tier="free", waited_s=20)
    second = render_job_queued_create(tier="free", waited_s=10)
    claimed = render_job_claim(task_id="message-1")

    again = render_job_claim(task_id="message-1")  # redelivered: its worker was killed
    other = render_job_claim(task_id="message-2")

    assert claimed is not None and again is not None and again.id == claimed.id == first.id
    assert other is not None and other.id == second.id


def test_an_empty_queue_runs_nothing_and_sends_no_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as sent:
        ran = job_run_next(task_id="message-1")

    assert ran is None and sent == []


def test_the_job_a_message_takes_is_run_and_its_end_sends_the_next_message(
    user: User, media, django_capture_on_commit_callbacks
):
    project = services.project_create(
        owner=user,
        title="",
        options=RenderOptions.read(aspect="16:9", resolution="720p", target_duration_s=30),
        uploads=[SimpleUploadedFile("tides.md", TIDES.encode())],
    )
    with django_capture_on_commit_callbacks() as created:
        job = script_job_create(project=project, render_after=False)

    with django_capture_on_commit_callbacks() as after:
        ran = job_run_next(task_id="message-1")

    assert len(created) == 1  # the new job's dispatch message
    assert ran is not None and ran.id == job.id
    job.refresh_from_db()
    assert (job.status, job.attempts, job.task_id) == (RenderJob.Status.DONE, 1, "message-1")
    assert len(after) == 1  # its slot is free: the next job may start


def test_the_page_and_the_api_say_where_a_queued_job_waits(signed_in: Client, user: User):
    ahead = render_job_queued_create(tier="free", waited_s=30)
    mine = render_job_queued_create(owner=user)
    render_job_queued_create(owner=user, status=RenderJob.Status.RUNNING)

    page = signed_in.get(reverse("studio:project_detail", args=[mine.project_id])).content.decode()
    api = signed_in.get(f"/api/v1/jobs/{mine.id}").json()

    assert "Queued, position 2" in page
    assert "Your plan renders 1 video at a time; this one starts when the other one finishes." in page
    assert api["queue_position"] == 2 and api["status"] == "queued"
    assert job_selectors.render_job_position(job=ahead) == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_free_jobs_waiting_an_enterprise_job_starts_within_one_worker_slot(celery_worker):
    def drafting(owner: User) -> RenderJob:
        project = services.project_create(
            owner=owner,
            title="",
            options=RenderOptions.read(aspect="16:9", resolution="720p", target_duration_s=30),
            uploads=[SimpleUploadedFile("tides.md", TIDES.encode())],
        )
        return script_job_create(project=project, render_after=False)

    free = [drafting(user_create(tier="free")) for _ in range(4)]
    enterprise = drafting(user_create(tier="enterprise"))
    jobs = [*free, enterprise]
    deadline = time.monotonic() + 240
    while RenderJob.objects.exclude(status__in=RenderJob.FINISHED).exists() and time.monotonic() < deadline:
        time.sleep(0.5)

    ended = RenderJob.objects.filter(id__in=[job.id for job in jobs]).order_by("started_at")
    assert [job.status for job in ended] == [RenderJob.Status.DONE] * 5, celery_worker.output()[-3000:]
    started = [job.id for job in ended]
    assert started.index(enterprise.id) <= 1, "free jobs queued before it started first"
    assert started[2:] == [job.id for job in free if job.id in started[2:]]  # the rest in age order


def running(owner: User, *, beat_ago_s: float, attempts: int = 1, task_id: str = "dead-message") -> RenderJob:
    """A job a worker started, whose last heartbeat was `beat_ago_s` ago."""
    job = render_job_queued_create(owner=owner, status=RenderJob.Status.RUNNING)
    beat = timezone.now() - timedelta(seconds=beat_ago_s)
    RenderJob.objects.filter(id=job.id).update(heartbeat_at=beat, attempts=attempts, task_id=task_id)
    job.refresh_from_db()
    return job


def test_the_reaper_requeues_a_job_whose_heartbeat_stopped_and_wakes_a_worker(
    settings, django_capture_on_commit_callbacks
):
    settings.JOB_STALE_AFTER_S = 60
    dead = running(user_create(tier="free"), beat_ago_s=90)
    alive = running(user_create(tier="free"), beat_ago_s=10, task_id="live-message")

    with django_capture_on_commit_callbacks() as sent:
        reaped = render_jobs_reap()

    assert [job.id for job in reaped] == [dead.id] and len(sent) == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, dead.task_id, dead.stage) == (RenderJob.Status.QUEUED, "", "queued")
    assert RESTARTED in dead.notices
    assert alive.status == RenderJob.Status.RUNNING
    claimed = render_job_claim(task_id="new-message")  # the wake-up the reaper sent
    assert claimed is not None and claimed.id == dead.id


def test_a_job_whose_worker_died_too_often_fails_with_the_reason(settings):
    settings.JOB_MAX_ATTEMPTS = 3
    dead = running(user_create(tier="pro"), beat_ago_s=600, attempts=3)

    render_jobs_reap()

    dead.refresh_from_db()
    assert dead.status == RenderJob.Status.FAILED
    assert dead.error == WORKER_LOST.format(attempts=3)
    assert "stopped unexpectedly 3 times" in dead.error
    assert Project.objects.get(id=dead.project_id).status == Project.Status.FAILED


def test_a_redelivered_message_of_a_job_tried_too_often_fails_it_and_takes_the_next(settings):
    settings.JOB_MAX_ATTEMPTS = 3
    stuck = running(user_create(tier="free"), beat_ago_s=0, attempts=3, task_id="message-1")
    waiting = render_job_queued_create(tier="free")

    claimed = render_job_claim(task_id="message-1")

    assert claimed is not None and claimed.id == waiting.id
    stuck.refresh_from_db()
    assert stuck.status == RenderJob.Status.FAILED and "3 times" in stuck.error


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_render_whose_worker_process_is_killed_is_run_again_and_finishes_once(celery_worker, ffprobe):
    owner = user_create(tier="free")
    project, job, _ = encoding_render(owner, celery_worker.process.pid)
    os.kill(pool_process(celery_worker.process.pid), signal.SIGKILL)  # as the OOM killer would
    killed = time.monotonic()

    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.2)

    assert job.status == RenderJob.Status.DONE, job.error or celery_worker.output()[-3000:]
    assert job.attempts == 2 and RESTARTED in job.notices
    assert job.renditions.count() == 1
    assert UsageMetric.objects.filter(user=owner, action="render").count() == 1  # completed once
    project.refresh_from_db()
    assert float(ffprobe(Path(project.video.path))["format"]["duration"]) > 5
    assert workdir_removed(job)
    assert job.finished_at is not None and celery_worker.alive
    print(f"killed mid-render; done {time.monotonic() - killed:.1f} s later")
