"""Audit events for a date range as CSV, for service leads: the form, the rows and the file.

Dates are days in the UK (Europe/London), so a range means what the service lead reads on a
calendar, whatever the clocks did. The file is written by `imhs.audit.csv_export`, which protects
every cell against formula injection (an object id or an email address typed by someone can
start with "=", and a spreadsheet would run it).
"""

import datetime
import json
import zoneinfo

from crispy_forms.layout import Layout
from django import forms
from django.utils import timezone

from imhs.audit.csv_export import csv_chunks as safe_csv_chunks
from imhs.models import AuditEvent
from imhs.nhsuk.fields import DateInputField
from imhs.nhsuk.forms import NHSForm

LONDON = zoneinfo.ZoneInfo("Europe/London")
MAX_DAYS = 366
ROWS_PER_CHUNK = 500
COLUMNS = [
    "time",
    "actor email",
    "actor role",
    "action",
    "object type",
    "object id",
    "IP address",
    "detail",
]


class AuditExportForm(NHSForm):
    date_from = DateInputField(
        label="From",
        help_text="For example, 1 3 2026",
        error_subject="The start date",
    )
    date_to = DateInputField(
        label="To",
        help_text="For example, 31 3 2026. Events on this day are included.",
        error_subject="The end date",
    )
    # Each date input is its own fieldset, legend and all (the NHS.UK pattern).
    layout = Layout("date_from", "date_to")

    def clean_date_from(self):
        return self._not_future(self.cleaned_data["date_from"], "The start date")

    def clean_date_to(self):
        return self._not_future(self.cleaned_data["date_to"], "The end date")

    @staticmethod
    def _not_future(day, subject):
        if day and day > timezone.localdate(timezone=LONDON):
            raise forms.ValidationError(
                f"{subject} must be today or in the past",
                code="future",
                params={"parts": ["day", "month", "year"]},
            )
        return day

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if end < start:
                self.add_error(
                    "date_to",
                    forms.ValidationError(
                        "The end date must be the same as or after the start date",
                        code="before_start",
                        params={"parts": ["day", "month", "year"]},
                    ),
                )
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error(
                    "date_to",
                    forms.ValidationError(
                        f"The dates must be no more than {MAX_DAYS} days apart: export a "
                        "longer period in parts",
                        code="too_long",
                        params={"parts": ["day", "month", "year"]},
                    ),
                )
        return cleaned


def time_range(start, end, now):
    """[from, until) in UTC: the start of `start` to the end of `end`, UK days; never later
    than `now`, so the export's own event (written after `now`) is not in it."""
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=LONDON)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, LONDON)
    return since, min(until, now)


def events_between(since, until):
    return (
        AuditEvent.objects.filter(at__gte=since, at__lt=until)
        .select_related("actor")
        .order_by("at", "id")
    )


def row(event):
    actor = event.actor
    return [
        timezone.localtime(event.at, LONDON).isoformat(),
        actor.email if actor else "",
        actor.get_role_display() if actor else "",
        event.action,
        event.object_type,
        event.object_id,
        event.ip_address or "",
        json.dumps(event.detail, sort_keys=True, ensure_ascii=False),
    ]


def csv_chunks(events):
    """The CSV, a chunk of rows at a time, read from the database in chunks too."""
    rows = (row(event) for event in events.iterator(chunk_size=ROWS_PER_CHUNK))
    return safe_csv_chunks(COLUMNS, rows, rows_per_chunk=ROWS_PER_CHUNK)


def filename(start, end):
    return f"audit-events-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.csv"
