"""The Celery app. Workers: `celery -A animagenius.config.celery worker -Q render`."""

import logging
import os
from typing import Any

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "animagenius.config.settings.local")

logger = logging.getLogger(__name__)

app = Celery("animagenius")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class WorkerBeat(bootsteps.StartStopStep):
    """Each worker writes a heartbeat row (its queues and slots) every WORKER_BEAT_EVERY_S: what render
    providers' load is measured against (studio/jobs/providers.py)."""

    requires = ("celery.worker.components:Timer",)

    def __init__(self, worker: Any, **kwargs: Any) -> None:
        super().__init__(worker, **kwargs)
        self.timer_entry: Any = None

    def start(self, worker: Any) -> None:
        from django.conf import settings

        self._beat(worker)
        self.timer_entry = worker.timer.call_repeatedly(settings.WORKER_BEAT_EVERY_S, self._beat, (worker,))

    def stop(self, worker: Any) -> None:
        from animagenius.studio.jobs.workers import worker_beat_end

        if self.timer_entry is not None:
            self.timer_entry.cancel()
        try:
            worker_beat_end(hostname=worker.hostname)
        except Exception:
            logger.exception("could not remove this worker's heartbeat row")

    def _beat(self, worker: Any) -> None:
        from animagenius.studio.jobs.workers import worker_beat_write

        try:
            queues = sorted(worker.app.amqp.queues.consume_from or worker.app.amqp.queues)
            worker_beat_write(hostname=worker.hostname, queues=queues, slots=worker.concurrency or 1)
        except Exception:  # a database hiccup must not stop the worker; the next beat tries again
            logger.exception("could not write this worker's heartbeat")


app.steps["worker"].add(WorkerBeat)
