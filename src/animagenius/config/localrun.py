"""`make run`: the web server, the progress stream server and one render worker (with the beat scheduler)
together. A child that dies is restarted after a backoff, the reason logged; one that keeps dying stops them
all. Ctrl-C stops them cleanly.

Each child leads a process group of its own, and stopping a child ends its whole group: whatever it started
(gunicorn's workers, Celery's pool and beat, an ffmpeg) goes with it, even when the child itself was killed
outright and left them behind."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from types import FrameType

from animagenius.billing.queue import DEFAULT_BILLING_QUEUE

HOST, PORT = os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "8000"))
EVENTS_PORT = int(os.environ.get("EVENTS_PORT", str(PORT + 1)))
STOP_GRACE_S = 10  # a child asked to stop (SIGTERM) gets this long before its whole group is killed
CRASH_LIMIT = 5  # a child dying this often within CRASH_WINDOW_S stops everything: restarting will not help
CRASH_WINDOW_S = 300
BACKOFF_FIRST_S, BACKOFF_MAX_S = 1.0, 30.0  # the wait before a restart doubles with each recent crash
POLL_S = 0.3
PAYPAL_SIMULATOR_PORT = int(os.environ.get("PAYPAL_SIMULATOR_PORT", "8790"))
WEB_THREADS = 32  # see web_command


def web_command(bin_dir: str, *, host: str = HOST, port: int = PORT) -> list[str]:
    """gunicorn serving the site. A thread of gthread's pool reads a request's body as it arrives, so each
    slow client holds one: 2 x 32 threads keep pages answering beside dozens of them (bench/slow_clients.py
    measures it); a deployment puts a buffering proxy in front (docs/deploy.md)."""
    return [
        f"{bin_dir}/gunicorn", "animagenius.config.wsgi:application",
        "--bind", f"{host}:{port}",
        "--workers", "2", "--worker-class", "gthread", "--threads", str(WEB_THREADS),
        "--timeout", "120",
        "--access-logfile", "-", "--log-level", "warning",
    ]  # fmt: skip


def _commands() -> dict[str, list[str]]:
    bin_dir = os.path.dirname(sys.executable)
    # live progress streams: async (one event loop holds every watcher), so not under gunicorn's threads
    events = [
        f"{bin_dir}/uvicorn", "animagenius.config.asgi:application",
        "--host", HOST, "--port", str(EVENTS_PORT),
        "--lifespan", "off", "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    queue = os.environ.get("RENDER_QUEUE", "render")
    worker = [
        f"{bin_dir}/celery", "-A", "animagenius.config.celery", "worker",
        "-Q", queue, "--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
        "--beat",  # the periodic reaper of jobs whose worker died (one beat for the whole deployment)
        "--schedule", os.path.join(os.environ.get("ANIMAGENIUS_VAR_DIR", "var"), "celerybeat-schedule"),
    ]  # fmt: skip
    billing = [
        f"{bin_dir}/celery", "-A", "animagenius.config.celery", "worker", "-n", "billing@%h",
        "-Q", os.environ.get("BILLING_QUEUE", DEFAULT_BILLING_QUEUE), "--pool", "solo", "--loglevel", "INFO",
        "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    commands = {
        "the web server (gunicorn)": web_command(bin_dir),
        "the progress stream server (uvicorn)": events,
        "the render worker (celery, with beat)": worker,
        "the billing worker (celery)": billing,
    }
    if _paypal_local():
        commands["the local PayPal simulator"] = simulator_command(sys.executable)
    return commands


def simulator_command(python: str) -> list[str]:
    """The local PayPal (docs/billing.md), posting its webhooks to this app; its state kept under var/."""
    return [
        python, "-m", "animagenius.billing.paypal_simulator",
        "--host", "127.0.0.1", "--port", str(PAYPAL_SIMULATOR_PORT),
        "--webhook-url", f"http://{HOST}:{PORT}/billing/paypal/webhook/",
        "--state", os.path.join(os.environ.get("ANIMAGENIUS_VAR_DIR", "var"), "paypal-simulator.json"),
    ]  # fmt: skip


def _paypal_local() -> bool:
    from animagenius.billing.paypal.settings import PayPalSettings

    return PayPalSettings.from_env(os.environ).mode == "local"


def _paypal_plans_sync() -> None:
    """Once the local PayPal answers: its product and plans, made or found (`manage.py paypal_sync_plans`)."""
    deadline = time.monotonic() + 20
    while not _port_answers("127.0.0.1", PAYPAL_SIMULATOR_PORT):
        if time.monotonic() > deadline:
            _say("the local PayPal simulator did not start; subscribing will not work (see its output above)")
            return
        time.sleep(POLL_S)
    sync = subprocess.run([sys.executable, "manage.py", "paypal_sync_plans"], capture_output=True, text=True)
    if sync.returncode != 0:
        _say(f"could not make the PayPal plans on the local simulator: {sync.stderr.strip()[-500:]}")
    else:
        _say(
            f"PayPal plans ready on the local simulator (http://127.0.0.1:{PAYPAL_SIMULATOR_PORT}/simulator/)"
        )


def _say(message: str) -> None:
    print(f"make run: {message}", flush=True)


def _end_with_parent() -> None:
    """In the child before it runs: SIGTERM when `make run` itself dies, even by SIGKILL (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Child:
    name: str
    command: list[str]
    process: subprocess.Popen[bytes] | None = None
    crashes: deque[float] = field(default_factory=deque)
    restart_at: float = 0.0

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, process_group=0, preexec_fn=_end_with_parent)

    def ended_within(self, grace_s: float) -> None:
        """Wait up to `grace_s` for the child (asked to stop) to end, then SIGKILL whatever is left of its
        group."""
        if self.process is None:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=grace_s)
        self.kill_group()

    def kill_group(self) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)

    def crashed(self, now: float) -> int:
        """Record a crash at `now`; how many crashes fall within the window."""
        self.crashes.append(now)
        while self.crashes and self.crashes[0] < now - CRASH_WINDOW_S:
            self.crashes.popleft()
        return len(self.crashes)


def _how_it_ended(code: int) -> str:
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"was killed by {signal.Signals(-code).name}"
        return f"was killed by signal {-code}"
    return f"exited with code {code}"


def _supervise(children: list[Child], stopping: list[bool]) -> int:
    """Until asked to stop (0) or a child keeps dying (1): restart children that die."""
    announced = False
    while not stopping:
        now = time.monotonic()
        for child in children:
            if child.process is None:
                if now >= child.restart_at:
                    child.start()
                    assert child.process is not None
                    _say(f"restarted {child.name} (pid {child.process.pid})")
                continue
            code = child.process.poll()
            if code is None:
                continue
            died = f"{child.name} (pid {child.process.pid}) {_how_it_ended(code)}"
            child.kill_group()  # what it started and left behind (Celery's pool and beat, an ffmpeg)
            child.process = None
            crashes = child.crashed(now)
            if crashes >= CRASH_LIMIT:
                _say(
                    f"{died}: {crashes} times within {CRASH_WINDOW_S} s, so restarting it will not help. "
                    "Stopping everything; its output above says what went wrong."
                )
                return 1
            wait_s = min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** (crashes - 1))
            _say(
                f"{died}; restarting it in {wait_s:.0f} s (crash {crashes} of the {CRASH_LIMIT} that stop "
                f"everything within {CRASH_WINDOW_S} s)"
            )
            child.restart_at = now + wait_s
        if not announced and _port_answers(HOST, PORT):
            print(f"\n  AnimaGenius is running at http://{HOST}:{PORT}  (Ctrl-C stops it)\n", flush=True)
            announced = True
        time.sleep(POLL_S)
    return 0


def _port_answers(host: str, port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((host, port)) == 0


def main() -> int:
    os.environ.setdefault("EVENTS_URL", f"http://{HOST}:{EVENTS_PORT}")  # the pages' stream address
    os.environ.setdefault("SITE_ORIGINS", f"http://{HOST}:{PORT}")  # the pages that may read the stream
    stopping: list[bool] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.append(True)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    children = [Child(name, command) for name, command in _commands().items()]
    for child in children:
        child.start()
    if _paypal_local():
        _paypal_plans_sync()
    code = _supervise(children, stopping)
    for child in children:  # all asked at once, so their graceful stops overlap
        if child.process is not None and child.process.poll() is None:
            child.process.terminate()
    deadline = time.monotonic() + STOP_GRACE_S
    for child in children:
        child.ended_within(max(0.1, deadline - time.monotonic()))
    print("AnimaGenius stopped.", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
