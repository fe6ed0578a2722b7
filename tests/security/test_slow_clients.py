"""Slow clients do not take the site down (issue 19, item 12): while 20 connections trickle a form post's body
a byte per second, the web server as `make run` starts it still answers a normal request; the progress
stream server answers nothing but streams, so a body sent to it is never read (let alone spooled to disk)."""

from __future__ import annotations

import socket
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.urls import reverse

from animagenius.config.localrun import web_command
from tests.conftest import ROOT, process_env
from tests.processes import free_port, process_stop, server_start
from tests.security.slow_clients import answer_s, trickling

pytestmark = pytest.mark.django_db(transaction=True)  # the servers are processes of their own

SLOW_CLIENTS = 20
ANSWER_WITHIN_S = 15.0  # a page answers in well under 0.1 s on an idle machine (bench/slow_clients.py)


@pytest.fixture
def web_server(tmp_path: Path) -> Iterator[int]:
    """The site under gunicorn exactly as `make run` starts it; its port."""
    port = free_port()
    command = web_command(str(Path(sys.executable).parent), host="127.0.0.1", port=port)
    server = server_start(
        command, port=port, log=tmp_path / "web.log", cwd=ROOT, env=process_env(), timeout_s=60
    )
    yield port
    process_stop(server, timeout_s=30)


def test_pages_still_answer_while_20_clients_trickle_their_bodies(web_server: int) -> None:
    assert answer_s(web_server) < ANSWER_WITHIN_S  # it serves at all

    with trickling(web_server, clients=SLOW_CLIENTS):
        time.sleep(3)  # every slow client has been taken in by now
        answers = [answer_s(web_server, timeout_s=ANSWER_WITHIN_S) for _ in range(3)]

    assert max(answers) < ANSWER_WITHIN_S, answers


def response_before_the_body(port: int, path: str, *, method: str = "POST") -> bytes:
    """The start of what the server answers to a request that announces a 200 MB body and sends none of it."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {200 * 2**20}\r\n\r\n".encode()
        )
        try:
            return connection.recv(200)
        except TimeoutError:
            return b"(no answer within 10 s: the server waits for the body)"


def test_the_stream_server_answers_nothing_but_streams_and_reads_no_body(events_server: str) -> None:
    port = int(events_server.rsplit(":", 1)[1])

    upload = response_before_the_body(port, "/api/v1/projects")
    form = response_before_the_body(port, reverse("studio:project_list"))
    stream = response_before_the_body(port, reverse("studio:job_events", args=[uuid.uuid4()]))

    assert upload.startswith(b"HTTP/1.1 404"), upload
    assert form.startswith(b"HTTP/1.1 404"), form
    assert stream.startswith(b"HTTP/1.1 405"), stream  # a stream is read with GET
    assert httpx.get(f"{events_server}{reverse('account_login')}", timeout=10).status_code == 404  # no pages
