"""Pages of the studio. Views parse the request, call a service or selector, and render."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from animagenius.accounts.models import User
from animagenius.core.http import ranged_file_response
from animagenius.pipeline.ingest import TIER_LIMITS
from animagenius.studio import selectors, services
from animagenius.studio.forms import ProjectForm
from animagenius.studio.models import Project


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("studio:project_list")
    return render(request, "home.html")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _project(request: HttpRequest, project_id: uuid.UUID) -> Project:
    try:
        return selectors.project_get(user=_user(request), project_id=project_id)
    except Project.DoesNotExist:
        raise Http404("No such project") from None


@login_required
@require_http_methods(["GET", "POST"])
def project_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    max_bytes = min(settings.UPLOAD_MAX_BYTES, TIER_LIMITS[user.subscription_tier].max_bytes)
    form = ProjectForm(request.POST or None, request.FILES or None, max_bytes=max_bytes)
    if request.method == "POST" and form.is_valid():
        project = services.project_create(
            owner=_user(request),
            title=form.cleaned_data["title"],
            options=form.cleaned_data["options"],
            uploads=form.cleaned_data["source_file"],
            pasted_text=form.cleaned_data["text"],
        )
        services.render_job_create(project=project)
        return redirect("studio:project_detail", project_id=project.id)
    projects = selectors.project_list(user=_user(request))
    status = 400 if request.method == "POST" else 200
    return render(request, "studio/project_list.html", {"form": form, "projects": projects}, status=status)


@login_required
def project_detail(request: HttpRequest, project_id: uuid.UUID) -> HttpResponse:
    project = _project(request, project_id)
    job = selectors.render_job_latest(project=project)
    return render(request, "studio/project_detail.html", {"project": project, "job": job})


@login_required
def project_status(request: HttpRequest, project_id: uuid.UUID) -> HttpResponse:
    """The live status panel; the page polls it until the job ends."""
    project = _project(request, project_id)
    job = selectors.render_job_latest(project=project)
    return render(request, "studio/_job_status.html", {"project": project, "job": job})


@login_required
def project_video(request: HttpRequest, project_id: uuid.UUID) -> HttpResponseBase:
    project = _project(request, project_id)
    if not project.video:
        raise Http404("This project has no finished video yet")
    filename = f"{Path(project.display_title).stem[:80] or 'video'}.mp4"
    download = request.GET.get("download") == "1"
    return ranged_file_response(request, Path(project.video.path), filename=filename, download=download)
