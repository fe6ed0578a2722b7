"""The ASGI server's app (uvicorn, beside gunicorn): live progress streams, and Django for anything else."""

import os
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "animagenius.config.settings.local")
django_application = get_asgi_application()  # sets Django up, so the import below may read models

from animagenius.studio.progress_stream import job_events_app, job_events_route  # noqa: E402


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    job_id = job_events_route(scope["path"]) if scope["type"] == "http" else None
    if job_id is not None:
        await job_events_app(scope, receive, send, job_id=job_id)
    else:
        await django_application(scope, receive, send)
