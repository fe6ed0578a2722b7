"""What a finished job keeps: the script version it drafted (and the render that follows it), or the videos it
rendered with their posters, previews and captions; the usage either recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile

from animagenius.billing import services as billing_services
from animagenius.billing.models import UsageMetric
from animagenius.pipeline.domain import SourceDocument
from animagenius.pipeline.errors import StorageError
from animagenius.pipeline.providers.protocols import TokenUsage, WrittenScript
from animagenius.pipeline.run import STAGES
from animagenius.pipeline.video import RenderResult
from animagenius.pipeline.video import Rendition as RenditionResult
from animagenius.studio.assets import files_delete
from animagenius.studio.errors import (
    QuotaExceeded,
)
from animagenius.studio.jobs.queue import render_job_create
from animagenius.studio.jobs.states import job_log, job_mark_done, notices_merged
from animagenius.studio.models import (
    FileProcessingLog,
    Project,
    RenderJob,
    Rendition,
    ScriptVersion,
)
from animagenius.studio.storage import media_keep
from animagenius.studio.versions import source_blocks_outline, version_create


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


def script_job_succeed(job: RenderJob, *, document: SourceDocument, written: WrittenScript) -> None:
    project = job.project
    with transaction.atomic():
        if not job_mark_done(job, notices=written.notices):
            return  # cancelled while the script was written
        project.source_blocks = source_blocks_outline(document)
        project.title = project.title or written.script.title[:200]
        project.save(update_fields=["source_blocks", "title", "updated_at"])
        version = version_create(
            project, script=written.script, writer=written.writer, notices=written.notices
        )
        script_usage_record(project=project, job=job, written=written)
        job_log(job, step="writing script", status=FileProcessingLog.Status.OK)
        if job.render_after:
            _render_after_script(job, version)
        else:
            Project.objects.filter(id=project.id).update(status=Project.Status.REVIEW)


def _render_after_script(job: RenderJob, version: ScriptVersion) -> None:
    """Queue the render the person asked for with the script; if their minutes ran out meanwhile, the
    script waits for review, the reason beside it."""
    try:
        render_job_create(project=job.project, script_version=version, progress=script_share_of_video() * 100)
    except QuotaExceeded as refusal:
        notices = notices_merged(RenderJob.objects.get(id=job.id).notices, [f"Not rendered: {refusal}"])
        RenderJob.objects.filter(id=job.id).update(notices=notices)
        Project.objects.filter(id=job.project_id).update(status=Project.Status.REVIEW)


def render_job_succeed(job: RenderJob, result: RenderResult) -> None:
    project = job.project
    with transaction.atomic():
        if not job_mark_done(
            job, notices=notices_merged(job.notices, result.notices), video_s=result.duration_s
        ):
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
        job_log(job, step="rendering video", status=FileProcessingLog.Status.OK)
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
        files_delete(kept)
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


def script_share_of_video() -> float:
    """The part of a whole video's progress that reading the sources and drafting the script stand for."""
    return sum(share for stage, share in STAGES if stage in ("reading", "writing script"))
