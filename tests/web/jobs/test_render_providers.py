"""Render providers: which worker pool a render goes to (plan, weight, the primary's measured load), recorded
on the job; each pool's workers take only its jobs; load measured from the workers' own heartbeats."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from animagenius.accounts.models import User
from animagenius.studio.jobs import selectors as job_selectors
from animagenius.studio.jobs.providers import (
    RenderProvider,
    RenderProvidersInvalid,
    render_provider_choose,
    render_providers_parse,
)
from animagenius.studio.jobs.queue import render_job_claim, render_job_create, script_job_create
from animagenius.studio.jobs.workers import render_jobs_reap
from animagenius.studio.models import Project, RenderJob, WorkerBeat
from tests.factories import project_drafted_create, render_job_queued_create, user_create
from tests.web.helpers import latest

pytestmark = pytest.mark.django_db

POOLS = (
    "primary=local-ffmpeg@render-local,fallback=pool-b@render-b,premium=gpu@render-gpu,"
    "specialised=big@render-big"
)


def test_providers_are_read_from_role_name_at_queue():
    providers = render_providers_parse(" primary=local-ffmpeg@render , fallback=pool-b@render-b")

    assert providers.primary == RenderProvider("local-ffmpeg", "render")
    assert providers.fallback == RenderProvider("pool-b", "render-b")
    assert providers.premium is None and providers.queues() == ["render", "render-b"]
    assert providers.names_on("render-b") == ["pool-b"]
    assert (
        providers.queue_of("retired-pool") == "render"
    )  # jobs of a pool no longer configured: the primary's
    for spec, message in [
        ("fallback=pool-b@render-b", "name a primary provider"),
        ("primary=a@q,primary=b@q", "the primary provider is named twice"),
        ("cheapest=a@q", "with a role among primary, fallback, premium, specialised"),
    ]:
        with pytest.raises(RenderProvidersInvalid, match=message):
            render_providers_parse(spec)


def test_the_choice_follows_the_brief():
    pools = render_providers_parse(POOLS)
    plain = render_providers_parse("primary=local-ffmpeg@render-local,fallback=pool-b@render-b")

    def chosen(providers, **facts) -> str:
        return render_provider_choose(providers, **facts).provider.name

    assert chosen(pools, tier="enterprise", heavy=True, primary_load=5.0) == "gpu"
    assert chosen(pools, tier="pro", heavy=True, primary_load=0.0) == "big"
    assert chosen(pools, tier="pro", heavy=False, primary_load=0.69) == "local-ffmpeg"
    assert chosen(pools, tier="pro", heavy=False, primary_load=0.7) == "pool-b"
    assert chosen(plain, tier="enterprise", heavy=True, primary_load=0.2) == "local-ffmpeg"  # no premium pool
    only = render_providers_parse("primary=local-ffmpeg@render-local")
    assert chosen(only, tier="free", heavy=False, primary_load=99.0) == "local-ffmpeg"  # nowhere else to go


def beat(hostname: str, queue: str, *, slots: int = 1, ago_s: float = 0.0) -> None:
    WorkerBeat.objects.create(
        hostname=hostname, queues=[queue], slots=slots, beat_at=timezone.now() - timedelta(seconds=ago_s)
    )


def test_load_is_the_pools_jobs_over_its_live_workers_slots(settings):
    settings.WORKER_BEAT_STALE_S = 35
    primary = RenderProvider("local-ffmpeg", "render-local")
    beat("a@host", "render-local", slots=2)
    beat("b@host", "render-local", slots=2)
    beat("gone@host", "render-local", slots=8, ago_s=120)  # its worker stopped beating: not counted
    beat("other@host", "render-b", slots=8)
    for _ in range(3):
        render_job_queued_create(tier="pro")
    RenderJob.objects.filter(status=RenderJob.Status.QUEUED).update(provider="local-ffmpeg")
    done = render_job_queued_create(tier="pro", status=RenderJob.Status.DONE)
    RenderJob.objects.filter(id=done.id).update(provider="local-ffmpeg")

    assert job_selectors.render_provider_load(provider=primary) == pytest.approx(3 / 4)
    assert job_selectors.render_provider_load(provider=RenderProvider("pool-c", "render-c")) == float("inf")


@pytest.fixture
def pools(settings) -> None:
    settings.RENDER_PROVIDERS = render_providers_parse(POOLS)
    settings.WORKER_BEAT_STALE_S = 35


def test_a_render_goes_to_the_fallback_while_the_primary_is_busy_and_only_its_workers_take_it(
    pools, user: User, media: Path, django_capture_on_commit_callbacks
):
    beat("local@host", "render-local", slots=1)
    project = project_drafted_create(owner=user)
    busy = render_job_queued_create(tier="pro", status=RenderJob.Status.RUNNING)
    RenderJob.objects.filter(id=busy.id).update(provider="local-ffmpeg")  # load 1.0 on the primary

    with django_capture_on_commit_callbacks() as wakes:
        job = render_job_create(project=project, script_version=latest(project))

    assert job.provider == "pool-b" and len(wakes) == 1
    assert render_job_claim(task_id="local-worker", queue="render-local") is None
    claimed = render_job_claim(task_id="pool-b-worker", queue="render-b")
    assert claimed is not None and claimed.id == job.id


def test_the_primary_takes_renders_while_it_has_room(pools, user: User, media: Path):
    beat("local@host", "render-local", slots=4)
    project = project_drafted_create(owner=user)

    job = render_job_create(project=project, script_version=latest(project))

    assert job.provider == "local-ffmpeg"
    assert job_selectors.render_job_position(job=job) == 1


def test_an_enterprise_render_goes_to_the_premium_pool_and_a_4k_one_to_the_specialised(
    pools, media: Path, user: User
):
    beat("local@host", "render-local", slots=4)
    boss = user_create(tier="enterprise")
    enterprise_job = render_job_create(
        project=(project := project_drafted_create(owner=boss)), script_version=latest(project)
    )
    User.objects.filter(id=user.id).update(subscription_tier="pro")
    user.refresh_from_db()
    big = project_drafted_create(owner=user)
    Project.objects.filter(id=big.id).update(options={**big.options, "resolution": "4k"})
    big.refresh_from_db()
    big_job = render_job_create(project=big, script_version=latest(big))

    assert (enterprise_job.provider, big_job.provider) == ("gpu", "big")


def test_script_jobs_run_on_the_primary(pools, user: User, media: Path):
    project = Project.objects.create(owner=user, title="Tides")
    assert script_job_create(project=project, render_after=True).provider == "local-ffmpeg"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_running_worker_writes_its_heartbeat_with_its_queue_and_slots(celery_worker, settings):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not WorkerBeat.objects.filter(hostname__startswith="test-"):
        time.sleep(0.2)  # a worker writes its row when it starts, then every 10 s

    row = WorkerBeat.objects.get(hostname__startswith="test-")
    assert row.queues == [settings.RENDER_QUEUE] and row.slots == 1
    assert timezone.now() - row.beat_at < timedelta(seconds=settings.WORKER_BEAT_EVERY_S + 5)
    load = job_selectors.render_provider_load(provider=settings.RENDER_PROVIDERS.primary)
    assert load == 0.0  # measured against the live worker's slot, not infinite


def test_the_reaper_forgets_workers_silent_for_an_hour_and_keeps_the_rest(settings):
    WorkerBeat.objects.create(
        hostname="gone@box", queues=["q"], slots=1, beat_at=timezone.now() - timedelta(hours=2)
    )
    WorkerBeat.objects.create(
        hostname="slow@box", queues=["q"], slots=1, beat_at=timezone.now() - timedelta(minutes=5)
    )

    render_jobs_reap()

    assert list(WorkerBeat.objects.values_list("hostname", flat=True)) == ["slow@box"]
