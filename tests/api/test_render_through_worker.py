"""A video made entirely through the API: created, rendered by a real Celery worker, downloaded and played."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.api.conftest import Api
from tests.processes import encoders_stop_s, running_ffmpegs

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

MARKDOWN = """# Why bees dance

Honey bees tell each other where flowers are by dancing.
A forager returns to the hive and walks a figure of eight on the comb.
The angle of the walk shows the direction of the flowers from the sun.
The length of the waggle shows how far away they are.
"""
TIMEOUT_S = 240


def until_rendered(api: Api, project_id: str) -> dict:
    """Poll the project, as a client would, until its render job has ended."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        project = api.get(f"/projects/{project_id}").json()
        job = project["job"]
        if job["kind"] == "render" and job["status"] in ("done", "failed", "cancelled"):
            return project
        if job["kind"] == "script" and job["status"] in ("failed", "cancelled"):
            return project
        time.sleep(1.0)
    raise AssertionError(f"the render of {project_id} did not end within {TIMEOUT_S} s")


def download(api: Api, url: str, target: Path) -> Path:
    response = api.client.get(urlsplit(url).path, headers=api.headers)
    assert response.status_code == 200, url
    target.write_bytes(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    return target


def test_a_video_requested_through_the_api_is_rendered_and_downloaded(celery_worker, api, tmp_path, ffprobe):
    created = api.post(
        "/projects",
        {"text": MARKDOWN, "duration": "30", "renditions": ["9:16,720p,webm"], "review": "false"},
    )
    assert created.status_code == 201, created.content

    project = until_rendered(api, created.json()["id"])

    job = project["job"]
    assert job["status"] == "done", job["error"] or celery_worker.output()[-3000:]
    assert api.get(f"/jobs/{job['id']}").json()["renditions"] == project["renditions"]
    assert project["title"] == "Why bees dance" and project["script_version"] == 1
    main, vertical = project["renditions"]
    assert (main["aspect"], main["video_format"], vertical["aspect"], vertical["video_format"]) == (
        "16:9", "mp4", "9:16", "webm"
    )  # fmt: skip
    expected = {"mp4": ("h264", 1280, 720), "webm": ("vp9", 720, 1280)}
    for rendition in (main, vertical):
        video = download(api, rendition["video_url"], tmp_path / f"video.{rendition['video_format']}")
        probe = ffprobe(video)
        streams = {stream["codec_type"]: stream for stream in probe["streams"]}
        picture = streams["video"]
        assert (picture["codec_name"], picture["width"], picture["height"]) == expected[
            rendition["video_format"]
        ]
        assert "audio" in streams and float(probe["format"]["duration"]) > 0
        assert video.stat().st_size == rendition["size_bytes"]
        poster = download(api, rendition["poster_url"], tmp_path / "poster.jpg")
        assert poster.read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG
        assert ffprobe(poster)["streams"][0]["codec_name"] == "mjpeg"
    assert celery_worker.alive


ARTICLE = MARKDOWN + "".join(
    f"\n## Part {number}\n\nThe dance is repeated for every forager that comes home, part {number}.\n"
    "Other bees follow the dancer and learn the way before they fly out themselves.\n"
    for number in range(1, 7)
)
# generous for a loaded 2-core machine; an uncancelled 2-minute 1080p render encodes for minutes
STOP_WITHIN_S = 15.0


def until_encoding(api: Api, project_id: str, worker_pid: int) -> str:
    """The id of the project's render job once the worker is encoding its video."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        job = api.get(f"/projects/{project_id}").json()["job"]
        assert job["status"] not in ("done", "failed", "cancelled"), job
        if job["kind"] == "render" and job["status"] == "running" and running_ffmpegs(worker_pid):
            return str(job["id"])
        time.sleep(0.1)
    raise AssertionError(f"the render of {project_id} did not reach its encoding within {TIMEOUT_S} s")


def test_a_running_render_cancelled_through_the_api_stops_its_encoder(celery_worker, api, settings):
    created = api.post(
        "/projects", {"text": ARTICLE, "duration": "120", "resolution": "1080p", "review": "false"}
    )
    assert created.status_code == 201, created.content
    project_id = created.json()["id"]
    job_id = until_encoding(api, project_id, celery_worker.process.pid)

    asked = time.monotonic()
    response = api.post(f"/jobs/{job_id}/cancel")
    stopped_s = encoders_stop_s(celery_worker.process.pid, since=asked)

    assert response.status_code == 200 and response.json()["status"] == "cancelled", response.content
    assert stopped_s <= STOP_WITHIN_S, f"ffmpeg still ran {stopped_s:.2f} s after the cancel"
    workdir = Path(settings.RENDER_WORKDIR) / job_id
    deadline = time.monotonic() + 10
    while workdir.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not workdir.exists(), sorted(workdir.rglob("*"))[:20]
    partial = [path.name for path in Path(settings.SEGMENT_CACHE_DIR).glob("*.partial*")]
    assert partial == []
    project = api.get(f"/projects/{project_id}").json()
    assert project["job"]["status"] == "cancelled" and project["job"]["error"] == ""
    assert project["renditions"] == [] and project["status"] == "review"
    assert f"render job {job_id} stopped: cancelled" in celery_worker.output() and celery_worker.alive
    print(f"ffmpeg stopped {stopped_s:.2f} s after the cancel")
