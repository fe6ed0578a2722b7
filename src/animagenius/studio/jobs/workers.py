"""Workers' heartbeats and the reaper that re-queues the jobs of workers that died."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from animagenius.studio.jobs import selectors as job_selectors
from animagenius.studio.jobs.dispatch import workers_wake
from animagenius.studio.jobs.farm import segment_batches_clear
from animagenius.studio.jobs.states import RESTARTED, job_fail_if_tried_out, notices_merged
from animagenius.studio.models import (
    RenderJob,
    WorkerBeat,
)

WORKER_BEAT_FORGET_S = 3600  # a worker silent this long died without stopping: its heartbeat row goes


def render_jobs_reap(*, now: datetime | None = None) -> list[RenderJob]:
    """Re-queue running jobs whose heartbeat stopped (their worker died: killed, out of memory, its machine
    gone), each with a notice; a job that has already been tried JOB_MAX_ATTEMPTS times fails instead, with
    the reason. Returns the jobs it re-queued or failed. Celery beat runs it every JOB_REAP_EVERY_S.

    It also wakes a worker whenever a job waits that could start: the wake-up sent when it was queued may
    have been lost, so the database stays the queue even when the broker was away; and deletes the segment
    batches of jobs that ended without closing theirs, and the heartbeat rows of workers gone for an hour."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.JOB_STALE_AFTER_S)
    stale = RenderJob.objects.filter(status=RenderJob.Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, updated_at__lt=cutoff)
    )
    reaped = []
    for job in stale:
        if not job_fail_if_tried_out(job) and not _job_requeue(job, stale_before=cutoff):
            continue  # it beat, or ended, meanwhile
        # either way a slot is free, or a job waits
        workers_wake(queue=settings.RENDER_PROVIDERS.queue_of(job.provider))
        reaped.append(job)
    if not reaped:
        # a startable job's wake-up may be lost: sent with the broker down, or held by a dead worker
        for queue in job_selectors.render_job_startable_queues(now=now):
            workers_wake(queue=queue)
    segment_batches_clear()  # of jobs whose worker died while their segments were out with helpers
    worker_beats_forget(before=now - timedelta(seconds=WORKER_BEAT_FORGET_S))
    return reaped


def _job_requeue(job: RenderJob, *, stale_before: datetime) -> bool:
    return bool(
        RenderJob.objects.filter(id=job.id, status=RenderJob.Status.RUNNING)
        .filter(Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True))
        .update(
            status=RenderJob.Status.QUEUED,
            stage="queued",
            task_id="",
            notices=notices_merged(job.notices, [RESTARTED]),
            updated_at=timezone.now(),
        )
    )


def worker_beat_write(*, hostname: str, queues: Sequence[str], slots: int) -> None:
    WorkerBeat.objects.update_or_create(
        hostname=hostname, defaults={"queues": list(queues), "slots": slots, "beat_at": timezone.now()}
    )


def worker_beat_end(*, hostname: str) -> None:
    """A worker shutting down no longer counts towards its providers' capacity."""
    WorkerBeat.objects.filter(hostname=hostname).delete()


def worker_beats_forget(*, before: datetime) -> int:
    """Delete the rows of workers silent since `before` (they died without stopping); returns how many."""
    deleted, _ = WorkerBeat.objects.filter(beat_at__lt=before).delete()
    return deleted
