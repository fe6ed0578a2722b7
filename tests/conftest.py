"""Shared fixtures: the corpus of real files, and a real Celery worker process on the test database."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.chat_server import ChatServer
from tests.processes import celery_worker_start, events_server_start, free_port, process_stop

ROOT = Path(__file__).resolve().parents[1]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
ARTIFACTS = ROOT / "test-artifacts"
FFPROBE = "/usr/bin/ffprobe"


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the shared corpus is missing: expected it at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def process_env(**overrides: str) -> dict[str, str]:
    """The environment of a process (worker, server) that works on this test run's database, queue and
    media, with `overrides`."""
    from django.conf import settings

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "animagenius.config.settings.test",
        "DATABASE_URL": _test_database_url(),
        "RENDER_QUEUE": settings.RENDER_QUEUE,
        "BILLING_QUEUE": settings.BILLING_QUEUE,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **overrides,
    }


def _test_database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def email_verified(user: Any) -> Any:
    """`user` with their address confirmed, as if they had opened the emailed link: signing in asks for it."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


class Worker:
    def __init__(self, process: subprocess.Popen[bytes], log: Path) -> None:
        self.process = process
        self.log = log

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup: None, django_db_blocker, tmp_path_factory) -> Iterator[Worker]:
    """A separate `celery worker` process consuming this test run's own queue on the test database."""
    from django.conf import settings

    log = tmp_path_factory.mktemp("worker") / "worker.log"
    try:
        process = celery_worker_start(
            queue=settings.RENDER_QUEUE,
            hostname=f"test-{os.getpid()}@%h",
            log=log,
            cwd=ROOT,
            env=process_env(),
        )
    except RuntimeError as error:
        pytest.fail(str(error))
    worker = Worker(process, log)
    yield worker
    process_stop(process)


SITE_ORIGIN = "http://127.0.0.1:8000"  # where the studio's pages are, as far as `events_server` knows


@pytest.fixture
def site_origins() -> str:
    """The SITE_ORIGINS of the `events_server`: the pages allowed to read its streams from another origin."""
    return SITE_ORIGIN


@pytest.fixture
def events_server(settings, tmp_path: Path, site_origins: str) -> Iterator[str]:
    """The progress stream server (uvicorn, as `make run` starts it) on the test database; its URL."""
    port = free_port()
    log = tmp_path / "events.log"
    server = events_server_start(port=port, log=log, cwd=ROOT, env=process_env(SITE_ORIGINS=site_origins))
    yield f"http://127.0.0.1:{port}"
    process_stop(server)


Probe = Callable[[Path], dict[str, Any]]


@pytest.fixture(scope="session")
def ffprobe() -> Probe:
    """Debian's ffprobe (independent of the bundled ffmpeg that wrote the file), as parsed JSON."""
    if not Path(FFPROBE).is_file():
        pytest.fail(f"{FFPROBE} is missing; `make test` installs it (apt-get install ffmpeg)")

    def probe(video: Path) -> dict[str, Any]:
        completed = subprocess.run(
            [FFPROBE, "-v", "error", "-show_streams", "-show_format", "-of", "json", str(video)],
            capture_output=True, text=True, check=False, timeout=60,
        )  # fmt: skip
        assert completed.returncode == 0, f"ffprobe could not read {video}: {completed.stderr.strip()}"
        result: dict[str, Any] = json.loads(completed.stdout)
        return result

    return probe


def pytest_configure(config: pytest.Config) -> None:
    (ROOT / "var" / "test").mkdir(
        parents=True, exist_ok=True
    )  # the file-backed SQLite test database lives here


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    """A local server answering in the wire formats of OpenAI-compatible and Replicate endpoints."""
    server = ChatServer().start()
    yield server
    server.stop()
