"""Waking workers: messages sent by task name once the transaction commits, so nothing here imports the tasks.

Dispatch messages name no job (the database is the queue, jobs/queue.py); a lost one costs nothing but time:
the reaper (jobs/workers.py) sends it again. Helper messages ask idle workers to share a render's segments
(jobs/farm.py); without a broker the render goes on alone.
"""

from __future__ import annotations

import logging
import uuid

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError

logger = logging.getLogger(__name__)

JOB_DISPATCH = "studio.job_dispatch"
SEGMENTS_HELP = "studio.segments_help"


def workers_wake(*, queue: str, after_s: float = 0.0) -> None:
    """Send one dispatch message to the workers of `queue`, delivered `after_s` from now, once the current
    transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _wake_send(queue=queue, after_s=after_s))


def _wake_send(*, queue: str, after_s: float) -> None:
    """The job is safe in the database whatever happens here: if the broker cannot be reached, the reaper's
    next round (every JOB_REAP_EVERY_S, once the broker is back) sends the wake-up instead."""
    try:
        current_app.send_task(JOB_DISPATCH, args=(queue,), queue=queue, countdown=after_s)
    except KombuOperationalError as error:
        logger.warning("could not reach the broker to wake a worker (%s); the reaper will", error)


def helpers_ask(*, batch_id: uuid.UUID, queue: str, count: int) -> None:
    """`count` helper messages for the segments of batch `batch_id`, once the batch is committed."""

    def send() -> None:
        try:
            for _ in range(count):
                current_app.send_task(SEGMENTS_HELP, args=(str(batch_id),), queue=queue)
        except KombuOperationalError as error:
            logger.warning("could not reach the broker to ask for helpers (%s); rendering alone", error)

    transaction.on_commit(send)
