from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "animagenius.api"
    label = "api"
    verbose_name = "REST API"
