"""The database side of sharing a render's segments: runs claimed once each, a silent renderer's run taken
over, completion counted once, the batch gone when the render is past it; fan-out only for a long render
with an idle slot to help. (Two real workers sharing a render: test_segment_fanout.py.)"""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from animagenius.pipeline.compose.segments import Picture, Run, RunPlan, Shot, segments_for
from animagenius.pipeline.errors import RenderFailed
from animagenius.studio.jobs.farm import (
    BatchRuns,
    DatabaseFarm,
    segment_batch_close,
    segment_batch_create,
    segment_run_claim,
    segment_run_done,
    segment_run_progress,
    segment_run_release,
)
from animagenius.studio.jobs.workers import render_jobs_reap
from animagenius.studio.models import FileProcessingLog, RenderJob, SegmentBatch, SegmentRun, WorkerBeat
from tests.factories import render_job_queued_create, user_create

pytestmark = pytest.mark.django_db


def plan(*seconds: float, fps: int = 30, size: tuple[int, int] = (1920, 1080)) -> RunPlan:
    """A plan of one scene a run, each `seconds` long (never rendered here: its stills need not exist)."""
    firsts = list(itertools.accumulate((round(length * fps) for length in seconds), initial=0))
    shots = [
        Shot(still=Path(f"still-{number}.png"), first_frame=first, frames=end - first, zoom_end=1.1)
        for number, (first, end) in enumerate(itertools.pairwise(firsts))
    ]
    runs = tuple(
        Run(segments=(segment,), files=(Path(f"segment-{number}.mp4"),))
        for number, segment in enumerate(segments_for(shots))
    )
    picture = Picture(size=size, fps=fps, captions=None, fonts_dir=None)
    return RunPlan(runs, tuple(shots), picture, Path("work"))


def running_job() -> RenderJob:
    return render_job_queued_create(tier="pro", status=RenderJob.Status.RUNNING)


def test_each_run_is_claimed_once_and_a_silent_renderers_run_is_taken_over(settings):
    batch = segment_batch_create(job=running_job(), plan=plan(10, 10, 10))

    claims = [segment_run_claim(batch_id=batch.id, worker=name) for name in ("a:1", "b:2", "a:1", "b:2")]

    assert claims == [0, 1, 2, None]
    SegmentRun.objects.filter(batch=batch, number=1).update(
        beat_at=timezone.now() - timedelta(seconds=settings.SEGMENT_RUN_STALE_S + 1)
    )  # b's worker died mid-run
    assert segment_run_claim(batch_id=batch.id, worker="a:1") == 1
    assert not segment_run_progress(batch_id=batch.id, number=1, worker="b:2", fraction=0.5)  # b lost it
    assert segment_run_progress(batch_id=batch.id, number=1, worker="a:1", fraction=0.5)


def test_a_run_given_back_is_claimed_again():
    batch = segment_batch_create(job=running_job(), plan=plan(10, 10))
    assert segment_run_claim(batch_id=batch.id, worker="a:1") == 0

    segment_run_release(batch_id=batch.id, number=0, worker="a:1")

    assert segment_run_claim(batch_id=batch.id, worker="b:2") == 0


def test_a_run_two_renderers_finish_is_counted_once():
    batch = segment_batch_create(job=running_job(), plan=plan(10, 10))

    for worker in ("a:1", "b:2"):
        segment_run_done(batch_id=batch.id, number=0, worker=worker)

    batch.refresh_from_db()
    assert (batch.done, batch.runs) == (1, 2)
    assert SegmentRun.objects.get(batch=batch, number=0).worker == "a:1"


def test_the_job_s_own_worker_sees_the_helpers_runs_not_its_own_and_stops_if_the_batch_is_replaced():
    job = running_job()
    batch = segment_batch_create(job=job, plan=plan(10, 10, 10))
    here = BatchRuns(batch.id, worker="here:1")
    assert here.claim() == 0
    assert segment_run_claim(batch_id=batch.id, worker="helper:2") == 1
    segment_run_progress(batch_id=batch.id, number=1, worker="helper:2", fraction=0.4)

    seen = here.elsewhere()

    assert seen.fractions == {1: 0.4, 2: 0.0} and seen.left == 3
    here.done(0)
    assert here.elsewhere().fractions[0] == 1.0 and here.elsewhere().left == 2
    segment_batch_create(job=job, plan=plan(10))  # a newer attempt of the job, after this one was reaped
    with pytest.raises(RenderFailed, match="another attempt"):
        here.elsewhere()


def test_closing_a_finished_batch_says_who_rendered_what_and_deletes_it():
    job = running_job()
    batch = segment_batch_create(job=job, plan=plan(10, 10, 10))
    for number, worker in enumerate(("a:1", "b:2", "a:1")):
        segment_run_claim(batch_id=batch.id, worker=worker)
        segment_run_done(batch_id=batch.id, number=number, worker=worker)
    unfinished = segment_batch_create(job=running_job(), plan=plan(10, 10))

    segment_batch_close(batch_id=batch.id)
    segment_batch_close(batch_id=unfinished.id)

    log = FileProcessingLog.objects.get(render_job=job, step="segments")
    assert log.message == "3 runs on 2 workers: a:1 2, b:2 1"
    assert not FileProcessingLog.objects.filter(step="segments").exclude(id=log.id).exists()
    assert not SegmentBatch.objects.exists() and not SegmentRun.objects.exists()


def test_the_reaper_deletes_the_batches_of_jobs_that_ended_without_closing_them():
    ended, running = running_job(), running_job()
    segment_batch_create(job=ended, plan=plan(10, 10))
    kept = segment_batch_create(job=running, plan=plan(10, 10))
    RenderJob.objects.filter(id=ended.id).update(status=RenderJob.Status.FAILED)

    render_jobs_reap()

    assert list(SegmentBatch.objects.values_list("id", flat=True)) == [kept.id]


def beating(slots: int, settings) -> None:
    WorkerBeat.objects.create(
        hostname=f"w{slots}@box", queues=[settings.RENDER_QUEUE], slots=slots, beat_at=timezone.now()
    )


def test_a_render_fans_out_to_its_queue_s_idle_slots_only_when_long_enough(settings):
    settings.SEGMENT_FANOUT_MIN_S = 30
    job = running_job()
    farm = DatabaseFarm(job)
    beating(1, settings)
    assert farm.share(plan(20, 20)) is None  # its own slot is the only one

    beating(3, settings)
    assert farm.share(plan(10, 10)) is None  # 20 s of picture: not worth it
    shared = farm.share(plan(10, 10, 10, 10))

    assert shared is not None
    batch = SegmentBatch.objects.get(job=job)
    assert (batch.runs, batch.done, batch.segment_runs.count()) == (4, 0, 4)
    render_job_queued_create(tier="free", status=RenderJob.Status.RUNNING)
    render_job_queued_create(tier="free", status=RenderJob.Status.RUNNING)
    render_job_queued_create(tier="free", status=RenderJob.Status.RUNNING)
    assert farm.share(plan(10, 10, 10, 10)) is None  # every slot runs a job now


def test_the_fan_out_length_is_counted_in_seconds_of_1080p(settings):
    settings.SEGMENT_FANOUT_MIN_S = 30
    farm = DatabaseFarm(running_job())
    beating(3, settings)

    assert farm.share(plan(15, 15, 15, size=(1280, 720))) is None  # 45 s of 720p weigh 20 s of 1080p
    assert farm.share(plan(5, 5, size=(3840, 2160))) is not None  # 10 s of 4K weigh 40 s


def test_the_admin_shows_a_shared_render_s_runs_and_the_live_workers(client, settings):
    admin = user_create(tier="enterprise")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    batch = segment_batch_create(job=running_job(), plan=plan(10, 10))
    segment_run_claim(batch_id=batch.id, worker="helper-box:4242")
    beating(2, settings)

    batches = client.get("/admin/studio/segmentbatch/")
    runs = client.get(f"/admin/studio/segmentbatch/{batch.id}/change/")
    workers = client.get("/admin/studio/workerbeat/")

    assert batches.status_code == runs.status_code == workers.status_code == 200
    assert str(batch.job) in batches.content.decode()
    assert "helper-box:4242" in runs.content.decode()
    assert "w2@box" in workers.content.decode()


def test_the_job_s_own_worker_keeps_its_runs_alive_so_no_helper_takes_them_over(settings):
    batch = segment_batch_create(job=running_job(), plan=plan(10, 10))
    here = BatchRuns(batch.id, worker="here:1")
    assert here.claim() == 0
    SegmentRun.objects.filter(batch=batch, number=0).update(
        beat_at=timezone.now() - timedelta(seconds=settings.SEGMENT_RUN_STALE_S + 1)
    )

    here.elsewhere()  # called every 0.5 s while its encoder runs

    assert segment_run_claim(batch_id=batch.id, worker="helper:2") == 1
    assert segment_run_claim(batch_id=batch.id, worker="helper:2") is None
