"""Reads of the job queue: order and positions, caps, provider load, worker slots, progress, ETA and
estimates."""

from __future__ import annotations

import math
import statistics
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from animagenius.accounts.models import User
from animagenius.billing.plans import PROMOTION_EVERY_S, plan_for
from animagenius.billing.selectors import render_quota_get
from animagenius.pipeline.compose.farm import Elsewhere
from animagenius.studio.jobs.providers import RenderProvider
from animagenius.studio.jobs.states import WAITING_FOR_PLAN, job_is_held
from animagenius.studio.models import (
    Project,
    RenderJob,
    SegmentBatch,
    SegmentRun,
    WorkerBeat,
)
from animagenius.studio.selectors import project_resolutions


def render_job_latest(*, project: Project) -> RenderJob | None:
    return project.render_jobs.order_by("-created_at").first()


# Render seconds per second of video before this machine has rendered anything like it (bench/README.md).
FIRST_GUESS_S_PER_VIDEO_S = {"720p": 0.5, "1080p": 1.0, "4k": 4.0}


LEARNED_FROM_LAST = 20


@dataclass(frozen=True)
class RenderEstimate:
    seconds: float
    learned_from: int  # past renders it is based on; 0: a first guess


def render_estimate(*, project: Project, video_s: float) -> RenderEstimate:
    """How long rendering `video_s` seconds of `project`'s video should take here: the median pace of the
    last finished renders at its resolution and format (anyone's: only the pace is used), scaled."""
    options = project.render_options
    recent = (
        RenderJob.objects.filter(
            kind=RenderJob.Kind.RENDER, status=RenderJob.Status.DONE, resolution=options.resolution.value,
            video_format=options.format, extra_renditions=project.extra_renditions, video_s__gt=0,
            started_at__isnull=False,
            finished_at__gt=F("started_at"),
        )
        .order_by("-finished_at")
        .values_list("started_at", "finished_at", "video_s")[:LEARNED_FROM_LAST]
    )  # fmt: skip
    paces = [
        (finished - started).total_seconds() / length
        for started, finished, length in recent
        if started and finished and length  # the query's filters guarantee them; the types do not know
    ]
    if not paces:
        resolutions = project_resolutions(project=project)
        pace = sum(FIRST_GUESS_S_PER_VIDEO_S.get(resolution, 1.0) for resolution in resolutions)
        return RenderEstimate(video_s * pace, 0)
    return RenderEstimate(video_s * statistics.median(paces), len(paces))


def render_job_get(*, user: User, job_id: uuid.UUID) -> RenderJob:
    """A job of the user's projects; raises RenderJob.DoesNotExist for anyone else's."""
    return RenderJob.objects.select_related("project", "script_version").get(id=job_id, project__owner=user)


def render_job_queue(
    *, now: datetime | None = None, providers: Sequence[str] | None = None
) -> list[RenderJob]:
    """Every queued job (for `providers`, if given) in the order they start: the owner's plan first
    (enterprise, business, pro, free), each job climbing a plan for every PROMOTION_EVERY_S it has waited,
    then the oldest first."""
    now = now or timezone.now()
    queued = RenderJob.objects.filter(status=RenderJob.Status.QUEUED).select_related(
        "project__owner", "script_version"
    )
    if providers is not None:
        queued = queued.filter(provider__in=providers)
    return sorted(queued, key=lambda job: (-_queue_rank(job, now), job.created_at))


def render_job_startable_queues(*, now: datetime) -> list[str]:
    """The queues of the providers for which a queued job waits that is not backing off after a transient
    failure (one waiting for its owner's plan counts: the plan may cover it again since a worker looked)."""
    queued = RenderJob.objects.filter(status=RenderJob.Status.QUEUED)
    startable = queued.filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
    names = set(startable.values_list("provider", flat=True).distinct())
    return sorted({settings.RENDER_PROVIDERS.queue_of(name) for name in names})


def _queue_rank(job: RenderJob, now: datetime) -> int:
    waited_s = max(0.0, (now - job.created_at).total_seconds())
    return plan_for(job.project.owner.subscription_tier).queue_priority + int(waited_s // PROMOTION_EVERY_S)


def render_job_positions() -> dict[uuid.UUID, int]:
    """Each queued job's place among those waiting for the same provider: 1 starts next. A job waiting for
    its owner's plan has none, and holds no place before the others."""
    places: dict[uuid.UUID, int] = {}
    taken: dict[str, int] = {}
    for job in render_job_queue():
        if job_is_held(job):
            continue
        taken[job.provider] = taken.get(job.provider, 0) + 1
        places[job.id] = taken[job.provider]
    return places


def render_job_position(*, job: RenderJob) -> int | None:
    """Where a queued job waits: 1 starts next. None once it has left the queue, or while it waits for its
    owner's plan."""
    ids = [queued.id for queued in render_job_queue(providers=[job.provider]) if not job_is_held(queued)]
    return ids.index(job.id) + 1 if job.id in ids else None


def render_provider_load(*, provider: RenderProvider, now: datetime | None = None) -> float:
    """The provider's queued and running jobs over the slots of its live workers (their heartbeats); infinite
    when no worker of it has beaten lately."""
    slots = worker_slots_live(queue=provider.queue, now=now)
    jobs = RenderJob.objects.filter(provider=provider.name).exclude(status__in=RenderJob.FINISHED).count()
    return jobs / slots if slots else math.inf


def segment_batch_elsewhere(*, batch_id: uuid.UUID, worker: str) -> Elsewhere | None:
    """How far the batch's runs that `worker` is not rendering got (done ones: all the way), and how many
    runs are not done; None once the batch is gone."""
    left = SegmentBatch.objects.filter(id=batch_id).values_list(F("runs") - F("done"), flat=True).first()
    if left is None:
        return None
    runs = (
        SegmentRun.objects.filter(batch_id=batch_id)
        .exclude(status=SegmentRun.Status.RUNNING, worker=worker)
        .values_list("number", "status", "progress")
    )
    fractions = {
        number: 1.0 if status == SegmentRun.Status.DONE else progress for number, status, progress in runs
    }
    return Elsewhere(fractions=fractions, left=int(left))


def worker_slots_live(*, queue: str, now: datetime | None = None) -> int:
    """The slots of the workers on `queue` that beat lately."""
    now = now or timezone.now()
    live = WorkerBeat.objects.filter(beat_at__gte=now - timedelta(seconds=settings.WORKER_BEAT_STALE_S))
    return sum(beat.slots for beat in live if queue in beat.queues)


def worker_slots_idle(*, queue: str) -> int:
    """Live slots on `queue` that run no job (a slot helping another job's segments still counts as idle:
    a helper sent there waits its turn, then finds the work done and stops)."""
    running = RenderJob.objects.filter(
        provider__in=settings.RENDER_PROVIDERS.names_on(queue), status=RenderJob.Status.RUNNING
    ).count()
    return max(0, worker_slots_live(queue=queue) - running)


@dataclass(frozen=True)
class JobCap:
    """How many of a person's jobs are running, and how many their plan lets run at once."""

    running: int
    allowed: int

    @property
    def reached(self) -> bool:
        return self.running >= self.allowed


def render_job_cap(*, user: User) -> JobCap:
    running = RenderJob.objects.filter(project__owner=user, status=RenderJob.Status.RUNNING).count()
    return JobCap(running=running, allowed=plan_for(user.subscription_tier).concurrent_jobs)


def render_job_plan_hold(*, job: RenderJob) -> str:
    """Why the owner's plan, as it is now, does not let `job` start, and what to do, in words beginning
    WAITING_FOR_PLAN; "" when it may start. The one rule a claim applies (jobs/queue.py): a render waits while
    a video it makes is at a resolution the plan does not include, or while the month's render minutes left
    beside the owner's running jobs do not cover its script (jobs queued beside it hold none: the first to
    start takes them). A plan that drops (a subscription suspended or ended) thus holds what it no longer
    covers, and one that comes back lets it start; nothing is ever dropped for it."""
    if job.kind != RenderJob.Kind.RENDER:
        return ""  # drafting uses no minutes; a render that follows is queued and held on its own
    owner = job.project.owner
    plan = plan_for(owner.subscription_tier)
    resolutions = project_resolutions(project=job.project, renditions=job.extra_renditions)
    over = [resolution for resolution in resolutions if resolution not in plan.resolutions]
    if over:
        which = "" if resolutions[0] in over else " (asked for in an extra rendition)"
        return (
            f"{WAITING_FOR_PLAN}your plan ({plan.name}) does not include {_shown(over[0])}{which}. Upgrade "
            f"your plan, or cancel this render and make the video again at {_shown(plan.resolutions[-1])}."
        )
    needed_s = job.script_version.estimated_duration_s if job.script_version is not None else 0.0
    quota = render_quota_get(user=owner, reserved_s=render_seconds_reserved(user=owner, started_only=True))
    refusal = quota.refusal(needed_s=needed_s)
    if refusal:
        return (
            f"{WAITING_FOR_PLAN}your plan ({plan.name}) has not enough render minutes left for this video. "
            f"{refusal} It starts by itself once it fits."
        )
    return ""


def _shown(resolution: str) -> str:
    return resolution.upper() if resolution == "4k" else resolution


@dataclass(frozen=True)
class QueueSpot:
    """Where a queued job waits, and its owner's running jobs: at their plan's cap, it waits for those."""

    position: int
    own: JobCap


def render_job_queue_spot(*, job: RenderJob) -> QueueSpot | None:
    position = render_job_position(job=job)
    if position is None:
        return None
    return QueueSpot(position=position, own=render_job_cap(user=job.project.owner))


def render_seconds_reserved(*, user: User, started_only: bool = False) -> float:
    """The video seconds `user`'s unfinished jobs (with `started_only`, their running ones) will make, held
    from the month's render minutes until they finish: a render's script version's estimate, a script job
    that renders afterwards: the length asked for."""
    unfinished = RenderJob.objects.filter(project__owner=user).exclude(status__in=RenderJob.FINISHED)
    if started_only:
        unfinished = unfinished.filter(status=RenderJob.Status.RUNNING)
    renders = unfinished.filter(kind=RenderJob.Kind.RENDER).select_related("script_version")
    drafts = unfinished.filter(kind=RenderJob.Kind.SCRIPT, render_after=True).select_related("project")
    return sum(job.script_version.estimated_duration_s for job in renders if job.script_version) + float(
        sum(job.project.render_options.target_duration_s for job in drafts)
    )


ETA_FROM_PERCENT = 5.0  # before this much is done in this run, the pace says little about the rest


@dataclass(frozen=True)
class JobProgress:
    """What a watcher of a job sees: pushed to the page and to API clients as it changes."""

    job: str
    status: str
    stage: str
    progress: float
    eta_s: int | None  # while running, once the pace is known
    queue_position: int | None  # while queued
    error: str
    finished: bool

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def job_eta_s(
    *, progress: float, started_at: datetime | None, now: datetime, from_progress: float = 0.0
) -> int | None:
    """Seconds left at the pace of this run so far (from `from_progress` at `started_at` to `progress` at
    `now`); None before ETA_FROM_PERCENT is done."""
    done = progress - from_progress
    if started_at is None or done < ETA_FROM_PERCENT or progress >= 100:
        return None
    elapsed = max(0.0, (now - started_at).total_seconds())
    return round(elapsed * (100 - progress) / done)


def render_job_eta_s(*, job: RenderJob) -> int | None:
    if job.status != RenderJob.Status.RUNNING or job.heartbeat_at is None:
        return None
    return job_eta_s(
        progress=job.progress,
        started_at=job.started_at,
        now=job.heartbeat_at,
        from_progress=job.progress_at_start,
    )


def render_job_progress_many(*, job_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, JobProgress]:
    """The progress of each of `job_ids` that exists, read in one query (plus the queue's, when one waits).
    Made only of what the rows hold, so it changes only when a row does: the ETA is the pace as of the
    worker's last write (it writes at least every 5 s)."""
    rows = list(
        RenderJob.objects.filter(id__in=job_ids).values_list(
            "id", "status", "stage", "progress", "progress_at_start", "started_at", "heartbeat_at", "error"
        )
    )
    positions: dict[uuid.UUID, int] = {}
    if any(row[1] == RenderJob.Status.QUEUED for row in rows):
        positions = render_job_positions()
    return {
        job_id: JobProgress(
            job=str(job_id),
            status=status,
            stage=stage,
            progress=round(progress, 1),
            eta_s=(
                job_eta_s(progress=progress, started_at=started_at, now=beat, from_progress=from_progress)
                if status == RenderJob.Status.RUNNING and beat is not None
                else None
            ),
            queue_position=positions.get(job_id),
            error=error,
            finished=status in RenderJob.FINISHED,
        )
        for job_id, status, stage, progress, from_progress, started_at, beat, error in rows
    }


def render_job_latest_done(*, project: Project) -> RenderJob | None:
    """The project's newest render that finished with its videos."""
    return (
        project.render_jobs.filter(kind=RenderJob.Kind.RENDER, status=RenderJob.Status.DONE)
        .order_by("-finished_at", "-created_at")
        .first()
    )
