from django.apps import AppConfig


class ImhsConfig(AppConfig):
    name = "imhs"
    verbose_name = "Accounts and audit"
