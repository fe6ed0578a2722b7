"""Files the studio serves back to their owner: the project's video, a rendition's files, the brand logo, and
the voices' spoken samples. Each is served with the type of what it is, never one guessed from a name."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.views.decorators.http import require_GET

from animagenius.core.http import ranged_file_response
from animagenius.studio import selectors, services
from animagenius.studio.models import Rendition, video_media_type
from animagenius.studio.views import request_project, request_user


@login_required
@require_GET
def brand_logo(request: HttpRequest) -> HttpResponseBase:
    """The logo, as the picture its bytes are, whatever it was named."""
    try:
        logo = selectors.brand_logo_get(user=request_user(request))
        if logo is None:
            raise Http404("No logo in your brand kit.")
        return ranged_file_response(
            request, logo.path, filename=logo.filename, content_type=logo.media_type, download=False
        )
    except FileNotFoundError:
        raise Http404("Your logo is no longer stored; upload it again on this page.") from None


@login_required
def project_video(request: HttpRequest, project_id: uuid.UUID) -> HttpResponseBase:
    project = request_project(request, project_id)
    if not project.video:
        raise Http404("This project has no finished video yet")
    filename = f"{project.download_stem}.{project.render_options.format}"
    download = request.GET.get("download") == "1"
    try:
        return ranged_file_response(
            request,
            Path(project.video.path),
            filename=filename,
            content_type=video_media_type(project.render_options.format),
            download=download,
        )
    except FileNotFoundError:
        raise Http404("This project's video is no longer stored; render it again.") from None


@login_required
@require_GET
def rendition_file(request: HttpRequest, rendition_id: uuid.UUID, kind: str) -> HttpResponseBase:
    """One file of a rendition the person made: the video, its poster, its preview or its captions."""
    if kind not in Rendition.FILE_NAMES:
        raise Http404(f"A rendition has no {kind}; ask for one of {', '.join(Rendition.FILE_NAMES)}.")
    try:
        rendition = selectors.rendition_get(user=request_user(request), rendition_id=rendition_id)
    except Rendition.DoesNotExist:
        raise Http404("No such rendition") from None
    stored = getattr(rendition, kind)
    if not stored:
        raise Http404(f"This rendition has no {kind}.")
    download = request.GET.get("download") == "1"
    try:
        return ranged_file_response(
            request,
            Path(stored.path),
            filename=rendition.download_name(kind),
            content_type=rendition.media_type(kind),
            download=download,
        )
    except FileNotFoundError:
        raise Http404(f"The {kind} file of this rendition is no longer stored; render it again.") from None


@login_required
@require_GET
def voice_list(request: HttpRequest) -> JsonResponse:
    """The voices a video can be narrated with, each with the address of its spoken sample."""
    voices = [
        {
            "name": voice.name,
            "language": voice.language,
            "language_name": voice.language_name,
            "quality": voice.quality,
            "description": voice.description,
            "preview": reverse("voice_preview", args=[voice.name]),
        }
        for voice in selectors.voice_list()
    ]
    return JsonResponse({"voices": voices})


@login_required
@require_GET
def voice_preview(request: HttpRequest, name: str) -> FileResponse:
    """A short spoken sample of one voice (WAV), made on first request and cached."""
    try:
        path = services.voice_preview_get(name=name)
    except KeyError:
        raise Http404("No such voice") from None
    response = FileResponse(path.open("rb"), content_type="audio/wav")
    response["Cache-Control"] = "private, max-age=86400"
    return response
