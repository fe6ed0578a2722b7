"""Several renditions of one video from the studio: asked for on the form, made by one render, each kept
with its poster, preview and captions, listed on the project page and served to its owner only.

The form goes through the web client; the render runs the real pipeline through the services the worker
calls (in this process), as tests/web/test_render_choices.py does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from animagenius.accounts.models import User
from animagenius.pipeline.video import RenderOptions
from animagenius.studio import services
from animagenius.studio.jobs.execute import script_job_execute
from animagenius.studio.jobs.queue import render_job_create
from animagenius.studio.models import Project, RenderJob, Rendition
from animagenius.studio.start import MAX_EXTRA_RENDITIONS
from tests.factories import TIDES_PROSE, render_job_rendered_create
from tests.web.helpers import new_video


def test_chosen_renditions_are_stored_on_the_project_and_the_job(signed_in, media):
    response = new_video(
        signed_in, renditions=["9:16,720p,webm", "1:1,720p,gif", "9:16,720p,webm"], review="on"
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get()
    assert project.extra_renditions == ["9:16,720p,webm", "1:1,720p,gif"]  # the repeat is dropped
    script_job_execute(job_id=project.render_jobs.get().id)
    version = project.script_versions.get()
    job = render_job_create(project=project, script_version=version)
    assert job.extra_renditions == ["9:16,720p,webm", "1:1,720p,gif"]


def test_the_main_video_asked_again_is_not_rendered_twice(signed_in, media):
    assert new_video(signed_in, renditions=["16:9,720p,mp4", "9:16,720p,mp4"]).status_code == 302

    assert Project.objects.get().extra_renditions == ["9:16,720p,mp4"]


BAD_RENDITIONS = [
    (["9:16,720p"], "rendition '9:16,720p' must name an aspect, a resolution and a format"),
    (["4:3,720p,mp4"], "rendition '4:3,720p,mp4': aspect ratio '4:3' is not supported"),
    (["9:16,720p,avi"], "rendition '9:16,720p,avi': video format 'avi' is not supported"),
    (["9:16,720p,webm,h265"], "codec h265 is for .mp4 files"),
    (["9:16,4k,mp4"], "4k video is for paid plans; choose 720p or 1080p for rendition '9:16,4k,mp4'"),
    (
        [f"1:1,720p,{fmt}" for fmt in ("mp4", "webm", "gif")] + ["9:16,720p,mp4", "9:16,720p,webm"],
        f"Choose at most {MAX_EXTRA_RENDITIONS} more renditions",
    ),
]


@pytest.mark.parametrize(("specs", "message"), BAD_RENDITIONS, ids=[m[:24] for _, m in BAD_RENDITIONS])
def test_a_bad_rendition_is_a_form_error_naming_it(signed_in, media, specs, message):
    response = new_video(signed_in, renditions=specs)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["renditions"])
    assert not Project.objects.exists()


def test_paid_plans_may_ask_for_larger_renditions(client: Client, db: None, media: Path) -> None:
    client.force_login(
        User.objects.create_user("pro@example.com", "a-long-passphrase-7", subscription_tier="pro")
    )

    assert new_video(client, renditions=["9:16,1080p,mp4", "16:9,4k,mp4,h265"]).status_code == 302
    assert Project.objects.get().extra_renditions == ["9:16,1080p,mp4", "16:9,4k,mp4,h265"]


def test_new_video_form_offers_common_renditions_as_checkboxes(signed_in, media):
    page = signed_in.get(reverse("studio:project_list")).content.decode()

    assert 'id="field-renditions"' in page
    assert 'type="checkbox" name="renditions" value="9:16,720p,mp4"' in page
    assert "Vertical 9:16, 720p MP4" in page


@pytest.mark.slow
def test_one_render_makes_every_rendition_and_the_page_offers_each(
    signed_in: Client, user: User, media: Path, ffprobe: Any
) -> None:
    assert new_video(signed_in, renditions=["9:16,720p,webm", "1:1,720p,gif"], review="on").status_code == 302
    project = Project.objects.get()
    script_job_execute(job_id=project.render_jobs.get().id)
    project.refresh_from_db()

    job = render_job_rendered_create(project=project)

    assert job.status == RenderJob.Status.DONE, job.error
    renditions = list(job.renditions.all())
    assert [(r.position, r.aspect, r.resolution, r.video_format) for r in renditions] == [
        (0, "16:9", "720p", "mp4"),
        (1, "9:16", "720p", "webm"),
        (2, "1:1", "720p", "gif"),
    ]
    assert project.video.name == renditions[0].video.name  # the main video is stored once
    expected = [("h264", 1280, 720), ("vp9", 720, 1280), ("gif", 640, 640)]  # GIFs are kept small
    for rendition, (codec, width, height) in zip(renditions, expected, strict=True):
        probe = ffprobe(Path(rendition.video.path))
        video = next(s for s in probe["streams"] if s["codec_type"] == "video")
        assert (video["codec_name"], video["width"], video["height"]) == (codec, width, height)
        assert float(probe["format"]["duration"]) == pytest.approx(project.video_duration_s, abs=0.5)
        assert rendition.size_bytes == Path(rendition.video.path).stat().st_size > 0
        poster = next(s for s in ffprobe(Path(rendition.poster.path))["streams"])
        assert (poster["codec_name"], poster["width"], poster["height"]) == ("mjpeg", width, height)
        assert Path(rendition.captions.path).read_text().startswith("WEBVTT")
    for rendition in renditions[:2]:
        preview = ffprobe(Path(rendition.preview.path))
        assert float(preview["format"]["duration"]) == pytest.approx(3.0, abs=0.2)
        assert [s["codec_type"] for s in preview["streams"]] == ["video"]  # muted
    assert not renditions[2].preview  # a GIF has none

    page = signed_in.get(reverse("studio:project_detail", args=[project.id])).content.decode()
    for rendition in renditions:
        assert rendition.label in page
        assert reverse("studio:rendition_file", args=[rendition.id, "video"]) + "?download=1" in page
    poster_url = reverse("studio:rendition_file", args=[renditions[0].id, "poster"])
    assert f'poster="{poster_url}"' in page

    webm = signed_in.get(reverse("studio:rendition_file", args=[renditions[1].id, "video"]) + "?download=1")
    assert webm.status_code == 200 and webm["Content-Type"] == "video/webm"
    assert webm["Content-Disposition"].endswith('-9x16-720p.webm"')
    ranged = signed_in.get(
        reverse("studio:rendition_file", args=[renditions[1].id, "video"]), headers={"Range": "bytes=0-99"}
    )
    assert ranged.status_code == 206 and len(b"".join(ranged.streaming_content)) == 100  # type: ignore[attr-defined]
    captions = signed_in.get(reverse("studio:rendition_file", args=[renditions[2].id, "captions"]))
    assert b"".join(captions.streaming_content).startswith(b"WEBVTT")  # type: ignore[attr-defined]


def test_renditions_are_served_to_their_owner_only(client: Client, user: User, media: Path) -> None:
    project = services.project_create(
        owner=user,
        title="",
        options=RenderOptions.read(aspect="16:9", resolution="720p", target_duration_s=30),
        pasted_text=TIDES_PROSE,
    )
    job = RenderJob.objects.create(project=project, status=RenderJob.Status.DONE)
    poster = media / "poster.jpg"
    poster.write_bytes(b"\xff\xd8\xff\xe0 not much of a JPEG")
    rendition = Rendition(
        job=job, position=0, aspect="16:9", resolution="720p", video_format="mp4", codec="h264"
    )
    rendition.poster.save("p.jpg", poster.open("rb"), save=False)
    rendition.save()
    url = reverse("studio:rendition_file", args=[rendition.id, "poster"])

    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(User.objects.create_user("eve@example.com", "a-long-passphrase-8"))
    assert client.get(url).status_code == 404
    client.force_login(user)
    assert client.get(url).status_code == 200
    missing = client.get(reverse("studio:rendition_file", args=[rendition.id, "preview"]))
    assert missing.status_code == 404 and b"This rendition has no preview" in missing.content
    unknown = client.get(reverse("studio:rendition_file", args=[rendition.id, "thumbnail"]))
    assert (
        unknown.status_code == 404 and b"ask for one of video, poster, preview, captions" in unknown.content
    )
