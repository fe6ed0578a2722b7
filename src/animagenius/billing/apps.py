from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "animagenius.billing"
