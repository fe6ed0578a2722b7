"""A long render's segments go out to the idle workers of its queue as well as its own, are joined once the
database counts them all done, and stop with the job: two real Celery worker processes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from animagenius.pipeline.media.files import is_partial
from animagenius.pipeline.video import RenderOptions
from animagenius.studio import services
from animagenius.studio.jobs.providers import render_providers_parse
from animagenius.studio.jobs.queue import render_job_cancel, script_job_create
from animagenius.studio.jobs.watch import descendants
from animagenius.studio.models import FileProcessingLog, Project, RenderJob, SegmentBatch, SegmentRun
from tests.conftest import ROOT, process_env
from tests.factories import user_create
from tests.processes import celery_worker_start, encoders_stop_s, process_stop, running_ffmpegs
from tests.web.helpers import workdir_removed

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PROVIDER = "fanout-ffmpeg"


@dataclass
class Workers:
    processes: list[subprocess.Popen[bytes]]
    logs: list[Path]

    def output(self) -> str:
        return "\n".join(log.read_text(errors="replace")[-3000:] for log in self.logs)

    def pool_pids(self, index: int) -> set[int]:
        """The worker's pool process (the one that runs tasks) and anything under it."""
        return descendants(self.processes[index].pid)


@pytest.fixture
def two_workers(settings, tmp_path: Path) -> Iterator[Workers]:
    """Two worker processes, one slot each, on a queue and provider of their own; the test process sends its
    jobs there."""
    queue = f"fanout-{uuid.uuid4().hex[:8]}"
    settings.RENDER_QUEUE = queue
    settings.RENDER_PROVIDERS = render_providers_parse(f"primary={PROVIDER}@{queue}")
    env = process_env(
        RENDER_QUEUE=queue,
        RENDER_PROVIDERS=f"primary={PROVIDER}@{queue}",
        SEGMENT_FANOUT_MIN_S="1",
        SEGMENT_RUN_STALE_S="4",
    )
    workers = Workers([], [])
    try:
        for name in ("left", "right"):
            log = tmp_path / f"{name}.log"
            workers.logs.append(log)
            workers.processes.append(
                celery_worker_start(
                    queue=queue,
                    hostname=f"{name}-{os.getpid()}@%h",
                    log=log,
                    cwd=ROOT,
                    env=env,
                    new_session=True,
                )
            )
        yield workers
    finally:
        for process in workers.processes:
            process_stop(process, group=True)


def article() -> str:
    """Five scenes of new words each run: no segment of an earlier run is in the cache."""
    night = uuid.uuid4().int % 100_000
    return "# Lighthouses\n\n" + "".join(
        f"## Keeper {number}\n\nOn night {night} the keeper climbed the tower, trimmed the wick and lit lamp "
        f"{number}; ships passed the reef safely until dawn.\n\n"
        for number in range(1, 6)
    )


def render_submit() -> Project:
    project = services.project_create(
        owner=user_create(tier="pro"),
        title="",
        options=RenderOptions.read(aspect="16:9", resolution="720p", target_duration_s=60),
        uploads=[SimpleUploadedFile("lighthouses.md", article().encode())],
    )
    script_job_create(project=project, render_after=True)
    return project


def render_job(project: Project, *, timeout_s: float = 120) -> RenderJob:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = RenderJob.objects.filter(project=project, kind=RenderJob.Kind.RENDER).first()
        if job is not None:
            return job
        time.sleep(0.1)
    raise AssertionError("the script job never queued its render")


def both_encoding(workers: Workers, *, timeout_s: float = 180) -> SegmentBatch:
    """The batch, once an encoder runs under each worker."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        batch = SegmentBatch.objects.first()
        if batch is not None and all(running_ffmpegs(process.pid) for process in workers.processes):
            return batch
        time.sleep(0.05)
    raise AssertionError(f"the two workers never encoded at once:\n{workers.output()}")


def finished(job: RenderJob, *, timeout_s: float = 300) -> RenderJob:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job still {job.status} at {job.stage} after {timeout_s} s")


def renderers_of(job: RenderJob) -> dict[int, int]:
    """pid → runs it rendered, from the job's log line about its segments."""
    log = FileProcessingLog.objects.get(render_job=job, step="segments")
    return {int(pid): int(count) for pid, count in re.findall(r":(\d+) (\d+)", log.message)}


def leftovers(settings) -> list[Path]:
    cache = Path(settings.SEGMENT_CACHE_DIR)
    return [path for path in cache.iterdir() if is_partial(path)] if cache.is_dir() else []


def test_a_long_render_is_shared_by_two_workers_and_joined_once_all_runs_are_counted(
    two_workers, ffprobe, settings
):
    project = render_submit()
    job = finished(render_job(project))

    assert job.status == RenderJob.Status.DONE, job.error or two_workers.output()
    renderers = renderers_of(job)
    pools = [two_workers.pool_pids(index) for index in (0, 1)]
    assert all(set(renderers) & pool for pool in pools), (renderers, pools)  # both workers rendered runs
    project.refresh_from_db()
    probe = ffprobe(Path(project.video.path))
    video = next(stream for stream in probe["streams"] if stream["codec_type"] == "video")
    assert job.video_s is not None and abs(float(probe["format"]["duration"]) - job.video_s) < 0.1
    assert int(video["nb_frames"]) == round(job.video_s * 30)  # every run joined, none twice
    assert not SegmentBatch.objects.exists() and not SegmentRun.objects.exists()
    assert not leftovers(settings) and workdir_removed(job)


def test_cancelling_a_shared_render_stops_the_encoders_of_both_workers(two_workers, settings):
    project = render_submit()
    job = render_job(project)
    both_encoding(two_workers)

    render_job_cancel(job=job)
    stopped_at = time.monotonic()
    stopped_s = encoders_stop_s(*(process.pid for process in two_workers.processes), since=stopped_at)
    assert stopped_s < 15.0, f"an encoder outlived the cancel by {stopped_s:.1f} s"

    assert finished(job).status == RenderJob.Status.CANCELLED
    deadline = time.monotonic() + 10  # each worker cleans up once its killed encoder's exit reaches it
    while (SegmentBatch.objects.exists() or leftovers(settings)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not SegmentBatch.objects.exists()
    assert not leftovers(settings)


def test_a_run_whose_helper_is_killed_is_taken_over_and_the_render_finishes(two_workers, ffprobe, settings):
    project = render_submit()
    job = render_job(project)
    batch = both_encoding(two_workers)
    job.refresh_from_db()
    parent = next(i for i in (0, 1) if job.task_id in two_workers.logs[i].read_text(errors="replace"))
    helper = two_workers.processes[1 - parent]
    helper_pids = two_workers.pool_pids(1 - parent)

    # the helper's machine is gone: worker, pool and encoder
    process_stop(helper, timeout_s=0, group=True, first=signal.SIGKILL)
    job = finished(job)

    assert job.status == RenderJob.Status.DONE, job.error or two_workers.output()
    assert job.attempts == 1  # the render itself never stopped: only the helper's run was taken over
    renderers = renderers_of(job)
    assert sum(renderers.values()) == batch.runs
    assert set(renderers) - helper_pids <= two_workers.pool_pids(parent)
    project.refresh_from_db()
    probe = ffprobe(Path(project.video.path))
    video = next(stream for stream in probe["streams"] if stream["codec_type"] == "video")
    assert job.video_s is not None and int(video["nb_frames"]) == round(job.video_s * 30)
    assert not SegmentBatch.objects.exists()
