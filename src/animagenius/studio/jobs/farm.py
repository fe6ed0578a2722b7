"""A long render's segments spread over the workers: compose/farm.py's RunFarm, kept in the database.

A render with at least SEGMENT_FANOUT_MIN_S of picture to encode (counted in seconds of 1080p) writes its
plan of runs to a SegmentBatch with one SegmentRun row a run, and sends a `studio.segments_help` message for
each idle slot on its queue.
Its own worker and the helpers then claim runs one at a time (an UPDATE only one of them wins), write their
progress and a heartbeat on the run's row, and count each run done in the batch with one atomic UPDATE; the
video is joined when the count reaches the runs. No Celery result backend: the batch row is the join.

Nothing waits on a helper. A run whose renderer has been silent for SEGMENT_RUN_STALE_S (its worker died) is
claimed again by whoever asks next, the job's own worker included; a helper whose run fails gives it back
and stops, so a real fault comes out as the job's own error. Helpers read and write the same files as the
job's worker: RENDER_WORKDIR and SEGMENT_CACHE_DIR must be storage they share (one machine, or a network
file system), or fan-out left off (SEGMENT_FANOUT_MIN_S high).
"""

from __future__ import annotations

import collections
import logging
import os
import socket
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from animagenius.pipeline.compose.farm import Elsewhere
from animagenius.pipeline.compose.segments import RunPlan, run_render
from animagenius.pipeline.errors import RenderFailed
from animagenius.studio.jobs import selectors as job_selectors
from animagenius.studio.jobs.dispatch import helpers_ask
from animagenius.studio.jobs.watch import JobCancelled, JobWatch
from animagenius.studio.models import FileProcessingLog, RenderJob, SegmentBatch, SegmentRun

logger = logging.getLogger(__name__)

BEAT_EVERY_S = 1.0  # how often a renderer writes its run's progress and heartbeat


class RunAbandoned(Exception):
    """The run is no longer this helper's: the render ended, or another worker took the run over."""


class DatabaseFarm:
    """The RunFarm of one render job: helpers on the idle slots of its provider's queue."""

    def __init__(self, job: RenderJob) -> None:
        self.job = job

    def share(self, plan: RunPlan) -> BatchRuns | None:
        if _seconds_of_1080p(plan) < settings.SEGMENT_FANOUT_MIN_S:
            return None
        queue = settings.RENDER_PROVIDERS.queue_of(self.job.provider)
        helpers = min(len(plan.runs) - 1, job_selectors.worker_slots_idle(queue=queue))
        if helpers < 1:
            return None
        batch = segment_batch_create(job=self.job, plan=plan)
        helpers_ask(batch_id=batch.id, queue=queue, count=helpers)
        return BatchRuns(batch.id, worker=worker_name())


def _seconds_of_1080p(plan: RunPlan) -> float:
    """The plan's picture to encode, in seconds of 1080p: encoding time grows with the pixels, so a second of
    4K weighs four and a second of 720p under half."""
    width, height = plan.picture.size
    seconds = sum(run.frames for run in plan.runs) / plan.picture.fps
    return seconds * width * height / (1920 * 1080)


class BatchRuns:
    """The job's own worker's side of a batch (compose/farm.py's SharedRuns)."""

    def __init__(self, batch_id: uuid.UUID, *, worker: str) -> None:
        self.batch_id, self.worker = batch_id, worker
        self.beat_at = 0.0

    def claim(self) -> int | None:
        return segment_run_claim(batch_id=self.batch_id, worker=self.worker)

    def done(self, number: int) -> None:
        segment_run_done(batch_id=self.batch_id, number=number, worker=self.worker)

    def elsewhere(self) -> Elsewhere:
        if time.monotonic() - self.beat_at >= BEAT_EVERY_S:
            segment_runs_beat(batch_id=self.batch_id, worker=self.worker)
            self.beat_at = time.monotonic()
        elsewhere = job_selectors.segment_batch_elsewhere(batch_id=self.batch_id, worker=self.worker)
        if elsewhere is None:  # only a newer attempt of the job replaces it (this worker was taken for dead)
            raise RenderFailed("another attempt of this render took its segments over")
        return elsewhere

    def close(self) -> None:
        segment_batch_close(batch_id=self.batch_id)


def worker_name() -> str:
    """This process, as run rows name it (a worker's pool processes share its host name)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def segment_batch_create(*, job: RenderJob, plan: RunPlan) -> SegmentBatch:
    """The batch of `plan`'s runs, all queued; an earlier attempt's batch of the job goes."""
    with transaction.atomic():
        SegmentBatch.objects.filter(job=job).delete()
        batch = SegmentBatch.objects.create(job=job, plan=plan.dumps(), runs=len(plan.runs))
        SegmentRun.objects.bulk_create(
            SegmentRun(batch=batch, number=number) for number in range(len(plan.runs))
        )
    return batch


def segment_run_claim(*, batch_id: uuid.UUID, worker: str) -> int | None:
    """The first run of the batch nobody renders, or whose renderer went silent, now `worker`'s."""
    stale = timezone.now() - timedelta(seconds=settings.SEGMENT_RUN_STALE_S)
    claimable = Q(status=SegmentRun.Status.QUEUED) | Q(status=SegmentRun.Status.RUNNING, beat_at__lt=stale)
    candidates = SegmentRun.objects.filter(claimable, batch_id=batch_id).order_by("number")
    for number in candidates.values_list("number", flat=True):
        taken = SegmentRun.objects.filter(claimable, batch_id=batch_id, number=number).update(
            status=SegmentRun.Status.RUNNING, worker=worker, progress=0.0, beat_at=timezone.now()
        )
        if taken:  # else another worker won it between the read and the write
            return int(number)
    return None


def segment_run_progress(*, batch_id: uuid.UUID, number: int, worker: str, fraction: float) -> bool:
    """Record how far `worker` got with its run; False once the run is not its own any more."""
    return bool(
        SegmentRun.objects.filter(
            batch_id=batch_id, number=number, worker=worker, status=SegmentRun.Status.RUNNING
        ).update(progress=min(1.0, fraction), beat_at=timezone.now())
    )


def segment_runs_beat(*, batch_id: uuid.UUID, worker: str) -> None:
    """The runs `worker` is rendering are alive (the job's own worker: its encoder reports to its thread)."""
    SegmentRun.objects.filter(batch_id=batch_id, worker=worker, status=SegmentRun.Status.RUNNING).update(
        beat_at=timezone.now()
    )


def segment_run_done(*, batch_id: uuid.UUID, number: int, worker: str) -> None:
    """The run is in its cache files: counted once in the batch, whoever of two renderers ends first."""
    with transaction.atomic():
        finished = (
            SegmentRun.objects.filter(batch_id=batch_id, number=number)
            .exclude(status=SegmentRun.Status.DONE)
            .update(status=SegmentRun.Status.DONE, worker=worker, progress=1.0, beat_at=timezone.now())
        )
        if finished:
            SegmentBatch.objects.filter(id=batch_id).update(done=F("done") + 1)


def segment_run_release(*, batch_id: uuid.UUID, number: int, worker: str) -> None:
    """`worker` gives its run back, unfinished, for another to claim."""
    SegmentRun.objects.filter(
        batch_id=batch_id, number=number, worker=worker, status=SegmentRun.Status.RUNNING
    ).update(status=SegmentRun.Status.QUEUED, worker="", progress=0.0)


def segment_batch_close(*, batch_id: uuid.UUID) -> None:
    """The render is past its runs (joined, failed or cancelled): if they were all done, a log line says who
    rendered them; the batch goes, and with it every helper's claim on it."""
    batch = SegmentBatch.objects.filter(id=batch_id).select_related("job").first()
    if batch is None:
        return
    if batch.done == batch.runs:
        workers = collections.Counter(batch.segment_runs.values_list("worker", flat=True))
        FileProcessingLog.objects.create(
            project_id=batch.job.project_id,
            render_job=batch.job,
            step="segments",
            status=FileProcessingLog.Status.OK,
            message=f"{batch.runs} runs on {len(workers)} workers: "
            + ", ".join(f"{worker} {count}" for worker, count in workers.most_common()),
        )
    batch.delete()


def segment_batches_clear() -> int:
    """Delete the batches of jobs that ended without closing theirs (their worker died); returns how many."""
    deleted, _ = SegmentBatch.objects.filter(job__status__in=RenderJob.FINISHED).delete()
    return deleted


def segment_runs_help(*, batch_id: uuid.UUID) -> int:
    """A helper: render the batch's runs one after another until none is left to claim. Returns how many
    it rendered. It stops when the job is cancelled (its encoder killed within a second, by a JobWatch),
    when the render moves on without it, or at its first failure, giving that run back."""
    batch = SegmentBatch.objects.filter(id=batch_id).first()
    if batch is None:
        return 0  # the render was done, or over, before this helper's turn came
    plan = RunPlan.loads(bytes(batch.plan))
    worker, rendered = worker_name(), 0
    with JobWatch(batch.job_id, beats=False) as watch:
        while (number := segment_run_claim(batch_id=batch_id, worker=worker)) is not None:
            beat = _RunBeat(batch_id, number, worker=worker, watch=watch)
            try:
                run_render(plan, number, on_fraction=beat)
            except (RunAbandoned, JobCancelled):
                return rendered
            except Exception:
                if watch.cancelled.is_set():  # its encoder was killed for the cancel
                    return rendered
                logger.exception("run %s of batch %s failed here; giving it back", number, batch_id)
                segment_run_release(batch_id=batch_id, number=number, worker=worker)
                return rendered
            segment_run_done(batch_id=batch_id, number=number, worker=worker)
            rendered += 1
    return rendered


class _RunBeat:
    """A helper's `on_fraction`: writes the run's progress and heartbeat every BEAT_EVERY_S, and stops the
    run (its encoder killed by run_ffmpeg) once the job is cancelled or the run is not the helper's."""

    def __init__(self, batch_id: uuid.UUID, number: int, *, worker: str, watch: JobWatch) -> None:
        self.batch_id, self.number, self.worker, self.watch = batch_id, number, worker, watch
        self.written_at = time.monotonic()

    def __call__(self, fraction: float) -> None:
        self.watch.check()
        if time.monotonic() - self.written_at < BEAT_EVERY_S:
            return
        self.written_at = time.monotonic()
        owned = segment_run_progress(
            batch_id=self.batch_id, number=self.number, worker=self.worker, fraction=fraction
        )
        if not owned:
            raise RunAbandoned(f"run {self.number} of batch {self.batch_id}")
