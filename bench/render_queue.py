"""The render queue with real Celery worker processes: crashes, and throughput (issue 7's figures).

Each part runs in a child process of its own, on a database, broker, caches and work directory of its own:
a temporary SQLite file and the filesystem broker by default, or PostgreSQL and Redis with `--postgres-redis`
(a database `animagenius_bench_<pid>_<part>`, created and dropped; the Redis queue is named per part).

1. `kill`: KILL_JOBS render jobs (a short Markdown article each, 720p, made from its draft at once), one at
   a time on one worker. Once a job's worker process is encoding, that process gets SIGKILL, as from the OOM
   killer. Per job: seconds from the kill until the job runs again and until it is done. Checked: every job
   ends `done`, exactly once (one video, one usage row), its work directory is gone and no partial segment
   is left in the cache.
2. `throughput`: THROUGHPUT_JOBS such jobs through one worker process, then (from empty caches) through two:
   seconds until all are done, jobs a minute, and the ratio two / one.

3. `fanout`: one long render (a FANOUT_SCENES-scene article, 1080p, drafted and rendered at once) through one
   worker, then (from empty caches) through two, where the second worker helps with the video's segments
   (studio/jobs/farm.py): seconds from submission to done and of the "rendering video" stage, the ratio
   one / two, and how many runs each worker rendered (the job's `segments` log line).

Run: `.venv/bin/python bench/render_queue.py [--postgres-redis] [--only kill|throughput|fanout] [--json F]`
(~15 min). Exits 1 when a check fails or a bar is missed (kill: 10/10 done exactly once, no leftovers;
throughput ≥ 1.8× with two workers). The fan-out figures have no bar.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.processes: the tests' own process starters and /proc readers
from tests.processes import postgres_database_create, postgres_database_drop, process_stop  # noqa: E402

KILL_JOBS, THROUGHPUT_JOBS, FANOUT_SCENES = 10, 20, 8
THROUGHPUT_BAR = 1.8
JOB_TIMEOUT_S = 600
REDIS = "redis://127.0.0.1:6379/0"


def article(number: int) -> str:
    """A short article, different for every job, so no cache serves one job from another's work."""
    return (
        f"# Harbour log {number}\n\n"
        f"Ship {number} came in with the morning tide and tied up at berth {number % 7 + 1}.\n"
        f"The crew unloaded {number * 13 + 40} crates of apples before noon.\n\n"
        f"## Leaving\n\nBy evening ship {number} had taken on water and sailed for the northern islands.\n"
    )


# ---------------------------------------------------------------- the parent: one child per part


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres-redis", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--only", choices=("kill", "throughput", "fanout"), help="run one part")
    parser.add_argument(
        "--cores-per-worker",
        type=int,
        default=0,
        help="pin worker i to cores i×N … i×N+N−1 (as if each were a machine of N cores); 0: no pinning",
    )
    parser.add_argument("--part", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        return _child(args.part, workers=args.workers)
    figures: dict[str, Any] = {"backend": "postgres+redis" if args.postgres_redis else "sqlite+filesystem",
                               "cores_per_worker": args.cores_per_worker or "all"}  # fmt: skip
    os.environ["BENCH_CORES_PER_WORKER"] = str(args.cores_per_worker)
    if args.only in (None, "kill"):
        figures["kill"] = _part("kill", 1, postgres_redis=args.postgres_redis)
    if args.only in (None, "throughput"):
        one = _part("throughput", 1, postgres_redis=args.postgres_redis)
        two = _part("throughput", 2, postgres_redis=args.postgres_redis)
        ratio = round(one["seconds"] / two["seconds"], 3)
        figures["throughput"] = {"one_worker": one, "two_workers": two, "ratio": ratio}
    if args.only in (None, "fanout"):
        one = _part("fanout", 1, postgres_redis=args.postgres_redis)
        two = _part("fanout", 2, postgres_redis=args.postgres_redis)
        ratios = {key: round(one[key] / two[key], 3) for key in ("seconds", "render_s")}
        figures["fanout"] = {"one_worker": one, "two_workers": two, "ratio": ratios}
    bars = _bars(figures)
    _print(figures, bars)
    figures["bars"] = bars
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if all(bars.values()) else 1


def _part(part: str, workers: int, *, postgres_redis: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"bench-queue-{part}-") as folder:
        queue = f"bench-{os.getpid()}-{part}-{workers}"
        env = {**os.environ, "ANIMAGENIUS_VAR_DIR": folder, "RENDER_QUEUE": queue,
               "DJANGO_SETTINGS_MODULE": "animagenius.config.settings.local", "DEBUG": "false"}  # fmt: skip
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        database = f"animagenius_bench_{os.getpid()}_{part}_{workers}"
        if postgres_redis:
            env |= {"DATABASE_URL": postgres_database_create(database), "REDIS_URL": REDIS}
        try:
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
            )
            done = subprocess.run(
                [sys.executable, __file__, "--part", part, "--workers", str(workers)],
                cwd=ROOT, env=env, check=False, capture_output=True, text=True,
            )  # fmt: skip
        finally:
            if postgres_redis:
                postgres_database_drop(database)
        if done.returncode != 0:
            raise RuntimeError(f"part {part} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _bars(figures: dict[str, Any]) -> dict[str, bool]:
    bars = {}
    if "kill" in figures:
        kill = figures["kill"]
        bars[f"kill -9: {KILL_JOBS}/{KILL_JOBS} jobs done exactly once"] = kill["done_once"] == KILL_JOBS
        bars["kill -9: no work directory or partial segment left"] = not kill["leftovers"]
    if "throughput" in figures:
        bars[f"two workers ≥ {THROUGHPUT_BAR}× one"] = figures["throughput"]["ratio"] >= THROUGHPUT_BAR
    return bars


def _print(figures: dict[str, Any], bars: dict[str, bool]) -> None:
    pinned = figures["cores_per_worker"]
    print(f"# queue benchmark, {os.cpu_count()} cores ({pinned} a worker), {figures['backend']}\n")
    if "kill" in figures:
        kill = figures["kill"]
        print("| job | kill → running again s | kill → done s | attempts |\n|---|---:|---:|---:|")
        for number, job in enumerate(kill["jobs"], 1):
            print(f"| {number} | {job['restarted_s']:.2f} | {job['done_s']:.2f} | {job['attempts']} |")
        leftovers = kill["leftovers"] or "none"
        print(f"\ndone exactly once: {kill['done_once']}/{KILL_JOBS}; leftovers: {leftovers}\n")
    if "throughput" in figures:
        throughput = figures["throughput"]
        print("| workers | jobs | seconds | jobs a minute |\n|---|---:|---:|---:|")
        for label, run in (("1", throughput["one_worker"]), ("2", throughput["two_workers"])):
            print(f"| {label} | {run['jobs']} | {run['seconds']:.1f} | {run['per_minute']:.2f} |")
        print(f"\ntwo workers / one: {throughput['ratio']:.2f}×\n")
    if "fanout" in figures:
        fanout = figures["fanout"]
        print("| workers | video s | submit → done s | rendering video s | runs by worker |")
        print("|---|---:|---:|---:|---|")
        for label, run in (("1", fanout["one_worker"]), ("2", fanout["two_workers"])):
            print(f"| {label} | {run['video_s']:.1f} | {run['seconds']:.1f} | {run['render_s']:.1f} | "
                  f"{run['segments'] or 'not shared'} |")  # fmt: skip
        ratio = fanout["ratio"]
        seconds, rendering = ratio["seconds"], ratio["render_s"]
        print(f"\none worker / two: {seconds:.2f}× submit → done, {rendering:.2f}× rendering\n")
    for name, passed in bars.items():
        print(f"- {name}: {'pass' if passed else 'FAIL'}")


# ---------------------------------------------------------------- a child: Django, workers, jobs


def _child(part: str, *, workers: int) -> int:
    import django

    django.setup()
    processes = [_start_worker(number) for number in range(workers)]
    try:
        parts = {"kill": lambda: _kill_part(processes[0]), "throughput": lambda: _throughput_part(workers),
                 "fanout": lambda: _fanout_part(workers)}  # fmt: skip
        result = parts[part]()
    finally:
        for process in processes:
            process_stop(process)
    print(json.dumps(result))
    return 0


def _start_worker(number: int) -> subprocess.Popen[bytes]:
    from django.conf import settings

    from animagenius.studio.jobs.watch import descendants
    from tests.processes import celery_worker_start

    log = Path(settings.VAR_DIR) / f"worker-{number}.log"
    hostname = f"bench-{number}-{os.getpid()}@%h"
    process = celery_worker_start(queue=settings.RENDER_QUEUE, hostname=hostname, log=log, cwd=ROOT)
    per_worker = int(os.environ.get("BENCH_CORES_PER_WORKER", "0"))
    if per_worker:  # the worker, its pool process, and (inherited) every encoder they start
        first = number * per_worker
        cores = {core % (os.cpu_count() or 1) for core in range(first, first + per_worker)}
        for pid in {process.pid, *descendants(process.pid)}:
            os.sched_setaffinity(pid, cores)
    return process


def _submit(owner: Any, number: int, *, text: str = "", resolution: str = "720p", duration: int = 30) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from animagenius.pipeline.video import RenderOptions
    from animagenius.studio import services
    from animagenius.studio.jobs.queue import script_job_create

    project = services.project_create(
        owner=owner,
        title="",
        options=RenderOptions.read(aspect="16:9", resolution=resolution, target_duration_s=duration),
        uploads=[SimpleUploadedFile(f"harbour-{number}.md", (text or article(number)).encode())],
    )
    script_job_create(project=project, render_after=True)
    return project


def _owner() -> Any:
    from animagenius.accounts.models import User

    return User.objects.create_user(f"bench-{time.time_ns()}@example.com", "bench-passphrase-long-enough",
                                    subscription_tier="enterprise")  # fmt: skip


def _render_job(project: Any) -> Any:
    from animagenius.studio.models import RenderJob

    return RenderJob.objects.filter(project=project, kind=RenderJob.Kind.RENDER).first()


def _kill_part(worker: subprocess.Popen[bytes]) -> dict[str, Any]:
    from django.conf import settings

    from animagenius.billing.models import UsageMetric
    from animagenius.studio.models import RenderJob
    from tests.processes import pool_process, running_ffmpegs

    owner, jobs = _owner(), []
    for number in range(KILL_JOBS):
        project = _submit(owner, number)
        deadline = time.monotonic() + JOB_TIMEOUT_S
        while time.monotonic() < deadline:
            job = _render_job(project)
            if job is not None and job.status == RenderJob.Status.RUNNING and running_ffmpegs(worker.pid):
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"job {number} never reached its render's encoding")
        os.kill(pool_process(worker.pid), signal.SIGKILL)
        killed = time.monotonic()
        restarted_s = None
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if restarted_s is None and job.attempts >= 2 and job.status == RenderJob.Status.RUNNING:
                restarted_s = time.monotonic() - killed
            if job.is_finished:
                break
            time.sleep(0.05)
        jobs.append({"job": str(job.id), "status": job.status, "attempts": job.attempts,
                     "restarted_s": restarted_s or 0.0, "done_s": time.monotonic() - killed})  # fmt: skip
    done_once = sum(
        1
        for entry in jobs
        if entry["status"] == RenderJob.Status.DONE
        and RenderJob.objects.get(id=entry["job"]).renditions.count() == 1
        and UsageMetric.objects.filter(action="render", metadata__job=entry["job"]).count() == 1
    )
    leftovers = (
        [str(path) for path in Path(settings.RENDER_WORKDIR).glob("*")]
        if Path(settings.RENDER_WORKDIR).exists()
        else []
    )
    leftovers += [str(path) for path in Path(settings.SEGMENT_CACHE_DIR).glob("*.partial*")]
    return {"jobs": jobs, "done_once": done_once, "leftovers": leftovers}


def _throughput_part(workers: int) -> dict[str, Any]:
    from animagenius.studio.models import RenderJob

    owner = _owner()
    started = time.monotonic()
    projects = [_submit(owner, number) for number in range(THROUGHPUT_JOBS)]
    deadline = started + JOB_TIMEOUT_S * 2
    while time.monotonic() < deadline:
        renders = [_render_job(project) for project in projects]
        if all(job is not None and job.is_finished for job in renders):
            break
        time.sleep(0.5)
    seconds = time.monotonic() - started
    done = RenderJob.objects.filter(kind=RenderJob.Kind.RENDER, status=RenderJob.Status.DONE).count()
    if done != THROUGHPUT_JOBS:
        raise RuntimeError(f"{done} of {THROUGHPUT_JOBS} renders done with {workers} worker(s)")
    return {"workers": workers, "jobs": done, "seconds": round(seconds, 2),
            "per_minute": round(done / seconds * 60, 2)}  # fmt: skip


def _fanout_part(workers: int) -> dict[str, Any]:
    from animagenius.studio.models import FileProcessingLog, RenderJob

    text = "# The harbour year\n\n" + "".join(f"{article(number)}\n" for number in range(FANOUT_SCENES))
    started = time.monotonic()
    project = _submit(_owner(), 0, text=text, resolution="1080p", duration=120)
    rendering_at = None
    deadline = started + JOB_TIMEOUT_S * 2
    while time.monotonic() < deadline:
        job = _render_job(project)
        if job is not None and rendering_at is None and job.stage == "rendering video":
            rendering_at = time.monotonic()
        if job is not None and job.is_finished:
            break
        time.sleep(0.1)
    seconds = time.monotonic() - started
    if job is None or job.status != RenderJob.Status.DONE:
        raise RuntimeError(f"the long render did not finish with {workers} worker(s): {job and job.error}")
    log = FileProcessingLog.objects.filter(render_job=job, step="segments").first()
    return {"workers": workers, "video_s": job.video_s, "seconds": round(seconds, 2),
            "render_s": round(time.monotonic() - (rendering_at or started), 2),
            "segments": log.message if log else ""}  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
