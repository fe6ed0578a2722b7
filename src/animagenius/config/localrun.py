"""`make run`: the web server, the progress stream server and one render worker together; Ctrl-C stops them
cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from types import FrameType

HOST, PORT = os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "8000"))
EVENTS_PORT = int(os.environ.get("EVENTS_PORT", str(PORT + 1)))
STOP_GRACE_S = 10


def _commands() -> list[list[str]]:
    bin_dir = os.path.dirname(sys.executable)
    web = [
        f"{bin_dir}/gunicorn",
        "animagenius.config.wsgi:application",
        "--bind",
        f"{HOST}:{PORT}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--timeout",
        "120",
        "--access-logfile",
        "-",
        "--log-level",
        "warning",
    ]
    # live progress streams: async (one event loop holds every watcher), so not under gunicorn's threads
    events = [
        f"{bin_dir}/uvicorn",
        "animagenius.config.asgi:application",
        "--host",
        HOST,
        "--port",
        str(EVENTS_PORT),
        "--lifespan",
        "off",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    queue = os.environ.get("RENDER_QUEUE", "render")
    worker = [
        f"{bin_dir}/celery",
        "-A",
        "animagenius.config.celery",
        "worker",
        "-Q",
        queue,
        "--concurrency",
        "1",
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
        "--beat",  # the periodic reaper of jobs whose worker died (one beat for the whole deployment)
        "--schedule",
        os.path.join(os.environ.get("ANIMAGENIUS_VAR_DIR", "var"), "celerybeat-schedule"),
    ]
    return [web, events, worker]  # fmt: skip


def _wait_for_port(deadline_s: float) -> bool:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        with socket.socket() as probe:
            if probe.connect_ex((HOST, PORT)) == 0:
                return True
        time.sleep(0.2)
    return False


def main() -> int:
    os.environ.setdefault("EVENTS_URL", f"http://{HOST}:{EVENTS_PORT}")  # the pages' stream address
    os.environ.setdefault("SITE_ORIGINS", f"http://{HOST}:{PORT}")  # the pages that may read the stream
    processes = [subprocess.Popen(command) for command in _commands()]
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    if _wait_for_port(30):
        print(f"\n  AnimaGenius is running at http://{HOST}:{PORT}  (Ctrl-C stops it)\n", flush=True)
    while not stopping and all(process.poll() is None for process in processes):
        time.sleep(0.3)
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_S
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
    print("AnimaGenius stopped.", flush=True)
    return 0 if stopping else 1


if __name__ == "__main__":
    sys.exit(main())
