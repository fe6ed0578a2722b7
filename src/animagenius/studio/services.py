"""Writes for the studio: create projects, queue renders, execute them (called by the Celery task)."""

from __future__ import annotations

import logging
import re
import shutil
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from animagenius.accounts.models import User
from animagenius.billing.models import UsageMetric
from animagenius.pipeline.domain import RenderOptions, RenderResult
from animagenius.pipeline.errors import PipelineError
from animagenius.pipeline.ingest import TIER_LIMITS
from animagenius.studio.models import Asset, FileProcessingLog, Project, RenderJob

logger = logging.getLogger(__name__)

PROGRESS_EVERY_S = 0.5
INTERNAL_ERROR = (
    "Something went wrong on our side while rendering (reference {ref}). Please try again; "
    "if it keeps failing, contact support with that reference."
)


def project_create(
    *,
    owner: User,
    title: str,
    options: RenderOptions,
    uploads: Sequence[UploadedFile] = (),
    pasted_text: str = "",
) -> Project:
    """A project with its sources stored as assets, in order. Give `uploads` or `pasted_text`."""
    sources: list[tuple[str, UploadedFile | ContentFile[bytes]]] = [
        (_safe_name(upload.name or "upload"), upload) for upload in uploads
    ] or [("pasted-text.md", ContentFile(pasted_text.encode("utf-8")))]
    names = [name for name, _ in sources]
    summary = names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more"
    with transaction.atomic():
        project = Project.objects.create(
            owner=owner,
            title=title.strip(),
            source_name=summary if uploads else "Pasted text",
            aspect=options.aspect.value,
            resolution=options.resolution.value,
            target_duration_s=options.target_duration_s,
        )
        for position, (name, content) in enumerate(sources):
            asset = Asset(
                project=project,
                kind=Asset.Kind.SOURCE,
                position=position,
                original_name=name,
                size_bytes=content.size or 0,
            )
            asset.file.save(f"{project.id}/{position:02d}-{name}", content, save=False)
            asset.save()
    return project


def render_job_create(*, project: Project) -> RenderJob:
    from animagenius.studio.tasks import render_job_run

    with transaction.atomic():
        job = RenderJob.objects.create(project=project)
        Project.objects.filter(id=project.id).update(status=Project.Status.QUEUED)
        transaction.on_commit(
            lambda: render_job_run.apply_async(args=(str(job.id),), queue=settings.RENDER_QUEUE)
        )
    return job


def render_job_execute(*, job_id: uuid.UUID | str) -> None:
    """Run the pipeline for a queued job, recording progress, the result or a plain-words failure."""
    job = RenderJob.objects.select_related("project__owner").filter(id=job_id).first()
    if job is None or job.is_finished:
        return  # deleted meanwhile, or a redelivered message for a job that already ended
    project = job.project
    _job_start(job)
    workdir = Path(settings.RENDER_WORKDIR) / str(job.id)
    try:
        result = _render(job, project, workdir)
    except PipelineError as error:
        _job_fail(job, message=str(error), step=job.stage)
    except Exception:
        logger.exception("render job %s crashed", job.id)
        _job_fail(job, message=INTERNAL_ERROR.format(ref=str(job.id)[:8]), step=job.stage)
    else:
        _job_succeed(job, result)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _render(job: RenderJob, project: Project, workdir: Path) -> RenderResult:
    from animagenius.pipeline.run import run

    sources = _copy_sources(project, workdir / "sources")
    options = RenderOptions.parse(
        aspect=project.aspect, resolution=project.resolution, duration=project.target_duration_s
    )
    return run(
        sources,
        options=options,
        workdir=workdir / "render",
        out=workdir / "video.mp4",
        voice_name=settings.VOICE_PROVIDER,
        limits=TIER_LIMITS[project.owner.subscription_tier],
        on_progress=_ProgressRecorder(job),
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


class _ProgressRecorder:
    """Writes stage and percentage at most every PROGRESS_EVERY_S, and a log row per finished stage."""

    def __init__(self, job: RenderJob) -> None:
        self.job = job
        self.stage = ""
        self.written_at = 0.0

    def __call__(self, stage: str, fraction: float) -> None:
        now = time.monotonic()
        if stage == self.stage and now - self.written_at < PROGRESS_EVERY_S:
            return
        if self.stage and stage != self.stage:
            _log(self.job, step=self.stage, status=FileProcessingLog.Status.OK)
        self.stage, self.written_at = stage, now
        self.job.stage = stage
        RenderJob.objects.filter(id=self.job.id).update(
            stage=stage, progress=round(min(99.0, fraction * 100), 1), heartbeat_at=timezone.now()
        )


def _job_start(job: RenderJob) -> None:
    now = timezone.now()
    job.status, job.stage, job.attempts = RenderJob.Status.RUNNING, "starting", job.attempts + 1
    job.started_at = job.heartbeat_at = now
    job.save(update_fields=["status", "stage", "attempts", "started_at", "heartbeat_at", "updated_at"])
    Project.objects.filter(id=job.project_id).update(status=Project.Status.RENDERING)


def _job_succeed(job: RenderJob, result: RenderResult) -> None:
    project = job.project
    with transaction.atomic():
        with result.video.open("rb") as video:
            project.video.save(f"{project.id}/{job.id}.mp4", File(video), save=False)
        project.ai_script = result.script.model_dump(mode="json")
        project.video_duration_s = result.duration_s
        project.status = Project.Status.DONE
        project.title = project.title or result.script.title[:200]
        project.save(
            update_fields=["video", "ai_script", "video_duration_s", "status", "title", "updated_at"]
        )
        RenderJob.objects.filter(id=job.id).update(
            status=RenderJob.Status.DONE, stage="done", progress=100.0, finished_at=timezone.now(), error=""
        )
        _log(job, step="rendering video", status=FileProcessingLog.Status.OK)
        UsageMetric.objects.create(
            user=project.owner,
            action="render",
            resource_type="video_seconds",
            quantity=round(result.duration_s, 2),
            metadata={"job": str(job.id), "aspect": project.aspect, "resolution": project.resolution},
        )


def _job_fail(job: RenderJob, *, message: str, step: str) -> None:
    with transaction.atomic():
        RenderJob.objects.filter(id=job.id).update(
            status=RenderJob.Status.FAILED, error=message, finished_at=timezone.now()
        )
        Project.objects.filter(id=job.project_id).update(status=Project.Status.FAILED)
        _log(job, step=step, status=FileProcessingLog.Status.FAILED, message=message)


def _log(job: RenderJob, *, step: str, status: str, message: str = "") -> None:
    FileProcessingLog.objects.create(
        project_id=job.project_id, render_job=job, step=step, status=status, message=message
    )


def _safe_name(name: str) -> str:
    base = Path(name).name
    cleaned = re.sub(r"[^\w.\- ]+", "_", base).strip(" .") or "upload"
    return cleaned[:120]
