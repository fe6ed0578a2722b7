from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "animagenius.core"

    def ready(self) -> None:
        post_migrate.connect(_cache_table_create, sender=self)


def _cache_table_create(*, using: str, verbosity: int = 1, **kwargs: Any) -> None:
    """Without Redis the cache (rate limits) is a database table: made with the other tables wherever
    `migrate` runs (`make run`, a deployment, the test database, a bench), as `createcachetable` would."""
    call_command("createcachetable", database=using, verbosity=max(0, verbosity - 1))
