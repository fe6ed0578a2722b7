"""Live job progress as server-sent events, for many watchers at once.

Streams are served by the ASGI server (`make run` starts it beside gunicorn, which serves everything else),
as a plain ASGI app (`stream_server`, which answers nothing else) rather than Django's: Django's handler would
keep a thread for each open stream (its per-request thread for sync middleware), and a stream needs none.
Each server process has one hub per event loop: a single task reads the rows of every watched job in one
query every POLL_S and hands each connection the newest state of its job. A thousand watchers cost one query
a tick and a small object each, not a thread each; a watcher that falls behind skips to the newest state
instead of queueing old ones. Every worker, on any machine, writes progress to the database, so the
database is the one channel that reaches all of them.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import json
import logging
import time
import uuid
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from importlib import import_module
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user
from django.db import DatabaseError, close_old_connections, connection
from django.http import HttpRequest
from django.http.cookie import parse_cookie
from django.urls import Resolver404, resolve

from animagenius.accounts.models import User
from animagenius.api import selectors as api_selectors
from animagenius.studio.jobs import selectors as job_selectors
from animagenius.studio.jobs.selectors import JobProgress
from animagenius.studio.models import RenderJob

logger = logging.getLogger(__name__)

POLL_S = 0.2
KEEPALIVE_S = 15.0  # a comment line this often keeps proxies from closing an idle stream
STREAM_MAX_S = 3600.0  # then the stream ends and the browser's EventSource connects again
RECONNECT_MS = 2000
# After `end` a stream stays open this long: closing a connection costs the server more than sending an
# event, so when a job many people watch ends, every end event goes out before any connection is closed.
END_LINGER_S = 1.0

Read = Callable[[Sequence[uuid.UUID]], Mapping[uuid.UUID, JobProgress]]


def _read_rows(job_ids: Sequence[uuid.UUID]) -> Mapping[uuid.UUID, JobProgress]:
    try:
        return job_selectors.render_job_progress_many(job_ids=job_ids)
    except DatabaseError:
        connection.close()  # this thread's connection may be the broken part; the next tick opens a new one
        raise


class _Watcher:
    __slots__ = ("changed", "latest")

    def __init__(self) -> None:
        self.latest: JobProgress | None = None
        self.changed = asyncio.Event()

    def offer(self, progress: JobProgress) -> None:
        self.latest = progress
        self.changed.set()


class ProgressHub:
    def __init__(self, *, read: Read = _read_rows, poll_s: float = POLL_S) -> None:
        self._read = sync_to_async(read)
        self.poll_s = poll_s
        self._watchers: dict[uuid.UUID, set[_Watcher]] = {}
        self._known: dict[uuid.UUID, JobProgress] = {}
        self._task: asyncio.Task[None] | None = None

    @property
    def watchers(self) -> int:
        return sum(len(watchers) for watchers in self._watchers.values())

    async def follow(
        self, job_id: uuid.UUID, *, idle_s: float = KEEPALIVE_S
    ) -> AsyncIterator[JobProgress | None]:
        """Each new state of the job, the current one first, until it has finished; None after `idle_s`
        without a change."""
        watcher = _Watcher()
        self._watchers.setdefault(job_id, set()).add(watcher)
        if job_id in self._known:
            watcher.offer(self._known[job_id])
        self._start()
        try:
            while True:
                try:
                    await asyncio.wait_for(watcher.changed.wait(), timeout=idle_s)
                except TimeoutError:
                    yield None
                    continue
                watcher.changed.clear()
                current = watcher.latest
                assert current is not None  # set with `changed`
                yield current
                if current.finished:
                    return
        finally:
            self._leave(job_id, watcher)

    def _leave(self, job_id: uuid.UUID, watcher: _Watcher) -> None:
        watchers = self._watchers.get(job_id, set())
        watchers.discard(watcher)
        if not watchers:
            self._watchers.pop(job_id, None)
            self._known.pop(job_id, None)

    def _start(self) -> None:
        if self._task is None or self._task.done():
            # a context of its own: the task outlives the request that started it
            self._task = asyncio.get_running_loop().create_task(self._run(), context=contextvars.Context())

    async def _run(self) -> None:
        while self._watchers:
            job_ids = list(self._watchers)
            try:
                states = await self._read(job_ids)
            except DatabaseError as error:
                logger.warning("could not read job progress (%s); trying again", error)
            else:
                self._hand_out(job_ids, states)
            await asyncio.sleep(self.poll_s)

    def _hand_out(self, job_ids: Sequence[uuid.UUID], states: Mapping[uuid.UUID, JobProgress]) -> None:
        for job_id in job_ids:
            state = states.get(job_id) or _deleted(job_id)
            if self._known.get(job_id) == state:
                continue
            self._known[job_id] = state
            for watcher in self._watchers.get(job_id, ()):
                watcher.offer(state)


def _deleted(job_id: uuid.UUID) -> JobProgress:
    return JobProgress(
        job=str(job_id), status="deleted", stage="deleted", progress=0.0, eta_s=None,
        queue_position=None, error="The job was deleted.", finished=True,
    )  # fmt: skip


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ProgressHub] = weakref.WeakKeyDictionary()


def progress_hub() -> ProgressHub:
    """The hub of the running event loop."""
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        _hubs[loop] = ProgressHub()
    return _hubs[loop]


async def job_event_stream(job_id: uuid.UUID, *, max_s: float = STREAM_MAX_S) -> AsyncIterator[bytes]:
    """The text/event-stream of one job: `progress` events, then one `end` event when it has finished."""
    yield f"retry: {RECONNECT_MS}\n\n".encode()
    ends_at = time.monotonic() + max_s
    async for state in progress_hub().follow(job_id):
        if state is None:
            yield b": keep-alive\n\n"
        else:
            yield _encoded(state)
            if state.finished:
                await asyncio.sleep(END_LINGER_S)
        if time.monotonic() > ends_at:
            return


@functools.lru_cache(maxsize=4096)
def _encoded(state: JobProgress) -> bytes:
    """Each state is encoded once, however many watch it."""
    return sse_event("end" if state.finished else "progress", state.as_json())


def sse_event(name: str, data: Mapping[str, object]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


# ---------------------------------------------------------------- the ASGI endpoint

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def job_events_route(path: str) -> uuid.UUID | None:
    """The job whose stream `path` asks for (the URL `studio:job_events`), or None for any other path."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.kwargs.get("job_id") if match.view_name == "studio:job_events" else None


async def stream_server(scope: Scope, receive: Receive, send: Send) -> None:
    """The stream server's whole app: a job's stream at its URL (GET), a plain 404 or 405 without reading
    the body for anything else."""
    if scope["type"] != "http":
        return  # no websockets; lifespan events are not used (uvicorn runs with --lifespan off)
    job_id = job_events_route(scope["path"])
    if job_id is None:
        await _plain(send, 404, "Not found: this server serves live progress streams only.", [])
    elif scope["method"] != "GET":
        await _plain(send, 405, "A progress stream is read with GET.", [(b"allow", b"GET")])
    else:
        await job_events_app(scope, receive, send, job_id=job_id)


async def job_events_app(scope: Scope, receive: Receive, send: Send, *, job_id: uuid.UUID) -> None:
    """One job's stream for its owner (a session cookie, or `Authorization: Bearer <API key>`)."""
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
    cors = _cors_headers(headers.get("origin", ""))
    owner = await sync_to_async(_job_owner_of_caller, thread_sensitive=False)(job_id, headers)
    if owner is None:
        await _plain(send, 401, "Sign in, or send an API key, to follow this job.", cors)
        return
    if owner is False:
        await _plain(send, 404, "No such job.", cors)
        return
    await send({"type": "http.response.start", "status": 200, "headers": [*STREAM_HEADERS, *cors]})
    streaming = asyncio.ensure_future(_send_events(send, job_id))
    disconnected = asyncio.ensure_future(_disconnect(receive))
    await asyncio.wait({streaming, disconnected}, return_when=asyncio.FIRST_COMPLETED)
    disconnected.cancel()
    if not streaming.done():  # the watcher went away
        streaming.cancel()
        return
    if streaming.exception() is not None:
        logger.error("the stream of job %s broke", job_id, exc_info=streaming.exception())
    await send({"type": "http.response.body", "body": b"", "more_body": False})


STREAM_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),  # nginx and the like: pass each event on at once
]


async def _send_events(send: Send, job_id: uuid.UUID) -> None:
    async for chunk in job_event_stream(job_id):
        await send({"type": "http.response.body", "body": chunk, "more_body": True})


async def _disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def _job_owner_of_caller(job_id: uuid.UUID, headers: Mapping[str, str]) -> bool | None:
    """True if the caller owns the job, False if not (or no such job), None if the caller is nobody."""
    close_old_connections()
    user = _session_user(headers.get("cookie", "")) or _api_key_user(headers.get("authorization", ""))
    if user is None:
        return None
    try:
        job_selectors.render_job_get(user=user, job_id=job_id)
    except RenderJob.DoesNotExist:
        return False
    return True


def _session_user(cookie_header: str) -> User | None:
    cookies = parse_cookie(cookie_header)
    key = cookies.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return None
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(key)
    user = get_user(request)  # checks the session's password hash, as every page does
    return user if isinstance(user, User) else None


def _api_key_user(authorization: str) -> User | None:
    scheme, _, token = authorization.partition(" ")
    return api_selectors.api_key_user(token=token.strip()) if scheme.lower() == "bearer" else None


def _cors_headers(origin: str) -> list[tuple[bytes, bytes]]:
    """Let the studio's pages read the stream when it is served from another origin (EVENTS_URL on another
    port or host), an EventSource sent with credentials: only pages of the site's own origins, exactly as
    configured in SITE_ORIGINS (scheme, host and port), may."""
    vary = [(b"vary", b"Origin, Cookie")]
    if not origin or origin not in settings.SITE_ORIGINS:
        return vary
    return [*vary, (b"access-control-allow-origin", origin.encode("latin-1")),
            (b"access-control-allow-credentials", b"true")]  # fmt: skip


async def _plain(send: Send, status: int, message: str, headers: list[tuple[bytes, bytes]]) -> None:
    body = message.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), *headers]})  # fmt: skip
    await send({"type": "http.response.body", "body": body, "more_body": False})
