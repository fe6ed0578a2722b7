"""Writes for the studio: create projects, draft and save script versions, queue and execute jobs.

A project's life: `script_job_create` queues the drafting of version 1 (`script_job_execute`, in the worker);
the person may save edited versions (`script_version_save`, `script_version_restore`); `render_job_create`
queues the render of one saved version (`render_job_execute`, in the worker).
"""

from __future__ import annotations

import dataclasses
import logging
import re
import shutil
import time
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Greatest
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from animagenius.accounts.models import User
from animagenius.billing import selectors as billing_selectors
from animagenius.billing import services as billing_services
from animagenius.billing.models import UsageMetric
from animagenius.billing.plans import plan_for
from animagenius.core import ratelimit
from animagenius.pipeline.about import PASTED_TEXT_FILE
from animagenius.pipeline.compose.segments import cache_trim
from animagenius.pipeline.domain import (
    RenderOptions,
    RenderResult,
    Script,
    ScriptRequest,
    SourceDocument,
)
from animagenius.pipeline.domain import (
    Rendition as RenditionResult,
)
from animagenius.pipeline.errors import PipelineError, ProviderRateLimited, StorageError
from animagenius.pipeline.providers.images import configured_image_generator
from animagenius.pipeline.providers.protocols import TokenUsage, WrittenScript
from animagenius.pipeline.providers.remote.http import backoff_delay_s
from animagenius.pipeline.providers.videos import configured_video_generator
from animagenius.pipeline.script_edit import script_parse
from animagenius.pipeline.visuals.brand import LOGO_FILES, LOGO_HEAD_BYTES, logo_format
from animagenius.studio import selectors
from animagenius.studio.errors import (
    JobEnded,
    JobInProgress,
    QuotaExceeded,
    ScriptAlreadyExists,
    ScriptVersionMismatch,
    ScriptVersionStale,
    StorageUnavailable,
)
from animagenius.studio.jobwatch import JobWatch
from animagenius.studio.models import (
    Asset,
    BrandKit,
    FileProcessingLog,
    Project,
    RenderJob,
    Rendition,
    ScriptVersion,
    WorkerBeat,
)
from animagenius.studio.options import options_stored, project_options
from animagenius.studio.render_providers import RenderProvider, render_is_heavy, render_provider_choose
from animagenius.studio.segment_farm import DatabaseFarm, segment_batches_clear
from animagenius.studio.storage import media_copy, media_keep, media_write

logger = logging.getLogger(__name__)

PROGRESS_EVERY_S = 0.5
WORKER_BEAT_FORGET_S = 3600  # a worker silent this long died without stopping: its heartbeat row goes
INTERNAL_ERROR = (
    "Something went wrong on our side while {doing} (reference {ref}). Please try again; "
    "if it keeps failing, contact support with that reference."
)
WORKER_LOST = (
    "The renderer working on this stopped unexpectedly {attempts} times, so we gave up. Please try again; "
    "if it keeps happening, contact support."
)
BUSY = "This project is already being worked on; wait for it to finish."
RESTARTED = "The renderer working on this stopped unexpectedly; it was started again from the beginning."
BLOCK_TEXT_CHARS = 160
"""How much of each source block's text a project keeps, for labels in the visual picker."""


def project_create_limit(*, owner: User) -> None:
    """Count a new project of `owner`'s, web or API; past PROJECT_CREATE_RATE_LIMIT, RateLimited saying when
    the next one will be taken."""
    rate = ratelimit.Rate.parse(settings.PROJECT_CREATE_RATE_LIMIT)
    projects = "project" if rate.amount == 1 else "projects"
    message = f"An account may make {rate.amount} new {projects} per {rate.period}; try again {{retry}}."
    ratelimit.consume_or_raise(f"project-create:user:{owner.pk}", rate, message)


def project_create(
    *,
    owner: User,
    title: str,
    options: RenderOptions,
    uploads: Sequence[UploadedFile] = (),
    pasted_text: str = "",
    voice: str = "",
    music_upload: UploadedFile | None = None,
    extra_renditions: Sequence[RenderOptions] = (),
    about: str = "",
) -> Project:
    """A project with its sources stored as assets, in order. Give `uploads` or `pasted_text`; `about` is
    the person's own text about them (already checked), narrated first.

    `voice` blank: the configured default voice. `music_upload` (already checked) becomes the project's
    `music` asset and replaces any built-in track named in `options`. Each render of the project also
    makes `extra_renditions` (their aspect, size and format; the rest is `options`).
    """
    sources: list[tuple[str, UploadedFile | ContentFile[bytes]]] = [
        (_safe_name(upload.name or "upload"), upload) for upload in uploads
    ] or [(PASTED_TEXT_FILE, ContentFile(pasted_text.encode("utf-8")))]
    names = [name for name, _ in sources]
    summary = names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more"
    stored: list[Asset] = []
    try:
        with transaction.atomic():
            project = Project.objects.create(
                owner=owner,
                title=title.strip(),
                source_name=summary if uploads else "Pasted text",
                about=about,
                options=options_stored(options, music="" if music_upload is not None else None),
                voice=voice or settings.VOICE_PROVIDER,
                extra_renditions=list(dict.fromkeys(extra.rendition_spec for extra in extra_renditions)),
            )
            if music_upload is not None:
                stored.append(
                    _asset_store(
                        project,
                        kind=Asset.Kind.MUSIC,
                        name=_safe_name(music_upload.name or "music"),
                        content=music_upload,
                    )
                )
            for position, (name, content) in enumerate(sources):
                stored.append(
                    _asset_store(
                        project, kind=Asset.Kind.SOURCE, name=name, content=content, position=position
                    )
                )
    except StorageUnavailable:  # the project was rolled back: so are the files it had stored
        _files_delete({(asset.file.storage, asset.file.name) for asset in stored})
        raise
    return project


def _asset_store(
    project: Project,
    *,
    kind: str,
    name: str,
    content: UploadedFile | ContentFile[bytes],
    position: int = 0,
) -> Asset:
    asset = Asset(
        project=project, kind=kind, position=position, original_name=name, size_bytes=content.size or 0
    )
    prefix = f"{position:02d}" if kind == Asset.Kind.SOURCE else kind
    with media_write("your upload"):
        asset.file.save(f"{project.id}/{prefix}-{name}", content, save=False)
    asset.save()
    return asset


def script_job_create(*, project: Project, render_after: bool) -> RenderJob:
    """Queue the drafting of the project's first script; with `render_after`, its render follows at once."""
    with transaction.atomic():
        primary = settings.RENDER_PROVIDERS.primary
        job = RenderJob.objects.create(
            project=project, kind=RenderJob.Kind.SCRIPT, render_after=render_after, provider=primary.name
        )
        Project.objects.filter(id=project.id).update(status=Project.Status.QUEUED)
        _dispatch_wake(queue=primary.queue)
    return job


def script_draft_again(*, project: Project, about: str | None = None) -> RenderJob:
    """Queue the drafting of a project whose script job failed or was cancelled, for review this time.

    `about` (already checked), when given, replaces the person's text about the files: what a photo-only
    upload refused for having nothing to narrate needs, without uploading again.
    """
    with transaction.atomic():
        _lock(project)
        if project.render_jobs.exclude(status__in=RenderJob.FINISHED).exists():
            raise JobInProgress(BUSY)
        if project.script_versions.exists():
            raise ScriptAlreadyExists("This project already has a script: edit it, or render it, below.")
        if about is not None and about != project.about:
            project.about = about
            project.save(update_fields=["about", "updated_at"])
        return script_job_create(project=project, render_after=False)


def script_job_execute(*, job_id: uuid.UUID | str) -> None:
    """Read the sources and draft version 1 of the script, then queue its render if that was asked for."""
    job = RenderJob.objects.select_related("project__owner").filter(id=job_id).first()
    if job is None or not _job_start(job):
        return  # deleted, cancelled meanwhile, or a redelivered message for a job that already ended
    workdir = _fresh_workdir(job)
    with JobWatch(job.id) as watch:
        try:
            document, written = _draft(job, workdir, watch=watch)
            _script_job_succeed(job, document=document, written=written)
        except Exception as error:
            _job_end_in_error(job, error, cancelled=watch.cancelled.is_set())
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


def script_version_save(
    *, project: Project, script: Script, saved_by: User, base_number: int | None = None
) -> ScriptVersion:
    """Store an edited script as the project's next version.

    `base_number` is the version the person started editing from; if another version was saved since
    (another tab, another person), the save is refused rather than silently overwriting that work.
    """
    with transaction.atomic():
        _lock(project)
        latest = _latest_number(project)
        if base_number is not None and base_number != latest:
            raise ScriptVersionStale(
                f"Version {latest} was saved after you opened version {base_number}. "
                "Copy your changes, reload the page and apply them to the newest version.",
                latest=latest,
            )
        return _version_create(project, script=script, writer=ScriptVersion.EDITED, created_by=saved_by)


def script_version_restore(*, version: ScriptVersion, restored_by: User) -> ScriptVersion:
    """Save a copy of an earlier version as the newest one; history is kept as it was."""
    script = script_parse(version.script)
    with transaction.atomic():
        return _version_create(
            version.project,
            script=script,
            writer=ScriptVersion.EDITED,
            created_by=restored_by,
            restored_from=version,
        )


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
        _lock(project)
        running = project.render_jobs.exclude(status__in=RenderJob.FINISHED)
        if running.exists():
            raise JobInProgress(BUSY)
        latest = _latest_number(project)
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
            recording = _asset_store(
                project,
                kind=Asset.Kind.RECORDING,
                name=_safe_name(recording_upload.name or "recording"),
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
        _dispatch_wake(queue=provider.queue)
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
        primary_load=selectors.render_provider_load(provider=providers.primary),
    )
    logger.info("project %s renders on %s (%s)", project.id, choice.provider.name, choice.reason)
    return choice.provider


def _quota_check(owner: User, *, needed_s: float) -> None:
    # the person's row is locked, so two renders queued at once are counted one after the other
    User.objects.select_for_update().filter(id=owner.id).first()
    quota = billing_selectors.render_quota_get(
        user=owner, reserved_s=selectors.render_seconds_reserved(user=owner)
    )
    refusal = quota.refusal(needed_s=needed_s)
    if refusal:
        raise QuotaExceeded(refusal)


def job_run_next(*, task_id: str, queue: str | None = None) -> RenderJob | None:
    """What a worker of `queue` (the primary's by default) does with a dispatch message: run the job
    `render_job_claim` gives it, then wake the queue again, since the slot it held is free. Returns the job
    run, if any."""
    queue = queue or settings.RENDER_PROVIDERS.primary.queue
    job = render_job_claim(task_id=task_id, queue=queue)
    if job is None:
        return None
    try:
        execute = script_job_execute if job.kind == RenderJob.Kind.SCRIPT else render_job_execute
        execute(job_id=job.id)
    finally:
        _dispatch_wake(queue=queue)
    return job


def render_job_claim(*, task_id: str, queue: str | None = None) -> RenderJob | None:
    """The job the dispatch message `task_id`, received on `queue` (the primary's by default), runs.

    Messages do not name jobs: every new job and every ended one sends one, and the worker that receives it
    takes the first job of the providers on its queue (selectors.render_job_queue: plan, then age) whose
    owner runs fewer jobs than their plan allows. A message that comes again because its worker died
    (`acks_late`, `reject_on_worker_lost`) takes back the job it was running.
    """
    resumed = RenderJob.objects.filter(task_id=task_id, status=RenderJob.Status.RUNNING).first()
    if resumed is not None and not _job_fail_if_tried_out(resumed):
        resumed.notices = _merged(resumed.notices, [RESTARTED])
        RenderJob.objects.filter(id=resumed.id).update(notices=resumed.notices)
        return resumed
    providers = settings.RENDER_PROVIDERS.names_on(queue or settings.RENDER_PROVIDERS.primary.queue)
    for job in selectors.render_job_queue(providers=providers):
        if job.retry_at is not None and job.retry_at > timezone.now():
            continue  # backing off after a transient failure; its own wake-up comes when the wait is over
        with transaction.atomic():
            owner = User.objects.select_for_update().get(id=job.project.owner_id)  # one claim a person
            if selectors.render_job_cap(user=owner).reached:
                continue
            claimed = RenderJob.objects.filter(id=job.id, status=RenderJob.Status.QUEUED).update(
                status=RenderJob.Status.RUNNING,
                stage="starting",
                task_id=task_id,
                retry_at=None,
                updated_at=timezone.now(),
            )
        if claimed:
            return job
    return None


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
        if not _job_fail_if_tried_out(job) and not _job_requeue(job, stale_before=cutoff):
            continue  # it beat, or ended, meanwhile
        # either way a slot is free, or a job waits
        _dispatch_wake(queue=settings.RENDER_PROVIDERS.queue_of(job.provider))
        reaped.append(job)
    if not reaped:
        # a startable job's wake-up may be lost: sent with the broker down, or held by a dead worker
        for queue in selectors.render_job_startable_queues(now=now):
            _dispatch_wake(queue=queue)
    segment_batches_clear()  # of jobs whose worker died while their segments were out with helpers
    worker_beats_forget(before=now - timedelta(seconds=WORKER_BEAT_FORGET_S))
    return reaped


def _job_fail_if_tried_out(job: RenderJob) -> bool:
    """Fail a job whose worker died JOB_MAX_ATTEMPTS times, with the reason; True if it did."""
    if job.attempts < settings.JOB_MAX_ATTEMPTS:
        return False
    _job_fail(job, message=WORKER_LOST.format(attempts=job.attempts), step=job.stage)
    return True


def _job_requeue(job: RenderJob, *, stale_before: datetime) -> bool:
    return bool(
        RenderJob.objects.filter(id=job.id, status=RenderJob.Status.RUNNING)
        .filter(Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True))
        .update(
            status=RenderJob.Status.QUEUED,
            stage="queued",
            task_id="",
            notices=_merged(job.notices, [RESTARTED]),
            updated_at=timezone.now(),
        )
    )


def _fresh_workdir(job: RenderJob) -> Path:
    """The job's work directory, emptied: a run that died may have left one behind."""
    workdir = Path(settings.RENDER_WORKDIR) / str(job.id)
    shutil.rmtree(workdir, ignore_errors=True)
    return workdir


def _dispatch_wake(*, queue: str, after_s: float = 0.0) -> None:
    """Send one dispatch message to the workers of `queue`, delivered `after_s` from now, once the current
    transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _wake_send(queue=queue, after_s=after_s))


def _wake_send(*, queue: str, after_s: float) -> None:
    """The job is safe in the database whatever happens here: if the broker cannot be reached, the reaper's
    next round (every JOB_REAP_EVERY_S, once the broker is back) sends the wake-up instead."""
    from animagenius.studio.tasks import job_dispatch

    try:
        job_dispatch.apply_async(args=(queue,), queue=queue, countdown=after_s)
    except KombuOperationalError as error:
        logger.warning("could not reach the broker to wake a worker (%s); the reaper will", error)


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


def render_job_cancel(*, job: RenderJob) -> None:
    """Stop a queued or running job. A queued one never starts; a running one's worker kills its ffmpegs
    within a second and removes its files (jobwatch.py). Refused, with the reason, once the job has ended."""
    with transaction.atomic():
        _lock(job.project)
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
        Project.objects.filter(id=job.project_id).update(status=_status_without_job(job.project))
        _log(job, step="cancelled", status=FileProcessingLog.Status.OK, message="Cancelled by the person.")
    job.refresh_from_db()


def project_delete(*, project: Project) -> None:
    """Delete a project and everything made from it: its jobs, script versions, logs, uploads and videos. A
    running job's worker sees its row go and stops within a second, as on a cancel (jobwatch.py). What its
    videos used of the month's render minutes stays used (UsageMetric rows are the person's, not the
    project's)."""
    with transaction.atomic():
        _lock(project)
        files = _project_files(project)
        project.delete()
        transaction.on_commit(lambda: _files_delete(files))


def _project_files(project: Project) -> set[tuple[Storage, str]]:
    fields = [project.video, *(asset.file for asset in project.assets.all())]
    for rendition in Rendition.objects.filter(job__project=project):
        fields += [rendition.video, rendition.poster, rendition.preview, rendition.captions]
    return {(field.storage, field.name) for field in fields if field.name}


def _files_delete(files: set[tuple[Storage, str]]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:  # the rows are gone either way; a file left behind is only disk space
            logger.warning("could not delete %s", name, exc_info=True)


def _status_without_job(project: Project) -> str:
    """What a project is once its job is cancelled: its last video stands, else its script, else nothing."""
    if project.video:
        return Project.Status.DONE
    if project.script_versions.exists():
        return Project.Status.REVIEW
    return Project.Status.DRAFT


def script_usage_record(*, project: Project, job: RenderJob, written: WrittenScript) -> list[UsageMetric]:
    """One usage row per model call the writer made (repairs and retries included); none offline."""
    return [
        billing_services.usage_record(
            user=project.owner,
            action="script",
            resource_type="llm_tokens",
            quantity=usage.prompt_tokens + usage.completion_tokens,
            metadata=_usage_metadata(usage, job=job, written=written),
        )
        for usage in written.usage
    ]


def _usage_metadata(usage: TokenUsage, *, job: RenderJob, written: WrittenScript) -> dict[str, Any]:
    return {
        "model": usage.model,
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "cost_usd": usage.cost_usd,
        "job": str(job.id),
        "project": str(job.project_id),
        "writer": written.writer,
        "cached": written.cached,
    }


def _draft(job: RenderJob, workdir: Path, *, watch: JobWatch) -> tuple[SourceDocument, WrittenScript]:
    """The document and a script for it, timed for the voice that will read it; if that is not the chosen
    voice (the document is in another language), the notices say so already."""
    from animagenius.pipeline.analyse import document_language
    from animagenius.pipeline.providers.voices import voice_for_script
    from animagenius.pipeline.providers.writers import script_writer_chain
    from animagenius.pipeline.run import draft_script, read_sources

    project = job.project
    progress = _ProgressRecorder(
        job, watch=watch, scale=_script_share_of_video() if job.render_after else 1.0
    )
    progress("reading", 0.0)
    sources = _copy_sources(project, workdir / "sources")
    limits = plan_for(project.owner.subscription_tier).ingest
    document = read_sources(sources, workdir=workdir / "read", limits=limits, about=project.about)
    progress("writing script", 0.5)
    pick = voice_for_script([project.voice], language=document_language(document))
    options = project.render_options
    request = ScriptRequest(
        target_duration_s=options.target_duration_s,
        words_per_minute=pick.voice.words_per_minute * options.speed,
    )
    writer = script_writer_chain(settings.SCRIPT_WRITERS, settings=settings.SCRIPT_WRITER_SETTINGS)
    written = draft_script(document, request=request, writer=writer)
    return document, dataclasses.replace(written, notices=(*written.notices, *pick.notices))


def _script_job_succeed(job: RenderJob, *, document: SourceDocument, written: WrittenScript) -> None:
    project = job.project
    with transaction.atomic():
        if not _job_mark_done(job, notices=written.notices):
            return  # cancelled while the script was written
        project.source_blocks = source_blocks_outline(document)
        project.title = project.title or written.script.title[:200]
        project.save(update_fields=["source_blocks", "title", "updated_at"])
        version = _version_create(
            project, script=written.script, writer=written.writer, notices=written.notices
        )
        script_usage_record(project=project, job=job, written=written)
        _log(job, step="writing script", status=FileProcessingLog.Status.OK)
        if job.render_after:
            _render_after_script(job, version)
        else:
            Project.objects.filter(id=project.id).update(status=Project.Status.REVIEW)


def _render_after_script(job: RenderJob, version: ScriptVersion) -> None:
    """Queue the render the person asked for with the script; if their minutes ran out meanwhile, the
    script waits for review, the reason beside it."""
    try:
        render_job_create(
            project=job.project, script_version=version, progress=_script_share_of_video() * 100
        )
    except QuotaExceeded as refusal:
        notices = _merged(RenderJob.objects.get(id=job.id).notices, [f"Not rendered: {refusal}"])
        RenderJob.objects.filter(id=job.id).update(notices=notices)
        Project.objects.filter(id=job.project_id).update(status=Project.Status.REVIEW)


def _script_share_of_video() -> float:
    """The part of a whole video's progress that reading the sources and drafting the script stand for."""
    from animagenius.pipeline.run import STAGES

    return sum(share for stage, share in STAGES if stage in ("reading", "writing script"))


def source_blocks_outline(document: SourceDocument) -> list[dict[str, Any]]:
    """What the studio keeps of a read document: each block's kind, the start of its text, its page, its
    picture."""
    return [
        {
            "kind": block.kind,
            "text": block.text[:BLOCK_TEXT_CHARS],
            "file": block.source.file,
            "page": block.source.page,
            "slide": block.source.slide,
            "image": block.image.name if block.image is not None else None,
        }
        for block in document.blocks
    ]


def _version_create(
    project: Project,
    *,
    script: Script,
    writer: str,
    notices: Sequence[str] = (),
    created_by: User | None = None,
    restored_from: ScriptVersion | None = None,
) -> ScriptVersion:
    """The next version, with the project's `ai_script` kept equal to it. Call inside a transaction."""
    _lock(project)
    data = script.model_dump(mode="json")
    version = ScriptVersion.objects.create(
        project=project,
        number=_latest_number(project) + 1,
        script=data,
        writer=writer,
        notices=list(notices),
        created_by=created_by,
        restored_from=restored_from,
    )
    Project.objects.filter(id=project.id).update(ai_script=data, updated_at=timezone.now())
    project.ai_script = data
    return version


def _lock(project: Project) -> None:
    """Serialise writers of one project's versions and jobs until the transaction ends (PostgreSQL; SQLite
    transactions already take the database's write lock)."""
    Project.objects.select_for_update().filter(id=project.id).values_list("id", flat=True).first()


def _latest_number(project: Project) -> int:
    latest = project.script_versions.order_by("-number").values_list("number", flat=True).first()
    return latest or 0


def render_job_execute(*, job_id: uuid.UUID | str) -> None:
    """Run the pipeline for a queued job, recording progress, the result or a plain-words failure."""
    job = RenderJob.objects.select_related("project__owner", "script_version").filter(id=job_id).first()
    if job is None or not _job_start(job):
        return  # deleted, cancelled meanwhile, or a redelivered message for a job that already ended
    workdir = _fresh_workdir(job)
    with JobWatch(job.id) as watch:
        try:
            _job_succeed(job, _render(job, job.project, workdir, watch=watch))
        except Exception as error:  # keeping the result fails like making it: the job ends with the reason
            _job_end_in_error(job, error, cancelled=watch.cancelled.is_set())
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
            cache_trim(Path(settings.SEGMENT_CACHE_DIR), max_bytes=settings.SEGMENT_CACHE_MAX_MB * 2**20)


def _render(job: RenderJob, project: Project, workdir: Path, *, watch: JobWatch) -> RenderResult:
    from animagenius.pipeline.run import run

    sources = _copy_sources(project, workdir / "sources")
    script = script_parse(job.script_version.script) if job.script_version is not None else None
    options = project_options(project, workdir=workdir)
    extras = [options.rendition(spec) for spec in job.extra_renditions]
    return run(
        sources,
        options=options,
        renditions=[
            (extra, workdir / f"video-{number}.{extra.format}") for number, extra in enumerate(extras, 1)
        ],
        workdir=workdir / "render",
        out=workdir / f"video.{options.format}",
        voice_name=project.voice,
        voice_cache_dir=settings.VOICE_CACHE_DIR,
        segment_cache_dir=settings.SEGMENT_CACHE_DIR,
        image_generator=configured_image_generator(settings.IMAGE_GENERATOR),
        image_cache_dir=settings.IMAGE_CACHE_DIR,
        video_generator=configured_video_generator(settings.VIDEO_GENERATOR),
        video_cache_dir=settings.VIDEO_CACHE_DIR,
        encoders=settings.RENDER_ENCODERS,
        farm=DatabaseFarm(job),
        limits=plan_for(project.owner.subscription_tier).ingest,
        on_progress=_ProgressRecorder(job, watch=watch),
        script=script,
        recording=_asset_copy(job.recording, workdir / "recording") if job.recording else None,
        about=project.about,  # the script's pointers count the blocks of this text, read first
    )


def _copy_sources(project: Project, folder: Path) -> list[Path]:
    """Give the pipeline the files under the names the person uploaded, so messages name them."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, asset in enumerate(project.assets.filter(kind=Asset.Kind.SOURCE).order_by("position")):
        target = folder / f"{index:02d}" / asset.original_name
        target.parent.mkdir()
        with asset.file.open("rb") as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy)
        paths.append(target)
    return paths


def _asset_copy(asset: Asset, folder: Path) -> Path:
    """`asset`'s file copied into `folder` under the name the person uploaded it with."""
    return media_copy(asset.file, folder / asset.original_name)


def brand_kit_save(
    *,
    owner: User,
    accent: str,
    font_upload: UploadedFile | None = None,
    logo_upload: UploadedFile | None = None,
    remove_font: bool = False,
    remove_logo: bool = False,
) -> BrandKit:
    """Create or change `owner`'s brand kit; uploads were checked by the form (pipeline/brand.py)."""
    kit, _ = BrandKit.objects.get_or_create(owner=owner)
    kit.accent = accent
    replaced = {
        (field.storage, field.name)
        for field, gone in ((kit.font, remove_font or font_upload), (kit.logo, remove_logo or logo_upload))
        if gone and field
    }
    if remove_font or font_upload is not None:
        kit.font, kit.font_name = None, ""
    if remove_logo or logo_upload is not None:
        kit.logo = None
    with media_write("your brand kit's files"):
        if font_upload is not None:
            kit.font_name = _safe_name(font_upload.name or "font.ttf")
            kit.font.save(kit.font_name, font_upload, save=False)
        if logo_upload is not None:
            # named for what its bytes are (the form checked them), never for what its name says
            kit.logo.save(f"logo{_logo_suffix(logo_upload)}", logo_upload, save=False)
    kit.save()
    _files_delete(replaced)  # once the kit no longer names them
    return kit


def _logo_suffix(upload: UploadedFile) -> str:
    head = upload.read(LOGO_HEAD_BYTES)
    upload.seek(0)
    found = logo_format(head)
    if found is None:
        raise ValueError("the logo was not checked: its first bytes are no PNG, JPEG or WebP")
    return LOGO_FILES[found][1]


def voice_preview_get(*, name: str) -> Path:
    """A short WAV sample of the voice `name`, synthesised on first request and then served from the cache.

    Raises KeyError for a voice the registry does not know.
    """
    from animagenius.pipeline.voice import voice_list, voice_preview

    if name not in {voice.name for voice in voice_list()}:
        raise KeyError(name)
    out = Path(settings.VOICE_PREVIEW_DIR) / f"{name}.wav"
    if not out.is_file():
        partial = out.with_name(f"{name}.{uuid.uuid4().hex}.partial.wav")  # never serve a half-written file
        try:
            voice_preview(name, partial, cache_dir=Path(settings.VOICE_CACHE_DIR))
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
    return out


class _ProgressRecorder:
    """Writes stage and percentage at most every PROGRESS_EVERY_S, and a log row per finished stage.

    The percentage never goes down: a render queued straight after its script starts where the script
    job ended, and the bar on the page only ever moves forward. `scale` maps this job's own 0-1 onto
    the share of the whole video it stands for.
    """

    def __init__(self, job: RenderJob, *, watch: JobWatch, scale: float = 1.0) -> None:
        self.job = job
        self.watch = watch
        self.scale = scale
        self.stage = ""
        self.written_at = 0.0

    def __call__(self, stage: str, fraction: float) -> None:
        self.watch.check()
        now = time.monotonic()
        if stage == self.stage and now - self.written_at < PROGRESS_EVERY_S:
            return
        if self.stage and stage != self.stage:
            _log(self.job, step=self.stage, status=FileProcessingLog.Status.OK)
        self.stage, self.written_at = stage, now
        self.job.stage = stage
        percent = round(min(99.0, fraction * self.scale * 100), 1)
        RenderJob.objects.filter(id=self.job.id).update(
            stage=stage, progress=Greatest(F("progress"), Value(percent)), heartbeat_at=timezone.now()
        )


def _job_start(job: RenderJob) -> bool:
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


def _job_mark_done(job: RenderJob, *, notices: Sequence[str], video_s: float | None = None) -> bool:
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


def _job_succeed(job: RenderJob, result: RenderResult) -> None:
    project = job.project
    with transaction.atomic():
        if not _job_mark_done(job, notices=_merged(job.notices, result.notices), video_s=result.duration_s):
            return  # cancelled as it finished: the person asked for no video
        stored = _renditions_store(job, result)
        project.video.name = stored[0].video.name
        if job.script_version is None:  # a render that wrote its own script (made before versions existed)
            project.ai_script = result.script.model_dump(mode="json")
        project.video_duration_s = result.duration_s
        project.status = Project.Status.DONE
        project.title = project.title or result.script.title[:200]
        project.save(
            update_fields=["video", "ai_script", "video_duration_s", "status", "title", "updated_at"]
        )
        _log(job, step="rendering video", status=FileProcessingLog.Status.OK)
        billing_services.render_usage_record(
            user=project.owner,
            video_s=result.duration_s,
            metadata={
                "job": str(job.id),
                "aspect": project.render_options.aspect.value,
                "resolution": project.render_options.resolution.value,
                "script_version": job.script_version.number if job.script_version else None,
            },
        )


def _renditions_store(job: RenderJob, result: RenderResult) -> list[Rendition]:
    """Keep every video the job made; if the storage refuses one, none (the files kept so far are removed,
    the rows roll back with the transaction) and the pipeline's StorageError says why."""
    kept: set[tuple[Storage, str]] = set()
    try:
        with media_keep("the finished video"):
            return [
                _rendition_store(job, made, position=position, kept=kept)
                for position, made in enumerate(result.renditions)
            ]
    except StorageError:
        _files_delete(kept)
        raise


def _rendition_store(
    job: RenderJob, made: RenditionResult, *, position: int, kept: set[tuple[Storage, str]]
) -> Rendition:
    """Keep one video the job made, with its poster, preview and WebVTT captions, under the job's name;
    each stored file is added to `kept`."""
    rendition = Rendition(
        job=job,
        position=position,
        aspect=made.aspect.value,
        resolution=made.resolution.value,
        video_format=made.format,
        codec=made.codec,
        size_bytes=made.video.stat().st_size,
    )
    name = f"{job.project_id}/{job.id}-{position}"
    _field_store(rendition.video, made.video, name=f"{name}{made.video.suffix}", kept=kept)
    _field_store(rendition.poster, made.poster, name=f"{name}.jpg", kept=kept)
    if made.preview is not None:
        _field_store(rendition.preview, made.preview, name=f"{name}.preview{made.preview.suffix}", kept=kept)
    vtt = next((path for path in made.subtitles if path.suffix == ".vtt"), None)
    if vtt is not None:
        _field_store(rendition.captions, vtt, name=f"{name}.vtt", kept=kept)
    rendition.save()
    return rendition


def _field_store(field: FieldFile, path: Path, *, name: str, kept: set[tuple[Storage, str]]) -> None:
    planned = field.field.generate_filename(field.instance, name)
    there_before = field.storage.exists(planned)
    with path.open("rb") as content:
        try:
            field.save(name, File(content), save=False)
        except OSError:
            if not there_before:  # a write that failed part-way leaves its part on disk (Django removes none)
                kept.add((field.storage, planned))
            raise
    kept.add((field.storage, field.name or planned))


def _job_end_in_error(job: RenderJob, error: Exception, *, cancelled: bool) -> None:
    """Record why a running job stopped: the pipeline's plain-words reason, or ours for a crash. A job the
    person cancelled stays cancelled, whatever the kill made its code raise. Call inside `except`."""
    if cancelled:
        logger.info("%s job %s stopped: cancelled (%s)", job.kind, job.id, error)
    elif isinstance(error, PipelineError) and error.transient and job.attempts < settings.JOB_MAX_ATTEMPTS:
        _job_retry_later(job, error)
    elif isinstance(error, PipelineError) and error.transient:
        _job_fail(job, message=f"{error} (tried {job.attempts} times)", step=job.stage)
    elif isinstance(error, PipelineError):
        _job_fail(job, message=str(error), step=job.stage)
    else:
        logger.exception("%s job %s crashed", job.kind, job.id)
        _job_fail(job, message=_internal_error(job), step=job.stage)


def _job_retry_later(job: RenderJob, error: PipelineError) -> None:
    """Queue a job that met a transient failure again, to start after an exponential backoff with jitter
    (or as long as a rate-limiting provider asked), the reason and the wait in its notices."""
    retry_after = error.retry_after_s if isinstance(error, ProviderRateLimited) else None
    wait_s = backoff_delay_s(
        job.attempts,
        backoff_s=settings.JOB_RETRY_BACKOFF_S,
        retry_after_s=retry_after,
        cap_s=settings.JOB_RETRY_BACKOFF_S * 2**settings.JOB_MAX_ATTEMPTS,
    )
    notice = (
        f"Attempt {job.attempts} of {settings.JOB_MAX_ATTEMPTS} stopped: {error}. "
        f"Trying again in {wait_s:.0f} s."
    )
    now = timezone.now()
    with transaction.atomic():
        job.refresh_from_db(fields=["notices"])
        requeued = RenderJob.objects.filter(id=job.id, status=RenderJob.Status.RUNNING).update(
            status=RenderJob.Status.QUEUED,
            stage="waiting to retry",
            task_id="",
            retry_at=now + timedelta(seconds=wait_s),
            notices=_merged(job.notices, [notice]),
            updated_at=now,
        )
        if not requeued:
            return  # cancelled meanwhile
        Project.objects.filter(id=job.project_id).update(status=Project.Status.QUEUED)
        _log(job, step=job.stage, status=FileProcessingLog.Status.FAILED, message=notice)
        _dispatch_wake(queue=settings.RENDER_PROVIDERS.queue_of(job.provider), after_s=wait_s)


def _job_fail(job: RenderJob, *, message: str, step: str) -> None:
    with transaction.atomic():
        failed = RenderJob.objects.filter(id=job.id, status=RenderJob.Status.RUNNING).update(
            status=RenderJob.Status.FAILED, error=message, finished_at=timezone.now()
        )
        if not failed:
            return  # cancelled meanwhile
        Project.objects.filter(id=job.project_id).update(status=Project.Status.FAILED)
        _log(job, step=step, status=FileProcessingLog.Status.FAILED, message=message)


def _internal_error(job: RenderJob) -> str:
    doing = "writing the script" if job.kind == RenderJob.Kind.SCRIPT else "rendering"
    return INTERNAL_ERROR.format(doing=doing, ref=str(job.id)[:8])


def _merged(first: Sequence[str], second: Sequence[str]) -> list[str]:
    return list(dict.fromkeys([*first, *second]))


def _log(job: RenderJob, *, step: str, status: str, message: str = "") -> None:
    FileProcessingLog.objects.create(
        project_id=job.project_id, render_job=job, step=step, status=status, message=message
    )


def _safe_name(name: str) -> str:
    base = Path(name).name
    cleaned = re.sub(r"[^\w.\- ]+", "_", base).strip(" .") or "upload"
    return cleaned[:120]
