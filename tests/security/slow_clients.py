"""Slow clients for the web server's tests and bench/slow_clients.py: connections that send a request's
headers, then its body a byte at a time (the "slowloris" of request bodies), and a timed normal request."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import httpx

TRICKLE_PATH = "/accounts/login/"  # a form post: Django reads its whole body (for the CSRF token)
BODY_BYTES = 100_000  # what each slow client says it will send: more than it sends while measured


@contextlib.contextmanager
def trickling(port: int, *, clients: int, every_s: float = 1.0) -> Iterator[list[socket.socket]]:
    """`clients` connections to 127.0.0.1:`port` each sending a POST's headers at once, then one byte of its
    body every `every_s`, until the block ends (then they are closed)."""
    head = (
        f"POST {TRICKLE_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {BODY_BYTES}\r\n\r\n"
    ).encode()
    sockets = []
    for _ in range(clients):
        connection = socket.create_connection(("127.0.0.1", port), timeout=5)
        connection.sendall(head + b"a")
        sockets.append(connection)
    done = threading.Event()

    def trickle() -> None:
        while not done.wait(every_s):
            for connection in sockets:
                with contextlib.suppress(OSError):  # a server that gave up on it closed it: fine
                    connection.send(b"a")

    sender = threading.Thread(target=trickle, daemon=True)
    sender.start()
    try:
        yield sockets
    finally:
        done.set()
        sender.join(timeout=5)
        for connection in sockets:
            connection.close()


def answer_s(port: int, *, path: str = "/accounts/login/", timeout_s: float = 30.0) -> float:
    """Seconds until a normal GET of `path` is answered 200; `timeout_s` (or more) if it is not."""
    started = time.monotonic()
    try:
        response = httpx.get(f"http://127.0.0.1:{port}{path}", timeout=timeout_s)
    except httpx.TransportError:
        return max(timeout_s, time.monotonic() - started)
    elapsed = time.monotonic() - started
    return elapsed if response.status_code == 200 else max(timeout_s, elapsed)
