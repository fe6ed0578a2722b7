"""An upload larger than the person's plan takes is refused before it is written anywhere, on the studio's
form and through the API alike: by its Content-Length before a byte is read, and, when a file turns out
larger while it arrives, at the plan's limit, with the partial file removed. Either way the person is told
the limit (413).

The probe's case: a 300 MB upload against the free plan's 25 MB limit was written to /tmp in full before the
form said no. Here the same 300 MB body is made as it is read, so the test can count what the site read and
watch what the upload folder held meanwhile.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.test import Client

from animagenius.accounts.models import User
from animagenius.api import services as api_services
from animagenius.studio.models import Asset, Project
from tests.conftest import ROOT, process_env
from tests.processes import free_port, process_stop, web_server_start

PASSWORD = "a-long-enough-passphrase-42"
MB = 2**20
PLAN_LIMIT = 25 * MB  # the free plan's, billing/plans.py
UPLOAD = 300 * MB
SLACK = 2 * MB  # the parser reads ahead by a chunk or two (64 KB each) and the form's other fields
FIELDS = {"title": "Lecture", "aspect": "16:9", "resolution": "720p", "duration": "60", "review": "on"}


class StreamedBody:
    """A multipart/form-data body made as it is read: `fields`, then one file of `file_bytes` bytes of text.
    Counts what was read and, when given the upload folder, the most it held while reading went on."""

    BOUNDARY = "----AnimaGeniusProbe7MA4YWxkTrZu0gW"

    def __init__(
        self,
        *,
        fields: dict[str, str],
        file_name: str,
        file_bytes: int,
        watch: Path | None = None,
        field: str = "source_file",
    ) -> None:
        head = b"".join(
            f'--{self.BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in fields.items()
        )
        head += (
            f'--{self.BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{file_name}"\r\n'
            "Content-Type: text/markdown\r\n\r\n# Lecture\n\n"
        ).encode()
        tail = f"\r\n--{self.BOUNDARY}--\r\n".encode()
        self.length = len(head) + file_bytes + len(tail)
        self.content_type = f"multipart/form-data; boundary={self.BOUNDARY}"
        self.read_bytes = 0
        self.peak_bytes = 0
        self._watch = watch
        self._pieces = self._make(head, file_bytes - len(b"# Lecture\n\n"), tail)
        self._pending = b""

    @staticmethod
    def _make(head: bytes, file_bytes: int, tail: bytes) -> Iterator[bytes]:
        yield head
        line = b"The tide rises and falls twice a day along the coast. " * 1190 + b"\n"  # ~64 KB
        while file_bytes > 0:
            piece = line[:file_bytes]
            file_bytes -= len(piece)
            yield piece
        yield tail

    def read(self, size: int = -1) -> bytes:
        wanted = self.length if size is None or size < 0 else size
        while len(self._pending) < wanted and self._more():
            pass
        return self._take(wanted)

    def readline(self, size: int = -1) -> bytes:
        while b"\n" not in self._pending and self._more():
            pass
        end = self._pending.find(b"\n") + 1 or len(self._pending)
        return self._take(end if size is None or size < 0 else min(end, size))

    def _more(self) -> bool:
        piece = next(self._pieces, b"")
        self._pending += piece
        return bool(piece)

    def _take(self, size: int) -> bytes:
        out, self._pending = self._pending[:size], self._pending[size:]
        self.read_bytes += len(out)
        if self._watch is not None:
            self.peak_bytes = max(self.peak_bytes, folder_bytes(self._watch))
        return out


def folder_bytes(folder: Path) -> int:
    total = 0
    for entry in os.scandir(folder):
        with contextlib.suppress(FileNotFoundError):  # a temporary file removed while we looked
            total += entry.stat().st_size
    return total


@pytest.fixture
def user(db: None) -> User:
    return User.objects.create_user("ada@example.com", PASSWORD)


@pytest.fixture
def uploads_folder(settings, tmp_path: Path) -> Path:
    """Where Django writes uploads while they arrive (and media, where it keeps them), watched by the test."""
    folder = tmp_path / "upload-temp"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    settings.MEDIA_ROOT = tmp_path / "media"
    return folder


def post_streamed(client: Client, path: str, body: StreamedBody, **headers: str) -> Any:
    environ: dict[str, Any] = {
        "wsgi.input": body,
        "CONTENT_LENGTH": str(body.length),
        "CONTENT_TYPE": body.content_type,
    }
    return client.generic("POST", path, headers=headers, **environ)


def send(client: Client, user: User, way: str, body: StreamedBody) -> Any:
    """`body` posted to the studio's new-video form (signed in) or to the API (with a key)."""
    if way == "studio":
        client.force_login(user)
        return post_streamed(client, "/projects/", body)
    token = api_services.api_key_create(owner=user, name="uploads").token
    return post_streamed(client, "/api/v1/projects", body, Authorization=f"Bearer {token}")


def refusal(response: Any, way: str) -> str:
    if way == "api":
        return str(response.json()["detail"])
    page = response.content.decode()
    found = re.search(r'id="upload-refused-reason">([^<]*)<', page)
    assert found, page[:2000]
    return found.group(1).replace("&#x27;", "'")


@pytest.mark.parametrize("way", ["studio", "api"])
def test_a_body_larger_than_the_plan_takes_is_refused_before_a_byte_is_read(
    client: Client, user: User, uploads_folder: Path, way: str
) -> None:
    body = StreamedBody(fields=FIELDS, file_name="lecture.md", file_bytes=UPLOAD)
    body.length = 10 * 2**30  # what its Content-Length says: 10 GB

    response = send(client, user, way, body)

    assert response.status_code == 413, response.content[:2000]
    said = refusal(response, way)
    assert "This upload (10240 MB) is larger than your plan takes at once" in said, said
    assert "files of up to 25 MB each" in said
    assert body.read_bytes == 0
    assert not Project.objects.exists()


@pytest.mark.parametrize("way", ["studio", "api"])
def test_a_file_streaming_past_the_plan_limit_is_stopped_there_and_nothing_of_it_is_kept(
    client: Client, user: User, uploads_folder: Path, way: str
) -> None:
    body = StreamedBody(fields=FIELDS, file_name="lecture.md", file_bytes=UPLOAD, watch=uploads_folder)
    assert body.length < 530 * MB  # within what 21 files at the plan's limit could be: Content-Length passes

    started = time.monotonic()
    response = send(client, user, way, body)
    took_s = time.monotonic() - started

    assert response.status_code == 413, response.content[:2000]
    said = refusal(response, way)
    assert "lecture.md is larger than your plan's 25 MB limit for one file" in said, said
    assert body.read_bytes <= PLAN_LIMIT + SLACK, (
        f"read {body.read_bytes / MB:.1f} MB of {UPLOAD / MB:.0f} MB"
    )
    assert body.peak_bytes <= PLAN_LIMIT, f"the upload folder held {body.peak_bytes / MB:.1f} MB"
    assert folder_bytes(uploads_folder) == 0  # the partial file is gone
    assert not Project.objects.exists() and not Asset.objects.exists()
    print(f"{way}: refused after reading {body.read_bytes / MB:.1f} MB, in {took_s:.2f} s")


def test_a_file_within_the_limit_still_arrives_whole(
    client: Client, user: User, uploads_folder: Path
) -> None:
    body = StreamedBody(fields=FIELDS, file_name="lecture.md", file_bytes=3 * MB, watch=uploads_folder)

    response = send(client, user, "studio", body)

    assert response.status_code == 302, response.content[:2000]
    asset = Asset.objects.get()
    assert asset.size_bytes == 3 * MB and Path(asset.file.path).stat().st_size == 3 * MB


@pytest.mark.django_db(transaction=True)
def test_a_browser_streaming_300_mb_to_the_running_site_gets_the_limit_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    """The site under gunicorn, as `make run` serves it; a signed-in browser's form post (session, CSRF token)
    sent over a socket while the answer is read, as a browser does."""
    user = User.objects.create_user("ada@example.com", PASSWORD)
    browser = Client()
    browser.force_login(user)
    session = browser.cookies["sessionid"].value
    server_tmp = tmp_path / "server-tmp"
    server_tmp.mkdir()
    port = free_port()
    log = tmp_path / "web.log"
    env = process_env(TMPDIR=str(server_tmp), MEDIA_ROOT=str(tmp_path / "media"))
    server = web_server_start(port=port, log=log, cwd=ROOT, env=env)
    try:
        form = httpx.get(f"http://127.0.0.1:{port}/projects/", cookies={"sessionid": session}, timeout=30)
        assert form.status_code == 200, log.read_text(errors="replace")[-3000:]
        csrf = form.cookies["csrftoken"]
        body = StreamedBody(
            fields={"csrfmiddlewaretoken": csrf, **FIELDS}, file_name="lecture.md", file_bytes=UPLOAD
        )
        cookie = f"sessionid={session}; csrftoken={csrf}"
        status, page, sent, peak = _post_over_socket(port, body, cookie=cookie, watch=server_tmp)
    finally:
        process_stop(server)

    assert status == 413, page[:2000] + log.read_text(errors="replace")[-3000:]
    assert "lecture.md is larger than your plan&#x27;s 25 MB limit for one file" in page
    assert peak <= PLAN_LIMIT, f"the server's temporary folder held {peak / MB:.1f} MB"
    assert folder_bytes(server_tmp) == 0
    assert not Project.objects.exists()
    print(
        f"answered 413 after {sent / MB:.0f} MB were sent; the server's upload folder held {peak / MB:.1f} MB"
    )


def _post_over_socket(
    port: int, body: StreamedBody, *, cookie: str, watch: Path
) -> tuple[int, str, int, int]:
    """POST `body` to /projects/ while reading the answer; (status, page, bytes sent when it came, the most
    `watch` held meanwhile)."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=60)
    head = (
        f"POST /projects/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
        f"Content-Type: {body.content_type}\r\nContent-Length: {body.length}\r\n\r\n"
    ).encode()
    answered = threading.Event()
    sent = [0]
    peak = [0]

    def upload() -> None:
        try:
            connection.sendall(head)
            while not answered.is_set():
                piece = body.read(256 * 1024)
                if not piece:
                    return
                connection.sendall(piece)
                sent[0] += len(piece)
                peak[0] = max(peak[0], folder_bytes(watch))
        except OSError:  # the server stopped reading: what the answer says is what counts
            return

    sender = threading.Thread(target=upload, daemon=True)
    sender.start()
    received = b""
    try:
        while b"\r\n\r\n" not in received or not _complete(received):
            chunk = connection.recv(65536)
            if not chunk:
                break
            received += chunk
    finally:
        answered.set()
        at_answer = sent[0]
        peak[0] = max(peak[0], folder_bytes(watch))
        sender.join(timeout=60)
        connection.close()
    status_line, _, rest = received.partition(b"\r\n")
    status = int(status_line.split()[1]) if status_line.startswith(b"HTTP/") else 0
    return status, rest.decode(errors="replace"), at_answer, peak[0]


def _complete(received: bytes) -> bool:
    headers, _, page = received.partition(b"\r\n\r\n")
    found = re.search(rb"(?im)^content-length:\s*(\d+)", headers)
    return found is not None and len(page) >= int(found.group(1))
