"""The studio pages without a worker: forms, permissions, downloads."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from animagenius.accounts.models import User
from animagenius.studio.models import Project, RenderJob

pytestmark = pytest.mark.django_db


def test_home_invites_visitors_to_sign_up(client: Client):
    page = client.get("/").content.decode()
    assert reverse("account_signup") in page


def test_projects_require_login(client: Client):
    response = client.get(reverse("studio:project_list"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_signup_signs_in_once_the_emailed_link_is_opened(client: Client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "grace@example.com",
            "password1": "a-long-enough-pass-77",
            "password2": "a-long-enough-pass-77",
        },
    )
    assert response.status_code == 302
    assert (
        client.get(reverse("studio:project_list")).status_code == 302
    )  # not before the address is confirmed
    link = re.search(r"https?://testserver(/accounts/confirm-email/\S+/)", str(mail.outbox[-1].body))
    assert link is not None and mail.outbox[-1].to == ["grace@example.com"]
    client.post(link.group(1))
    assert client.get(reverse("studio:project_list")).status_code == 200
    assert User.objects.get(email="grace@example.com").subscription_tier == User.Tier.FREE


def test_form_without_a_document_explains_what_is_missing(signed_in: Client):
    response = signed_in.post(
        reverse("studio:project_list"), {"aspect": "16:9", "resolution": "720p", "duration": "60"}
    )
    assert response.status_code == 400
    assert "Choose a document to upload or paste some text." in response.content.decode()
    assert not Project.objects.exists()


def test_unknown_option_is_refused(signed_in: Client):
    response = signed_in.post(
        reverse("studio:project_list"),
        {"text": "# T\n\nSome words here.", "aspect": "4:3", "resolution": "720p", "duration": "60"},
    )
    assert response.status_code == 400
    assert "4:3 is not one of the available choices" in response.content.decode()


def test_someone_elses_project_is_not_found(signed_in: Client):
    stranger = User.objects.create_user("eve@example.com", "another-passphrase-1")
    project = Project.objects.create(owner=stranger, title="Private")
    assert signed_in.get(reverse("studio:project_detail", args=[project.id])).status_code == 404
    assert signed_in.get(reverse("studio:project_video", args=[project.id])).status_code == 404


def test_video_is_served_with_byte_ranges_for_seeking(signed_in: Client, user: User, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = Project.objects.create(owner=user, title="Ranges", status=Project.Status.DONE)
    project.video.save("v.mp4", ContentFile(bytes(range(256)) * 4))
    RenderJob.objects.create(project=project, status=RenderJob.Status.DONE, progress=100)
    url = reverse("studio:project_video", args=[project.id])

    partial = signed_in.get(url, headers={"range": "bytes=10-19"})
    assert partial.status_code == 206
    assert partial["Content-Range"] == "bytes 10-19/1024"
    assert b"".join(partial.streaming_content) == bytes(range(10, 20))  # type: ignore[attr-defined]
    whole = signed_in.get(url + "?download=1")
    assert whole.status_code == 200 and "attachment" in whole["Content-Disposition"]
    assert signed_in.get(url, headers={"range": "bytes=5000-"}).status_code == 416


def test_pasted_text_becomes_the_projects_source(signed_in: Client, user: User, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    text = "# Tides\n\nThe moon pulls the oceans. Twice a day the water rises and falls."
    response = signed_in.post(
        reverse("studio:project_list"),
        {"text": text, "aspect": "9:16", "resolution": "1080p", "duration": "30"},
    )

    project = Project.objects.get(owner=user)
    assert response["Location"] == reverse("studio:project_detail", args=[project.id])
    options = project.render_options
    assert (options.aspect, options.resolution, options.target_duration_s) == ("9:16", "1080p", 30)
    source = project.assets.get(kind="source")
    assert source.original_name == "pasted-text.md"
    assert source.file.read().decode() == text
    job = project.render_jobs.get()
    assert job.status == RenderJob.Status.QUEUED
    page = signed_in.get(response["Location"]).content.decode()
    assert "Queued, position 1" in page and 'hx-trigger="every 1s"' in page


def test_upload_over_the_plan_limit_is_refused_at_once(signed_in: Client, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("long.md", b"word " * 300_000)
    response = signed_in.post(
        reverse("studio:project_list"),
        {"source_file": big, "aspect": "16:9", "resolution": "720p", "duration": "60"},
    )
    assert response.status_code == 413
    assert "long.md is larger than your plan&#x27;s 1 MB limit" in response.content.decode()
    assert not Project.objects.exists()


def test_several_files_are_kept_in_the_order_chosen(signed_in: Client, user: User, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    files = [
        SimpleUploadedFile("b-second.md", b"# Second\n\nThe second file comes next."),
        SimpleUploadedFile("a-first.md", b"# First\n\nThe first file is read first."),
        SimpleUploadedFile("c-third.txt", b"The third file closes the video."),
    ]
    response = signed_in.post(
        reverse("studio:project_list"),
        {"source_file": files, "aspect": "16:9", "resolution": "720p", "duration": "60"},
    )

    assert response.status_code == 302, response.content.decode()[:1000]
    project = Project.objects.get(owner=user)
    sources = list(project.assets.filter(kind="source").order_by("position"))
    assert [asset.original_name for asset in sources] == ["b-second.md", "a-first.md", "c-third.txt"]
    assert sources[0].file.read() == b"# Second\n\nThe second file comes next."
    assert project.display_title == "b-second.md and 2 more"


def test_a_job_that_ends_between_reading_the_project_and_its_job_shows_the_video(
    user: User, rf, settings, tmp_path
):
    """The status panel reads the project, then its latest job. A render that finishes in between (its job
    and the project's video are written in one transaction) must show the video, not a 'Done' bar with no
    video and no polling (seen once in CI)."""
    from django.template.loader import render_to_string

    from animagenius.studio.views import _status_context

    settings.MEDIA_ROOT = tmp_path
    project = Project.objects.create(owner=user, title="Race", status=Project.Status.RENDERING)
    job = RenderJob.objects.create(project=project, status=RenderJob.Status.RUNNING, stage="rendering video")
    as_read_first = Project.objects.get(id=project.id)  # what the view read before the job ended
    project.video.save("v.mp4", ContentFile(b"video"))
    RenderJob.objects.filter(id=job.id).update(status=RenderJob.Status.DONE, stage="done", progress=100)
    job.refresh_from_db()

    panel = render_to_string("studio/_job_status.html", _status_context(as_read_first, job), rf.get("/"))

    assert 'id="result-video"' in panel
    assert "Cancel the render" not in panel
