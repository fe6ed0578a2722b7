"""With Redis unreachable (the broker and the cache), the site still answers and a submission waits in the
database; once a broker is there again, the reaper's round wakes a worker and the job runs.

The job goes to a worker pool of its own (a provider and queue only this test uses): the run's shared worker,
woken by other tests' jobs ending, would otherwise take the waiting job before the test looks at it."""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx
import pytest

from animagenius.accounts.models import User
from animagenius.api import services as api_services
from animagenius.studio.jobs.providers import render_providers_parse
from animagenius.studio.jobs.workers import render_jobs_reap
from animagenius.studio.models import RenderJob
from tests.conftest import ROOT, process_env
from tests.factories import TIDES
from tests.processes import celery_worker_start, free_port, process_stop, web_server_start

NOWHERE = "redis://127.0.0.1:{port}/0"  # a port nothing listens on: every connection is refused


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_submission_while_redis_is_down_is_answered_and_runs_when_a_broker_is_back(
    settings, tmp_path: Path
):
    owner = User.objects.create_user("lin@example.com", "a-long-enough-passphrase-42")
    token = api_services.api_key_create(owner=owner, name="outage").token
    port = free_port()
    queue = f"{settings.RENDER_QUEUE}-outage"
    pool = {"RENDER_QUEUE": queue, "RENDER_PROVIDERS": f"primary=outage@{queue}"}
    env = process_env(REDIS_URL=NOWHERE.format(port=free_port()), **pool)
    log = tmp_path / "web.log"
    server = web_server_start(port=port, log=log, cwd=ROOT, env=env)
    try:
        started = time.monotonic()
        response = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/projects",
            headers={"Authorization": f"Bearer {token}"},
            data={"text": TIDES, "review": "true", "duration": "30"},
            timeout=30,
        )  # the API's rate limit reads the (unreachable) cache; the new job's wake-up needs the broker
        answered_s = time.monotonic() - started
        page = httpx.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=30)
    finally:
        process_stop(server)

    assert response.status_code == 201, log.read_text(errors="replace")[-3000:]
    assert answered_s < 20 and page.status_code == 200  # not hanging on the cache (timeouts are 1 s)
    job = RenderJob.objects.get(project_id=response.json()["id"])
    assert job.status == RenderJob.Status.QUEUED
    output = log.read_text(errors="replace")
    assert "could not reach the broker to wake a worker" in output and "Redis cache unreachable" in output

    settings.RENDER_PROVIDERS = render_providers_parse(pool["RENDER_PROVIDERS"])
    worker_log = tmp_path / "worker.log"
    worker = celery_worker_start(
        queue=queue, hostname=f"outage-{os.getpid()}@%h", log=worker_log, cwd=ROOT, env=process_env(**pool)
    )
    try:
        render_jobs_reap()  # the beat's next round, with the broker back
        deadline = time.monotonic() + 90
        while not job.is_finished and time.monotonic() < deadline:
            time.sleep(0.2)
            job.refresh_from_db()
    finally:
        process_stop(worker)
    assert job.status == RenderJob.Status.DONE, job.error or worker_log.read_text(errors="replace")[-3000:]
    assert job.project.script_versions.count() == 1
    print(f"answered in {answered_s:.2f} s with Redis down")
