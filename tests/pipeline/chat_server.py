"""A local HTTP server that speaks OpenAI's chat-completions wire protocol, for testing our client against.

Each test queues the answers it wants, in order: a JSON completion (with usage and, like OpenRouter, an
optional `cost`), a server-sent event stream in several chunks ending with a usage chunk and `[DONE]`, an
error status with headers, a body that is not JSON, or any of these after a delay. Every request is recorded
with its path, headers, parsed body and arrival time. A request with nothing queued for it gets HTTP 400,
which our client does not retry, so a surprise request fails the test loudly.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

API_ROOT = "/v1"


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    arrived_s: float  # time.monotonic() on arrival

    @property
    def messages(self) -> list[dict[str, str]]:
        messages: list[dict[str, str]] = self.body["messages"]
        return messages


@dataclass(frozen=True)
class Answer:
    """One scripted response: a status, headers, and the body's pieces written `gap_s` apart."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    pieces: tuple[bytes, ...] = ()
    delay_s: float = 0.0  # before anything is sent, not even the status line
    gap_s: float = 0.0  # between pieces


def usage(
    prompt_tokens: int = 1200, completion_tokens: int = 350, cost: float | None = None
) -> dict[str, Any]:
    reported: dict[str, Any] = {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }
    if cost is not None:
        reported["cost"] = cost
    return reported


def completion(content: str, *, model: str = "test/model", tokens: dict[str, Any] | None = None) -> Answer:
    body = {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": tokens or usage(),
    }
    return json_answer(body)


def json_answer(body: object, *, status: int = 200, headers: dict[str, str] | None = None) -> Answer:
    return Answer(
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
        pieces=(json.dumps(body).encode(),),
    )


def stream(
    content: str,
    *,
    chunks: int = 4,
    model: str = "test/model",
    tokens: dict[str, Any] | None = None,
    gap_s: float = 0.0,
    error_after: int | None = None,
) -> Answer:
    """`content` as an SSE stream of `chunks` deltas (plus keep-alive comments), a usage chunk and [DONE].

    `error_after=n` sends an error chunk after n deltas instead of the rest, as OpenRouter does mid-stream.
    """
    size = -(-len(content) // chunks)
    deltas = [content[start : start + size] for start in range(0, len(content), size)]
    events: list[bytes] = [b": OPENROUTER PROCESSING\n\n"]
    for number, delta in enumerate(deltas):
        if number == error_after:
            error = {"error": {"code": 502, "message": "upstream provider disconnected"}, "choices": []}
            events.append(_event(error))
            break
        events.append(_event(_chunk(model, {"content": delta}, finish_reason=None)))
        events.append(b": OPENROUTER PROCESSING\n\n")
    else:
        events.append(_event(_chunk(model, {}, finish_reason="stop")))
        events.append(
            _event({"id": "chatcmpl-test", "model": model, "choices": [], "usage": tokens or usage()})
        )
        events.append(b"data: [DONE]\n\n")
    return Answer(headers={"Content-Type": "text/event-stream"}, pieces=tuple(events), gap_s=gap_s)


def status(code: int, *, message: str = "", headers: dict[str, str] | None = None) -> Answer:
    return json_answer(
        {"error": {"code": code, "message": message or f"status {code}"}}, status=code, headers=headers
    )


def prediction(server: ChatServer, state: str, **fields: Any) -> Answer:
    """A Replicate prediction in `state`, to be polled at the server's /predictions/p1."""
    return json_answer({"id": "p1", "status": state, "urls": {"get": f"{server.base_url}/predictions/p1"},
                        "error": None, "output": None, **fields})  # fmt: skip


def raw(body: bytes, *, content_type: str = "text/html") -> Answer:
    return Answer(headers={"Content-Type": content_type}, pieces=(body,))


def slow(answer: Answer, *, delay_s: float) -> Answer:
    return Answer(answer.status, answer.headers, answer.pieces, delay_s=delay_s, gap_s=answer.gap_s)


def _chunk(model: str, delta: dict[str, str], *, finish_reason: str | None) -> dict[str, Any]:
    choice = {"index": 0, "delta": delta, "finish_reason": finish_reason}
    return {"id": "chatcmpl-test", "object": "chat.completion.chunk", "model": model, "choices": [choice]}


def _event(data: object) -> bytes:
    return f"data: {json.dumps(data)}\n\n".encode()


class ChatServer:
    """Serves queued answers on 127.0.0.1 at a free port; `base_url` is what LlmConfig.base_url wants."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._answers: deque[Answer] = deque()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False  # a handler still "sleeping" must not hold up the test's teardown
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="chat-server", daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}{API_ROOT}"

    def queue(self, *answers: Answer) -> None:
        with self._lock:
            self._answers.extend(answers)

    @property
    def unused(self) -> int:
        with self._lock:
            return len(self._answers)

    def start(self) -> ChatServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def _take(self, request: RecordedRequest) -> Answer:
        with self._lock:
            self.requests.append(request)
            if self._answers:
                return self._answers.popleft()
        return status(400, message=f"chat_server: no answer queued for request {len(self.requests)}")

    def _pause(self, seconds: float) -> bool:
        """Sleep, unless the server is shutting down; True when it is."""
        return self._closing.wait(seconds) if seconds > 0 else self._closing.is_set()


def _handler_for(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            arrived = time.monotonic()
            length = int(self.headers.get("Content-Length") or 0)
            raw_body = self.rfile.read(length)
            try:
                body = json.loads(raw_body)
            except json.JSONDecodeError:
                body = {"unparsed": raw_body.decode(errors="replace")}
            self._answer(RecordedRequest(self.path, dict(self.headers.items()), body, arrived))

        def do_GET(self) -> None:  # polling a prediction, fetching a file: the next queued answer too
            self._answer(RecordedRequest(self.path, dict(self.headers.items()), {}, time.monotonic()))

        def _answer(self, request: RecordedRequest) -> None:
            answer = server._take(request)
            if answer.delay_s and server._pause(answer.delay_s):
                return
            self._send(answer, pause=server._pause)

        def _send(self, answer: Answer, *, pause: Callable[[float], bool]) -> None:
            try:
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if len(answer.pieces) == 1:
                    self.send_header("Content-Length", str(len(answer.pieces[0])))
                self.end_headers()
                for piece in _spaced(answer.pieces, answer.gap_s, pause):
                    self.wfile.write(piece)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up first (a timeout test): nothing left to do

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep pytest's output about the tests

    return Handler


def _spaced(pieces: tuple[bytes, ...], gap_s: float, pause: Callable[[float], bool]) -> Iterator[bytes]:
    for number, piece in enumerate(pieces):
        if number and gap_s and pause(gap_s):
            return
        yield piece
