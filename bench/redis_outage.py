"""Redis stopped for 30 s while jobs are being submitted through the API (issue 7's figure).

Everything runs on a Redis, a PostgreSQL database, a work directory and a render queue of its own: a
`redis-server` on a free port without persistence (the messages it holds are lost when it comes back: the
worst case; the database is the queue), a database `animagenius_bench_outage_<pid>` (created, migrated,
dropped), the site under gunicorn and one Celery worker with beat (the reaper every JOB_REAP_EVERY_S = 10 s),
as `make run` starts them.

For SUBMIT_FOR_S seconds, one submission every 2 s goes to POST /api/v1/projects (a short Markdown article,
different each time, 30 s, 720p; every 4th renders at once, the others stop after the script for review),
and, between them, one read of the latest project (GET /api/v1/projects/<id>) and of the sign-in page. At
DOWN_AT_S the Redis server is stopped; at UP_AT_S it starts again on the same port. Then a child process
(django.setup()) waits, up to 15 min, until every accepted project's jobs have ended.

Recorded: per submission its time, status, latency, Retry-After and project; per read its status; per
project its jobs and when they ended. Bars: every submission answered 201 (or 503 with Retry-After); every
read 200 (or 503 with Retry-After); every accepted project's jobs end `done` exactly once (one script job,
plus one render job with one video and one usage row when it rendered at once); as many "render" usage rows
as render-at-once submissions accepted; the web server and the worker still running at the end.

Run: `.venv/bin/python bench/redis_outage.py [--json F] [--keep-logs DIR]` (~2-3 min). Exits 1 when a bar
fails, printing the end of the worker's and the web server's logs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.processes: the tests' own process starters
from tests.processes import (  # noqa: E402
    celery_worker_start,
    free_port,
    postgres_database_create,
    postgres_database_drop,
    web_server_start,
)

SUBMIT_EVERY_S, SUBMIT_FOR_S = 2.0, 70.0
DOWN_AT_S, UP_AT_S = 15.0, 45.0
RENDER_EVERY = 4  # every 4th submission renders at once; the others stop after the script, for review
DURATION_S = 30  # the shortest length the form accepts
JOBS_TIMEOUT_S = 15 * 60
HTTP_TIMEOUT_S = 30.0
REAP_EVERY_S = 10
PASSPHRASE = "bench-passphrase-long-enough"


def article(number: int) -> str:
    """A short article, different for every submission, so no cache serves one job from another's work."""
    return (
        f"# Lighthouse log {number}\n\n"
        f"Keeper {number} climbed the {number * 3 + 90} steps of the tower at dusk and lit the lamp.\n"
        f"Fog rolled in from the west and {number % 5 + 2} fishing boats followed the beam home.\n\n"
        f"## Morning\n\nAt dawn keeper {number} wrote {number * 7 + 11} words in the log and slept.\n"
    )


# ---------------------------------------------------------------- the parent: processes and the load


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep-logs", type=Path, help="copy the redis, web and worker logs here")
    parser.add_argument("--part", choices=("setup", "wait"), help=argparse.SUPPRESS)
    parser.add_argument("--projects", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        return _child(args.part, projects=args.projects)
    figures = _run(keep_logs=args.keep_logs)
    bars = _bars(figures)
    _print(figures, bars)
    if not all(bars.values()):
        for name in ("worker", "web", "redis"):
            print(f"\n## end of the {name} log\n\n{figures['logs'][name]}")
    figures["bars"] = bars
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if all(bars.values()) else 1


def _run(*, keep_logs: Path | None) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="bench-redis-outage-"))
    database = f"animagenius_bench_outage_{os.getpid()}"
    redis = _Redis(port=free_port(), log=folder / "redis.log")
    web = worker = None
    figures: dict[str, Any] = {}
    try:
        redis.start()
        database_url = postgres_database_create(database)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "animagenius.config.settings.local",
            "DEBUG": "false",
            "ANIMAGENIUS_VAR_DIR": str(folder),
            "DATABASE_URL": database_url,
            "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
            "RENDER_QUEUE": f"bench-outage-{os.getpid()}",
            "JOB_REAP_EVERY_S": str(REAP_EVERY_S),
            "PROJECT_CREATE_RATE_LIMIT": "100000/min",  # a submission every 2 s is the load, not abuse
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        token = _child_run("setup", env=env)["token"]
        port = free_port()
        web = web_server_start(
            port=port, log=folder / "web.log", cwd=ROOT, env=env, extra=["--access-logfile", "-"],
            new_session=True,
        )  # fmt: skip
        worker = celery_worker_start(
            queue=env["RENDER_QUEUE"], hostname=f"bench-outage-{os.getpid()}@%h", log=folder / "worker.log",
            cwd=ROOT, env=env, extra=["--beat", "--schedule", str(folder / "celerybeat-schedule")],
            new_session=True,
        )  # as `make run` starts it, with beat  # fmt: skip
        load = _Load(base=f"http://127.0.0.1:{port}", token=token, redis=redis)
        load.run()
        projects = [
            {"id": entry["project"], "render": entry["render"]}
            for entry in load.submissions
            if entry["project"] is not None
        ]
        (folder / "projects.json").write_text(json.dumps(projects))
        jobs = _child_run("wait", env=env, projects=folder / "projects.json")
        figures = _figures(load, jobs)
        figures["worker_reconnected_s"] = _reconnected(folder / "worker.log", after=load.started + load.up_at)
        figures["alive"] = {"web": web.poll() is None, "worker": worker.poll() is None}
    except Exception:
        figures["error"] = traceback.format_exc()
    finally:
        for process in (worker, web):
            if process is not None:
                _stop(process)
        redis.stop()
        figures["logs"] = {name: _tail(folder / f"{name}.log") for name in ("worker", "web", "redis")}
        if keep_logs:
            keep_logs.mkdir(parents=True, exist_ok=True)
            for log in folder.glob("*.log"):
                shutil.copy(log, keep_logs / log.name)
        postgres_database_drop(database)
        shutil.rmtree(folder, ignore_errors=True)
    return figures


class _Redis:
    """A redis-server of the bench's own, without persistence, that can be stopped and started again."""

    def __init__(self, *, port: int, log: Path) -> None:
        self.port, self.log = port, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 20) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--daemonize", "no"]  # fmt: skip
        with self.log.open("ab") as sink:
            self.process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start:\n{_tail(self.log)}")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False


class _Load:
    """Submissions every SUBMIT_EVERY_S, reads in between, and Redis down from DOWN_AT_S to UP_AT_S; each
    request in a thread of its own, so a slow answer never delays the next one."""

    def __init__(self, *, base: str, token: str, redis: _Redis) -> None:
        import httpx

        self.client = httpx.Client(
            base_url=base,
            headers={"Authorization": f"Bearer {token}"},
            timeout=HTTP_TIMEOUT_S,
            limits=httpx.Limits(max_connections=32),
        )
        self.redis = redis
        self.submissions: list[dict[str, Any]] = []
        self.reads: list[dict[str, Any]] = []
        self.latest_project: str | None = None
        self.lock = threading.Lock()
        self.started = 0.0
        self.down_at = self.up_at = 0.0  # seconds from the start of the load

    def run(self) -> None:
        count = round(SUBMIT_FOR_S / SUBMIT_EVERY_S)
        events: list[tuple[float, str, int]] = [(number * SUBMIT_EVERY_S, "submit", number)
                                                for number in range(count)]  # fmt: skip
        events += [(number * SUBMIT_EVERY_S + SUBMIT_EVERY_S / 2, "read", number) for number in range(count)]
        events += [(DOWN_AT_S, "down", 0), (UP_AT_S, "up", 0)]
        events.sort()
        self.started = time.time()
        with ThreadPoolExecutor(max_workers=16) as pool:
            for at, kind, number in events:
                time.sleep(max(0.0, self.started + at - time.time()))
                if kind == "submit":
                    pool.submit(self._submit, number)
                elif kind == "read":
                    pool.submit(self._read, number)
                elif kind == "down":
                    self.redis.stop()
                    self.down_at = time.time() - self.started
                else:
                    self.redis.start()
                    self.up_at = time.time() - self.started
        self.client.close()

    def _offset(self) -> float:
        return time.time() - self.started

    def _submit(self, number: int) -> None:
        render = number % RENDER_EVERY == RENDER_EVERY - 1
        fields = {"text": article(number), "duration": str(DURATION_S), "resolution": "720p"}
        if not render:
            fields["review"] = "true"
        entry: dict[str, Any] = {"number": number, "render": render, "sent_s": self._offset(),
                                 "status": None, "latency_s": None, "retry_after": None, "project": None,
                                 "error": None}  # fmt: skip
        began = time.monotonic()
        try:
            response = self.client.post("/api/v1/projects", data=fields)  # form-urlencoded: no files
        except Exception as error:
            entry["error"] = f"{type(error).__name__}: {error}"
        else:
            entry |= {"status": response.status_code, "retry_after": response.headers.get("Retry-After")}
            if response.status_code == 201:
                entry["project"] = response.json()["id"]
                with self.lock:
                    self.latest_project = entry["project"]
            elif response.status_code != 503:
                entry["error"] = response.text[:300]
        entry["latency_s"] = time.monotonic() - began
        with self.lock:
            self.submissions.append(entry)

    def _read(self, number: int) -> None:
        with self.lock:
            project = self.latest_project
        paths = ["/accounts/login/"] + ([f"/api/v1/projects/{project}"] if project else [])
        for path in paths:
            label = "/api/v1/projects/<id>" if path.startswith("/api/") else path
            entry: dict[str, Any] = {"path": label,
                                     "sent_s": self._offset(), "status": None, "retry_after": None,
                                     "latency_s": None, "error": None}  # fmt: skip
            began = time.monotonic()
            try:
                response = self.client.get(path)
            except Exception as error:
                entry["error"] = f"{type(error).__name__}: {error}"
            else:
                entry |= {"status": response.status_code, "retry_after": response.headers.get("Retry-After")}
                if response.status_code not in (200, 503):
                    entry["error"] = response.text[:300]
            entry["latency_s"] = time.monotonic() - began
            with self.lock:
                self.reads.append(entry)


def _stop(process: subprocess.Popen[bytes], grace_s: float = 20) -> None:
    """SIGTERM, then SIGKILL to the process group it leads (its pool processes and their ffmpegs)."""
    if process.poll() is None:
        process.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace_s)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # whatever it left behind, in the session it was started in
    process.wait()


def _reconnected(log: Path, *, after: float) -> float | None:
    """Seconds from `after` (epoch) to the worker's first "Connected to redis" since then, from its log."""
    for line in log.read_text(errors="replace").splitlines():
        if "Connected to redis" in line and line.startswith("["):
            at = datetime.strptime(line[1:24], "%Y-%m-%d %H:%M:%S,%f").timestamp()  # local time, as logged
            if at >= after - 1:
                return round(at - after, 2)
    return None


def _tail(log: Path, chars: int = 4000) -> str:
    return log.read_text(errors="replace")[-chars:] if log.exists() else "(no log)"


def _child_run(part: str, *, env: dict[str, str], projects: Path | None = None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--part", part]
    if projects is not None:
        command += ["--projects", str(projects)]
    done = subprocess.run(command, cwd=ROOT, env=env, check=False, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"part {part} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# ---------------------------------------------------------------- figures, bars, the summary


def _p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def _figures(load: _Load, jobs: dict[str, Any]) -> dict[str, Any]:
    down, up = load.down_at, load.up_at
    submissions = sorted(load.submissions, key=lambda entry: entry["number"])
    for entry in submissions:
        entry["during_outage"] = down <= entry["sent_s"] < up
    for read in load.reads:
        read["during_outage"] = down <= read["sent_s"] < up
    inside = [entry["latency_s"] for entry in submissions if entry["during_outage"] and entry["status"]]
    outside = [entry["latency_s"] for entry in submissions if not entry["during_outage"] and entry["status"]]
    up_epoch = load.started + up
    done_once, render_rows_expected = 0, 0
    last_done_epoch = None
    for entry in submissions:
        project = jobs["projects"].get(entry["project"]) if entry["project"] else None
        if project is None:
            continue
        render_rows_expected += entry["render"]
        kinds = [job["kind"] for job in project["jobs"]]
        expected = ["script", "render"] if entry["render"] else ["script"]
        entry["jobs"] = [f"{job['kind']}:{job['status']}" for job in project["jobs"]]
        entry["attempts"] = [job["attempts"] for job in project["jobs"]]
        ok = sorted(kinds) == sorted(expected) and all(
            job["status"] == "done"
            and (job["kind"] == "script" or (job["renditions"] == 1 and job["usage_rows"] == 1))
            for job in project["jobs"]
        )
        done_once += ok
        entry["done_once"] = ok
        ends = [job["finished_at"] for job in project["jobs"] if job["finished_at"] is not None]
        if ends and all(job["status"] in ("done", "failed", "cancelled") for job in project["jobs"]):
            end = max(ends)
            entry["submitted_to_done_s"] = end - (load.started + entry["sent_s"])
            # from Redis back or the submission, whichever is later; none if it ended before Redis was back
            since = max(up_epoch, load.started + entry["sent_s"])
            entry["back_to_done_s"] = end - since if end > up_epoch else None
            last_done_epoch = max(last_done_epoch or end, end)
    accepted = [entry for entry in submissions if entry["project"]]
    return {
        "cores": os.cpu_count(),
        "redis_down_s": round(down, 2),
        "redis_up_s": round(up, 2),
        "outage_s": round(up - down, 2),
        "submissions": submissions,
        "reads": load.reads,
        "counts": {
            "submissions": len(submissions),
            "during_outage": sum(entry["during_outage"] for entry in submissions),
            "answered_201": sum(entry["status"] == 201 for entry in submissions),
            "answered_201_during_outage": sum(
                entry["status"] == 201 and entry["during_outage"] for entry in submissions
            ),
            "answered_503_retry_after": sum(
                entry["status"] == 503 and bool(entry["retry_after"]) for entry in submissions
            ),
            "failed": sum(not _answer_ok(entry, 201) for entry in submissions),
            "reads": len(load.reads),
            "reads_ok": sum(_answer_ok(read, 200) for read in load.reads),
            "reads_during_outage": sum(read["during_outage"] for read in load.reads),
            "reads_ok_during_outage": sum(
                _answer_ok(read, 200) and read["during_outage"] for read in load.reads
            ),
            "projects": len(accepted),
            "render_at_once": sum(entry["render"] for entry in accepted),
            "done_once": done_once,
            "render_usage_rows": jobs["usage_render_total"],
            "render_usage_rows_expected": render_rows_expected,
        },
        "latency": {
            "outage_max_s": max(inside, default=None),
            "outage_p95_s": _p95(inside),
            "outside_max_s": max(outside, default=None),
            "outside_p95_s": _p95(outside),
            "max_ratio": _ratio(max(inside, default=None), max(outside, default=None)),
            "p95_ratio": _ratio(_p95(inside), _p95(outside)),
        },
        "jobs_timed_out": jobs["timed_out"],
        "redis_back_to_last_done_s": (
            round(last_done_epoch - up_epoch, 1) if last_done_epoch is not None else None
        ),
    }


def _answer_ok(entry: dict[str, Any], expected: int) -> bool:
    return entry["status"] == expected or (entry["status"] == 503 and bool(entry["retry_after"]))


def _bars(figures: dict[str, Any]) -> dict[str, bool]:
    if "counts" not in figures:
        return {"the run finished": False}
    counts = figures["counts"]
    return {
        f"every submission answered 201 or 503 + Retry-After ({counts['submissions'] - counts['failed']}"
        f"/{counts['submissions']})": counts["failed"] == 0,
        f"every read answered 200 or 503 + Retry-After ({counts['reads_ok']}/{counts['reads']})": (
            counts["reads_ok"] == counts["reads"]
        ),
        f"every accepted project's jobs done exactly once ({counts['done_once']}/{counts['projects']})": (
            counts["done_once"] == counts["projects"] and not figures["jobs_timed_out"]
        ),
        f"one render usage row per render-at-once submission ({counts['render_usage_rows']}"
        f"/{counts['render_usage_rows_expected']})": (
            counts["render_usage_rows"] == counts["render_usage_rows_expected"]
        ),
        "web server and worker still running": all(figures["alive"].values()),
    }


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _print(figures: dict[str, Any], bars: dict[str, bool]) -> None:
    if "counts" not in figures:
        print(f"the run did not finish:\n{figures.get('error')}")
        return
    counts, latency = figures["counts"], figures["latency"]
    print(
        f"# Redis outage benchmark, {figures['cores']} cores, PostgreSQL + Redis "
        "(its own server, no persistence)\n"
    )
    print(
        f"Redis stopped at {figures['redis_down_s']:.2f} s, answering again at {figures['redis_up_s']:.2f} "
        f"s ({figures['outage_s']:.1f} s down); one submission every {SUBMIT_EVERY_S:.0f} s for "
        f"{SUBMIT_FOR_S:.0f} s; reaper every {REAP_EVERY_S} s\n"
    )
    print(
        "| # | sent s | kind | Redis | status | latency s | Retry-After | jobs | submitted → done s "
        "| Redis back (or sent, if later) → done s |\n|---:|---:|---|---|---:|---:|---|---|---:|---:|"
    )
    for entry in figures["submissions"]:
        print(
            f"| {entry['number']} | {entry['sent_s']:.1f} | {'render' if entry['render'] else 'review'} "
            f"| {'down' if entry['during_outage'] else 'up'} | {entry['status'] or entry['error']} "
            f"| {_seconds(entry['latency_s'])} | {entry['retry_after'] or ''} "
            f"| {' '.join(entry.get('jobs', []))} | {_seconds(entry.get('submitted_to_done_s'))} "
            f"| {_seconds(entry.get('back_to_done_s'))} |"
        )
    bad_reads = [read for read in figures["reads"] if not _answer_ok(read, 200)]
    for read in bad_reads:
        print(f"\nread failed at {read['sent_s']:.1f} s: {read['path']} {read['status']} {read['error']}")
    print(
        f"\nsubmissions: {counts['submissions']}, {counts['during_outage']} during the outage; "
        f"201: {counts['answered_201']} ({counts['answered_201_during_outage']} during the outage); "
        f"503 + Retry-After: {counts['answered_503_retry_after']}; failed: {counts['failed']}"
    )
    print(
        f"submission latency during the outage: max {_seconds(latency['outage_max_s'])} s, "
        f"p95 {_seconds(latency['outage_p95_s'])} s; outside it: max {_seconds(latency['outside_max_s'])} s, "
        f"p95 {_seconds(latency['outside_p95_s'])} s; ratio max {latency['max_ratio']}×, "
        f"p95 {latency['p95_ratio']}×"
    )
    print(
        f"reads OK: {counts['reads_ok']}/{counts['reads']} "
        f"({counts['reads_ok_during_outage']}/{counts['reads_during_outage']} during the outage)"
    )
    print(
        f"projects done exactly once: {counts['done_once']}/{counts['projects']} "
        f"({counts['render_at_once']} rendered at once); render usage rows {counts['render_usage_rows']} "
        f"for {counts['render_usage_rows_expected']}; timed out: {figures['jobs_timed_out']}"
    )
    print(
        f"worker reconnected to the broker {_seconds(figures['worker_reconnected_s'])} s after Redis "
        f"answered; Redis back → last job done: {_seconds(figures['redis_back_to_last_done_s'])} s\n"
    )
    for name, passed in bars.items():
        print(f"- {name}: {'pass' if passed else 'FAIL'}")


# ---------------------------------------------------------------- a child: Django, the database


def _child(part: str, *, projects: Path | None) -> int:
    import django

    django.setup()
    if part == "setup":
        result = _setup()
    else:
        assert projects is not None
        result = _wait(json.loads(projects.read_text()))
    print(json.dumps(result))
    return 0


def _setup() -> dict[str, Any]:
    from animagenius.accounts.models import User
    from animagenius.api.services import api_key_create

    owner = User.objects.create_user(
        f"bench-outage-{time.time_ns()}@example.com", PASSPHRASE, subscription_tier="enterprise"
    )
    return {"token": api_key_create(owner=owner, name="redis outage bench").token}


def _wait(projects: list[dict[str, Any]]) -> dict[str, Any]:
    """Until every project's jobs have ended (its script job, and its render job when it renders at once),
    or JOBS_TIMEOUT_S: each project's jobs, with their videos and usage rows."""
    from animagenius.billing.models import UsageMetric
    from animagenius.studio.models import RenderJob

    wanted = {entry["id"]: entry["render"] for entry in projects}
    deadline = time.monotonic() + JOBS_TIMEOUT_S
    while True:
        jobs = list(RenderJob.objects.filter(project_id__in=wanted).order_by("created_at"))
        by_project: dict[str, list[RenderJob]] = {project: [] for project in wanted}
        for job in jobs:
            by_project[str(job.project_id)].append(job)
        finished = all(
            _project_finished(project_jobs, render=wanted[project])
            for project, project_jobs in by_project.items()
        )
        timed_out = time.monotonic() > deadline
        if finished or timed_out:
            break
        time.sleep(0.5)
    return {
        "timed_out": not finished,
        "usage_render_total": UsageMetric.objects.filter(action="render").count(),
        "projects": {
            project: {
                "jobs": [
                    {
                        "id": str(job.id),
                        "kind": job.kind,
                        "status": job.status,
                        "attempts": job.attempts,
                        "error": job.error,
                        "notices": list(job.notices),
                        "finished_at": job.finished_at.timestamp() if job.finished_at else None,
                        "renditions": job.renditions.count(),
                        "usage_rows": UsageMetric.objects.filter(
                            action="render", metadata__job=str(job.id)
                        ).count(),
                    }
                    for job in project_jobs
                ]
            }
            for project, project_jobs in by_project.items()
        },
    }


def _project_finished(jobs: list[Any], *, render: bool) -> bool:
    from animagenius.studio.models import RenderJob

    if not jobs or any(job.status not in RenderJob.FINISHED for job in jobs):
        return False
    script_done = any(
        job.kind == RenderJob.Kind.SCRIPT and job.status == RenderJob.Status.DONE for job in jobs
    )
    has_render = any(job.kind == RenderJob.Kind.RENDER for job in jobs)
    return not (render and script_done and not has_render)  # its render job is still to come


if __name__ == "__main__":
    sys.exit(main())
