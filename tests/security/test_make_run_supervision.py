"""`make run` looks after what it starts (issue 19, item 7): a killed render worker is logged and restarted
while the site keeps answering, nothing it started (Celery's pool, beat) is left running behind it; a child
that keeps dying stops everything with a message saying which; and once stopped, no process is left.

The processes are read from Linux /proc: every process `make run` started carries its own var folder in its
environment, whichever process group it ended up in."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.security.conftest import MakeRun, make_run_started

pytestmark = pytest.mark.slow

WORKER = "the render worker (celery, with beat)"
RESTART_WITHIN_S = 120  # a restart after 1 s, then Celery's start-up (~5 s idle) on a loaded machine


def _stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat's fields after the command name (state, ppid, pgrp, …); None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2 :].split()


def alive(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def started_by(running: MakeRun) -> set[int]:
    """Every live process whose environment names this `make run`'s var folder (make itself included)."""
    marker = f"ANIMAGENIUS_VAR_DIR={running.var}".encode()
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0") and alive(int(entry.name)):
            found.add(int(entry.name))
    return found


def children_of(parent: int, among: set[int]) -> set[int]:
    return {pid for pid in among if (fields := _stat(pid)) is not None and int(fields[1]) == parent}


def worker_of(running: MakeRun, *, not_pid: int = 0, timeout_s: float = RESTART_WITHIN_S) -> int:
    """The Celery worker's main process `make run` started (other than `not_pid`), once its pool and beat
    run."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        processes = started_by(running)
        for localrun in (pid for pid in processes if "animagenius.config.localrun" in cmdline(pid)):
            for pid in children_of(localrun, processes) - {not_pid}:
                if " worker " in cmdline(pid) and len(children_of(pid, processes)) >= 2:  # pool and beat
                    return pid
        time.sleep(0.5)
    raise AssertionError(f"no render worker with its pool and beat within {timeout_s} s")


def site_answers(running: MakeRun) -> bool:
    """The site answers (production settings: a redirect to https, which no proxy terminates here)."""
    try:
        return httpx.get(f"http://127.0.0.1:{running.port}/accounts/login/", timeout=10).status_code < 500
    except httpx.TransportError:
        return False


def all_gone(pids: set[int], *, timeout_s: float = 30) -> set[int]:
    """Those of `pids` still alive after up to `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while (left := {pid for pid in pids if alive(pid)}) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def test_a_killed_worker_is_logged_and_restarted_while_the_site_answers_and_nothing_is_left(tmp_path: Path):
    with make_run_started(tmp_path) as (make, running):
        worker = worker_of(running)
        its_own = {worker, *children_of(worker, started_by(running))}  # the worker, its pool process, beat

        os.kill(worker, signal.SIGKILL)

        deadline = time.monotonic() + RESTART_WITHIN_S
        answered = []
        while "restarted " + WORKER not in running.output() and time.monotonic() < deadline:
            assert make.poll() is None, running.output()[-3000:]
            answered.append(site_answers(running))
            time.sleep(0.5)
        output = running.output()
        died = f"{WORKER} (pid {worker}) was killed by SIGKILL; restarting it in 1 s"
        assert died in output, output[-3000:]
        assert "restarted " + WORKER in output, output[-3000:]
        assert all(answered) and site_answers(running), answered  # the site never stopped
        assert all_gone(its_own) == set()  # no orphaned beat or pool process, still scheduling
        assert worker_of(running, not_pid=worker) != worker
        everything = started_by(running)
    assert "AnimaGenius stopped." in running.output(), running.output()[-3000:]
    assert all_gone(everything | started_by(running)) == set()


def test_a_child_that_keeps_dying_stops_everything_saying_which(tmp_path: Path):
    with socket.socket() as taken:  # the stream server's port is already in use: it cannot start
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        events_port = str(taken.getsockname()[1])
        with make_run_started(tmp_path, wait=False, EVENTS_PORT=events_port) as (make, running):
            try:
                make.wait(timeout=300)  # five crashes, 1 + 2 + 4 + 8 s apart
            except subprocess.TimeoutExpired:
                pytest.fail(f"`make run` did not give up:\n{running.output()[-3000:]}")
            output = running.output()
            left = all_gone(started_by(running))

    assert make.returncode != 0
    assert "the progress stream server (uvicorn)" in output and "exited with code" in output
    assert "5 times within 300 s" in output and "Stopping everything" in output, output[-3000:]
    assert "AnimaGenius stopped." in output
    assert left == set()
