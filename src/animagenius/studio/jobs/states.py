"""A job's moves between states (conditional UPDATEs: a move that lost a race changes nothing), its log
rows and notices."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from animagenius.studio.models import (
    FileProcessingLog,
    Project,
    RenderJob,
)

WORKER_LOST = (
    "The renderer working on this stopped unexpectedly {attempts} times, so we gave up. Please try again; "
    "if it keeps happening, contact support."
)


RESTARTED = "The renderer working on this stopped unexpectedly; it was started again from the beginning."
WAITING_FOR_PLAN = "Waiting: "
"""How a notice saying that a queued job waits for its owner's plan begins (jobs.selectors words them)."""


def job_fail_if_tried_out(job: RenderJob) -> bool:
    """Fail a job whose worker died JOB_MAX_ATTEMPTS times, with the reason; True if it did."""
    if job.attempts < settings.JOB_MAX_ATTEMPTS:
        return False
    job_fail(job, message=WORKER_LOST.format(attempts=job.attempts), step=job.stage)
    return True


def project_status_without_job(project: Project) -> str:
    """What a project is once its job is cancelled: its last video stands, else its script, else nothing."""
    if project.video:
        return Project.Status.DONE
    if project.script_versions.exists():
        return Project.Status.REVIEW
    return Project.Status.DRAFT


def job_start(job: RenderJob) -> bool:
    """Mark the job running; False once it has ended (cancelled, or already run). A running job's message
    comes again when its worker died (`reject_on_worker_lost`): the job then starts again."""
    now = timezone.now()
    started = (
        RenderJob.objects.filter(id=job.id)
        .exclude(status__in=RenderJob.FINISHED)
        .update(
            status=RenderJob.Status.RUNNING,
            stage="starting",
            attempts=F("attempts") + 1,
            started_at=now,
            progress_at_start=F("progress"),
            heartbeat_at=now,
            updated_at=now,
        )
    )
    if not started:
        return False
    job.refresh_from_db(fields=["status", "stage", "attempts", "started_at", "heartbeat_at", "updated_at"])
    working = Project.Status.SCRIPTING if job.kind == RenderJob.Kind.SCRIPT else Project.Status.RENDERING
    Project.objects.filter(id=job.project_id).update(status=working)
    return True


def job_mark_done(job: RenderJob, *, notices: Sequence[str], video_s: float | None = None) -> bool:
    """Record a running job as done; False if it is no longer running (cancelled meanwhile)."""
    return bool(
        RenderJob.objects.filter(id=job.id, status=RenderJob.Status.RUNNING).update(
            status=RenderJob.Status.DONE,
            stage="done",
            progress=100.0,
            finished_at=timezone.now(),
            error="",
            notices=list(notices),
            video_s=video_s,
        )
    )


def job_fail(job: RenderJob, *, message: str, step: str) -> None:
    with transaction.atomic():
        failed = RenderJob.objects.filter(id=job.id, status=RenderJob.Status.RUNNING).update(
            status=RenderJob.Status.FAILED, error=message, finished_at=timezone.now()
        )
        if not failed:
            return  # cancelled meanwhile
        Project.objects.filter(id=job.project_id).update(status=Project.Status.FAILED)
        job_log(job, step=step, status=FileProcessingLog.Status.FAILED, message=message)


def notices_merged(first: Sequence[str], second: Sequence[str]) -> list[str]:
    return list(dict.fromkeys([*first, *second]))


def notices_unheld(notices: Sequence[str]) -> list[str]:
    """`notices` without the one saying the job waits for its owner's plan."""
    return [notice for notice in notices if not notice.startswith(WAITING_FOR_PLAN)]


def job_is_held(job: RenderJob) -> bool:
    """The job's notices say it waits for its owner's plan (as of the last time a worker or a plan change
    looked: jobs.selectors.render_job_plan_hold decides)."""
    return any(notice.startswith(WAITING_FOR_PLAN) for notice in job.notices)


def job_hold(job: RenderJob, *, reason: str) -> None:
    """Say on a queued job why it waits for its owner's plan (`reason`, from render_job_plan_hold), or,
    with "", that it no longer does. A new reason is also a log row; the same one again writes nothing."""
    notices = notices_merged(notices_unheld(job.notices), [reason] if reason else [])
    if notices == job.notices:
        return
    with transaction.atomic():
        changed = RenderJob.objects.filter(id=job.id, status=RenderJob.Status.QUEUED).update(notices=notices)
        if changed and reason:
            job_log(job, step="waiting for plan", status=FileProcessingLog.Status.OK, message=reason)
    if changed:
        job.notices = notices


def job_log(job: RenderJob, *, step: str, status: str, message: str = "") -> None:
    FileProcessingLog.objects.create(
        project_id=job.project_id, render_job=job, step=step, status=status, message=message
    )
