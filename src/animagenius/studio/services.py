"""Writes for the studio: create and delete projects, save and restore script versions, the brand kit, voice
previews.

A project's life: `project_create`, then `jobs.queue.script_job_create` queues the drafting of version 1 (run
by `jobs.execute` in the worker); the person may save edited versions (`script_version_save`,
`script_version_restore`); `jobs.queue.render_job_create` queues the render of one saved version.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from animagenius.accounts.models import User
from animagenius.core import ratelimit
from animagenius.pipeline.domain import Script
from animagenius.pipeline.script.about import PASTED_TEXT_FILE
from animagenius.pipeline.script.edit import script_parse
from animagenius.pipeline.video import RenderOptions
from animagenius.pipeline.visuals.brand import LOGO_FILES, LOGO_HEAD_BYTES, logo_format
from animagenius.studio.assets import asset_store, files_delete, safe_name
from animagenius.studio.errors import (
    JobInProgress,
    ScriptAlreadyExists,
    ScriptVersionStale,
    StorageUnavailable,
)
from animagenius.studio.jobs.queue import BUSY, script_job_create
from animagenius.studio.models import (
    Asset,
    BrandKit,
    Project,
    RenderJob,
    Rendition,
    ScriptVersion,
)
from animagenius.studio.options import options_stored
from animagenius.studio.storage import media_write
from animagenius.studio.versions import project_lock, version_create, version_latest_number

logger = logging.getLogger(__name__)


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
        (safe_name(upload.name or "upload"), upload) for upload in uploads
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
                    asset_store(
                        project,
                        kind=Asset.Kind.MUSIC,
                        name=safe_name(music_upload.name or "music"),
                        content=music_upload,
                    )
                )
            for position, (name, content) in enumerate(sources):
                stored.append(
                    asset_store(
                        project, kind=Asset.Kind.SOURCE, name=name, content=content, position=position
                    )
                )
    except StorageUnavailable:  # the project was rolled back: so are the files it had stored
        files_delete({(asset.file.storage, asset.file.name) for asset in stored})
        raise
    return project


def script_draft_again(*, project: Project, about: str | None = None) -> RenderJob:
    """Queue the drafting of a project whose script job failed or was cancelled, for review this time.

    `about` (already checked), when given, replaces the person's text about the files: what a photo-only
    upload refused for having nothing to narrate needs, without uploading again.
    """
    with transaction.atomic():
        project_lock(project)
        if project.render_jobs.exclude(status__in=RenderJob.FINISHED).exists():
            raise JobInProgress(BUSY)
        if project.script_versions.exists():
            raise ScriptAlreadyExists("This project already has a script: edit it, or render it, below.")
        if about is not None and about != project.about:
            project.about = about
            project.save(update_fields=["about", "updated_at"])
        return script_job_create(project=project, render_after=False)


def script_version_save(
    *, project: Project, script: Script, saved_by: User, base_number: int | None = None
) -> ScriptVersion:
    """Store an edited script as the project's next version.

    `base_number` is the version the person started editing from; if another version was saved since
    (another tab, another person), the save is refused rather than silently overwriting that work.
    """
    with transaction.atomic():
        project_lock(project)
        latest = version_latest_number(project)
        if base_number is not None and base_number != latest:
            raise ScriptVersionStale(
                f"Version {latest} was saved after you opened version {base_number}. "
                "Copy your changes, reload the page and apply them to the newest version.",
                latest=latest,
            )
        return version_create(project, script=script, writer=ScriptVersion.EDITED, created_by=saved_by)


def script_version_restore(*, version: ScriptVersion, restored_by: User) -> ScriptVersion:
    """Save a copy of an earlier version as the newest one; history is kept as it was."""
    script = script_parse(version.script)
    with transaction.atomic():
        return version_create(
            version.project,
            script=script,
            writer=ScriptVersion.EDITED,
            created_by=restored_by,
            restored_from=version,
        )


def project_delete(*, project: Project) -> None:
    """Delete a project and everything made from it: its jobs, script versions, logs, uploads and videos. A
    running job's worker sees its row go and stops within a second, as on a cancel (jobs/watch.py). What its
    videos used of the month's render minutes stays used (UsageMetric rows are the person's, not the
    project's)."""
    with transaction.atomic():
        project_lock(project)
        files = _project_files(project)
        project.delete()
        transaction.on_commit(lambda: files_delete(files))


def _project_files(project: Project) -> set[tuple[Storage, str]]:
    fields = [project.video, *(asset.file for asset in project.assets.all())]
    for rendition in Rendition.objects.filter(job__project=project):
        fields += [rendition.video, rendition.poster, rendition.preview, rendition.captions]
    return {(field.storage, field.name) for field in fields if field.name}


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
            kit.font_name = safe_name(font_upload.name or "font.ttf")
            kit.font.save(kit.font_name, font_upload, save=False)
        if logo_upload is not None:
            # named for what its bytes are (the form checked them), never for what its name says
            kit.logo.save(f"logo{_logo_suffix(logo_upload)}", logo_upload, save=False)
    kit.save()
    files_delete(replaced)  # once the kit no longer names them
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
    from animagenius.pipeline.voice.narrate import voice_list, voice_preview

    if name not in {voice.name for voice in voice_list(settings=settings.PROVIDER_SETTINGS)}:
        raise KeyError(name)
    out = Path(settings.VOICE_PREVIEW_DIR) / f"{name}.wav"
    if not out.is_file():
        partial = out.with_name(f"{name}.{uuid.uuid4().hex}.partial.wav")  # never serve a half-written file
        try:
            voice_preview(
                name, partial, cache_dir=Path(settings.VOICE_CACHE_DIR), settings=settings.PROVIDER_SETTINGS
            )
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
    return out
