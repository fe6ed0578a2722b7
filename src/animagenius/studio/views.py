"""Pages of the studio. Views parse the request, call a service or selector, and render."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from animagenius.accounts.models import User
from animagenius.core.ratelimit import RateLimited
from animagenius.pipeline.script.edit import script_parse
from animagenius.studio import selectors, services
from animagenius.studio.errors import StorageUnavailable, StudioConflict, StudioError, http_status
from animagenius.studio.forms.about import AboutForm
from animagenius.studio.forms.brand import BrandKitForm
from animagenius.studio.forms.project import project_form
from animagenius.studio.forms.render import RECORDING_ACCEPT, RenderForm
from animagenius.studio.jobs import selectors as job_selectors
from animagenius.studio.jobs.queue import render_job_cancel, render_job_create
from animagenius.studio.models import Project, RenderJob, ScriptVersion
from animagenius.studio.script_editor import (
    SceneCard,
    ScriptEditForm,
    scene_cards_estimate,
    scene_cards_parse,
)
from animagenius.studio.start import ProjectRefused, project_start
from animagenius.studio.uploads import upload_limits

NEW_SCENE_KEY = "__key__"
"""Placeholder in the new-scene template; the page's script replaces it with a fresh key."""


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("studio:project_list")
    return render(request, "home.html")


def request_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def request_project(request: HttpRequest, project_id: uuid.UUID) -> Project:
    try:
        return selectors.project_get(user=request_user(request), project_id=project_id)
    except Project.DoesNotExist:
        raise Http404("No such project") from None


@login_required
@require_http_methods(["GET", "POST"])
def project_list(request: HttpRequest) -> HttpResponse:
    form = project_form(user=request_user(request), data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = project_start(owner=request_user(request), start=form.start())
        except ProjectRefused as refusal:
            form.refused(refusal)
        except RateLimited as refusal:
            form.add_error(None, str(refusal))  # the form again, as typed: nothing the person wrote is lost
            response = _project_list_page(request, form, status=429)
            response["Retry-After"] = str(refusal.retry_after_s)
            return response
        except StorageUnavailable as failure:
            return storage_unavailable_page(request, failure)
        else:
            return redirect("studio:project_detail", project_id=project.id)
    return _project_list_page(request, form, status=400 if request.method == "POST" else 200)


def _project_list_page(request: HttpRequest, form: Form, *, status: int) -> HttpResponse:
    projects = selectors.project_list(user=request_user(request))
    return render(request, "studio/project_list.html", {"form": form, "projects": projects}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def brand_kit(request: HttpRequest) -> HttpResponse:
    """The person's brand kit: accent colour, slide typeface and logo, used on every video they render."""
    user = request_user(request)
    kit = selectors.brand_kit_get(user=user)
    form = BrandKitForm(
        request.POST or None, request.FILES or None, initial={"accent": kit.accent if kit else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.brand_kit_save(
                owner=user,
                accent=form.cleaned_data["accent"],
                font_upload=form.cleaned_data["font"],
                logo_upload=form.cleaned_data["logo"],
                remove_font=form.cleaned_data["remove_font"],
                remove_logo=form.cleaned_data["remove_logo"],
            )
        except StorageUnavailable as failure:
            return storage_unavailable_page(request, failure)
        messages.success(request, "Brand kit saved: your next renders use it.")
        return redirect("studio:brand_kit")
    status = 400 if request.method == "POST" else 200
    return render(request, "studio/brand_kit.html", {"form": form, "kit": kit}, status=status)


@login_required
def project_detail(request: HttpRequest, project_id: uuid.UUID) -> HttpResponse:
    return _detail_page(request, request_project(request, project_id))


@login_required
def project_status(request: HttpRequest, project_id: uuid.UUID) -> HttpResponse:
    """The live status panel; the page polls it until the job ends."""
    project = request_project(request, project_id)
    job = job_selectors.render_job_latest(project=project)
    response = render(request, "studio/_job_status.html", _status_context(project, job))
    if request.headers.get("HX-Request") and job and job.kind == RenderJob.Kind.SCRIPT and job.is_finished:
        response["HX-Refresh"] = "true"  # the drafted script is ready: load the page with its editor
    return response


@login_required
@require_POST
def script_draft(request: HttpRequest, project_id: uuid.UUID) -> HttpResponse:
    """Write the script again after its job failed or was cancelled, with the text about the files the
    page sent (a photo-only upload needs one to have anything to narrate)."""
    project = request_project(request, project_id)
    form = AboutForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, project, about_form=form, status=400)
    about = form.cleaned_data["about"] if "about" in request.POST else None
    try:
        services.script_draft_again(project=project, about=about)
    except StudioConflict as conflict:
        messages.error(request, str(conflict))
    return redirect("studio:project_detail", project_id=project.id)


def job_events(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """Live progress streams are answered by the stream server (config/asgi.py, progress_stream.py);
    under gunicorn a stream would hold one of its few threads for as long as the job runs."""
    return HttpResponse(
        "Progress streams are served by the ASGI server; see EVENTS_URL in the README.",
        status=404,
        content_type="text/plain; charset=utf-8",
    )


@login_required
@require_POST
def script_save(request: HttpRequest, project_id: uuid.UUID) -> HttpResponse:
    """Save the editor's scenes as the next version, or show the form again with what is wrong."""
    project = request_project(request, project_id)
    latest = _latest_version(project)
    document = selectors.project_document(project=project)
    form = ScriptEditForm(request.POST, base=script_parse(latest.script), document=document)
    if not form.is_valid() or form.script is None:
        return _detail_page(request, project, cards=form.cards, error=form.error, status=422)
    try:
        saved = services.script_version_save(
            project=project, script=form.script, saved_by=request_user(request), base_number=form.base_number
        )
    except StudioError as refusal:
        return _refused(request, project, refusal, cards=form.cards)
    messages.success(request, f"Saved version {saved.number}.")
    return redirect(reverse("studio:project_detail", args=[project.id]) + "#script")


@login_required
@require_POST
def script_estimate(request: HttpRequest, project_id: uuid.UUID) -> HttpResponse:
    """Per-scene and total durations of the editor's current text, computed by the pipeline's estimate."""
    project = request_project(request, project_id)
    script = script_parse(_latest_version(project).script)
    cards = scene_cards_estimate(
        scene_cards_parse(request.POST, base=script), words_per_minute=script.words_per_minute
    )
    context = {"cards": cards, "total_s": _total_s(cards), "target_s": script.target_duration_s}
    return render(request, "studio/_script_estimate.html", context)


@login_required
@require_POST
def script_version_restore(
    request: HttpRequest, project_id: uuid.UUID, version_id: uuid.UUID
) -> HttpResponse:
    project = request_project(request, project_id)
    version = _version(project, version_id)
    restored = services.script_version_restore(version=version, restored_by=request_user(request))
    messages.success(request, f"Version {version.number} restored as version {restored.number}.")
    return redirect(reverse("studio:project_detail", args=[project.id]) + "#script")


@login_required
@require_POST
def project_render(request: HttpRequest, project_id: uuid.UUID) -> HttpResponse:
    """Render the saved version the page showed; refused (by the service) if a newer one was saved or a job
    is running."""
    project = request_project(request, project_id)
    form = RenderForm(request.POST, request.FILES, limits=upload_limits(user=request_user(request)))
    if not form.is_valid():
        if "version" in form.errors:
            raise Http404("No such script version")
        problem = " ".join(str(message) for message in form.errors["recording"])
        return _detail_page(request, project, error=problem, status=400)
    version = _version(project, form.cleaned_data["version"])
    try:
        render_job_create(
            project=project, script_version=version, recording_upload=form.cleaned_data["recording"]
        )
    except StudioError as refusal:
        return _refused(request, project, refusal)
    return redirect("studio:project_detail", project_id=project.id)


@login_required
@require_POST
def project_delete(request: HttpRequest, project_id: uuid.UUID) -> HttpResponse:
    project = request_project(request, project_id)
    title = project.display_title
    services.project_delete(project=project)
    messages.success(request, f"“{title}” was deleted, with its videos and uploads.")
    return redirect("studio:project_list")


@login_required
@require_POST
def job_cancel(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    try:
        job = job_selectors.render_job_get(user=request_user(request), job_id=job_id)
    except RenderJob.DoesNotExist:
        raise Http404("No such job") from None
    try:
        render_job_cancel(job=job)
    except StudioConflict as conflict:
        messages.error(request, str(conflict))
    else:
        what = "script" if job.kind == RenderJob.Kind.SCRIPT else "render"
        messages.success(request, f"The {what} was cancelled.")
    return redirect("studio:project_detail", project_id=job.project_id)


def _detail_page(
    request: HttpRequest,
    project: Project,
    *,
    cards: Sequence[SceneCard] | None = None,
    error: str = "",
    about_form: AboutForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The project page; `cards` are an edit the person sent back that could not be saved, `about_form` a
    text about the files that could not be used."""
    job = job_selectors.render_job_latest(project=project)
    latest = selectors.script_version_latest(project=project)
    context: dict[str, Any] = {
        **_status_context(project, job, about_form=about_form),
        "error": error,
        "music": selectors.project_music_name(project=project),
        "recording_accept": RECORDING_ACCEPT,
    }
    if latest is not None:
        context["editor"] = _editor(project, latest, job=job, cards=cards)
    return render(request, "studio/project_detail.html", context, status=status)


def _refused(
    request: HttpRequest, project: Project, refusal: StudioError, *, cards: Sequence[SceneCard] | None = None
) -> HttpResponse:
    """The project page with what the studio refused, answered with its status (studio/errors.py); the
    storage page when the storage failed."""
    if isinstance(refusal, StorageUnavailable):
        return storage_unavailable_page(request, refusal)
    return _detail_page(request, project, cards=cards, error=str(refusal), status=http_status(refusal))


def _status_context(
    project: Project, job: RenderJob | None, *, about_form: AboutForm | None = None
) -> dict[str, Any]:
    """What the job status panel shows: the latest job and, once it is done, the videos it made; after a
    failed or cancelled script, the text about the files to write it again with."""
    done = job is not None and job.status == RenderJob.Status.DONE
    if done and not project.video:
        # the project was read before the job: a render that finished in between wrote its video onto the
        # project in the same transaction, so read it again, or the panel shows neither progress nor video
        project.refresh_from_db()
    renditions = list(selectors.rendition_list(job=job)) if done and job is not None else []
    queued = job is not None and job.status == RenderJob.Status.QUEUED
    spot = job_selectors.render_job_queue_spot(job=job) if queued and job is not None else None
    live = job is not None and not job.is_finished
    return {
        "project": project,
        "job": job,
        "renditions": renditions,
        "queue": spot,
        "about_form": about_form or AboutForm(initial={"about": project.about}),
        "eta_s": job_selectors.render_job_eta_s(job=job) if live and job is not None else None,
        "events_url": (
            settings.EVENTS_URL + reverse("studio:job_events", args=[job.id])
            if live and job is not None and settings.EVENTS_URL
            else ""
        ),
    }


def _editor(
    project: Project, version: ScriptVersion, *, job: RenderJob | None, cards: Sequence[SceneCard] | None
) -> dict[str, Any]:
    script = script_parse(version.script)
    shown = list(cards) if cards is not None else [SceneCard.from_scene(scene) for scene in script.scenes]
    blank = SceneCard(NEW_SCENE_KEY, "", "body", "", "", (), "slide", "")
    return {
        "version": version,
        "cards": [_card_view(project, card) for card in shown],
        "new_card": _card_view(project, blank),
        "total_s": _total_s(shown),
        "estimate": job_selectors.render_estimate(project=project, video_s=_total_s(shown)),
        "target_s": script.target_duration_s,
        "unsaved": cards is not None,
        "busy": job is not None and not job.is_finished,
        "versions": selectors.script_version_list(project=project),
    }


def _card_view(project: Project, card: SceneCard) -> dict[str, Any]:
    choices = selectors.visual_choices(
        blocks=project.source_blocks, scene_blocks=card.source_blocks, current=card.visual
    )
    return {"card": card, "choices": choices}


def _total_s(cards: Sequence[SceneCard]) -> float:
    return round(sum(card.estimated_s for card in cards), 1)


def _latest_version(project: Project) -> ScriptVersion:
    latest = selectors.script_version_latest(project=project)
    if latest is None:
        raise Http404("This project has no script yet")
    return latest


def _version(project: Project, version_id: uuid.UUID) -> ScriptVersion:
    try:
        return selectors.script_version_get(project=project, version_id=version_id)
    except ScriptVersion.DoesNotExist:
        raise Http404("No such script version") from None


def storage_unavailable_page(request: HttpRequest, failure: StorageUnavailable) -> HttpResponse:
    """What a person sees when their files could not be stored: why, and the reference in our log."""
    context = {"message": str(failure), "reference": failure.reference}
    response = render(request, "503.html", context, status=http_status(failure))
    response["Retry-After"] = str(failure.retry_after_s)
    return response
