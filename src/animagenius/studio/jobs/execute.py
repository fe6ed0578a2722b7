"""Running a claimed job in the worker: draft a script or render a video, record progress, end in success, a
retry later or a plain-words failure."""

from __future__ import annotations

import dataclasses
import logging
import shutil
import time
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from animagenius.billing.plans import plan_for
from animagenius.pipeline.compose.segments import cache_trim
from animagenius.pipeline.domain import ScriptRequest, SourceDocument
from animagenius.pipeline.errors import PipelineError, ProviderRateLimited
from animagenius.pipeline.providers.images import configured_image_generator
from animagenius.pipeline.providers.protocols import WrittenScript
from animagenius.pipeline.providers.remote.http import backoff_delay_s
from animagenius.pipeline.providers.videos import configured_video_generator
from animagenius.pipeline.run import draft_script, read_sources, run
from animagenius.pipeline.script.analyse import document_language
from animagenius.pipeline.script.edit import script_parse
from animagenius.pipeline.script.writers import script_writer_chain
from animagenius.pipeline.video import RenderResult
from animagenius.pipeline.voice.voices import voice_for_script
from animagenius.studio.jobs.dispatch import workers_wake
from animagenius.studio.jobs.farm import DatabaseFarm
from animagenius.studio.jobs.queue import render_job_claim
from animagenius.studio.jobs.results import render_job_succeed, script_job_succeed, script_share_of_video
from animagenius.studio.jobs.states import job_fail, job_log, job_start, notices_merged
from animagenius.studio.jobs.watch import JobWatch
from animagenius.studio.jobs.workdir import asset_copy, sources_copy, workdir_fresh
from animagenius.studio.models import (
    FileProcessingLog,
    Project,
    RenderJob,
)
from animagenius.studio.options import project_options

logger = logging.getLogger(__name__)

PROGRESS_EVERY_S = 0.5
INTERNAL_ERROR = (
    "Something went wrong on our side while {doing} (reference {ref}). Please try again; "
    "if it keeps failing, contact support with that reference."
)


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
        workers_wake(queue=queue)
    return job


def script_job_execute(*, job_id: uuid.UUID | str) -> None:
    """Read the sources and draft version 1 of the script, then queue its render if that was asked for."""
    job = RenderJob.objects.select_related("project__owner").filter(id=job_id).first()
    if job is None or not job_start(job):
        return  # deleted, cancelled meanwhile, or a redelivered message for a job that already ended
    workdir = workdir_fresh(job)
    with JobWatch(job.id) as watch:
        try:
            document, written = _draft(job, workdir, watch=watch)
            script_job_succeed(job, document=document, written=written)
        except Exception as error:
            _job_end_in_error(job, error, cancelled=watch.cancelled.is_set())
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


def _draft(job: RenderJob, workdir: Path, *, watch: JobWatch) -> tuple[SourceDocument, WrittenScript]:
    """The document and a script for it, timed for the voice that will read it; if that is not the chosen
    voice (the document is in another language), the notices say so already."""

    project = job.project
    progress = _ProgressRecorder(job, watch=watch, scale=script_share_of_video() if job.render_after else 1.0)
    progress("reading", 0.0)
    sources = sources_copy(project, workdir / "sources")
    limits = plan_for(project.owner.subscription_tier).ingest
    document = read_sources(sources, workdir=workdir / "read", limits=limits, about=project.about)
    progress("writing script", 0.5)
    pick = voice_for_script(
        [project.voice], language=document_language(document), settings=settings.PROVIDER_SETTINGS
    )
    options = project.render_options
    request = ScriptRequest(
        target_duration_s=options.target_duration_s,
        words_per_minute=pick.voice.words_per_minute * options.speed,
    )
    writer = script_writer_chain(settings.SCRIPT_WRITERS, settings=settings.SCRIPT_WRITER_SETTINGS)
    written = draft_script(document, request=request, writer=writer)
    return document, dataclasses.replace(written, notices=(*written.notices, *pick.notices))


def render_job_execute(*, job_id: uuid.UUID | str) -> None:
    """Run the pipeline for a queued job, recording progress, the result or a plain-words failure."""
    job = RenderJob.objects.select_related("project__owner", "script_version").filter(id=job_id).first()
    if job is None or not job_start(job):
        return  # deleted, cancelled meanwhile, or a redelivered message for a job that already ended
    workdir = workdir_fresh(job)
    with JobWatch(job.id) as watch:
        try:
            render_job_succeed(job, _render(job, job.project, workdir, watch=watch))
        except Exception as error:  # keeping the result fails like making it: the job ends with the reason
            _job_end_in_error(job, error, cancelled=watch.cancelled.is_set())
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
            cache_trim(Path(settings.SEGMENT_CACHE_DIR), max_bytes=settings.SEGMENT_CACHE_MAX_MB * 2**20)


def _render(job: RenderJob, project: Project, workdir: Path, *, watch: JobWatch) -> RenderResult:
    sources = sources_copy(project, workdir / "sources")
    script = script_parse(job.script_version.script) if job.script_version is not None else None
    options = project_options(project, workdir=workdir)
    providers = settings.PROVIDER_SETTINGS
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
        image_generator=configured_image_generator(settings.IMAGE_GENERATOR, settings=providers),
        image_cache_dir=settings.IMAGE_CACHE_DIR,
        video_generator=configured_video_generator(settings.VIDEO_GENERATOR, settings=providers),
        providers=providers,
        video_cache_dir=settings.VIDEO_CACHE_DIR,
        encoders=settings.RENDER_ENCODERS,
        farm=DatabaseFarm(job),
        limits=plan_for(project.owner.subscription_tier).ingest,
        on_progress=_ProgressRecorder(job, watch=watch),
        script=script,
        recording=asset_copy(job.recording, workdir / "recording") if job.recording else None,
        about=project.about,  # the script's pointers count the blocks of this text, read first
    )


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
            job_log(self.job, step=self.stage, status=FileProcessingLog.Status.OK)
        self.stage, self.written_at = stage, now
        self.job.stage = stage
        percent = round(min(99.0, fraction * self.scale * 100), 1)
        RenderJob.objects.filter(id=self.job.id).update(
            stage=stage, progress=Greatest(F("progress"), Value(percent)), heartbeat_at=timezone.now()
        )


def _job_end_in_error(job: RenderJob, error: Exception, *, cancelled: bool) -> None:
    """Record why a running job stopped: the pipeline's plain-words reason, or ours for a crash. A job the
    person cancelled stays cancelled, whatever the kill made its code raise. Call inside `except`."""
    if cancelled:
        logger.info("%s job %s stopped: cancelled (%s)", job.kind, job.id, error)
    elif isinstance(error, PipelineError) and error.transient and job.attempts < settings.JOB_MAX_ATTEMPTS:
        _job_retry_later(job, error)
    elif isinstance(error, PipelineError) and error.transient:
        job_fail(job, message=f"{error} (tried {job.attempts} times)", step=job.stage)
    elif isinstance(error, PipelineError):
        job_fail(job, message=str(error), step=job.stage)
    else:
        logger.exception("%s job %s crashed", job.kind, job.id)
        job_fail(job, message=_internal_error(job), step=job.stage)


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
            notices=notices_merged(job.notices, [notice]),
            updated_at=now,
        )
        if not requeued:
            return  # cancelled meanwhile
        Project.objects.filter(id=job.project_id).update(status=Project.Status.QUEUED)
        job_log(job, step=job.stage, status=FileProcessingLog.Status.FAILED, message=notice)
        workers_wake(queue=settings.RENDER_PROVIDERS.queue_of(job.provider), after_s=wait_s)


def _internal_error(job: RenderJob) -> str:
    doing = "writing the script" if job.kind == RenderJob.Kind.SCRIPT else "rendering"
    return INTERNAL_ERROR.format(doing=doing, ref=str(job.id)[:8])
