"""What the API sends and accepts, as pydantic schemas (they are also its OpenAPI document)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from copy import copy
from datetime import datetime
from enum import Enum
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Schema
from pydantic import BaseModel, Field, create_model

from animagenius.pipeline.script.about import MAX_ABOUT_CHARS
from animagenius.pipeline.video import RenderOptions
from animagenius.studio.jobs import selectors as job_selectors
from animagenius.studio.models import Project, RenderJob, Rendition
from animagenius.studio.options import CHOSEN, public_name
from animagenius.studio.start import MAX_EXTRA_RENDITIONS

FileKind = Literal["video", "poster", "preview", "captions"]


class Error(Schema):
    detail: str = Field(description="what went wrong, in words a person can act on")


class FormError(Error):
    errors: dict[str, list[str]] = Field(
        description='the problems by field name; "__all__" for those of the request as a whole'
    )


class RenditionOut(Schema):
    id: uuid.UUID
    position: int = Field(description="0: the main video; then the extra renditions in the order asked")
    aspect: str
    resolution: str
    video_format: str
    codec: str
    size_bytes: int
    video_url: str
    poster_url: str = Field(description="a JPEG frame")
    preview_url: str | None = Field(description="a 3 s muted clip; none for a GIF")
    captions_url: str | None = Field(description="WebVTT of the narration; none when there are no captions")


class JobOut(Schema):
    id: uuid.UUID
    project_id: uuid.UUID
    kind: Literal["script", "render"] = Field(description="script: drafting the script; render: the video")
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    stage: str
    progress: float = Field(description="0-100")
    queue_position: int | None = Field(description="while queued: 1 starts next (plan first, then age)")
    provider: str = Field(description="the render provider (worker pool) it went to")
    error: str = Field(description="why it failed, when it did")
    notices: list[str] = Field(description="plain-words notes about the result")
    script_version: int | None = Field(description="render jobs: the script version rendered")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    renditions: list[RenditionOut] = Field(description="the videos it made, once done")


class _ProjectFields(Schema):
    id: uuid.UUID
    title: str = Field(description="the title given, else the document's, else the upload's name")
    status: str = Field(description=", ".join(Project.Status.values))
    created_at: datetime
    aspect: str
    resolution: str
    video_format: str
    extra_renditions: list[str] = Field(description='specs like "9:16,720p,webm"')


class ProjectItemOut(_ProjectFields):
    @staticmethod
    def resolve_title(project: Project) -> str:
        return project.display_title

    @staticmethod
    def resolve_aspect(project: Project) -> str:
        return project.render_options.aspect.value

    @staticmethod
    def resolve_resolution(project: Project) -> str:
        return project.render_options.resolution.value

    @staticmethod
    def resolve_video_format(project: Project) -> str:
        return project.render_options.format


class ProjectOut(_ProjectFields):
    about: str = Field(description="the person's own text about the files, narrated first")
    codec: str
    target_duration_s: int
    voice: str
    speed: float
    caption_style: str
    transition: str
    theme: str
    music: str
    job: JobOut | None = Field(description="the project's latest job")
    script_version: int | None = Field(description="the latest saved script version; none before drafting")
    renditions: list[RenditionOut] = Field(description="the videos of its latest finished render")


LEGACY_H265_FORMAT = "mp4-h265"
"""How v1 asked for an H.265 MP4 before `codec` (still accepted; docs/api.md)."""


def legacy_fields_read(sent: dict[str, Any]) -> dict[str, Any]:
    """`sent` with what v1 clients written before `codec` send read the current way: video_format "mp4-h265"
    is mp4 with h265. Done here at the edge, so the contract never carries the pseudo-format."""
    if sent.get("video_format") != LEGACY_H265_FORMAT:
        return sent
    return {**sent, "video_format": "mp4", "codec": sent.get("codec") or "h265"}


class ScriptIn(Schema):
    about: str | None = Field(
        None,
        description="replaces the project's text about its files (at most "
        f"{MAX_ABOUT_CHARS:,} characters); leave it out to keep the one it has",
    )


class RenderIn(Schema):
    script_version: int | None = Field(
        None, ge=1, description="the version to render, refused once a newer one is saved; default the latest"
    )


def _option_fields() -> dict[str, Any]:
    """The options a person chooses, under the names the API gives them, each typed, described, defaulted
    and bounded by its RenderOptions field (pipeline/video.py)."""
    fields: dict[str, Any] = {}
    for name in CHOSEN:
        option = copy(RenderOptions.model_fields[name])
        if isinstance(option.default, Enum):
            option.default = option.default.value
        fields[public_name(name)] = (option.annotation, option)
    return fields


ProjectOptionsIn: type[Schema] = create_model(
    "ProjectOptionsIn",
    __base__=Schema,
    __doc__="The render options of a new project: RenderOptions' fields a person chooses.",
    **_option_fields(),
)


class ProjectCreateIn(ProjectOptionsIn):
    """The multipart fields of a new project: the render options, typed from RenderOptions, and the rest.

    `music` is a built-in track's name, "file" for `music_file`, or blank for none; `duration` is one of
    the lengths the studio offers (30, 60, 120, 180); 4k is for paid plans."""

    source_file: list[bytes] = Field(
        [], description="one or more documents, photos, recordings or videos, in order; or give `text`"
    )
    text: str = Field("", description="pasted text (Markdown works), instead of files")
    about: str = Field(
        "",
        description="a sentence or two on what the files show, narrated first: photos and silent clips have "
        "no words of their own, and without it such an upload's script job fails saying so",
        json_schema_extra={"maxLength": MAX_ABOUT_CHARS},  # checked by pipeline.about, in its words
    )
    title: str = Field("", description="blank: taken from the document")
    voice: str = Field("", description="a voice name from GET /voices/; blank: the default voice")
    music_file: bytes | None = Field(None, description='MP3, M4A, WAV, FLAC or OGG, with music="file"')
    renditions: list[str] = Field(
        [],
        description='extra videos made beside the main one, each "aspect,resolution,format[,codec]", '
        f'e.g. "9:16,720p,webm"; repeat the field for several (at most {MAX_EXTRA_RENDITIONS})',
    )
    review: bool = Field(
        False, description="true: stop after drafting the script so it can be edited; false: render at once"
    )


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """`model`'s JSON schema with its definitions (the enums of the options) written where they are used,
    for a request body embedded in the OpenAPI document, where "#/$defs/…" would point nowhere."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})
    for name, field in schema["properties"].items():
        if "$ref" in field:
            schema["properties"][name] = {**definitions[field.pop("$ref").split("/")[-1]], **field}
    return schema


def file_url(request: HttpRequest, rendition: Rendition, kind: str) -> str:
    return request.build_absolute_uri(
        reverse("api-v1:rendition_file", kwargs={"rendition_id": rendition.id, "kind": kind})
    )


def rendition_out(request: HttpRequest, rendition: Rendition) -> RenditionOut:
    return RenditionOut(
        id=rendition.id,
        position=rendition.position,
        aspect=rendition.aspect,
        resolution=rendition.resolution,
        video_format=rendition.video_format,
        codec=rendition.codec,
        size_bytes=rendition.size_bytes,
        video_url=file_url(request, rendition, "video"),
        poster_url=file_url(request, rendition, "poster"),
        preview_url=file_url(request, rendition, "preview") if rendition.preview else None,
        captions_url=file_url(request, rendition, "captions") if rendition.captions else None,
    )


def job_out(request: HttpRequest, job: RenderJob, *, renditions: Sequence[Rendition]) -> JobOut:
    return JobOut(
        id=job.id,
        project_id=job.project_id,
        kind=job.kind,  # type: ignore[arg-type]
        status=job.status,  # type: ignore[arg-type]
        stage=job.stage,
        progress=job.progress,
        queue_position=(
            job_selectors.render_job_position(job=job) if job.status == RenderJob.Status.QUEUED else None
        ),
        provider=job.provider,
        error=job.error,
        notices=list(job.notices),
        script_version=job.script_version.number if job.script_version else None,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        renditions=[rendition_out(request, rendition) for rendition in renditions],
    )


def project_out(
    request: HttpRequest,
    project: Project,
    *,
    job: JobOut | None,
    script_version: int | None,
    renditions: Sequence[Rendition],
) -> ProjectOut:
    options = project.render_options
    return ProjectOut(
        id=project.id,
        title=project.display_title,
        status=project.status,
        created_at=project.created_at,
        aspect=options.aspect.value,
        resolution=options.resolution.value,
        video_format=options.format,
        extra_renditions=list(project.extra_renditions),
        about=project.about,
        codec=options.codec,
        target_duration_s=options.target_duration_s,
        voice=project.voice,
        speed=options.speed,
        caption_style=options.captions,
        transition=options.transition,
        theme=options.theme,
        music=options.music,
        job=job,
        script_version=script_version,
        renditions=[rendition_out(request, rendition) for rendition in renditions],
    )
