"""A job that meets a transient failure (an encoder killed from outside, a provider that is down or rate
limits us) is queued again after an exponential backoff with jitter, up to JOB_MAX_ATTEMPTS; a permanent
failure (bad input) fails at once with the reason."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from animagenius.billing.models import UsageMetric
from animagenius.pipeline.errors import (
    CorruptFile,
    EncoderKilled,
    ProviderRateLimited,
    ProviderUnavailable,
)
from animagenius.pipeline.providers.remote.http import backoff_delay_s
from animagenius.studio.jobs.execute import _job_end_in_error
from animagenius.studio.jobs.queue import render_job_cancel, render_job_claim
from animagenius.studio.jobs.workers import render_jobs_reap
from animagenius.studio.models import FileProcessingLog, Project, RenderJob
from tests.factories import render_job_queued_create, user_create
from tests.web.helpers import encoding_render, workdir_removed

pytestmark = pytest.mark.django_db


def test_the_backoff_doubles_with_jitter_up_to_its_cap_unless_the_provider_says_how_long():
    waits = {
        attempt: [backoff_delay_s(attempt, backoff_s=15, retry_after_s=None, cap_s=120) for _ in range(200)]
        for attempt in (1, 2, 3, 4, 5)
    }

    for attempt, (low, high) in {1: (15, 18.75), 2: (30, 37.5), 3: (60, 75)}.items():
        assert low <= min(waits[attempt]) and max(waits[attempt]) <= high
        assert len(set(waits[attempt])) > 100  # jittered: workers hit by one outage do not retry in step
    assert set(waits[4]) == set(waits[5]) == {120}
    assert backoff_delay_s(1, backoff_s=15, retry_after_s=42, cap_s=120) == 42


def started(settings, *, attempts: int = 1) -> RenderJob:
    """A render job a worker has claimed and started, `attempts` counted."""
    job = render_job_queued_create(tier="pro")
    claimed = render_job_claim(task_id=f"message-{job.id}")
    assert claimed is not None and claimed.id == job.id
    RenderJob.objects.filter(id=job.id).update(attempts=attempts, stage="rendering video")
    claimed.refresh_from_db()
    return claimed


def fail(job: RenderJob, error: Exception) -> RenderJob:
    try:
        raise error
    except Exception as raised:
        _job_end_in_error(job, raised, cancelled=False)
    job.refresh_from_db()
    return job


@pytest.mark.parametrize("error", [EncoderKilled(), ProviderUnavailable("the voice service answered 503")])
def test_a_transient_failure_queues_the_job_again_after_a_backoff(
    settings, django_capture_on_commit_callbacks, error: Exception
):
    settings.JOB_RETRY_BACKOFF_S, settings.JOB_MAX_ATTEMPTS = 20, 3
    job = started(settings)

    before = timezone.now()
    with django_capture_on_commit_callbacks() as wakes:
        fail(job, error)

    assert (job.status, job.stage, job.attempts, job.task_id) == ("queued", "waiting to retry", 1, "")
    assert job.retry_at is not None
    assert timedelta(seconds=20) <= job.retry_at - before <= timedelta(seconds=25.5)  # 20 s, jittered
    assert job.notices[-1].startswith(f"Attempt 1 of 3 stopped: {error}. Trying again in 2")
    assert Project.objects.get(id=job.project_id).status == Project.Status.QUEUED
    assert job.logs.get().status == FileProcessingLog.Status.FAILED
    assert len(wakes) == 1  # a wake-up timed for the end of the wait
    assert render_job_claim(task_id="too-early") is None  # it waits out its backoff
    RenderJob.objects.filter(id=job.id).update(retry_at=timezone.now() - timedelta(seconds=1))
    again = render_job_claim(task_id="after-the-wait")
    assert again is not None and again.id == job.id
    again.refresh_from_db()
    assert again.retry_at is None and again.status == "running"


def test_the_second_retry_waits_twice_as_long(settings):
    settings.JOB_RETRY_BACKOFF_S = 20
    job = fail(started(settings, attempts=2), EncoderKilled())
    assert timedelta(seconds=39) <= job.retry_at - timezone.now() <= timedelta(seconds=50.5)  # type: ignore[operator]


def test_a_rate_limited_provider_is_waited_for_as_long_as_it_asked(settings):
    job = fail(started(settings), ProviderRateLimited("429 from the image service", retry_after_s=90))
    assert timedelta(seconds=88) <= job.retry_at - timezone.now() <= timedelta(seconds=90)  # type: ignore[operator]


def test_a_permanent_failure_fails_at_once_with_the_reason(settings):
    job = fail(started(settings), CorruptFile("tides.pdf is damaged: re-export it from the original."))

    assert (job.status, job.attempts, job.retry_at) == ("failed", 1, None)
    assert job.error == "tides.pdf is damaged: re-export it from the original."


def test_a_transient_failure_on_the_last_attempt_fails_saying_how_often_it_was_tried(settings):
    settings.JOB_MAX_ATTEMPTS = 3
    job = fail(started(settings, attempts=3), ProviderUnavailable("the voice service answered 503"))

    assert job.status == "failed" and job.retry_at is None
    assert job.error == "the voice service answered 503 (tried 3 times)"


def test_a_job_cancelled_while_it_failed_stays_cancelled(settings):
    job = started(settings)
    render_job_cancel(job=job)

    assert fail(job, EncoderKilled()).status == "cancelled"


def test_the_reaper_wakes_a_worker_for_a_job_whose_wake_up_was_lost(django_capture_on_commit_callbacks):
    waiting = render_job_queued_create(tier="free")
    backing_off = render_job_queued_create(tier="free")
    RenderJob.objects.filter(id=backing_off.id).update(retry_at=timezone.now() + timedelta(minutes=5))

    with django_capture_on_commit_callbacks() as wakes:
        render_jobs_reap()
    RenderJob.objects.filter(id=waiting.id).update(status=RenderJob.Status.DONE)
    with django_capture_on_commit_callbacks() as none_startable:
        render_jobs_reap()

    assert len(wakes) == 1 and not none_startable


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_render_whose_encoder_is_killed_from_outside_is_retried_and_finishes_once(
    celery_worker, ffprobe, settings
):
    owner = user_create(tier="free")
    project, job, encoders = encoding_render(owner, celery_worker.process.pid, stage="rendering video")
    for pid in encoders:
        os.kill(pid, signal.SIGKILL)  # as the kernel's OOM killer would

    seen_waiting = False
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        job.refresh_from_db()
        seen_waiting |= job.stage == "waiting to retry"
        if job.is_finished:
            break
        time.sleep(0.05)

    assert job.status == RenderJob.Status.DONE, job.error or celery_worker.output()[-3000:]
    assert seen_waiting and job.attempts == 2
    assert any(notice.startswith("Attempt 1 of 3 stopped: the encoder was stopped") for notice in job.notices)
    assert job.renditions.count() == 1
    assert UsageMetric.objects.filter(user=owner, action="render").count() == 1
    project.refresh_from_db()
    assert float(ffprobe(Path(project.video.path))["format"]["duration"]) > 5
    assert workdir_removed(job)
