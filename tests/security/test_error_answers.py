"""Faults a person can cause, or meet, are answered with what is wrong and what to do, never a 500 or a
detail of our insides: a video whose file is gone (404), a multipart body without its boundary (400), the
media storage refusing an upload (503 with a reference that is also in the log), and a hostile music file
(its reason, without ffmpeg's memory addresses)."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from animagenius.accounts.models import User
from animagenius.api import services as api_services
from animagenius.studio.models import BrandKit, Project, RenderJob, Rendition

PASSWORD = "a-long-enough-passphrase-42"
TEXT = "# Tides\n\nThe moon pulls the oceans, and twice a day the water rises and falls along the coast.\n"
FIELDS = {"aspect": "16:9", "resolution": "720p", "duration": "30"}
ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")


@pytest.fixture
def user(db: None) -> User:
    return User.objects.create_user("ada@example.com", PASSWORD)


@pytest.fixture
def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_services.api_key_create(owner=user, name='errors').token}"}


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RENDER_WORKDIR = tmp_path / "work"
    return settings.MEDIA_ROOT


# ---------------------------------------------------------------- a file that is gone


def _finished(owner: User) -> Rendition:
    project = Project.objects.create(owner=owner, title="Tides", status=Project.Status.DONE)
    job = RenderJob.objects.create(project=project, status=RenderJob.Status.DONE)
    made = Rendition(job=job, position=0, aspect="16:9", resolution="720p", video_format="mp4", codec="h264")
    made.video.save(f"{project.id}/v.mp4", ContentFile(b"video"), save=False)
    made.poster.save(f"{project.id}/v.jpg", ContentFile(b"\xff\xd8\xff poster"), save=False)
    made.save()
    project.video.name = made.video.name
    project.save()
    return made


def test_a_video_whose_file_is_gone_is_404_with_a_reason(signed_in: Client, user: User, media: Path, bearer):
    made = _finished(user)
    Path(made.video.path).unlink()
    Path(made.poster.path).unlink()
    kit = BrandKit.objects.create(owner=user)
    kit.logo.save("logo.png", ContentFile(b"\x89PNG\r\n\x1a\n not more"))
    Path(kit.logo.path).unlink()

    answers = {
        "rendition": signed_in.get(reverse("studio:rendition_file", args=[made.id, "video"])),
        "ranged": signed_in.get(
            reverse("studio:rendition_file", args=[made.id, "poster"]), HTTP_RANGE="bytes=0-"
        ),
        "project video": signed_in.get(reverse("studio:project_video", args=[made.job.project_id])),
        "logo": signed_in.get(reverse("studio:brand_logo")),
    }
    api = signed_in.get(f"/api/v1/renditions/{made.id}/video", headers=bearer)

    for what, answer in answers.items():
        assert answer.status_code == 404, what
        assert "no longer stored" in answer.content.decode(), what
    assert api.status_code == 404 and "no longer stored" in api.json()["detail"]


# ---------------------------------------------------------------- a multipart body without its boundary


def test_a_multipart_body_without_its_boundary_is_400_saying_so(
    client: Client, user: User, media: Path, bearer
):
    body = b'--x\r\nContent-Disposition: form-data; name="text"\r\n\r\nHello\r\n--x--\r\n'

    for content_type in ("multipart/form-data", "multipart/form-data; boundary="):
        answer = client.post("/api/v1/projects", body, content_type=content_type, headers=bearer)

        assert answer.status_code == 400, (content_type, answer.content[:300])
        assert "boundary" in answer.json()["detail"], answer.json()
    assert not Project.objects.exists()


# ---------------------------------------------------------------- storage that refuses writes


@pytest.fixture
def unwritable_media(settings, tmp_path: Path) -> Iterator[Path]:
    """A media folder nobody may write in: no write permission and, for root (who ignores permissions),
    the immutable attribute."""
    folder = tmp_path / "media"
    folder.mkdir()
    settings.MEDIA_ROOT = folder
    settings.RENDER_WORKDIR = tmp_path / "work"
    folder.chmod(0o555)
    immutable = _writable(folder) and shutil.which("chattr") is not None
    if immutable:
        subprocess.run(["chattr", "+i", str(folder)], check=True, capture_output=True)
    if _writable(folder):
        pytest.fail(f"could not make {folder} unwritable (neither permissions nor chattr +i hold here)")
    yield folder
    if immutable:
        subprocess.run(["chattr", "-i", str(folder)], check=True, capture_output=True)
    folder.chmod(0o755)


def _writable(folder: Path) -> bool:
    try:
        (folder / "probe").mkdir()
    except OSError:
        return False
    (folder / "probe").rmdir()
    return True


def test_an_upload_the_storage_refuses_is_503_with_a_reference_that_is_logged(
    signed_in: Client, unwritable_media: Path, bearer, caplog
) -> None:
    upload = {"source_file": SimpleUploadedFile("tides.md", TEXT.encode()), **FIELDS}
    with caplog.at_level(logging.ERROR):
        page = signed_in.post(reverse("studio:project_list"), upload)
        api = signed_in.post(
            "/api/v1/projects",
            {"source_file": SimpleUploadedFile("tides.md", TEXT.encode()), **FIELDS},
            headers=bearer,
        )
        logo = signed_in.post(reverse("studio:brand_kit"), {"accent": "#16a34a", "logo": _logo()})

    logged = caplog.text
    assert page.status_code == 503, page.content.decode()[:500]
    reference = re.search(r'id="storage-unavailable-reference">(\w+)<', page.content.decode())
    assert reference and reference.group(1) in logged
    assert (
        "not accepting files" in page.content.decode() and str(unwritable_media) not in page.content.decode()
    )
    assert api.status_code == 503 and api["Retry-After"]
    assert api.json()["reference"] in api.json()["detail"] and api.json()["reference"] in logged
    assert logo.status_code == 503 and "storage-unavailable-reference" in logo.content.decode()
    assert not Project.objects.exists()


def _logo() -> SimpleUploadedFile:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), (22, 163, 74)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


# ---------------------------------------------------------------- a hostile music file


@pytest.fixture
def hostile_music(corpus: Path, tmp_path: Path) -> Path:
    """The corpus's FLAC with its stream header saying 8 bits a sample where the frames have 24: ffmpeg's
    decoder fails on every frame, its messages prefixed with its memory addresses."""
    data = bytearray((corpus / "audio" / "jfk.flac").read_bytes())
    assert data[:4] == b"fLaC"
    data[20] = 0  # STREAMINFO, byte 12: sample rate's low bits, channels, bits per sample
    hostile = tmp_path / "theme.flac"
    hostile.write_bytes(bytes(data))
    return hostile


def test_a_hostile_music_file_is_refused_without_ffmpegs_memory_addresses(
    signed_in: Client, media: Path, bearer, hostile_music: Path
) -> None:
    def fields() -> dict[str, object]:
        music = SimpleUploadedFile("theme.flac", hostile_music.read_bytes(), content_type="audio/flac")
        return {"text": TEXT, "music": "file", "music_file": music, **FIELDS}

    page = signed_in.post(reverse("studio:project_list"), fields())
    api = signed_in.post("/api/v1/projects", fields(), headers=bearer)

    assert page.status_code == 400
    shown = " ".join(page.context["form"].errors["music_file"])
    assert "the music file 'theme.flac' cannot be played" in shown
    assert not ADDRESS.search(shown) and " @ " not in shown, shown
    assert api.status_code == 422
    said = " ".join(api.json()["errors"]["music_file"])
    assert "cannot be played" in said and not ADDRESS.search(said) and " @ " not in said, said
    assert not Project.objects.exists()
