"""The security probe's cases (issue 19), kept so the next probe starts from them: another account's objects
answer 404 on the pages, the API and the progress stream, whatever the object — project, script version, job,
rendition file, upload, API key, brand kit logo; unsafe web requests without a CSRF token are refused 403, as
are API calls riding a session cookie without one; a revoked API key answers 401 everywhere.

Voices (and their previews) belong to no one: they are the same for everybody, behind sign-in."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from animagenius.accounts.models import User
from animagenius.api import services as api_services
from animagenius.api.models import ApiKey
from animagenius.studio.models import Asset, BrandKit, Project, RenderJob, Rendition, ScriptVersion

PASSWORD = "a-long-enough-passphrase-42"
FILE_KINDS = ("video", "poster", "preview", "captions")


@dataclass(frozen=True)
class Owned:
    """One account's objects of every kind, with files where they have them."""

    user: User
    project: Project
    version: ScriptVersion
    job: RenderJob
    rendition: Rendition
    upload: Asset
    key: ApiKey
    token: str


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 36), (22, 163, 74)).save(buffer, format="JPEG")
    return buffer.getvalue()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (64, 36), (22, 163, 74, 255)).save(buffer, format="PNG")
    return buffer.getvalue()


def account_with_everything(email: str) -> Owned:
    user = User.objects.create_user(email, PASSWORD)
    project = Project.objects.create(owner=user, title="Tides", status=Project.Status.DONE)
    script = {"title": "Tides", "scenes": [{"title": "Tides", "narration": "The moon pulls the oceans."}]}
    version = ScriptVersion.objects.create(project=project, number=1, script=script, writer="test")
    job = RenderJob.objects.create(
        project=project, kind=RenderJob.Kind.RENDER, status=RenderJob.Status.DONE, script_version=version
    )
    rendition = Rendition(
        job=job, position=0, aspect="16:9", resolution="720p", video_format="mp4", codec="h264"
    )
    rendition.video.save("tides.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42" + bytes(64)), save=False)
    rendition.poster.save("tides.jpg", ContentFile(jpeg()), save=False)
    rendition.preview.save(
        "tides.preview.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42" + bytes(32)), save=False
    )
    rendition.captions.save(
        "tides.vtt", ContentFile(b"WEBVTT\n\n00:00.000 --> 00:01.000\nTides\n"), save=False
    )
    rendition.save()
    project.video.save("tides.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42" + bytes(64)))
    upload = Asset(project=project, kind=Asset.Kind.SOURCE, original_name="tides.md", size_bytes=10)
    upload.file.save("tides.md", ContentFile(b"# Tides\n\nThe moon pulls the oceans.\n"))
    kit = BrandKit.objects.create(owner=user, accent="#16a34a")
    kit.logo.save("logo.png", ContentFile(png()))
    created = api_services.api_key_create(owner=user, name="cli")
    return Owned(user, project, version, job, rendition, upload, created.key, created.token)


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def ada(db: None, media: Path) -> Owned:
    return account_with_everything("ada@example.com")


@pytest.fixture
def eve(db: None, media: Path) -> Owned:
    return account_with_everything("eve@example.com")


def signed_in(user: User, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


# ---------------------------------------------------------------- another account's objects: 404


def page_reads(theirs: Owned) -> list[str]:
    project, rendition = theirs.project.id, theirs.rendition.id
    return [
        reverse("studio:project_detail", args=[project]),
        reverse("studio:project_status", args=[project]),
        reverse("studio:project_video", args=[project]),
        *(reverse("studio:rendition_file", args=[rendition, kind]) for kind in FILE_KINDS),
    ]


def page_writes(theirs: Owned, mine: Owned) -> list[str]:
    project = theirs.project.id
    return [
        reverse("studio:project_render", args=[project]),
        reverse("studio:project_delete", args=[project]),
        reverse("studio:script_save", args=[project]),
        reverse("studio:script_draft", args=[project]),
        reverse("studio:script_estimate", args=[project]),
        reverse("studio:script_version_restore", args=[project, theirs.version.id]),
        # their script version through my own project
        reverse("studio:script_version_restore", args=[mine.project.id, theirs.version.id]),
        reverse("studio:job_cancel", args=[theirs.job.id]),
        reverse("api_keys:revoke", args=[theirs.key.id]),
    ]


def test_pages_answer_404_for_another_accounts_objects_of_every_kind(ada: Owned, eve: Owned):
    owner, stranger = signed_in(ada.user), signed_in(eve.user)

    own = {path: owner.get(path).status_code for path in page_reads(ada)}
    read = {path: stranger.get(path).status_code for path in page_reads(ada)}
    written = {path: stranger.post(path).status_code for path in page_writes(ada, eve)}

    assert set(own.values()) == {200}, own  # the same addresses work for their owner
    assert set(read.values()) == {404}, read
    assert set(written.values()) == {404}, written
    ada.key.refresh_from_db()
    assert ada.key.is_active and Project.objects.filter(id=ada.project.id).exists()
    assert RenderJob.objects.filter(project=ada.project).count() == 1
    assert ada.project.script_versions.count() == 1 and eve.project.script_versions.count() == 1


def test_the_brand_logo_and_uploads_are_nobody_elses(ada: Owned, db: None, media: Path):
    stranger = signed_in(User.objects.create_user("bo@example.com", PASSWORD))  # no brand kit of their own

    logo = stranger.get(reverse("studio:brand_logo"))
    own_logo = signed_in(ada.user).get(reverse("studio:brand_logo"))
    upload = stranger.get(f"/media/{ada.upload.file.name}")
    owners_upload = signed_in(ada.user).get(f"/media/{ada.upload.file.name}")

    assert own_logo.status_code == 200 and logo.status_code == 404
    assert (ada.upload.file.path).startswith(str(media))  # the upload is stored…
    assert upload.status_code == owners_upload.status_code == 404  # …and served to no one by address


def test_the_api_answers_404_for_another_accounts_objects(ada: Owned, eve: Owned, client: Client):
    as_eve = {"Authorization": f"Bearer {eve.token}"}
    as_ada = {"Authorization": f"Bearer {ada.token}"}
    project, job, rendition = ada.project.id, ada.job.id, ada.rendition.id
    reads = [f"/api/v1/projects/{project}", f"/api/v1/jobs/{job}",
             *(f"/api/v1/renditions/{rendition}/{kind}" for kind in FILE_KINDS)]  # fmt: skip

    own = {path: client.get(path, headers=as_ada).status_code for path in reads}
    read = {path: client.get(path, headers=as_eve).status_code for path in reads}
    written = {
        "delete project": client.delete(f"/api/v1/projects/{project}", headers=as_eve).status_code,
        "script again": client.post(
            f"/api/v1/projects/{project}/script", {}, content_type="application/json", headers=as_eve
        ).status_code,
        "render": client.post(
            f"/api/v1/projects/{project}/renders", {}, content_type="application/json", headers=as_eve
        ).status_code,
        "cancel": client.post(f"/api/v1/jobs/{job}/cancel", headers=as_eve).status_code,
    }
    listed = client.get("/api/v1/projects", headers=as_eve).json()
    by_session = signed_in(eve.user).get(f"/api/v1/projects/{project}")

    assert set(own.values()) == {200}, own
    assert set(read.values()) == {404}, read
    assert set(written.values()) == {404}, written
    assert [item["id"] for item in listed["items"]] == [str(eve.project.id)]
    assert by_session.status_code == 404
    assert (
        Project.objects.filter(id=project).exists() and RenderJob.objects.filter(project=project).count() == 1
    )


def stream_status(url: str, **request: object) -> int:
    with httpx.stream("GET", url, timeout=30, **request) as response:  # type: ignore[arg-type]
        return response.status_code


@pytest.mark.django_db(transaction=True)
def test_the_progress_stream_answers_404_for_another_accounts_job(events_server: str, media: Path):
    ada, eve = account_with_everything("ada@example.com"), account_with_everything("eve@example.com")
    url = events_server + reverse("studio:job_events", args=[ada.job.id])
    eves_session = signed_in(eve.user).cookies["sessionid"].value
    adas_session = signed_in(ada.user).cookies["sessionid"].value

    owner = stream_status(url, cookies={"sessionid": adas_session})
    by_session = stream_status(url, cookies={"sessionid": eves_session})
    by_key = stream_status(url, headers={"Authorization": f"Bearer {eve.token}"})

    assert (owner, by_session, by_key) == (200, 404, 404)


# ---------------------------------------------------------------- CSRF


def csrf_targets(mine: Owned) -> dict[str, dict[str, object]]:
    project = mine.project.id
    return {
        reverse("studio:project_list"): {"text": "# Tides\n\nThe moon pulls the oceans."},
        reverse("studio:brand_kit"): {"accent": "#000000"},
        reverse("api_keys:list"): {"name": "stolen"},
        reverse("api_keys:revoke", args=[mine.key.id]): {},
        reverse("studio:project_delete", args=[project]): {},
        reverse("studio:project_render", args=[project]): {},
        reverse("studio:script_save", args=[project]): {},
        reverse("studio:script_draft", args=[project]): {},
        reverse("studio:script_version_restore", args=[project, mine.version.id]): {},
        reverse("studio:job_cancel", args=[mine.job.id]): {},
        reverse("account_logout"): {},
        reverse("account_change_password"): {
            "oldpassword": PASSWORD,
            "password1": "x" * 20,
            "password2": "x" * 20,
        },
        reverse("account_email"): {"email": "eve@example.com", "action_add": ""},
    }


def test_unsafe_web_requests_without_a_csrf_token_are_refused(ada: Owned):
    browser = signed_in(ada.user, csrf=True)

    answers = {path: browser.post(path, data).status_code for path, data in csrf_targets(ada).items()}
    login = Client(enforce_csrf_checks=True).post(
        reverse("account_login"), {"login": "ada@example.com", "password": PASSWORD}
    )

    assert set(answers.values()) == {403}, answers
    assert login.status_code == 403
    ada.key.refresh_from_db()
    ada.user.refresh_from_db()
    assert ada.key.is_active and ApiKey.objects.filter(owner=ada.user).count() == 1
    assert Project.objects.filter(owner=ada.user).count() == 1 and ada.user.check_password(PASSWORD)
    assert BrandKit.objects.get(owner=ada.user).accent == "#16a34a"
    assert browser.get(reverse("studio:project_list")).status_code == 200  # still signed in


def test_with_the_token_the_same_request_goes_through(ada: Owned):
    browser = signed_in(ada.user, csrf=True)
    browser.get(reverse("api_keys:list"))  # any page sets the CSRF cookie

    made = browser.post(
        reverse("api_keys:list"), {"name": "mine", "csrfmiddlewaretoken": browser.cookies["csrftoken"].value}
    )

    assert made.status_code == 201 and ApiKey.objects.filter(owner=ada.user).count() == 2


def test_the_api_refuses_a_session_cookie_without_a_csrf_token(ada: Owned):
    browser = signed_in(ada.user, csrf=True)
    project, job = ada.project.id, ada.job.id

    answers = {
        "create": browser.post("/api/v1/projects", {"text": "# Tides\n\nThe moon."}),
        "delete": browser.delete(f"/api/v1/projects/{project}"),
        "script again": browser.post(
            f"/api/v1/projects/{project}/script", {}, content_type="application/json"
        ),
        "render": browser.post(f"/api/v1/projects/{project}/renders", {}, content_type="application/json"),
        "cancel": browser.post(f"/api/v1/jobs/{job}/cancel"),
    }
    read = browser.get(f"/api/v1/projects/{project}")

    assert {name: response.status_code for name, response in answers.items()} == dict.fromkeys(answers, 403)
    assert all("CSRF" in response.json()["detail"] for response in answers.values())
    assert read.status_code == 200  # reading needs no token
    assert Project.objects.filter(owner=ada.user).count() == 1


# ---------------------------------------------------------------- revoked API keys


@pytest.mark.django_db(transaction=True)
def test_a_revoked_key_answers_401_on_the_api_and_the_stream(events_server: str, media: Path):
    ada = account_with_everything("ada@example.com")
    browser = signed_in(ada.user)
    bearer = {"Authorization": f"Bearer {ada.token}"}
    stream = events_server + reverse("studio:job_events", args=[ada.job.id])
    assert Client().get("/api/v1/projects", headers=bearer).status_code == 200

    revoked = browser.post(reverse("api_keys:revoke", args=[ada.key.id]))
    api = [
        Client().get("/api/v1/projects", headers=bearer),
        Client().get(f"/api/v1/projects/{ada.project.id}", headers=bearer),
        Client().post("/api/v1/projects", {"text": "# Tides\n\nThe moon."}, headers=bearer),
        Client().get(f"/api/v1/renditions/{ada.rendition.id}/video", headers=bearer),
    ]

    assert revoked.status_code == 302
    assert [response.status_code for response in api] == [401, 401, 401, 401]
    assert stream_status(stream, headers=bearer) == 401
    assert Project.objects.filter(owner=ada.user).count() == 1
