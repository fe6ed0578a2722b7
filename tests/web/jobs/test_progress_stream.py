"""Live progress over server-sent events: the hub's fan-out, and the stream served by a real uvicorn process
on the test database, to the signed-in owner or an API key, as the job's row changes."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any, TypeVar

import httpx
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from animagenius.accounts.models import User
from animagenius.api import services as api_services
from animagenius.studio.jobs import selectors as job_selectors
from animagenius.studio.jobs.progress_stream import ProgressHub
from animagenius.studio.jobs.selectors import JobProgress
from animagenius.studio.models import Project, RenderJob
from tests.conftest import SITE_ORIGIN
from tests.factories import PASSWORD

T = TypeVar("T")

# ---------------------------------------------------------------- the hub, on its own


def state(job_id: uuid.UUID, progress: float, *, finished: bool = False) -> JobProgress:
    return JobProgress(
        job=str(job_id), status="done" if finished else "running", stage="rendering video",
        progress=progress, eta_s=None, queue_position=None, error="", finished=finished,
    )  # fmt: skip


class Rows:
    """The job rows the hub reads, as a worker would change them; counts the reads."""

    def __init__(self) -> None:
        self.states: dict[uuid.UUID, JobProgress] = {}
        self.reads = 0

    def __call__(self, job_ids: Sequence[uuid.UUID]) -> Mapping[uuid.UUID, JobProgress]:
        self.reads += 1
        return {job_id: self.states[job_id] for job_id in job_ids if job_id in self.states}


def in_own_loop(scenario: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run `scenario` on a fresh event loop in a thread of its own: Playwright's tests leave a loop running
    in this one."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(lambda: asyncio.run(scenario())).result()


async def collect(hub: ProgressHub, job_id: uuid.UUID, *, idle_s: float = 5.0) -> list[JobProgress | None]:
    return [seen async for seen in hub.follow(job_id, idle_s=idle_s)]


def test_one_read_a_tick_serves_every_watcher_and_each_ends_with_the_final_state():
    poll_s = 0.01

    async def scenario() -> tuple[list[list[JobProgress | None]], Rows, ProgressHub, float]:
        rows, job = Rows(), uuid.uuid4()
        rows.states[job] = state(job, 10)
        hub = ProgressHub(read=rows, poll_s=poll_s)
        seen: list[list[JobProgress | None]] = [[] for _ in range(500)]

        async def watch(into: list[JobProgress | None]) -> None:
            async for current in hub.follow(job, idle_s=30.0):
                into.append(current)

        async def all_saw(progress: float) -> None:
            # the next state only once every watcher has this one: a watcher that falls behind skips to the
            # newest by design (next test), which a busy machine must not turn into a failure here
            deadline = time.monotonic() + 30.0
            while not all(into and into[-1] is not None and into[-1].progress == progress for into in seen):
                assert time.monotonic() < deadline, f"not every watcher saw {progress} within 30 s"
                await asyncio.sleep(poll_s)

        started = time.monotonic()
        watchers = [asyncio.create_task(watch(into)) for into in seen]
        await all_saw(10)
        for progress in (20, 30, 40):
            rows.states[job] = state(job, progress)
            await all_saw(progress)
        rows.states[job] = state(job, 100, finished=True)
        await asyncio.gather(*watchers)
        return seen, rows, hub, time.monotonic() - started

    seen, rows, hub, elapsed_s = in_own_loop(scenario)

    assert all(states[-1] is not None and states[-1].finished for states in seen)
    assert all([s.progress for s in states if s] == [10, 20, 30, 40, 100] for states in seen)
    # one read a tick for all 500, not one each (a busy machine makes fewer ticks, never more)
    assert rows.reads <= elapsed_s / poll_s + 5 and rows.reads < 500
    assert hub.watchers == 0  # every watcher left once its job finished


def test_a_slow_watcher_skips_to_the_newest_state_instead_of_queueing_old_ones():
    async def scenario() -> list[float]:
        rows, job = Rows(), uuid.uuid4()
        rows.states[job] = state(job, 1)
        hub = ProgressHub(read=rows, poll_s=0.005)
        seen: list[float] = []
        async for current in hub.follow(job):
            assert current is not None
            seen.append(current.progress)
            if current.finished:
                break
            for progress in range(int(current.progress) + 1, int(current.progress) + 6):
                rows.states[job] = state(job, progress, finished=progress >= 30)
                await asyncio.sleep(0.01)  # the watcher is busy while five states go by
        return seen

    seen = in_own_loop(scenario)

    assert seen[0] == 1 and seen[-1] >= 30
    assert len(seen) < 15  # it saw far fewer states than the 30 written, the newest each time


def test_an_idle_stream_yields_a_keep_alive_and_a_deleted_job_ends_it():
    async def scenario() -> list[JobProgress | None]:
        rows, job = Rows(), uuid.uuid4()
        rows.states[job] = state(job, 50)
        hub = ProgressHub(read=rows, poll_s=0.01)
        watcher = asyncio.create_task(collect(hub, job, idle_s=0.05))
        await asyncio.sleep(0.12)
        del rows.states[job]
        return await watcher

    seen = in_own_loop(scenario)

    assert seen[0] is not None and seen[0].progress == 50
    assert None in seen  # keep-alives while nothing changed
    assert seen[-1] is not None and seen[-1].finished and seen[-1].status == "deleted"


def test_the_eta_is_the_pace_so_far():
    started = timezone.now()
    assert job_selectors.job_eta_s(progress=25, started_at=started, now=started + timedelta(seconds=30)) == 90
    assert (
        job_selectors.job_eta_s(progress=3, started_at=started, now=started + timedelta(seconds=30)) is None
    )
    after_its_script = job_selectors.job_eta_s(
        progress=26, from_progress=6, started_at=started, now=started + timedelta(seconds=30)
    )
    assert after_its_script == 111  # 20 % in 30 s: 74 % to go takes 111 s


# ---------------------------------------------------------------- the stream, served by uvicorn


class Events:
    """Reads one text/event-stream on a thread: (event, data, arrival time) in order."""

    def __init__(self, url: str, **request: Any) -> None:
        self.received: list[tuple[str, dict[str, Any], float]] = []
        self.status = 0
        self.headers: httpx.Headers = httpx.Headers()
        self.body = ""
        self._thread = threading.Thread(target=self._read, args=(url, request), daemon=True)
        self._thread.start()

    def _read(self, url: str, request: dict[str, Any]) -> None:
        with httpx.stream("GET", url, timeout=60, **request) as response:
            self.status, self.headers = response.status_code, response.headers
            if response.status_code != 200:
                self.body = response.read().decode()
                return
            name = ""
            for line in response.iter_lines():
                if line.startswith("event: "):
                    name = line.removeprefix("event: ")
                elif line.startswith("data: "):
                    self.received.append((name, json.loads(line.removeprefix("data: ")), time.monotonic()))

    def wait_for(self, check: Any, timeout_s: float = 10) -> tuple[str, dict[str, Any], float]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for event in list(self.received):
                if check(event[0], event[1]):
                    return event
            time.sleep(0.01)
        raise AssertionError(f"no such event within {timeout_s} s; got {self.received}")

    def join(self, timeout_s: float = 10) -> None:
        self._thread.join(timeout_s)
        assert not self._thread.is_alive(), "the stream did not end"


def running_job(owner: User) -> RenderJob:
    project = Project.objects.create(owner=owner, title="Tides")
    now = timezone.now()
    return RenderJob.objects.create(
        project=project, status=RenderJob.Status.RUNNING, stage="narrating", progress=10.0,
        started_at=now, heartbeat_at=now,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_owner_sees_each_change_within_a_second_then_the_end(events_server: str, client: Client):
    owner = User.objects.create_user("ada@example.com", PASSWORD)
    client.force_login(owner)
    job = running_job(owner)
    url = events_server + reverse("studio:job_events", args=[job.id])

    events = Events(url, cookies={"sessionid": client.cookies["sessionid"].value},
                    headers={"Origin": SITE_ORIGIN})  # fmt: skip
    first = events.wait_for(lambda name, data: name == "progress")
    assert job.started_at is not None
    latencies = []
    for progress in (25.0, 50.0, 75.0):
        written = time.monotonic()
        RenderJob.objects.filter(id=job.id).update(
            stage="rendering video", progress=progress, heartbeat_at=job.started_at + timedelta(seconds=30)
        )
        seen = events.wait_for(lambda name, data, p=progress: data["progress"] == p)
        latencies.append(seen[2] - written)
    RenderJob.objects.filter(id=job.id).update(status=RenderJob.Status.DONE, stage="done", progress=100.0)
    end = events.wait_for(lambda name, data: name == "end")
    events.join()

    assert first[1]["stage"] == "narrating" and first[1]["progress"] == 10.0
    assert events.headers["content-type"].startswith("text/event-stream")
    assert events.headers["access-control-allow-origin"] == SITE_ORIGIN
    assert events.headers["access-control-allow-credentials"] == "true"
    at_75 = next(data for name, data, _ in events.received if data["progress"] == 75.0)
    assert at_75["stage"] == "rendering video" and at_75["eta_s"] == 10  # 30 s for 75 %: 10 s to go
    assert end[1]["status"] == "done" and end[1]["finished"] is True
    assert max(latencies) < 1.0, latencies
    print(f"delivered in {', '.join(f'{latency * 1000:.0f} ms' for latency in latencies)}")


@pytest.mark.django_db(transaction=True)
def test_an_api_key_follows_its_owners_job_and_no_one_else_does(events_server: str):
    owner = User.objects.create_user("ada@example.com", PASSWORD)
    stranger = User.objects.create_user("eve@example.com", PASSWORD)
    job = running_job(owner)
    url = events_server + reverse("studio:job_events", args=[job.id])
    bearer = {"Authorization": f"Bearer {api_services.api_key_create(owner=owner, name='cli').token}"}
    other = {"Authorization": f"Bearer {api_services.api_key_create(owner=stranger, name='cli').token}"}

    followed = Events(url, headers=bearer)
    followed.wait_for(lambda name, data: data["progress"] == 10.0)
    anonymous = httpx.get(url, timeout=10)
    wrong_key = httpx.get(url, headers={"Authorization": "Bearer ag_not-a-key"}, timeout=10)
    strangers = httpx.get(url, headers=other, timeout=10)
    RenderJob.objects.filter(id=job.id).update(status=RenderJob.Status.FAILED, error="The PDF is damaged.")
    followed.wait_for(lambda name, data: name == "end" and data["error"] == "The PDF is damaged.")
    followed.join()

    assert (anonymous.status_code, wrong_key.status_code, strangers.status_code) == (401, 401, 404)
    assert "Sign in, or send an API key" in anonymous.text and strangers.text == "No such job."


@pytest.mark.django_db(transaction=True)
def test_a_queued_job_streams_its_place_in_the_queue(events_server: str):
    owner = User.objects.create_user("ada@example.com", PASSWORD)
    ahead = running_job(User.objects.create_user("bo@example.com", PASSWORD))
    RenderJob.objects.filter(id=ahead.id).update(status=RenderJob.Status.QUEUED)
    job = RenderJob.objects.create(project=Project.objects.create(owner=owner, title="Tides"))
    token = api_services.api_key_create(owner=owner, name="cli").token

    events = Events(events_server + reverse("studio:job_events", args=[job.id]),
                    headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    events.wait_for(lambda name, data: data["queue_position"] == 2)
    RenderJob.objects.filter(id=ahead.id).update(status=RenderJob.Status.RUNNING)
    events.wait_for(lambda name, data: data["queue_position"] == 1)
    RenderJob.objects.filter(id=job.id).update(status=RenderJob.Status.CANCELLED)
    events.join()


def test_under_gunicorn_the_stream_url_says_where_streams_are_served(signed_in: Client, user: User):
    job = running_job(user)
    response = signed_in.get(reverse("studio:job_events", args=[job.id]))
    assert response.status_code == 404 and "served by the ASGI server" in response.content.decode()


def test_the_page_names_its_stream_only_when_an_events_server_is_set(signed_in: Client, user: User, settings):
    job = running_job(user)
    page = reverse("studio:project_detail", args=[job.project_id])
    settings.EVENTS_URL = ""
    without = signed_in.get(page).content.decode()
    settings.EVENTS_URL = "http://127.0.0.1:8001"
    with_stream = signed_in.get(page).content.decode()

    assert "data-events" not in without
    assert f'data-events="http://127.0.0.1:8001/projects/jobs/{job.id}/events/"' in with_stream
