"""Cancelling a running render: how soon its encoder stops and its files go (issue 19's figure; the tests
only hold it to 15 s so they pass on a loaded machine).

Everything runs on a database, broker, caches and work directory of its own: a temporary SQLite file and the
filesystem broker by default, or with `--postgres-redis` a fresh PostgreSQL database
(`animagenius_bench_cancel_<pid>`, created and dropped) and Redis (a queue named for the run). The site runs
under gunicorn and one real `celery worker` process (prefork, concurrency 1), as `make run` starts them.

2×N long renders (default N = 8), one at a time, each submitted through POST /api/v1/projects for an
enterprise account: a Markdown article of seven parts, different for every job (so no cache serves one job
from another's work), 1080p, 120 s, rendered at once. Once the job's stage is "rendering video" and the
worker has an ffmpeg child that has run for SETTLE_S:

- odd jobs (1, 3, …): cancelled through POST /api/v1/jobs/<id>/cancel, as the page and a script do. From
  the moment the request is sent: seconds until the API answers (the row says cancelled), until no ffmpeg is
  left below the worker (the first look, every POLL_S, that finds none after the last that found one, up to
  the moment the job's code has given up: a gap between two encoders of the same render is not the end),
  and until the row says cancelled and the job's work directory is gone (removed when the job's code ends).
  Also counted: the ffmpegs the worker started after the cancel.
- even jobs (the reference, same worker, same kind of encoder, same moment of the render): the bench sends
  SIGTERM to the worker's ffmpegs itself, the floor this machine allows for stopping that encoder. Seconds
  until those ffmpegs have ended. The job is then cancelled through the API (the worker had queued it for a
  retry) and the bench waits until it has ended before the next job.

The two kinds alternate, so both see the same load. Reported: per job, the median and max of each figure,
and the ratio of the cancels' medians to the reference median. Checked at the end: every cancelled job ended
`cancelled` without an error or a video, its project back to review, the worker logged "stopped: cancelled",
no work directory or partial segment is left, and the web server and worker still run.

Bars (an idle machine; the tests allow 15 s): cancel → no encoder, and cancel → row cancelled and work
directory gone: median ≤ 2 s, max ≤ 4 s; and the checks above.

Run: `.venv/bin/python bench/cancel.py [--jobs N] [--postgres-redis] [--json F]` (~1 min a job pair on 2
cores). Exits 1 when a bar fails.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.processes: the tests' own process starters and /proc readers
from tests.processes import (  # noqa: E402
    celery_worker_start,
    free_port,
    postgres_database_create,
    postgres_database_drop,
    running_ffmpegs,
    web_server_start,
)

JOBS = 8  # cancelled through the API; as many again stopped with SIGTERM for the reference
MEDIAN_BAR_S, MAX_BAR_S = 2.0, 4.0
JOB_TIMEOUT_S = 600  # submission → encoding
ENDED_TIMEOUT_S = 60  # stop → everything gone; past it the job counts as not stopped
SETTLE_S = 0.5  # the encoder has run this long when it is stopped: mid-encode, not starting
POLL_S = 0.01
HTTP_TIMEOUT_S = 30.0
REDIS = "redis://127.0.0.1:6379/0"
PASSPHRASE = "bench-passphrase-long-enough"


def article(number: int) -> str:
    """A two-minute article of seven parts, different for every job."""
    parts = "".join(
        f"## Stretch {part}\n\nRiver {number} carries sand from the hills to the sea, stretch {part} of "
        f"{number + 6}.\nWhere it slows down, the sand settles and builds {part * 3 + number} acres of new "
        "land at the mouth.\n\n"
        for part in range(1, 8)
    )
    return f"# River {number}\n\n{parts}"


# ---------------------------------------------------------------- the parent: a child on its own backend


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=JOBS, help="renders cancelled (as many again: reference)")
    parser.add_argument("--postgres-redis", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep-logs", type=Path, help="copy the worker's and the web server's logs here")
    parser.add_argument("--part", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.part:
        return _child(jobs=args.jobs)
    figures: dict[str, Any] = {
        "backend": "postgres+redis" if args.postgres_redis else "sqlite+filesystem",
        "cores": os.cpu_count(),
        "load_before": [round(load, 2) for load in os.getloadavg()],
    }
    figures |= _run(jobs=args.jobs, postgres_redis=args.postgres_redis, keep_logs=args.keep_logs)
    figures["load_after"] = [round(load, 2) for load in os.getloadavg()]
    figures["summary"] = _summary(figures["jobs"])
    bars = _bars(figures)
    _print(figures, bars)
    figures["bars"] = bars
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if all(bars.values()) else 1


def _run(*, jobs: int, postgres_redis: bool, keep_logs: Path | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-cancel-") as folder:
        env = {**os.environ, "ANIMAGENIUS_VAR_DIR": folder, "RENDER_QUEUE": f"bench-cancel-{os.getpid()}",
               "DJANGO_SETTINGS_MODULE": "animagenius.config.settings.local", "DEBUG": "false",
               # the bench's client is not what is measured
               "API_RATE_LIMIT": "100000/min", "PROJECT_CREATE_RATE_LIMIT": "100000/min"}  # fmt: skip
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        database = f"animagenius_bench_cancel_{os.getpid()}"
        if postgres_redis:
            env |= {"DATABASE_URL": postgres_database_create(database), "REDIS_URL": REDIS}
        try:
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
            )
            done = subprocess.run(
                [sys.executable, __file__, "--part", "--jobs", str(jobs)],
                cwd=ROOT, env=env, check=False, stdout=subprocess.PIPE, text=True,
            )  # its progress and errors go to stderr, as they happen  # fmt: skip
        finally:
            if postgres_redis:
                postgres_database_drop(database)
            if keep_logs:
                keep_logs.mkdir(parents=True, exist_ok=True)
                for log in Path(folder).glob("*.log"):
                    shutil.copy(log, keep_logs / log.name)
    if done.returncode != 0:
        raise RuntimeError(f"the run failed (exit {done.returncode}):\n{done.stdout[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def _summary(jobs: list[dict[str, Any]]) -> dict[str, Any]:
    cancels = [job for job in jobs if job["method"] == "cancel"]
    references = [job for job in jobs if job["method"] == "sigterm"]
    reference = _median([job["encoder_gone_s"] for job in references if job["encoder_gone_s"] is not None])
    summary: dict[str, Any] = {"reference_median_s": reference,
                               "reference_max_s": max((job["encoder_gone_s"] or 0 for job in references),
                                                      default=None)}  # fmt: skip
    for key in ("answered_s", "encoder_gone_s", "cleaned_s"):
        values = [job[key] for job in cancels]
        stopped = [value for value in values if value is not None]
        median = _median(stopped) if len(stopped) == len(values) else None  # one that never stopped: none
        summary[key] = {
            "median_s": median,
            "max_s": max(stopped) if len(stopped) == len(values) and stopped else None,
            "ratio": round(median / reference, 2) if median is not None and reference else None,
        }
    return summary


def _bars(figures: dict[str, Any]) -> dict[str, bool]:
    summary, checks = figures["summary"], figures["checks"]
    bars = {}
    for key, label in (("encoder_gone_s", "no encoder"), ("cleaned_s", "row cancelled and work dir gone")):
        median, longest = summary[key]["median_s"], summary[key]["max_s"]
        bars[f"cancel → {label}: median ≤ {MEDIAN_BAR_S:g} s"] = median is not None and median <= MEDIAN_BAR_S
        bars[f"cancel → {label}: max ≤ {MAX_BAR_S:g} s"] = longest is not None and longest <= MAX_BAR_S
    cancels = sum(job["method"] == "cancel" for job in figures["jobs"])
    bars[f"every cancelled job ended cancelled, no error, no video ({checks['ended_right']}/{cancels})"] = (
        checks["ended_right"] == cancels
    )
    bars["no work directory or partial segment left"] = not checks["leftovers"]
    bars["web server and worker still running"] = checks["web_alive"] and checks["worker_alive"]
    return bars


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _print(figures: dict[str, Any], bars: dict[str, bool]) -> None:
    before, after = figures["load_before"], figures["load_after"]
    loads = f"{', '.join(map(str, before))} before, {', '.join(map(str, after))} after"
    print(f"# cancel benchmark, {figures['cores']} cores, {figures['backend']}; load average (1, 5, 15 min) "
          f"{loads}\n")  # fmt: skip
    print("| job | stopped by | encoders | started after | load 1 min | API answered s | → no encoder s "
          "| → row cancelled + work dir gone s |\n|---:|---|---:|---:|---:|---:|---:|---:|")  # fmt: skip
    for job in figures["jobs"]:
        how = "cancel (API)" if job["method"] == "cancel" else "SIGTERM (reference)"
        after = "—" if job["started_after"] is None else job["started_after"]
        print(f"| {job['number']} | {how} | {job['encoders']} | {after} | {job['load']:.2f} | "
              f"{_seconds(job['answered_s'])} | {_seconds(job['encoder_gone_s'])} | "
              f"{_seconds(job['cleaned_s'])} |")  # fmt: skip
    summary = figures["summary"]
    median, longest = _seconds(summary["reference_median_s"]), _seconds(summary["reference_max_s"])
    print(f"\nreference (SIGTERM → those encoders ended): median {median} s, max {longest} s\n")
    print("| cancel → | median s | max s | median / reference median |\n|---|---:|---:|---:|")
    for key, label in (("answered_s", "API answered (row cancelled)"), ("encoder_gone_s", "no encoder"),
                       ("cleaned_s", "row cancelled + work dir gone")):  # fmt: skip
        entry = summary[key]
        ratio = "—" if entry["ratio"] is None else f"{entry['ratio']:.2f}×"
        print(f"| {label} | {_seconds(entry['median_s'])} | {_seconds(entry['max_s'])} | {ratio} |")
    checks = figures["checks"]
    print(f"\nleftovers: {checks['leftovers'] or 'none'}\n")
    for name, passed in bars.items():
        print(f"- {name}: {'pass' if passed else 'FAIL'}")
    if not all(bars.values()):
        print(f"\n## end of the worker log\n\n{checks['worker_log']}")


# ---------------------------------------------------------------- the child: Django, the site, the worker


def _child(*, jobs: int) -> int:
    import django

    django.setup()
    from django.conf import settings

    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
    folder = Path(settings.VAR_DIR)
    env = dict(os.environ)
    worker = celery_worker_start(
        queue=settings.RENDER_QUEUE, hostname=f"bench-cancel-{os.getpid()}@%h", log=folder / "worker.log",
        cwd=ROOT, env=env, new_session=True,
    )  # fmt: skip
    web = None
    try:
        port = free_port()
        web = web_server_start(port=port, log=folder / "web.log", cwd=ROOT, env=env, new_session=True)
        result = _Bench(base=f"http://127.0.0.1:{port}", worker=worker).run(jobs)
        result["checks"]["web_alive"] = web.poll() is None
        result["checks"]["worker_alive"] = worker.poll() is None
        result["checks"]["worker_log"] = (folder / "worker.log").read_text(errors="replace")[-4000:]
    finally:
        for process in (worker, web):
            if process is not None:
                _stop(process)
    print(json.dumps(result))
    return 0


def _stop(process: subprocess.Popen[bytes], grace_s: float = 20) -> None:
    """SIGTERM, then SIGKILL to the process group it leads (its pool process and its ffmpegs)."""
    if process.poll() is None:
        process.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace_s)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class _Bench:
    def __init__(self, *, base: str, worker: subprocess.Popen[bytes]) -> None:
        import httpx
        from django.conf import settings

        from animagenius.accounts.models import User
        from animagenius.api.services import api_key_create

        owner = User.objects.create_user(
            f"bench-cancel-{time.time_ns()}@example.com", PASSPHRASE, subscription_tier="enterprise"
        )
        token = api_key_create(owner=owner, name="cancel bench").token
        self.client = httpx.Client(
            base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=HTTP_TIMEOUT_S
        )
        self.worker = worker
        self.workdir = Path(settings.RENDER_WORKDIR)
        self.segments = Path(settings.SEGMENT_CACHE_DIR)
        self.cancelled: list[tuple[str, str]] = []  # (project, job)

    def run(self, jobs: int) -> dict[str, Any]:
        rows = []
        for number in range(1, 2 * jobs + 1):
            method = "cancel" if number % 2 else "sigterm"
            project, job = self._until_encoding(number)
            row = self._cancel(job) if method == "cancel" else self._sigterm(job)
            row |= {"number": number, "method": method, "project": project, "job": job}
            rows.append(row)
            if method == "cancel":
                self.cancelled.append((project, job))
            _say(f"job {number} ({method}): {json.dumps(row)}")
            self._until_ended(job)
        checks = self._checks()
        self.client.close()
        return {"jobs": rows, "checks": checks}

    def _until_encoding(self, number: int) -> tuple[str, str]:
        """Submit job `number`; its project and render job ids once the worker's encoder has run SETTLE_S."""
        fields = {"text": article(number), "duration": "120", "resolution": "1080p", "review": "false"}
        created = self.client.post("/projects", data=fields)
        if created.status_code != 201:
            raise RuntimeError(f"job {number}: submission answered {created.status_code}: {created.text}")
        project = str(created.json()["id"])
        deadline = time.monotonic() + JOB_TIMEOUT_S
        encoders: set[int] = set()
        seen_at = 0.0
        while time.monotonic() < deadline:
            job = _latest_job(project)
            if job is not None and job.is_finished:
                raise RuntimeError(
                    f"job {number} ended ({job.status}) before its encoder was stopped: {job.error}"
                )
            running = set(running_ffmpegs(self.worker.pid))
            encoding = job is not None and job.kind == "render" and job.stage == "rendering video"
            if not (encoding and running):
                encoders = set()
            elif not running & encoders:
                encoders, seen_at = running, time.monotonic()
            elif time.monotonic() - seen_at >= SETTLE_S:
                assert job is not None
                return project, str(job.id)
            time.sleep(0.05)
        raise RuntimeError(f"job {number} did not reach its encoding within {JOB_TIMEOUT_S} s")

    def _cancel(self, job: str) -> dict[str, Any]:
        """Cancel through the API, in a thread of its own, while this one watches the encoders and files.
        "No encoder left" is the first look that finds none after the last that found one, up to when the
        job's code has given up (its work directory is removed last): a moment between two encoders of the
        same render is not the end."""
        workdir = self.workdir / job
        at_cancel = set(running_ffmpegs(self.worker.pid))
        seen = set(at_cancel)
        answer: dict[str, Any] = {}

        def post() -> None:
            response = self.client.post(f"/jobs/{job}/cancel")
            answer.update(at=time.monotonic(), status=response.status_code, body=response.json())

        asked, asked_at = time.monotonic(), time.time()
        poster = threading.Thread(target=post)
        poster.start()
        encoder_gone_s = workdir_gone_s = None
        while time.monotonic() - asked < ENDED_TIMEOUT_S:
            now = time.monotonic()
            running = running_ffmpegs(self.worker.pid)
            if running:
                seen.update(running)
                encoder_gone_s = None
            elif encoder_gone_s is None:
                encoder_gone_s = now - asked
            if workdir_gone_s is None and not workdir.exists():
                workdir_gone_s = now - asked
            if encoder_gone_s is not None and workdir_gone_s is not None:
                break
            time.sleep(POLL_S)
        poster.join()
        said_cancelled = answer["status"] == 200 and answer["body"].get("status") == "cancelled"
        if not said_cancelled:
            _say(f"job {job}: the cancel answered {answer['status']} {answer['body']}")
        answered_s = answer["at"] - asked if said_cancelled else None
        cleaned_s = (
            max(answered_s, workdir_gone_s) if answered_s is not None and workdir_gone_s is not None else None
        )
        return {"encoders": len(at_cancel), "started_after": len(seen - at_cancel),
                "load": os.getloadavg()[0], "at": asked_at, "answered_s": _round(answered_s),
                "encoder_gone_s": _round(encoder_gone_s), "cleaned_s": _round(cleaned_s)}  # fmt: skip

    def _sigterm(self, job: str) -> dict[str, Any]:
        """The reference: SIGTERM to the worker's ffmpegs from here; seconds until they have ended."""
        encoders = set(running_ffmpegs(self.worker.pid))
        signalled, signalled_at = time.monotonic(), time.time()
        for pid in encoders:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        gone_s = None
        while time.monotonic() - signalled < ENDED_TIMEOUT_S:
            now = time.monotonic()
            if not encoders & set(running_ffmpegs(self.worker.pid)):
                gone_s = now - signalled
                break
            time.sleep(POLL_S)
        # the worker queued the job for a retry (the encoder was stopped from outside): end it here
        response = self.client.post(f"/jobs/{job}/cancel")
        if response.status_code not in (200, 409):
            raise RuntimeError(f"job {job}: the cancel after the reference answered {response.status_code}")
        return {"encoders": len(encoders), "started_after": None, "load": os.getloadavg()[0],
                "at": signalled_at, "answered_s": None,
                "encoder_gone_s": _round(gone_s), "cleaned_s": None}  # fmt: skip

    def _until_ended(self, job: str) -> None:
        """Until the job has ended, the worker runs no ffmpeg and its work directory is gone."""
        deadline = time.monotonic() + ENDED_TIMEOUT_S
        while time.monotonic() < deadline:
            from animagenius.studio.models import RenderJob

            ended = RenderJob.objects.get(id=job).is_finished
            if ended and not running_ffmpegs(self.worker.pid) and not (self.workdir / job).exists():
                return
            time.sleep(0.2)
        _say(f"job {job} had not ended {ENDED_TIMEOUT_S} s after it was stopped")

    def _checks(self) -> dict[str, Any]:
        from django.conf import settings

        log = (Path(settings.VAR_DIR) / "worker.log").read_text(errors="replace")
        ended_right = 0
        for project_id, job_id in self.cancelled:
            project = self.client.get(f"/projects/{project_id}").json()
            job = project["job"]
            ended_right += (
                job["id"] == job_id
                and job["status"] == "cancelled"
                and job["error"] == ""
                and project["renditions"] == []
                and project["status"] == "review"
                and f"render job {job_id} stopped: cancelled" in log
            )
        leftovers = [str(path) for path in self.workdir.glob("*")] if self.workdir.exists() else []
        leftovers += (
            [str(path) for path in self.segments.glob("*.partial*")] if self.segments.exists() else []
        )
        return {"ended_right": ended_right, "leftovers": leftovers}


def _latest_job(project: str) -> Any:
    """The project's latest job, read from the database (polling through the API would meet its rate
    limit, and add its own load to what is measured)."""
    from animagenius.studio.models import RenderJob

    return RenderJob.objects.filter(project_id=project).order_by("-created_at").first()


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


if __name__ == "__main__":
    sys.exit(main())
