"""Live progress for many watchers at once (issue 7's figure): 1,000 server-sent event streams on 2 cores.

The stream server is one uvicorn process (as `make run` starts it) on a database of its own: a temporary
SQLite file by default, or PostgreSQL with `--postgres` (a database `animagenius_bench_watch_<pid>`, created
and dropped). JOBS running jobs each get WATCHERS / JOBS watchers, all opened by a second process on
loopback (asyncio + httpx, authenticated with an API key, as a script would). Once every stream has shown
its first event, this process plays the workers: every UPDATE_EVERY_S it raises every job's progress by
STEP % in one UPDATE and notes the time it committed, and at 100 % marks them done.

Per delivered event: latency = the moment the watcher read it − the moment its progress was committed (one
machine, one clock). Reported: p50 / p99 / max latency, how many watchers saw the final event, the time to
open every stream, and the stream server's CPU seconds and peak memory; all beside a reference run in the
same invocation with a single watcher. Bars: every watcher sees the final event; p99 < 1 s.

Run: `.venv/bin/python bench/progress_watchers.py [--postgres] [--watchers N] [--json F]` (~1-2 min).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.processes (after django.setup())
from tests.processes import postgres_database_create, postgres_database_drop  # noqa: E402

WATCHERS, JOBS = 1000, 100
UPDATE_EVERY_S, STEP = 0.5, 5.0
P99_BAR_S = 1.0
OPEN_TIMEOUT_S = 120.0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--watchers", type=int, default=WATCHERS)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--watch", type=Path, help=argparse.SUPPRESS)  # the watcher process: its plan
    args = parser.parse_args()
    _more_open_files()
    if args.watch:
        return asyncio.run(_watch(json.loads(args.watch.read_text())))
    with tempfile.TemporaryDirectory(prefix="bench-watch-") as folder:
        database = f"animagenius_bench_watch_{os.getpid()}"
        os.environ |= {
            "ANIMAGENIUS_VAR_DIR": folder,
            "DJANGO_SETTINGS_MODULE": "animagenius.config.settings.local",
            "DEBUG": "false",
            "RENDER_QUEUE": f"bench-watch-{os.getpid()}",
        }
        os.environ.pop("REDIS_URL", None)
        os.environ.pop("DATABASE_URL", None)
        if args.postgres:
            os.environ["DATABASE_URL"] = postgres_database_create(database)
        try:
            figures = _bench(Path(folder), watchers=args.watchers)
        finally:
            if args.postgres:
                postgres_database_drop(database)
    figures["backend"] = "postgres" if args.postgres else "sqlite"
    bars = {
        "every watcher saw the final event": figures["full"]["saw_end"] == figures["full"]["watchers"],
        f"p99 latency < {P99_BAR_S} s": figures["full"]["latency_s"]["p99"] < P99_BAR_S,
    }
    figures["bars"] = bars
    _print(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if all(bars.values()) else 1


def _more_open_files() -> None:
    """A thousand sockets need more than the usual soft limit of 1,024 descriptors."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))


# ---------------------------------------------------------------- this process: the server, the workers


def _bench(folder: Path, *, watchers: int) -> dict[str, Any]:
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True)
    import django

    django.setup()
    from tests.processes import events_server_start, free_port, process_stop

    port = free_port()
    server = events_server_start(port=port, log=folder / "events.log", cwd=ROOT, env=dict(os.environ))
    try:
        base = f"http://127.0.0.1:{port}"
        reference = _run(base, folder, watchers=1, jobs=1, server_pid=server.pid)
        full = _run(base, folder, watchers=watchers, jobs=min(JOBS, watchers), server_pid=server.pid)
    finally:
        process_stop(server)
        from django.db import connections

        connections.close_all()
    return {
        "reference": reference,
        "full": full,
        "p99_ratio": round(full["latency_s"]["p99"] / max(reference["latency_s"]["p99"], 1e-6), 2),
    }


def _run(base: str, folder: Path, *, watchers: int, jobs: int, server_pid: int) -> dict[str, Any]:
    from django.urls import reverse

    job_ids, token = _jobs(jobs)
    urls = [base + reverse("studio:job_events", args=[job_ids[number % jobs]]) for number in range(watchers)]
    plan = folder / f"plan-{watchers}.json"
    received = folder / f"received-{watchers}.json"
    plan.write_text(json.dumps({"urls": urls, "token": token, "out": str(received)}))
    cpu_before = _cpu_s(server_pid)
    started = time.monotonic()
    command = [sys.executable, __file__, "--watch", str(plan)]
    watcher = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert watcher.stdout is not None
    ready = watcher.stdout.readline().strip()  # every stream showed its first event
    if ready != "ready":
        watcher.kill()
        raise RuntimeError(f"the watchers did not get going: {ready!r}")
    opened_s = time.monotonic() - started
    threads_open = _threads(server_pid)
    written = _play_workers(job_ids)
    watcher.wait(timeout=OPEN_TIMEOUT_S + 60)
    seen = json.loads(received.read_text())
    latencies = [
        arrived - written[progress]
        for stream in seen["streams"]
        for progress, arrived in stream["events"]
        if progress in written
    ]
    by_step: dict[str, list[float]] = {}
    for stream in seen["streams"]:
        for progress, arrived in stream["events"]:
            if progress in written:
                by_step.setdefault(progress, []).append(arrived - written[progress])
    return {
        "p99_by_step": {step: _spread(values)["p99"] for step, values in by_step.items()},
        "watchers": watchers,
        "jobs": jobs,
        "open_all_s": round(opened_s, 2),
        "saw_end": sum(1 for stream in seen["streams"] if stream["ended"]),
        "errors": seen["errors"][:5],
        "events": len(latencies),
        "latency_s": _spread(latencies),
        "server_threads": threads_open,
        "server_cpu_s": round(_cpu_s(server_pid) - cpu_before, 2),
        "watchers_cpu_s": round(seen["cpu_s"], 2),
        "server_peak_rss_mb": _peak_rss_mb(server_pid),
    }


def _jobs(count: int) -> tuple[list[str], str]:
    from django.utils import timezone

    from animagenius.accounts.models import User
    from animagenius.api.services import api_key_create
    from animagenius.studio.models import Project, RenderJob

    owner = User.objects.create_user(f"watch-{time.time_ns()}@example.com", "bench-passphrase-long-enough")
    now = timezone.now()
    ids = []
    for number in range(count):
        project = Project.objects.create(owner=owner, title=f"Watched {number}")
        job = RenderJob.objects.create(
            project=project, status=RenderJob.Status.RUNNING, stage="rendering video", progress=0.0,
            started_at=now, heartbeat_at=now,
        )  # fmt: skip
        ids.append(str(job.id))
    return ids, api_key_create(owner=owner, name="bench").token


def _play_workers(job_ids: list[str]) -> dict[str, float]:
    """Raise every job's progress a STEP each UPDATE_EVERY_S, then end them; when each value was committed."""
    from django.db.models.functions import Now

    from animagenius.studio.models import RenderJob

    jobs = RenderJob.objects.filter(id__in=job_ids)
    written: dict[str, float] = {}
    progress = 0.0
    while progress < 100:
        time.sleep(UPDATE_EVERY_S)
        progress = min(100.0, progress + STEP)
        if progress < 100:
            jobs.update(progress=progress, heartbeat_at=Now())
        else:
            jobs.update(progress=100.0, status=RenderJob.Status.DONE, stage="done", finished_at=Now())
        written[str(progress)] = time.time()  # autocommit: the UPDATE is committed when it returns
    return written


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 0


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _spread(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": float("inf"), "p99": float("inf"), "max": float("inf")}
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered), 3),
        "p99": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 3),
        "max": round(ordered[-1], 3),
    }


def _print(figures: dict[str, Any]) -> None:
    print(f"\n# Progress streams: {figures['full']['watchers']} watchers, one uvicorn process, 2 cores "
          f"({figures['backend']})\n")  # fmt: skip
    print("| run | watchers | jobs | open all s | saw end | events | p50 s | p99 s | max s | server CPU s "
          "| peak MB |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in ("reference", "full"):
        run = figures[name]
        spread = run["latency_s"]
        print(f"| {name} | {run['watchers']} | {run['jobs']} | {run['open_all_s']} | {run['saw_end']} | "
              f"{run['events']} | {spread['p50']} | {spread['p99']} | {spread['max']} | "
              f"{run['server_cpu_s']} | {run['server_peak_rss_mb']} |")  # fmt: skip
        if run["errors"]:
            print(f"  errors: {run['errors']}")
    print(f"\np99 with {figures['full']['watchers']} watchers / p99 with one: {figures['p99_ratio']}×")
    for bar, passed in figures["bars"].items():
        print(f"- {bar}: {'pass' if passed else 'FAIL'}")


# ---------------------------------------------------------------- the watcher process


async def _watch(plan: dict[str, Any]) -> int:
    import httpx

    limits = httpx.Limits(max_connections=None, max_keepalive_connections=0)
    timeout = httpx.Timeout(OPEN_TIMEOUT_S + 120, connect=OPEN_TIMEOUT_S)
    headers = {"Authorization": f"Bearer {plan['token']}"}
    first_events: list[asyncio.Event] = [asyncio.Event() for _ in plan["urls"]]
    errors: list[str] = []
    async with httpx.AsyncClient(limits=limits, timeout=timeout, headers=headers) as client:
        streams = [
            asyncio.create_task(_stream(client, url, first_events[number], errors))
            for number, url in enumerate(plan["urls"])
        ]
        try:
            await asyncio.wait_for(asyncio.gather(*(event.wait() for event in first_events)), OPEN_TIMEOUT_S)
            print("ready", flush=True)
        except TimeoutError:
            print(f"only {sum(event.is_set() for event in first_events)} streams opened", flush=True)
        results = await asyncio.gather(*streams)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_s = usage.ru_utime + usage.ru_stime
    Path(plan["out"]).write_text(json.dumps({"streams": results, "errors": errors, "cpu_s": cpu_s}))
    return 0


async def _stream(client: Any, url: str, first: asyncio.Event, errors: list[str]) -> dict[str, Any]:
    events: list[tuple[str, float]] = []
    ended = False
    try:
        async with client.stream("GET", url) as response:
            if response.status_code != 200:
                errors.append(f"{response.status_code} {(await response.aread())[:200]!r}")
                return {"events": events, "ended": False}
            name = ""
            async for line in response.aiter_lines():
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data = json.loads(line[6:])
                    events.append((str(data["progress"]), time.time()))
                    first.set()
                    ended = ended or name == "end"
    except Exception as error:
        errors.append(f"{type(error).__name__}: {error}")
    first.set()
    return {"events": events, "ended": ended}


if __name__ == "__main__":
    sys.exit(main())
