"""Sending billing's tasks by name once the transaction commits, so nothing here imports the tasks. A message
that cannot be sent costs only time: the sweep applies any event left unapplied."""

from __future__ import annotations

import logging

from celery import current_app
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError

logger = logging.getLogger(__name__)

WEBHOOK_APPLY = "billing.webhook_apply"


def webhook_apply_later(*, event_id: str) -> None:
    transaction.on_commit(lambda: _send(event_id))


def _send(event_id: str) -> None:
    try:
        current_app.send_task(WEBHOOK_APPLY, args=(event_id,), queue=settings.BILLING_QUEUE)
    except KombuOperationalError as error:
        logger.warning(
            "could not reach the broker to apply PayPal event %s (%s); the sweep will", event_id, error
        )
