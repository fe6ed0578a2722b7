from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "animagenius.core"
