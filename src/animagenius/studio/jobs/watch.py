"""A thread beside a running job: its heartbeat, and stopping it when the person cancels it.

The worker runs the job in one thread and the pipeline starts child processes (ffmpeg, the reading sandbox).
A `JobWatch` thread beside it writes the job's `heartbeat_at` every HEARTBEAT_EVERY_S (the reaper re-queues a
job whose heartbeat stopped: its worker died), and reads the job's row every CANCEL_POLL_S; once the row says
cancelled, or is gone after it was seen (its project was deleted), it kills every process started since the
job began, and keeps killing them until the job's code gives up, so nothing started after the cancel runs on.
The job's own code then stops at its next progress report (`check`), or when the ffmpeg it waits for dies.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
import uuid
from pathlib import Path
from types import TracebackType

from django.db import DatabaseError, connections
from django.utils import timezone

from animagenius.studio.models import RenderJob

logger = logging.getLogger(__name__)

CANCEL_POLL_S = 0.25
HEARTBEAT_EVERY_S = 5.0


class JobCancelled(Exception):
    """The person cancelled the job while it ran."""


class JobWatch:
    def __init__(self, job_id: uuid.UUID, *, beats: bool = True) -> None:
        """`beats`: write the job's heartbeat (False for a helper rendering part of a job run elsewhere)."""
        self.job_id = job_id
        self.beats = beats
        self.cancelled = threading.Event()
        self._stop = threading.Event()
        self._before = descendants(os.getpid())  # not the job's: never killed
        self._thread = threading.Thread(target=self._watch, name=f"job-watch-{job_id}", daemon=True)

    def __enter__(self) -> JobWatch:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()

    def check(self) -> None:
        """Raise JobCancelled once the job was cancelled."""
        if self.cancelled.is_set():
            raise JobCancelled(f"job {self.job_id} was cancelled")

    def _watch(self) -> None:
        beat_at = time.monotonic()  # starting the job wrote the first heartbeat
        seen = False  # a row not seen yet may only be invisible to this thread's connection, not deleted
        try:
            while not self._stop.wait(CANCEL_POLL_S):
                gone = False
                try:
                    status = _status(self.job_id)
                    gone, seen = seen and status is None, seen or status is not None
                    due = self.beats and time.monotonic() - beat_at >= HEARTBEAT_EVERY_S
                    if status == RenderJob.Status.RUNNING and due:
                        _beat(self.job_id)
                        beat_at = time.monotonic()
                except DatabaseError:  # the database is away for a moment: the next poll tries again
                    logger.warning("job %s: could not read or beat", self.job_id, exc_info=True)
                    status = None
                if status == RenderJob.Status.CANCELLED or gone:
                    self.cancelled.set()
                if self.cancelled.is_set():
                    _kill(descendants(os.getpid()) - self._before)
        finally:
            connections.close_all()  # this thread's own connection


def _status(job_id: uuid.UUID) -> str | None:
    """The job's status as committed (None while the row is not visible to this thread's connection)."""
    return RenderJob.objects.filter(id=job_id).values_list("status", flat=True).first()


def _beat(job_id: uuid.UUID) -> None:
    RenderJob.objects.filter(id=job_id, status=RenderJob.Status.RUNNING).update(heartbeat_at=timezone.now())


def descendants(pid: int) -> set[int]:
    """The processes below `pid`: its children (of every thread), theirs, and so on (Linux /proc)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:  # ended meanwhile
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def _kill(pids: set[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):  # ended meanwhile
            os.kill(pid, signal.SIGKILL)
