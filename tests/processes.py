"""Celery worker and web server processes for the tests and the benches, what they run (read from Linux
/proc), and the PostgreSQL databases the benches run on. Importable before Django is set up (the benches
start their processes first)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

POSTGRES_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"  # this machine's server, trust auth


def process_stop(
    process: subprocess.Popen[bytes],
    *,
    timeout_s: float = 20,
    group: bool = False,
    first: signal.Signals = signal.SIGTERM,
) -> None:
    """Stop `process` and reap it: `first` (SIGTERM; SIGINT is Ctrl-C) to it, or with `group` to the process
    group it leads (one started with `start_new_session`), then up to `timeout_s` for it to end, then SIGKILL
    (with `group`: to whatever of the group is still there, even once its leader has ended)."""
    with contextlib.suppress(ProcessLookupError):
        if process.poll() is None:
            if group:
                os.killpg(process.pid, first)
            else:
                process.send_signal(first)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=timeout_s)
    with contextlib.suppress(ProcessLookupError):
        if group:
            os.killpg(process.pid, signal.SIGKILL)
        elif process.poll() is None:
            process.kill()
    process.wait(timeout=10)


def postgres_database_create(name: str) -> str:
    """A new, empty database `name`; its URL."""
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def postgres_database_drop(name: str) -> None:
    """Drop `name`, whoever is still connected to it."""
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def running_ffmpegs(pid: int) -> list[int]:
    """The ffmpeg processes below `pid` that have not ended (a killed one stays a zombie until reaped)."""
    from animagenius.studio.jobs.watch import descendants

    alive = []
    for child in descendants(pid):
        try:
            stat = Path(f"/proc/{child}/stat").read_text()
        except OSError:
            continue
        name, state = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2]
        if name.startswith("ffmpeg") and state != "Z":
            alive.append(child)
    return alive


def encoders_stop_s(*pids: int, since: float, quiet_s: float = 2.0, timeout_s: float = 60.0) -> float:
    """Seconds from `since` (a time.monotonic()) until the last ffmpeg below `pids` ended: the last sighting
    once none has been seen for `quiet_s` (a render starts its encoders one after another, so a single empty
    look may fall between two of them)."""
    last_seen = since
    while time.monotonic() - last_seen < quiet_s and time.monotonic() - since < timeout_s:
        if any(running_ffmpegs(pid) for pid in pids):
            last_seen = time.monotonic()
        time.sleep(0.05)
    return last_seen - since


def pool_process(worker_pid: int) -> int:
    """The one pool process of a `--concurrency 1` prefork worker: the process that runs its tasks."""
    children = {int(child) for task in Path(f"/proc/{worker_pid}/task").iterdir()
                for child in (task / "children").read_text().split()}  # fmt: skip
    if len(children) != 1:
        raise RuntimeError(f"worker {worker_pid} has {len(children)} pool processes, not 1")
    return children.pop()


def celery_worker_start(
    *,
    queue: str,
    hostname: str,
    log: Path,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout_s: float = 90,
    extra: Sequence[str] = (),
    new_session: bool = False,
    prefix: Sequence[str] = (),
) -> subprocess.Popen[bytes]:
    """A `celery worker` process (prefork, one pool process) consuming `queue`, once its log says it is ready;
    RuntimeError with the log's end if it does not get there. `extra`: more arguments (e.g. `--beat`);
    `new_session`: lead a process group of its own, so it can be killed with all it started; `prefix`: a
    command that runs the worker's (e.g. `unshare ...`), ending in a way to exec the arguments after it."""
    command = [
        *prefix,
        str(Path(sys.executable).parent / "celery"), "-A", "animagenius.config.celery", "worker",
        "-Q", queue, "--pool", "prefork", "--concurrency", "1", "--loglevel", "INFO",
        "--without-gossip", "--without-mingle", "--hostname", hostname, *extra,
    ]  # fmt: skip
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, env=env, stdout=sink, stderr=subprocess.STDOUT, cwd=cwd, start_new_session=new_session
        )
    deadline = time.monotonic() + timeout_s
    while " ready." not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process_stop(process, timeout_s=0, group=new_session)
            raise RuntimeError(f"the Celery worker did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)
    return process


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def web_server_start(
    *,
    port: int,
    log: Path,
    cwd: Path,
    env: dict[str, str],
    timeout_s: float = 60,
    extra: Sequence[str] = (),
    new_session: bool = False,
) -> subprocess.Popen[bytes]:
    """The site under gunicorn (as `make run` serves it) on 127.0.0.1:`port`."""
    command = [
        str(Path(sys.executable).parent / "gunicorn"), "animagenius.config.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4", "--log-level", "warning", *extra,
    ]  # fmt: skip
    return server_start(
        command, port=port, log=log, cwd=cwd, env=env, timeout_s=timeout_s, new_session=new_session
    )


def events_server_start(
    *, port: int, log: Path, cwd: Path, env: dict[str, str], timeout_s: float = 60
) -> subprocess.Popen[bytes]:
    """The progress stream server under uvicorn (as `make run` serves it) on 127.0.0.1:`port`."""
    command = [
        str(Path(sys.executable).parent / "uvicorn"), "animagenius.config.asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--lifespan", "off", "--no-access-log",
        "--log-level", "warning",
    ]  # fmt: skip
    return server_start(command, port=port, log=log, cwd=cwd, env=env, timeout_s=timeout_s)


def server_start(
    command: list[str],
    *,
    port: int,
    log: Path,
    cwd: Path,
    env: dict[str, str],
    timeout_s: float,
    new_session: bool = False,
) -> subprocess.Popen[bytes]:
    """`command` started, once it accepts connections on `port`; RuntimeError with its log's end if it
    does not get there."""
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, env=env, stdout=sink, stderr=subprocess.STDOUT, cwd=cwd, start_new_session=new_session
        )
    deadline = time.monotonic() + timeout_s
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        if process.poll() is not None or time.monotonic() > deadline:
            process_stop(process, timeout_s=0, group=new_session)
            raise RuntimeError(f"{command[0]} did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.1)
