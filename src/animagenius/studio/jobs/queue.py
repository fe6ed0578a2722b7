"""The job queue: queue a script or a render, claim the next job for a worker, cancel one.

The database is the queue: a job is a row, claimed by a conditional UPDATE; dispatch messages only wake
workers (jobs/dispatch.py)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from animagenius.accounts.models import User
from animagenius.billing import selectors as billing_selectors
from animagenius.studio import selectors
from animagenius.studio.assets import asset_store, safe_name
from animagenius.studio.errors import (
    JobEnded,
    JobInProgress,
    QuotaExceeded,
    ScriptVersionMismatch,
    ScriptVersionStale,
)
from animagenius.studio.jobs import selectors as job_selectors
from animagenius.studio.jobs.dispatch import workers_wake
from animagenius.studio.jobs.providers import RenderProvider, render_is_heavy, render_provider_choose
from animagenius.studio.jobs.states import (
    RESTARTED,
    job_fail_if_tried_out,
    job_hold,
    job_log,
    notices_merged,
    notices_unheld,
    project_status_without_job,
)
from animagenius.studio.models import (
    Asset,
    FileProcessingLog,
    Project,
    RenderJob,
    ScriptVersion,
)
from animagenius.studio.versions import project_lock, version_latest_number

logger = logging.getLogger(__name__)

BUSY = "This project is already being worked on; wait for it to finish."


def script_job_create(*, project: Project, render_after: bool) -> RenderJob:
    """Queue the drafting of the project's first script; with `render_after`, its render follows at once."""
    with transaction.atomic():
        primary = settings.RENDER_PROVIDERS.primary
        job = RenderJob.objects.create(
            project=project, kind=RenderJob.Kind.SCRIPT, render_after=render_after, provider=primary.name
        )
        Project.objects.filter(id=project.id).update(status=Project.Status.QUEUED)
        workers_wake(queue=primary.queue)
    return job


def render_job_create(
    *,
    project: Project,
    script_version: ScriptVersion,
    progress: float = 0.0,
    recording_upload: UploadedFile | None = None,
) -> RenderJob:
    """Queue the render of the project's latest script version. Refused while another job of the project is
    running, and for an older version: a newer one was saved since the person (or API caller) chose it.

    `recording_upload` (already checked) is the person reading that version aloud: it narrates this render
    instead of the project's voice, and is kept as the project's `recording` asset.
    """
    if script_version.project_id != project.id:
        raise ScriptVersionMismatch("That script version belongs to another project.")
    with transaction.atomic():
        project_lock(project)
        running = project.render_jobs.exclude(status__in=RenderJob.FINISHED)
        if running.exists():
            raise JobInProgress(BUSY)
        latest = version_latest_number(project)
        if script_version.number != latest:
            raise ScriptVersionStale(
                f"Version {latest} was saved after version {script_version.number}: only the newest is "
                f"rendered. Reload the project and render version {latest}.",
                latest=latest,
            )
        _quota_check(project.owner, needed_s=script_version.estimated_duration_s)
        provider = _render_provider_choose(project, script_version)
        recording = None
        if recording_upload is not None:
            recording = asset_store(
                project,
                kind=Asset.Kind.RECORDING,
                name=safe_name(recording_upload.name or "recording"),
                content=recording_upload,
                position=script_version.number,
            )
        job = RenderJob.objects.create(
            project=project,
            kind=RenderJob.Kind.RENDER,
            script_version=script_version,
            recording=recording,
            notices=list(script_version.notices),
            progress=progress,
            resolution=project.render_options.resolution.value,
            video_format=project.render_options.format,
            extra_renditions=list(project.extra_renditions),
            provider=provider.name,
        )
        Project.objects.filter(id=project.id).update(status=Project.Status.QUEUED)
        workers_wake(queue=provider.queue)
    return job


def _render_provider_choose(project: Project, version: ScriptVersion) -> RenderProvider:
    """Which worker pool renders this (render_providers.py): by plan, weight and the primary's measured
    load."""
    providers = settings.RENDER_PROVIDERS
    resolutions = selectors.project_resolutions(project=project)
    choice = render_provider_choose(
        providers,
        tier=project.owner.subscription_tier,
        heavy=render_is_heavy(video_s=version.estimated_duration_s, resolutions=resolutions),
        primary_load=job_selectors.render_provider_load(provider=providers.primary),
    )
    logger.info("project %s renders on %s (%s)", project.id, choice.provider.name, choice.reason)
    return choice.provider


def _quota_check(owner: User, *, needed_s: float) -> None:
    # the person's row is locked, so two renders queued at once are counted one after the other
    User.objects.select_for_update().filter(id=owner.id).first()
    quota = billing_selectors.render_quota_get(
        user=owner, reserved_s=job_selectors.render_seconds_reserved(user=owner)
    )
    refusal = quota.refusal(needed_s=needed_s)
    if refusal:
        raise QuotaExceeded(refusal)


def render_job_claim(*, task_id: str, queue: str | None = None) -> RenderJob | None:
    """The job the dispatch message `task_id`, received on `queue` (the primary's by default), runs.

    Messages do not name jobs: every new job and every ended one sends one, and the worker that receives it
    takes the first job of the providers on its queue (job_selectors.render_job_queue: plan, then age) whose
    owner runs fewer jobs than their plan allows and whose owner's plan, as it is now, covers it
    (job_selectors.render_job_plan_hold); one it does not cover stays queued with a notice saying why, and is
    looked at again by the next message (the reaper sends one every round while a job waits). A message that
    comes again because its worker died (`acks_late`, `reject_on_worker_lost`) takes back the job it was
    running.
    """
    resumed = RenderJob.objects.filter(task_id=task_id, status=RenderJob.Status.RUNNING).first()
    if resumed is not None and not job_fail_if_tried_out(resumed):
        resumed.notices = notices_merged(resumed.notices, [RESTARTED])
        RenderJob.objects.filter(id=resumed.id).update(notices=resumed.notices)
        return resumed
    providers = settings.RENDER_PROVIDERS.names_on(queue or settings.RENDER_PROVIDERS.primary.queue)
    for job in job_selectors.render_job_queue(providers=providers):
        if job.retry_at is not None and job.retry_at > timezone.now():
            continue  # backing off after a transient failure; its own wake-up comes when the wait is over
        with transaction.atomic():
            owner = User.objects.select_for_update().get(id=job.project.owner_id)  # one claim a person
            if job_selectors.render_job_cap(user=owner).reached:
                continue
            job.project.owner = owner  # the row just locked: the plan as it is now
            hold = job_selectors.render_job_plan_hold(job=job)
            if hold:
                job_hold(job, reason=hold)
                continue
            claimed = RenderJob.objects.filter(id=job.id, status=RenderJob.Status.QUEUED).update(
                status=RenderJob.Status.RUNNING,
                stage="starting",
                task_id=task_id,
                retry_at=None,
                notices=notices_unheld(job.notices),
                updated_at=timezone.now(),
            )
        if claimed:
            return job
    return None


def render_jobs_plan_changed(*, user: User) -> None:
    """For billing, once `user`'s plan changed (upgraded, suspended, ended): each of their queued renders
    says at once whether it now waits for the plan (or no longer does), and the workers of their queues are
    woken, so a render the plan covers again starts now rather than at the reaper's next round."""
    queued = RenderJob.objects.filter(
        project__owner_id=user.id, kind=RenderJob.Kind.RENDER, status=RenderJob.Status.QUEUED
    ).select_related("project__owner", "script_version")
    queues = set()
    for job in queued:
        job_hold(job, reason=job_selectors.render_job_plan_hold(job=job))
        queues.add(settings.RENDER_PROVIDERS.queue_of(job.provider))
    for queue in sorted(queues):
        workers_wake(queue=queue)


def render_job_cancel(*, job: RenderJob) -> None:
    """Stop a queued or running job. A queued one never starts; a running one's worker kills its ffmpegs
    within a second and removes its files (jobwatch.py). Refused, with the reason, once the job has ended."""
    with transaction.atomic():
        project_lock(job.project)
        now = timezone.now()
        stopped = (
            RenderJob.objects.filter(id=job.id)
            .exclude(status__in=RenderJob.FINISHED)
            .update(status=RenderJob.Status.CANCELLED, stage="cancelled", finished_at=now, updated_at=now)
        )
        if not stopped:
            job.refresh_from_db(fields=["status"])
            raise JobEnded(
                f"This job has already ended ({job.get_status_display().lower()}): nothing to cancel."
            )
        Project.objects.filter(id=job.project_id).update(status=project_status_without_job(job.project))
        job_log(job, step="cancelled", status=FileProcessingLog.Status.OK, message="Cancelled by the person.")
    job.refresh_from_db()
