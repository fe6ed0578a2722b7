from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class StudioConfig(AppConfig):
    name = "animagenius.studio"

    def ready(self) -> None:
        # the filesystem broker (the embedded default) needs its folders before the first message
        if settings.CELERY_BROKER_URL.startswith("filesystem"):
            for key in ("data_folder_in", "processed_folder", "control_folder"):
                Path(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key])).mkdir(parents=True, exist_ok=True)
