"""A render whose finished video the media storage will not take ends with the reason at once, instead of
sitting at "running · 99 %" until the reaper renders it again and again (issue 19, item 4).

The worker is a real Celery process; its media folder for videos is a real filesystem that refuses: a
read-only one, or a full one (tmpfs mounted in a mount namespace of the worker's own, so nothing outside it
changes and root, who ignores permissions, is refused as well)."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from animagenius.accounts.models import User
from animagenius.api import services as api_services
from animagenius.studio.jobs.providers import render_providers_parse
from animagenius.studio.models import RenderJob, Rendition
from tests.conftest import ROOT, process_env
from tests.processes import celery_worker_start, process_stop

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TEXT = """# Why bees dance

Honey bees tell each other where flowers are by dancing.
The angle of the walk shows the direction of the flowers from the sun.
"""
RENDER_TIMEOUT_S = 300  # a 30 s video rendered two times on a loaded 2-core machine, with room to spare
FOR_NOW_S = 15  # how long an ended job is watched to see that nobody queues it again


@dataclass(frozen=True)
class Worker:
    process: subprocess.Popen[bytes]
    log: Path
    videos: Path  # the folder the worker stores finished videos in, as the worker sees it

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def worker_with_videos_on(mount_options: str, *, settings, tmp_path: Path, **env: str) -> Worker:
    """A worker on a queue and media folder of its own whose `videos/` is a fresh tmpfs mounted with
    `mount_options`, in a mount namespace of the worker's own (unshare)."""
    queue = f"storage-{uuid.uuid4().hex[:8]}"
    media = tmp_path / "media"
    (media / "videos").mkdir(parents=True)
    settings.MEDIA_ROOT = media
    settings.RENDER_QUEUE = queue
    settings.RENDER_PROVIDERS = render_providers_parse(f"primary=local-ffmpeg@{queue}")
    mount = f'mount -t tmpfs -o {mount_options} storage-fault "{media}/videos" && exec "$@"'
    log = tmp_path / "worker.log"
    process = celery_worker_start(
        queue=queue,
        hostname=f"storage-{os.getpid()}@%h",
        log=log,
        cwd=ROOT,
        env=process_env(
            MEDIA_ROOT=str(media),
            RENDER_QUEUE=queue,
            RENDER_PROVIDERS=f"primary=local-ffmpeg@{queue}",
            RENDER_WORKDIR=str(tmp_path / "work"),
            **env,
        ),
        prefix=("unshare", "--mount", "--map-root-user", "sh", "-c", mount, "sh"),
        new_session=True,
    )
    return Worker(process, log, Path(f"/proc/{process.pid}/root") / str(media).lstrip("/") / "videos")


def worker_stop(worker: Worker) -> None:
    process_stop(worker.process, group=True)


@pytest.fixture
def read_only_videos(settings, tmp_path: Path) -> Iterator[Worker]:
    worker = worker_with_videos_on("ro", settings=settings, tmp_path=tmp_path)
    yield worker
    worker_stop(worker)


@pytest.fixture
def full_videos(settings, tmp_path: Path) -> Iterator[Worker]:
    """A videos folder with room for 16 KB (a poster, not a video); two attempts per job."""
    worker = worker_with_videos_on("size=16k", settings=settings, tmp_path=tmp_path, JOB_MAX_ATTEMPTS="2")
    settings.JOB_MAX_ATTEMPTS = 2
    yield worker
    worker_stop(worker)


@pytest.fixture
def api_client(client: Client, db: None) -> tuple[Client, dict[str, str]]:
    user = User.objects.create_user("ada@example.com", "a-long-enough-passphrase-42")
    token = api_services.api_key_create(owner=user, name="tests").token
    return client, {"Authorization": f"Bearer {token}"}


def render_requested(api_client: tuple[Client, dict[str, str]]) -> str:
    client, headers = api_client
    created = client.post(
        "/api/v1/projects", {"text": TEXT, "duration": "30", "review": "false"}, headers=headers
    )
    assert created.status_code == 201, created.content
    return str(created.json()["id"])


def render_ended(api_client: tuple[Client, dict[str, str]], project_id: str, worker: Worker) -> dict:
    """The project as the API shows it once its render job has ended (polled as a client would)."""
    client, headers = api_client
    deadline = time.monotonic() + RENDER_TIMEOUT_S
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/projects/{project_id}", headers=headers).json()["job"]
        if job["status"] in ("done", "failed", "cancelled"):
            return dict(job)
        assert worker.process.poll() is None, worker.output()[-3000:]
        time.sleep(1.0)
    raise AssertionError(f"the job did not end within {RENDER_TIMEOUT_S} s:\n{worker.output()[-3000:]}")


def stays_ended(job_id: str) -> RenderJob:
    """The job, after FOR_NOW_S in which it must not have been queued or run again."""
    deadline = time.monotonic() + FOR_NOW_S
    while time.monotonic() < deadline:
        job = RenderJob.objects.get(id=job_id)
        assert job.status == RenderJob.Status.FAILED, (job.status, job.stage, job.progress)
        time.sleep(0.5)
    return job


def test_a_video_the_storage_will_not_write_fails_the_job_at_once_saying_so(
    api_client, read_only_videos: Worker
) -> None:
    project_id = render_requested(api_client)

    job = render_ended(api_client, project_id, read_only_videos)

    assert job["status"] == "failed", (job, read_only_videos.output()[-3000:])
    assert job["kind"] == "render"
    assert "not writable" in job["error"] and "could not be kept" in job["error"], job["error"]
    assert "stopped unexpectedly" not in job["error"]
    reference = job["error"].rsplit("reference ", 1)[1]
    logged = read_only_videos.output()
    assert reference in logged and "make it writable" in logged  # the operator is told what to fix
    ended = stays_ended(job["id"])
    assert ended.attempts == 1 and not Rendition.objects.filter(job=ended).exists()
    assert "Trying again" not in " ".join(ended.notices)


def test_a_video_the_full_disk_cannot_take_is_tried_again_later_then_fails_saying_so(
    api_client, full_videos: Worker
) -> None:
    project_id = render_requested(api_client)

    job = render_ended(api_client, project_id, full_videos)

    assert job["status"] == "failed", (job, full_videos.output()[-3000:])
    assert "storage is full" in job["error"] and "(tried 2 times)" in job["error"], job["error"]
    ended = stays_ended(job["id"])
    assert ended.attempts == 2 and not Rendition.objects.filter(job=ended).exists()
    retried = " ".join(ended.notices)
    assert "Attempt 1 of 2 stopped" in retried and "storage is full" in retried, ended.notices
    assert "free or add space" in full_videos.output()  # the operator is told what to do
    # no part of a video left filling the disk
    assert full_videos.videos.is_dir() and list(full_videos.videos.rglob("*.*")) == []
