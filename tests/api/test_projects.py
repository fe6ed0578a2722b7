"""The REST API's projects, jobs and rendition files, for the person whose key calls it."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from animagenius.accounts.models import User
from animagenius.billing.models import UsageMetric
from animagenius.studio.models import Project, RenderJob, Rendition, ScriptVersion

pytestmark = pytest.mark.django_db

TEXT = "# Tides\n\nThe moon pulls the oceans. Twice a day the water rises and falls along the shore.\n"


def test_no_key_or_a_wrong_key_is_401_as_json(client: Client, user):
    for headers in ({}, {"Authorization": "Bearer ag_not-a-real-key"}, {"Authorization": "Token x"}):
        response = client.get("/api/v1/projects", headers=headers)
        assert response.status_code == 401, headers
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert "Authorization: Bearer" in response.json()["detail"]
        assert response["WWW-Authenticate"] == "Bearer"
    posted = client.post("/api/v1/projects", {"text": TEXT}, headers={"Authorization": "Bearer ag_x"})
    assert posted.status_code == 401  # not a CSRF 403: there is no session to protect


def test_pasted_text_with_a_rendition_makes_a_project_and_queues_its_script(
    api, user, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = api.post(
            "/projects",
            {"text": TEXT, "duration": "30", "renditions": ["9:16,720p,webm"], "review": "true"},
        )

    assert response.status_code == 201, response.content
    body = response.json()
    project = Project.objects.get(id=body["id"], owner=user)
    assert project.extra_renditions == ["9:16,720p,webm"] and project.render_options.target_duration_s == 30
    assert body["extra_renditions"] == ["9:16,720p,webm"]
    assert (body["aspect"], body["resolution"], body["video_format"]) == ("16:9", "720p", "mp4")
    assert body["status"] == "queued" and body["title"] == "Pasted text"
    assert body["script_version"] is None and body["renditions"] == []
    job = RenderJob.objects.get(project=project)
    assert job.kind == RenderJob.Kind.SCRIPT and job.status == RenderJob.Status.QUEUED
    assert job.render_after is False  # review=true: stop at the script
    assert body["job"]["id"] == str(job.id) and body["job"]["kind"] == "script"
    assert len(queued) == 1  # sent to the render queue once the project is saved
    assert project.assets.get().file.read().decode() == TEXT.strip()


def test_the_older_mp4_h265_format_still_asks_for_an_h265_mp4(api, user, media):
    response = api.post("/projects", {"text": TEXT, "video_format": "mp4-h265", "review": "true"})

    assert response.status_code == 201, response.content
    assert (response.json()["video_format"], response.json()["codec"]) == ("mp4", "h265")
    options = Project.objects.get(id=response.json()["id"], owner=user).render_options
    assert (options.format, options.codec) == ("mp4", "h265")


def test_uploaded_files_make_one_project_in_order(api, media):
    files = [SimpleUploadedFile("b.md", b"# B\n\nSecond."), SimpleUploadedFile("a.md", b"# A\n\nFirst.")]

    response = api.post("/projects", {"source_file": files, "aspect": "1:1"})

    assert response.status_code == 201, response.content
    project = Project.objects.get(id=response.json()["id"])
    names = project.assets.order_by("position").values_list("original_name", flat=True)
    assert list(names) == ["b.md", "a.md"]
    assert RenderJob.objects.get(project=project).render_after is True  # no review: render at once


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"aspect": "5:4"}, "aspect", "Aspect ratio '5:4' is not supported; use one of 16:9, 9:16, 1:1"),
        ({"renditions": ["9:16,720p"]}, "renditions", "must name an aspect, a resolution and a format"),
        ({"renditions": ["16:9,4k,mp4"]}, "renditions", "4k video is for paid plans"),
        ({"resolution": "4k"}, "resolution", "4k video is for paid plans"),
        ({"duration": "45"}, "duration", "45 is not one of the available choices"),
        ({"text": ""}, "__all__", "Choose a document to upload or paste some text"),
    ],
    ids=["aspect", "rendition-without-format", "paid-rendition", "paid-resolution", "duration", "nothing"],
)
def test_invalid_fields_are_422_naming_the_field(api, media, fields, field, message):
    response = api.post("/projects", {"text": TEXT, **fields})

    assert response.status_code == 422, response.content
    body = response.json()
    assert list(body["errors"]) == [field]
    assert message in " ".join(body["errors"][field])
    assert message in body["detail"]
    assert not Project.objects.exists()


def test_a_file_over_the_plans_limit_and_an_impossible_body_are_413(api, media, settings):
    settings.UPLOAD_MAX_BYTES = 4096
    big = SimpleUploadedFile("big.md", b"# Big\n\n" + b"words " * 2000)

    response = api.post("/projects", {"source_file": big})

    assert response.status_code == 413
    assert "big.md is larger than your plan's 4 KB limit for one file" in response.json()["detail"]
    huge = api.post("/projects", {"text": TEXT}, CONTENT_LENGTH=str(10 * 2**30))
    assert huge.status_code == 413
    assert "larger than" in huge.json()["detail"]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    long_text = api.post("/projects", {"text": "word " * 1000})
    assert long_text.status_code == 413 and long_text.json()["detail"]
    assert not Project.objects.exists()


def test_a_json_body_is_415(api, media):
    response = api.post_json("/projects", {"text": TEXT})

    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["detail"]


def test_the_browser_session_works_and_its_posts_need_the_csrf_token(user, media):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    assert browser.get("/api/v1/projects").status_code == 200
    refused = browser.post("/api/v1/projects", {"text": TEXT})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    browser.get("/account/api-keys/")  # sets the CSRF cookie, as any page does
    token = browser.cookies["csrftoken"].value
    accepted = browser.post("/api/v1/projects", {"text": TEXT}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201, accepted.content


def _project(owner: User, **fields) -> Project:
    return Project.objects.create(owner=owner, title="Tides", **fields)


def _version(project: Project, number: int = 1) -> ScriptVersion:
    script = {"title": "Tides", "scenes": []}
    return ScriptVersion.objects.create(project=project, number=number, script=script, writer="test")


def test_projects_are_listed_newest_first_and_paginated(api, user, other_user):
    for number in range(23):
        _project(user, source_name=f"doc-{number}.md").__class__.objects.filter(
            source_name=f"doc-{number}.md"
        ).update(title="")
    _project(other_user)

    first = api.get("/projects").json()
    second = api.get("/projects", {"page": 2}).json()

    assert first["count"] == 23 and len(first["items"]) == 20 and len(second["items"]) == 3
    titles = [item["title"] for item in first["items"] + second["items"]]
    assert titles == [f"doc-{number}.md" for number in reversed(range(23))]
    assert api.get("/projects", {"page": 0}).status_code == 422


def test_another_persons_objects_are_404(api, other_user, media):
    theirs = _project(other_user)
    version = _version(theirs)
    job = RenderJob.objects.create(project=theirs, status=RenderJob.Status.DONE)
    rendition = Rendition.objects.create(job=job, position=0, aspect="16:9", resolution="720p",
                                         video_format="mp4", codec="h264", video="videos/x.mp4",
                                         poster="videos/x.jpg")  # fmt: skip

    responses = [
        api.get(f"/projects/{theirs.id}"),
        api.post_json(f"/projects/{theirs.id}/renders", {"script_version": version.number}),
        api.get(f"/jobs/{job.id}"),
        api.get(f"/renditions/{rendition.id}/video"),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404, 404]
    assert [response.json()["detail"] for response in responses] == [
        "No such project.", "No such project.", "No such job.", "No such rendition."
    ]  # fmt: skip
    assert RenderJob.objects.filter(project=theirs).count() == 1
    assert api.get("/projects/not-a-uuid").status_code == 422


def test_a_render_is_queued_for_the_latest_version_or_refused_with_409(
    api, user, django_capture_on_commit_callbacks
):
    project = _project(user, status=Project.Status.REVIEW)
    no_script = api.post_json(f"/projects/{project.id}/renders", {})
    assert no_script.status_code == 409 and "no script yet" in no_script.json()["detail"]
    _version(project, 1)
    latest = _version(project, 2)

    with django_capture_on_commit_callbacks() as queued:
        response = api.post_json(f"/projects/{project.id}/renders", {})

    assert response.status_code == 202, response.content
    body = response.json()
    job = RenderJob.objects.get(id=body["id"])
    assert job.script_version == latest and body["script_version"] == 2 and body["kind"] == "render"
    assert body["status"] == "queued" and len(queued) == 1
    busy = api.post_json(f"/projects/{project.id}/renders", {"script_version": 1})
    assert busy.status_code == 409 and "already being worked on" in busy.json()["detail"]
    missing = api.post_json(f"/projects/{project.id}/renders", {"script_version": 7})
    assert missing.status_code == 404 and "no script version 7" in missing.json()["detail"]
    bad = api.post_json(f"/projects/{project.id}/renders", {"script_version": "latest"})
    assert bad.status_code == 422 and "script_version" in bad.json()["errors"]


def test_a_render_of_an_older_script_version_is_409_naming_the_newest(api, user):
    project = _project(user, status=Project.Status.REVIEW)
    _version(project, 1)
    _version(project, 2)

    response = api.post_json(f"/projects/{project.id}/renders", {"script_version": 1})

    assert response.status_code == 409, response.content
    assert "Version 2 was saved after version 1" in response.json()["detail"]
    assert not project.render_jobs.exists()


def test_a_render_the_months_minutes_do_not_cover_is_402_with_the_reason(api, user):
    project = _project(user, status=Project.Status.REVIEW)
    script = {"title": "Tides", "scenes": [{"estimated_s": 40.0}]}
    ScriptVersion.objects.create(project=project, number=1, script=script, writer="test")
    UsageMetric.objects.create(user=user, action="render", resource_type="video_seconds", quantity=580)

    response = api.post_json(f"/projects/{project.id}/renders", {})

    assert response.status_code == 402
    assert response.json()["detail"].startswith("This video needs about 0.7 minutes of render time")
    assert "0.3 minutes left this month (9.7 minutes of 10 minutes used)" in response.json()["detail"]
    assert not project.render_jobs.exists()


def test_a_job_says_which_render_provider_it_went_to(api, user):
    job = RenderJob.objects.create(project=_project(user), provider="pool-b")
    assert api.get(f"/jobs/{job.id}").json()["provider"] == "pool-b"


def test_a_queued_job_is_cancelled_once_and_then_409(api, user, other_user):
    project = _project(user, status=Project.Status.QUEUED)
    _version(project, 1)
    job = RenderJob.objects.create(project=project, script_version=project.script_versions.get())
    theirs = RenderJob.objects.create(project=_project(other_user))

    cancelled = api.post(f"/jobs/{job.id}/cancel")
    again = api.post(f"/jobs/{job.id}/cancel")
    not_mine = api.post(f"/jobs/{theirs.id}/cancel")

    assert cancelled.status_code == 200, cancelled.content
    assert (cancelled.json()["status"], cancelled.json()["stage"]) == ("cancelled", "cancelled")
    assert api.get(f"/jobs/{job.id}").json()["status"] == "cancelled"
    assert again.status_code == 409
    assert again.json()["detail"] == "This job has already ended (cancelled): nothing to cancel."
    assert not_mine.status_code == 404 and not_mine.json()["detail"] == "No such job."
    theirs.refresh_from_db()
    project.refresh_from_db()
    assert theirs.status == RenderJob.Status.QUEUED and project.status == Project.Status.REVIEW


def test_a_finished_job_and_project_show_their_renditions_with_download_urls(api, user, media):
    project = _project(user, status=Project.Status.DONE, extra_renditions=["9:16,720p,webm"])
    version = _version(project)
    job = RenderJob.objects.create(project=project, script_version=version, status=RenderJob.Status.DONE)
    main = _rendition(job, 0, "16:9", "mp4", preview=True)
    _rendition(job, 1, "9:16", "webm", preview=False)

    body = api.get(f"/jobs/{job.id}").json()
    detail = api.get(f"/projects/{project.id}").json()

    assert [r["aspect"] for r in body["renditions"]] == ["16:9", "9:16"]
    assert body["script_version"] == 1 and body["status"] == "done"
    assert detail["renditions"] == body["renditions"] and detail["job"]["id"] == str(job.id)
    first = body["renditions"][0]
    assert first["video_url"] == f"http://testserver/api/v1/renditions/{main.id}/video"
    assert first["poster_url"].endswith("/poster") and first["preview_url"].endswith("/preview")
    assert first["captions_url"] is None and body["renditions"][1]["preview_url"] is None


def test_rendition_files_are_served_with_ranges_and_missing_ones_are_404_with_a_reason(api, user, media):
    job = RenderJob.objects.create(project=_project(user), status=RenderJob.Status.DONE)
    rendition = _rendition(job, 0, "16:9", "mp4", preview=False)

    whole = api.get(f"/renditions/{rendition.id}/video", {"download": "1"})
    part = api.get(f"/renditions/{rendition.id}/video", HTTP_RANGE="bytes=2-5")
    poster = api.get(f"/renditions/{rendition.id}/poster")
    preview = api.get(f"/renditions/{rendition.id}/preview")
    outside = api.get(f"/renditions/{rendition.id}/video", HTTP_RANGE="bytes=999-")
    unknown = api.get(f"/renditions/{rendition.id}/soundtrack")

    assert whole.status_code == 200 and b"".join(whole.streaming_content) == VIDEO
    assert (
        whole["Content-Disposition"].startswith("attachment")
        and "Tides-16x9-720p.mp4" in whole["Content-Disposition"]
    )
    assert part.status_code == 206 and b"".join(part.streaming_content) == VIDEO[2:6]
    assert poster.status_code == 200 and poster["Content-Type"] == "image/jpeg"
    assert preview.status_code == 404 and "no preview" in preview.json()["detail"]
    assert outside.status_code == 416 and outside.json()["detail"]
    assert unknown.status_code == 422 and "kind" in unknown.json()["errors"]


VIDEO = b"0123456789 not really a video"


def _rendition(job: RenderJob, position: int, aspect: str, video_format: str, *, preview: bool) -> Rendition:
    rendition = Rendition(
        job=job, position=position, aspect=aspect, resolution="720p", video_format=video_format, codec="h264"
    )
    name = f"{job.id}-{position}"
    rendition.video.save(f"{name}.{video_format}", ContentFile(VIDEO), save=False)
    rendition.poster.save(f"{name}.jpg", ContentFile(b"\xff\xd8\xff\xe0 jpeg"), save=False)
    if preview:
        rendition.preview.save(f"{name}.preview.mp4", ContentFile(b"preview"), save=False)
    rendition.save()
    return rendition


def test_throttled_requests_are_429_with_retry_after(api, settings):
    settings.API_RATE_LIMIT = "3/min"

    statuses = [api.get("/projects").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    refused = api.get("/projects")
    assert refused.status_code == 429 and refused.json()["detail"]
    assert 55 <= int(refused["Retry-After"]) <= 60  # until the first of the three leaves the minute


def test_the_limit_is_per_account_whichever_key(client: Client, user, other_user, settings):
    from animagenius.api import services

    settings.API_RATE_LIMIT = "1/min"
    first, second = (services.api_key_create(owner=user, name=name).token for name in ("one", "two"))
    others = services.api_key_create(owner=other_user, name="theirs").token

    assert client.get("/api/v1/projects", headers={"Authorization": f"Bearer {first}"}).status_code == 200
    assert client.get("/api/v1/projects", headers={"Authorization": f"Bearer {first}"}).status_code == 429
    assert client.get("/api/v1/projects", headers={"Authorization": f"Bearer {second}"}).status_code == 429
    assert client.get("/api/v1/projects", headers={"Authorization": f"Bearer {others}"}).status_code == 200
