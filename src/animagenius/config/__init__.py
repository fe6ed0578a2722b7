"""Django project configuration: settings, URLs, Celery app, WSGI/ASGI entry points."""

# Load the Celery app with Django, so tasks queued from the web use our broker, not Celery's default one.
from animagenius.config.celery import app as celery_app

__all__ = ["celery_app"]
