"""Slow clients against the web server (issue 19, item 12): while N connections trickle a form post's body a
byte per second, how long a normal request (the sign-in page) takes to answer, per server setup.

Setups: gunicorn gthread 2 workers x 4 threads (`make run` before), gthread 2 x 32 (`make run` now,
localrun.web_command), gunicorn's own ASGI worker and uvicorn's gunicorn worker on the ASGI app. Each runs on
a SQLite database of its own (migrated first), local settings. For each setup and each N, after the slow
clients have been connected for 3 s, REQUESTS normal requests one after another; recorded: the slowest and
the median answer (TIMEOUT_S when none came).

Run: `.venv/bin/python bench/slow_clients.py [--clients 20,60]` (~2 min).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
from animagenius.config.localrun import web_command  # noqa: E402
from tests.processes import free_port, process_stop  # noqa: E402
from tests.security.slow_clients import answer_s, trickling  # noqa: E402

REQUESTS = 5
TIMEOUT_S = 15.0
BIN = str(Path(sys.executable).parent)
DJANGO_ASGI = "django.core.asgi:get_asgi_application()"  # the whole site (config/asgi.py: streams only)


def setups(port: int) -> dict[str, list[str]]:
    gunicorn = [f"{BIN}/gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "error"]
    return {
        "gthread 2 x 4 (before)": [*gunicorn, "--threads", "4", "animagenius.config.wsgi:application"],
        "gthread 2 x 32 (make run)": [*web_command(BIN, host="127.0.0.1", port=port), "--log-level", "error"],
        "gunicorn asgi worker": [*gunicorn, "-k", "asgi", DJANGO_ASGI],
        "uvicorn worker": [*gunicorn, "-k", "uvicorn.workers.UvicornWorker", DJANGO_ASGI],
    }  # fmt: skip


def serving(command: list[str], *, port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while answer_s(port, timeout_s=5) >= 5:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"{command[:4]} did not serve:\n{log.read_text()[-2000:]}")
        time.sleep(0.5)
    return process


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="20,60", help="numbers of slow clients, comma-separated")
    counts = [int(count) for count in parser.parse_args().clients.split(",")]
    var = Path(tempfile.mkdtemp(prefix="slow-clients-"))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "animagenius.config.settings.local",
        "ANIMAGENIUS_VAR_DIR": str(var),
    }
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    print("# slow clients: a normal request's answer while N connections trickle a body (seconds)\n")
    print("| setup | slow clients | slowest | median | idle median |")
    print("|---|---:|---:|---:|---:|")
    port = free_port()
    for name, command in setups(port).items():
        process = serving(command, port=port, env=env, log=var / "server.log")
        try:
            idle = statistics.median(answer_s(port, timeout_s=TIMEOUT_S) for _ in range(REQUESTS))
            for count in counts:
                with trickling(port, clients=count):
                    time.sleep(3)
                    times = [answer_s(port, timeout_s=TIMEOUT_S) for _ in range(REQUESTS)]
                slowest = max(times)
                shown = f"≥ {TIMEOUT_S:.0f}" if slowest >= TIMEOUT_S else f"{slowest:.3f}"
                median = statistics.median(times)
                print(f"| {name} | {count} | {shown} | {median:.3f} | {idle:.3f} |", flush=True)
        finally:
            process_stop(process, timeout_s=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
