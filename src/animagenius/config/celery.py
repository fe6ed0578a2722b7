"""The Celery app. Workers: `celery -A animagenius.config.celery worker -Q render`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "animagenius.config.settings.local")

app = Celery("animagenius")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
