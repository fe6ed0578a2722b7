"""The progress stream server's app (uvicorn, beside gunicorn): live progress streams, and nothing else.

Any other path answers 404 without a byte of its body read. The site is gunicorn's: Django's ASGI handler
would read a request's whole body to disk before a middleware could refuse it, past every upload limit."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "animagenius.config.settings.local")
django.setup(set_prefix=False)  # so the import below may read models

from animagenius.studio.jobs.progress_stream import stream_server  # noqa: E402

application = stream_server
