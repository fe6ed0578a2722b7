"""The live-progress stream lets pages of another origin read it, cookies included, only when that origin is
exactly one of the site's own (SITE_ORIGINS: scheme, host and port) — not any port or scheme on an allowed
host name (issue 19, item 10)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import httpx
import pytest
from django.urls import reverse

from animagenius.accounts.models import User
from animagenius.api import services as api_services
from animagenius.studio.models import Project, RenderJob
from tests.conftest import ROOT, SITE_ORIGIN
from tests.security.conftest import MakeRun

PASSWORD = "a-long-enough-passphrase-42"


def stream_headers(url: str, origin: str, token: str) -> httpx.Headers:
    """The response headers of the stream at `url`, asked for from a page on `origin` (the stream is left
    once its headers are in)."""
    headers = {"Origin": origin, "Authorization": f"Bearer {token}"}
    with httpx.stream("GET", url, headers=headers, timeout=30) as response:
        assert response.status_code == 200, response.read()
        return response.headers


@pytest.mark.django_db(transaction=True)
def test_only_the_sites_own_origins_may_read_the_stream(events_server: str):
    owner = User.objects.create_user("ada@example.com", PASSWORD)
    job = RenderJob.objects.create(project=Project.objects.create(owner=owner, title="Tides"))
    token = api_services.api_key_create(owner=owner, name="cli").token
    url = events_server + reverse("studio:job_events", args=[job.id])
    strangers = [
        "http://127.0.0.1:9999",  # another port on the same host
        "https://127.0.0.1:8000",  # another scheme
        "http://127.0.0.1",  # the default port
        "http://localhost:8000",  # another name in ALLOWED_HOSTS
        "http://127.0.0.1:8000.evil.example",
        "https://evil.example",
        "null",  # a sandboxed frame or a file
    ]

    allowed = stream_headers(url, SITE_ORIGIN, token)
    refused = {origin: stream_headers(url, origin, token) for origin in strangers}

    assert allowed["access-control-allow-origin"] == SITE_ORIGIN
    assert allowed["access-control-allow-credentials"] == "true"
    assert "Origin" in allowed["vary"]
    for origin, headers in refused.items():
        assert "access-control-allow-origin" not in headers, origin
        assert "access-control-allow-credentials" not in headers, origin
        assert "Origin" in headers["vary"], origin


def test_make_run_lets_its_own_pages_read_its_streams_and_no_others(make_run: MakeRun):
    url = f"http://127.0.0.1:{make_run.events_port}/projects/jobs/{uuid.uuid4()}/events/"
    pages = f"http://127.0.0.1:{make_run.port}"

    own = httpx.get(url, headers={"Origin": pages}, timeout=30)
    other = httpx.get(url, headers={"Origin": f"http://127.0.0.1:{make_run.port + 1}"}, timeout=30)

    assert own.status_code == other.status_code == 401  # nobody signed in: the headers are what counts
    assert own.headers["access-control-allow-origin"] == pages
    assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize("value", ["http://127.0.0.1:8000/studio", "127.0.0.1:8000", "ftp://files.example"])
def test_a_site_origin_that_is_not_an_origin_stops_start_up(value: str):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "animagenius.config.settings.local", "SITE_ORIGINS": value}

    completed = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )

    assert completed.returncode != 0
    assert f"SITE_ORIGINS: {value!r} is not an origin; write scheme://host[:port]" in completed.stderr
