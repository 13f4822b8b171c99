"""How the service writes things for people, in NHS.UK style: one home for each, used by
Python (presenters, emails, messages) and, through `nhsuk_format`, by templates."""

from django.utils import timezone


def nhs_date(value):
    """14 February 2025: no leading zero, month in words. Blank for None."""
    return f"{value.day} {value:%B %Y}" if value else ""


def when(value):
    """ "10:42 on 3 March 2026": a moment, in local time."""
    local = timezone.localtime(value)
    return f"{local:%H:%M} on {nhs_date(local)}"


def plural(count, word):
    """ "1 day", "3 days"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def yes_no(value):
    """A nullable yes/no answer: "Yes", "No", or blank when not answered."""
    return {True: "Yes", False: "No"}.get(value, "")
