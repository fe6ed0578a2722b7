from typing import Any

from django.core.management.base import BaseCommand

from animagenius.accounts.services import user_ensure

DEMO_EMAIL = "demo@animagenius.local"
DEMO_PASSWORD = "animagenius-demo"  # local machines only: `make run` prints it


class Command(BaseCommand):
    help = "Create (or reset) the local demo account and print how to log in."

    def handle(self, *args: Any, **options: Any) -> None:
        _, created = user_ensure(email=DEMO_EMAIL, password=DEMO_PASSWORD, is_staff=True)
        verb = "created" if created else "ready"
        self.stdout.write(f"Demo account {verb}: {DEMO_EMAIL} / {DEMO_PASSWORD} (also an admin at /admin/)")
