from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "animagenius.accounts"
