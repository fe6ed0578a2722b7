"""What the security tests share: a proper production environment, `manage.py` in a process of its own, and
`make run` started as a person would start it on a server whose .env says production."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT
from tests.processes import free_port, process_stop

PRODUCTION = "animagenius.config.settings.production"
SITE_HOST = "animagenius.example.com"
MAKE_RUN_START_S = 300  # migrations on a fresh database, then three servers; seconds on an idle machine


def production_env(base: dict[str, str] | None = None, /, **overrides: str | None) -> dict[str, str]:
    """`base` (default: this process's environment) under production settings with what production needs:
    a strong SECRET_KEY, the site's host, a mail server; then `overrides` (None removes a variable)."""
    env = {
        name: value
        for name, value in (base or os.environ).items()
        # the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is no part of a deployment (check --deploy says so)
        if not name.startswith("EMAIL_") and name != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=f"{SITE_HOST},127.0.0.1",
        EMAIL_URL="smtp+tls://mailer:app-password@smtp.example.com:587",
        PAYPAL_MODE=os.environ.get("PAYPAL_MODE", "local"),  # production asks for it by name
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def manage(*args: str, env: dict[str, str], timeout_s: float = 120) -> subprocess.CompletedProcess[str]:
    """`manage.py <args>` in a process of its own, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout_s, check=False,
    )  # fmt: skip


@dataclass(frozen=True)
class MakeRun:
    """A running `make run`: its output so far, its web and stream ports, its own var folder."""

    log: Path
    port: int
    events_port: int
    var: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="session")
def make_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeRun]:
    """`make run` with a production .env's values (a strong key, a mail server) in the environment, on a fresh
    SQLite database and filesystem queue of its own, once its web and stream servers answer."""
    with make_run_started(tmp_path_factory.mktemp("make-run")) as (_, running):
        yield running


@contextlib.contextmanager
def make_run_started(
    folder: Path, *, wait: bool = True, **overrides: str
) -> Iterator[tuple[subprocess.Popen[bytes], MakeRun]]:
    """`make run` (see `make_run`) with its var folder in `folder` and `overrides` in its environment (PORT
    and EVENTS_PORT among them), once its web and stream servers answer (`wait`); stopped with Ctrl-C at the
    end. The venv is this test run's own (make is told it is up to date, and so are the Debian packages)."""
    var = folder / "var"
    log = folder / "make-run.log"
    base = {name: value for name, value in os.environ.items()
            if name not in ("DATABASE_URL", "REDIS_URL", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}  # fmt: skip
    env = production_env(
        base, ANIMAGENIUS_VAR_DIR=str(var), HOST="127.0.0.1", PORT=str(free_port()),
        EVENTS_PORT=str(free_port()), RENDER_QUEUE=f"make-run-{uuid.uuid4().hex[:8]}",
        BILLING_QUEUE=f"make-run-billing-{uuid.uuid4().hex[:8]}", PAYPAL_SIMULATOR_PORT=str(free_port()),
    )  # fmt: skip
    env.update(overrides)
    venv = Path(sys.executable).parent.parent
    stamp = venv / f".installed-{hashlib.md5((ROOT / 'pyproject.toml').read_bytes()).hexdigest()[:12]}"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            ["make", "--no-print-directory", f"VENV={venv}", "-o", str(stamp), "-o", "runtime-deps", "run"],
            env=env, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    running = MakeRun(log=log, port=int(env["PORT"]), events_port=int(env["EVENTS_PORT"]), var=var)
    try:
        if wait:
            _wait_for_servers(process, running)
        yield process, running
    finally:
        process_stop(process, timeout_s=60, group=True, first=signal.SIGINT)  # Ctrl-C for it and its children


def _wait_for_servers(process: subprocess.Popen[bytes], running: MakeRun) -> None:
    """Until both the web server and the stream server answer HTTP."""
    deadline = time.monotonic() + MAKE_RUN_START_S
    waiting = [running.port, running.events_port]
    while waiting and time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`make run` ended (exit {process.returncode}):\n{running.output()[-4000:]}")
        try:
            httpx.get(f"http://127.0.0.1:{waiting[0]}/", timeout=5)
            waiting.pop(0)
        except httpx.TransportError:
            time.sleep(0.5)
    if waiting:
        pytest.fail(f"`make run` did not serve within {MAKE_RUN_START_S} s:\n{running.output()[-4000:]}")
