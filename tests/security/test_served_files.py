"""Every file of a person's served back to them is served as what we know it is, never as what a name says:
its type from the format we rendered (or sniffed from its bytes when it was handed in), a Content-Disposition,
`nosniff`, and a sandboxing Content-Security-Policy, whole or in part (Range), from the studio and the API.

The probe's case: a valid PNG carrying HTML in a text chunk, uploaded as `logo.html`, was kept as logo.html
and served inline as text/html.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from animagenius.accounts.models import User
from animagenius.api import services as api_services
from animagenius.studio.models import BrandKit, Project, RenderJob, Rendition

PASSWORD = "a-long-enough-passphrase-42"
HTML = "<html><body><script>document.title = 'pwned'</script></body></html>"


@pytest.fixture
def user(db: None) -> User:
    return User.objects.create_user("ada@example.com", PASSWORD)


@pytest.fixture
def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png_with_html() -> bytes:
    """A real PNG, with an HTML document in one of its text chunks."""
    text = PngInfo()
    text.add_text("Comment", HTML)
    buffer = io.BytesIO()
    Image.new("RGBA", (120, 40), (22, 163, 74, 255)).save(buffer, format="PNG", pnginfo=text)
    return buffer.getvalue()


def assert_served_as(response, media_type: str, *, filename: str, attachment: bool = False) -> None:
    assert response["Content-Type"] == media_type, response["Content-Type"]
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment" if attachment else "inline"), disposition
    assert filename in disposition, disposition
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_png_uploaded_as_logo_html_is_kept_and_served_as_a_png(
    signed_in: Client, user: User, media: Path
) -> None:
    upload = SimpleUploadedFile("logo.html", png_with_html(), content_type="text/html")

    saved = signed_in.post(reverse("studio:brand_kit"), {"accent": "", "logo": upload})

    assert saved.status_code == 302
    kit = BrandKit.objects.get(owner=user)
    assert Path(kit.logo.name).suffix == ".png", kit.logo.name  # named for its bytes, not for its name
    served = signed_in.get(reverse("studio:brand_logo"))
    assert served.status_code == 200
    assert_served_as(served, "image/png", filename="logo.png")
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]


def test_a_logo_kept_under_an_html_name_before_is_still_served_as_a_png(
    signed_in: Client, user: User, media: Path
) -> None:
    kit = BrandKit.objects.create(owner=user)
    kit.logo.save("logo.html", ContentFile(png_with_html()))  # as the site stored it before the fix

    served = signed_in.get(reverse("studio:brand_logo"))

    assert served.status_code == 200
    assert_served_as(served, "image/png", filename="logo.png")


VIDEO = b"\x00\x00\x00\x18ftypmp42 not really a video, but its bytes"


def rendition(owner: User, video_format: str, *, names: dict[str, str] | None = None) -> Rendition:
    """A finished rendition with its four files; `names` overrides the stored names (suffix included)."""
    project = Project.objects.create(owner=owner, title="Tides.html", options={"format": video_format})
    job = RenderJob.objects.create(project=project, status=RenderJob.Status.DONE)
    made = Rendition(
        job=job, position=0, aspect="16:9", resolution="720p", video_format=video_format, codec="h264"
    )
    names = {"video": f"v.{video_format}", "poster": "v.jpg", "preview": f"v.preview.{video_format}",
             "captions": "v.vtt", **(names or {})}  # fmt: skip
    contents = {
        "video": VIDEO,
        "poster": b"\xff\xd8\xff\xe0 jpeg",
        "preview": VIDEO[:20],
        "captions": b"WEBVTT\n",
    }
    for kind, content in contents.items():
        getattr(made, kind).save(f"{project.id}/{names[kind]}", ContentFile(content), save=False)
    made.save()
    project.video.name = made.video.name
    project.save()
    return made


EXPECTED = {
    "mp4": {"video": "video/mp4", "preview": "video/mp4"},
    "webm": {"video": "video/webm", "preview": "video/webm"},
    "gif": {"video": "image/gif"},
}
COMMON = {"poster": "image/jpeg", "captions": "text/vtt; charset=utf-8"}


@pytest.mark.parametrize("video_format", list(EXPECTED))
def test_every_rendition_file_is_served_as_its_format_whole_and_in_part(
    signed_in: Client, user: User, media: Path, video_format: str
) -> None:
    made = rendition(user, video_format)
    token = api_services.api_key_create(owner=user, name="files").token
    bearer = {"Authorization": f"Bearer {token}"}

    for kind, media_type in {**EXPECTED[video_format], **COMMON}.items():
        page = reverse("studio:rendition_file", args=[made.id, kind])
        api = f"/api/v1/renditions/{made.id}/{kind}"
        name = made.download_name(kind)
        assert_served_as(signed_in.get(page), media_type, filename=name)
        assert_served_as(signed_in.get(page, HTTP_RANGE="bytes=0-3"), media_type, filename=name)
        assert_served_as(signed_in.get(page, {"download": "1"}), media_type, filename=name, attachment=True)
        assert_served_as(signed_in.get(api, headers=bearer), media_type, filename=name)
        assert_served_as(signed_in.get(api, HTTP_RANGE="bytes=2-", headers=bearer), media_type, filename=name)
    whole = signed_in.get(reverse("studio:project_video", args=[made.job.project_id]))
    assert_served_as(whole, EXPECTED[video_format]["video"], filename=f"Tides.{video_format}")


def test_a_stored_name_never_decides_the_type(signed_in: Client, user: User, media: Path) -> None:
    """Files kept under names that claim another type (a storage that renames, a migration, a bug) are still
    served as what was rendered."""
    made = rendition(user, "mp4", names={"video": "v.html", "poster": "v.svg", "captions": "v.htm"})
    token = api_services.api_key_create(owner=user, name="files").token

    video = signed_in.get(reverse("studio:rendition_file", args=[made.id, "video"]))
    poster = signed_in.get(
        f"/api/v1/renditions/{made.id}/poster", headers={"Authorization": f"Bearer {token}"}
    )
    captions = signed_in.get(
        reverse("studio:rendition_file", args=[made.id, "captions"]), HTTP_RANGE="bytes=0-"
    )
    whole = signed_in.get(reverse("studio:project_video", args=[made.job.project_id]))

    assert_served_as(video, "video/mp4", filename="Tides-16x9-720p.mp4")
    assert_served_as(poster, "image/jpeg", filename="Tides-16x9-720p-poster.jpg")
    assert_served_as(captions, "text/vtt; charset=utf-8", filename="Tides-16x9-720p.vtt")
    assert_served_as(whole, "video/mp4", filename="Tides.mp4")
