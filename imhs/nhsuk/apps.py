from django.apps import AppConfig


class NhsukConfig(AppConfig):
    """The NHS.UK design system: form fields, the crispy `nhsuk` template pack (its templates are
    found through APP_DIRS), template tags and the service's way of writing dates and counts.
    It knows nothing of the service's domain (an import-linter contract keeps it so)."""

    name = "imhs.nhsuk"
    label = "nhsuk"
    verbose_name = "NHS.UK design system"
