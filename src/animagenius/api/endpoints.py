"""The REST API's operations. Each one parses the request, calls the studio's services or selectors, and
answers with a schema; errors are raised as ninja HttpErrors, FormInvalid or the studio's own refusals
(studio/errors.py), all answered in errors.py."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from pydantic import BaseModel, ValidationError

from animagenius.accounts.models import User
from animagenius.api.errors import FormInvalid
from animagenius.api.schemas import (
    Error,
    FileKind,
    FormError,
    JobOut,
    ProjectCreateIn,
    ProjectItemOut,
    ProjectOut,
    RenderIn,
    ScriptIn,
    inline_schema,
    job_out,
    legacy_fields_read,
    project_out,
)
from animagenius.core.http import ranged_file_response
from animagenius.pipeline.errors import InvalidOption
from animagenius.pipeline.script.about import about_check
from animagenius.pipeline.video import RenderOptions, option_problem
from animagenius.studio import selectors as studio_selectors
from animagenius.studio import services as studio_services
from animagenius.studio.jobs import queue as job_queue
from animagenius.studio.jobs import selectors as job_selectors
from animagenius.studio.models import Project, RenderJob, Rendition
from animagenius.studio.options import CHOSEN, public_name
from animagenius.studio.start import OWN_MUSIC, ProjectRefused, ProjectStart, project_start

router = Router()

PAGE_SIZE = 20
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
CALLER = {401: Error, 422: FormError, 429: Error}
"""Every operation: no valid key or session (401), invalid parameters (422), too many requests (429)."""
ONE = {**CALLER, 404: Error}
"""Operations on one object add: not yours, or no such object (404)."""
UNSAFE = {400: Error, 403: Error}
"""Unsafe methods add a malformed body (400) and, signed in through the browser, a failed CSRF check (403)."""

MULTIPART_BODY = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": inline_schema(ProjectCreateIn)}},
    }
}
FILE_RESPONSE = {
    "responses": {
        200: {
            "description": "the file; `Range: bytes=…` is answered 206 with that part",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        },
        206: {"description": "the part of the file asked for with `Range`"},
    }
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.auth, User)  # type: ignore[attr-defined]
    return request.auth  # type: ignore[attr-defined]


def _project(request: HttpRequest, project_id: uuid.UUID) -> Project:
    try:
        return studio_selectors.project_get(user=_user(request), project_id=project_id)
    except Project.DoesNotExist:
        raise HttpError(404, "No such project.") from None


@router.get(
    "/projects",
    response={200: list[ProjectItemOut], **CALLER},
    url_name="project_list",
    summary="Your projects, newest first",
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def project_list(request: HttpRequest) -> Any:
    return studio_selectors.project_list(user=_user(request))


@router.post(
    "/projects",
    response={201: ProjectOut, 413: Error, 415: Error, 503: Error, **CALLER, **UNSAFE},
    openapi_extra=MULTIPART_BODY,
    url_name="project_create",
    summary="Make a video from files or pasted text",
)
def project_create(request: HttpRequest) -> Status[ProjectOut]:
    """The fields of ProjectCreateIn (the render options typed from RenderOptions), started as the studio's
    page starts a project (studio/start.py). With `review=true` the job stops after drafting the script;
    otherwise the render follows it at once. A body larger than the plan takes is refused with 413 before it
    is read (studio/uploads.py), a file over the plan's limit as soon as it passes it."""
    user = _user(request)
    if request.content_type not in FORM_TYPES:
        raise HttpError(415, "Send the project's fields as multipart/form-data.")
    try:  # RateLimited: 429 with Retry-After (errors.py)
        project = project_start(owner=user, start=_project_start_read(request))
    except ProjectRefused as refusal:
        raise FormInvalid(refusal.errors) from None
    project.refresh_from_db()  # the job's creation moved it to "queued"
    return Status(201, _project_out(request, project))


def _project_start_read(request: HttpRequest) -> ProjectStart:
    """The multipart body as ProjectCreateIn, its options read by RenderOptions; FormInvalid by field."""
    lists = {"source_file", "renditions"}
    sent = {name: request.POST.getlist(name) if name in lists else request.POST[name]
            for name in ProjectCreateIn.model_fields if name in request.POST}  # fmt: skip
    try:
        body = ProjectCreateIn.model_validate(
            {**legacy_fields_read(sent), "source_file": [], "music_file": None}
        )
    except ValidationError as error:
        raise FormInvalid(_problems(error, ProjectCreateIn)) from None
    try:  # what the fields' types let through, the contract's own checks may not (a theme, a codec)
        options = RenderOptions.model_validate({name: getattr(body, public_name(name)) for name in CHOSEN})
    except ValidationError as error:
        raise FormInvalid(_problems(error, RenderOptions)) from None
    about = body.about
    try:
        about = about_check(about)
    except InvalidOption as error:
        raise FormInvalid({"about": [f"{str(error)[:1].upper()}{str(error)[1:]}."]}) from None
    own_music = options.music == OWN_MUSIC
    return ProjectStart(
        title=body.title,
        options=options.model_copy(update={"music": ""}) if own_music else options,
        uploads=request.FILES.getlist("source_file"),
        pasted_text=body.text.strip(),
        about=about,
        voice=body.voice,
        own_music=own_music,
        music_upload=request.FILES.get("music_file"),
        renditions=body.renditions,
        review=body.review,
    )


def _problems(error: ValidationError, model: type[BaseModel]) -> dict[str, list[str]]:
    """Each problem pydantic found, by the API's field name, in the contract's words."""
    problems: dict[str, list[str]] = {}
    for problem in error.errors():
        where = str(problem["loc"][0]) if problem["loc"] else "__all__"
        message = option_problem(problem, model)
        problems.setdefault(public_name(where), []).append(f"{message[:1].upper()}{message[1:]}.")
    return problems


@router.get(
    "/projects/{project_id}",
    response={200: ProjectOut, **ONE},
    url_name="project_detail",
    summary="A project, its latest job and its finished videos",
)
def project_detail(request: HttpRequest, project_id: uuid.UUID) -> ProjectOut:
    return _project_out(request, _project(request, project_id))


@router.delete(
    "/projects/{project_id}",
    response={204: None, **ONE, **UNSAFE},
    url_name="project_delete",
    summary="Delete a project with its videos and uploads",
)
def project_delete(request: HttpRequest, project_id: uuid.UUID) -> Status[None]:
    """Its jobs, scripts, uploads and videos go with it; a running job stops within a second or two. The
    render minutes its videos used stay used this month."""
    studio_services.project_delete(project=_project(request, project_id))
    return Status(204, None)


@router.post(
    "/projects/{project_id}/script",
    response={202: JobOut, 409: Error, **ONE, **UNSAFE},
    url_name="project_script",
    summary="Write the script again, after its job failed or was cancelled",
)
def project_script(
    request: HttpRequest, project_id: uuid.UUID, payload: ScriptIn | None = None
) -> Status[JobOut]:
    """Queue the drafting of the script again, for review, with `about` as the project's text about its
    files when given: what a photo or a silent clip refused for having nothing to narrate needs, without
    uploading it again. 409 while a job of the project runs, or once it has a script."""
    project = _project(request, project_id)
    about = payload.about if payload is not None else None
    try:
        checked = about_check(about) if about is not None else None
    except InvalidOption as error:
        raise FormInvalid({"about": [f"{str(error)[:1].upper()}{str(error)[1:]}."]}) from None
    job = studio_services.script_draft_again(project=project, about=checked)
    return Status(202, job_out(request, job, renditions=[]))


@router.post(
    "/projects/{project_id}/renders",
    response={202: JobOut, 402: Error, 409: Error, **ONE, **UNSAFE},
    url_name="project_render",
    summary="Render a saved script version",
)
def project_render(
    request: HttpRequest, project_id: uuid.UUID, payload: RenderIn | None = None
) -> Status[JobOut]:
    """Queue the render of the latest script version. 409 while another job of the project runs, before its
    script is drafted, or when `script_version` (the version the caller read) is no longer the latest; 402
    when the plan's render minutes for this month would not cover it."""
    project = _project(request, project_id)
    number = payload.script_version if payload is not None else None
    if number is None:
        version = studio_selectors.script_version_latest(project=project)
        if version is None:
            raise HttpError(409, "This project has no script yet; wait for its script job to finish.")
    else:
        version = studio_selectors.script_version_by_number(project=project, number=number)
        if version is None:
            raise HttpError(404, f"This project has no script version {number}.")
    job = job_queue.render_job_create(project=project, script_version=version)
    return Status(202, job_out(request, job, renditions=[]))


@router.get(
    "/jobs/{job_id}",
    response={200: JobOut, **ONE},
    url_name="job_detail",
    summary="A job's progress, and its videos once done",
)
def job_detail(request: HttpRequest, job_id: uuid.UUID) -> JobOut:
    try:
        job = job_selectors.render_job_get(user=_user(request), job_id=job_id)
    except RenderJob.DoesNotExist:
        raise HttpError(404, "No such job.") from None
    return job_out(request, job, renditions=_renditions(job))


@router.post(
    "/jobs/{job_id}/cancel",
    response={200: JobOut, 409: Error, **ONE, **UNSAFE},
    url_name="job_cancel",
    summary="Cancel a queued or running job",
)
def job_cancel(request: HttpRequest, job_id: uuid.UUID) -> JobOut:
    """A queued job never starts; a running one stops within a second or two, its files removed. 409 once
    the job has ended."""
    try:
        job = job_selectors.render_job_get(user=_user(request), job_id=job_id)
    except RenderJob.DoesNotExist:
        raise HttpError(404, "No such job.") from None
    job_queue.render_job_cancel(job=job)
    return job_out(request, job, renditions=[])


@router.get(
    "/renditions/{rendition_id}/{kind}",
    response={416: Error, **ONE},
    openapi_extra=FILE_RESPONSE,
    url_name="rendition_file",
    summary="Download or stream one file of a rendition",
)
def rendition_file(
    request: HttpRequest, rendition_id: uuid.UUID, kind: FileKind, download: bool = False
) -> HttpResponseBase:
    """`kind`: the video, its JPEG poster, its 3 s preview or its WebVTT captions. Supports `Range`;
    `?download=1` sends it as an attachment."""
    try:
        rendition = studio_selectors.rendition_get(user=_user(request), rendition_id=rendition_id)
    except Rendition.DoesNotExist:
        raise HttpError(404, "No such rendition.") from None
    stored = getattr(rendition, kind)
    if not stored:
        raise HttpError(404, _MISSING[kind])
    try:
        response = ranged_file_response(
            request,
            Path(stored.path),
            filename=rendition.download_name(kind),
            content_type=rendition.media_type(kind),
            download=download,
        )
    except FileNotFoundError:
        raise HttpError(404, f"The {kind} file of this rendition is no longer stored.") from None
    if response.status_code == 416:
        unsatisfiable = HttpResponse(
            '{"detail": "The range asked for is outside the file."}',
            status=416,
            content_type="application/json",
        )
        unsatisfiable["Content-Range"] = response["Content-Range"]
        return unsatisfiable
    return response


_MISSING = {
    "video": "This rendition has no video file.",
    "poster": "This rendition has no poster.",
    "preview": "This rendition has no preview: a GIF has none.",
    "captions": "This rendition has no captions: the narration was not captioned.",
}


def _renditions(job: RenderJob) -> list[Rendition]:
    if job.kind != RenderJob.Kind.RENDER or job.status != RenderJob.Status.DONE:
        return []
    return list(studio_selectors.rendition_list(job=job))


def _project_out(request: HttpRequest, project: Project) -> ProjectOut:
    job = job_selectors.render_job_latest(project=project)
    done = job_selectors.render_job_latest_done(project=project)
    version = studio_selectors.script_version_latest(project=project)
    return project_out(
        request,
        project,
        job=job_out(request, job, renditions=_renditions(job)) if job is not None else None,
        script_version=version.number if version is not None else None,
        renditions=_renditions(done) if done is not None else [],
    )
