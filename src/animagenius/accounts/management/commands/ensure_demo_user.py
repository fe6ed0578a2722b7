from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from animagenius.accounts.services import user_ensure

DEMO_EMAIL = "demo@animagenius.local"
DEMO_PASSWORD = "animagenius-demo"  # local machines only: `make run` prints it
LOCAL_SETTINGS = "animagenius.config.settings.local"


class Command(BaseCommand):
    help = (
        "Create (or reset) the local demo account, an admin with a published password, and print how to "
        f"log in. Only under {LOCAL_SETTINGS} with DEBUG on; anywhere else it refuses and changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.SETTINGS_MODULE != LOCAL_SETTINGS or not settings.DEBUG:
            raise CommandError(
                f"No demo account here: it is an admin whose password ({DEMO_PASSWORD}) is published, so it "
                f"is made only on a development machine (DJANGO_SETTINGS_MODULE={LOCAL_SETTINGS} and "
                f"DEBUG=true), and these are {settings.SETTINGS_MODULE} with DEBUG="
                f"{'true' if settings.DEBUG else 'false'}. Sign up instead, or make an admin with "
                "`manage.py createsuperuser`."
            )
        _, created = user_ensure(email=DEMO_EMAIL, password=DEMO_PASSWORD, is_staff=True)
        verb = "created" if created else "ready"
        self.stdout.write(f"Demo account {verb}: {DEMO_EMAIL} / {DEMO_PASSWORD} (also an admin at /admin/)")
