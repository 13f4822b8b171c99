"""The service lead's CSV export of audit events for a date range, and its own audit event."""

import csv
import datetime
import io
import json
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from imhs.audit.export import MAX_DAYS
from imhs.models import AuditAction, AuditEvent
from tests.factories import AuditEventFactory, ReferrerFactory, ServiceLeadFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

URL = "/team/audit/"
LONDON = zoneinfo.ZoneInfo("Europe/London")


def dates(start, end):
    return {
        "date_from_day": str(start.day),
        "date_from_month": str(start.month),
        "date_from_year": str(start.year),
        "date_to_day": str(end.day),
        "date_to_month": str(end.month),
        "date_to_year": str(end.year),
    }


def rows_of(response):
    content = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(content)))


def at_london(day, hour=12):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


@pytest.fixture
def lead(client, service_lead):
    sign_in(client, service_lead)
    return service_lead


@pytest.fixture
def today():
    return timezone.localdate()


def test_the_url_is_named_and_the_page_has_two_date_inputs(client, lead):
    assert reverse("audit_export") == URL

    page = client.get(URL).content.decode()

    assert "Export audit events" in page
    for name in ("date_from", "date_to"):
        for part in ("day", "month", "year"):
            assert f'name="{name}_{part}"' in page


@pytest.mark.parametrize(
    ("start_offset", "end_offset", "field", "message"),
    [
        (0, -1, "date_to", "The end date must be the same as or after the start date"),
        (1, 1, "date_from", "The start date must be today or in the past"),
        (0, 1, "date_to", "The end date must be today or in the past"),
        (-MAX_DAYS, 0, "date_to", f"The dates must be no more than {MAX_DAYS} days apart"),
    ],
)
def test_bad_ranges_are_refused_at_the_field_and_in_the_summary(
    client, lead, today, start_offset, end_offset, field, message
):
    start = today + datetime.timedelta(days=start_offset)
    end = today + datetime.timedelta(days=end_offset)

    response = client.post(URL, dates(start, end))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert message in response.context["form"].errors[field][0]
    assert page.count(message) >= 2  # the error summary and the field
    assert "nhsuk-error-summary" in page
    assert "<title>Error: " in page
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_missing_dates_are_asked_for(client, lead):
    response = client.post(URL, {})

    errors = response.context["form"].errors
    assert errors["date_from"] == ["Enter the start date"]
    assert errors["date_to"] == ["Enter the end date"]


def test_a_range_of_exactly_the_maximum_is_accepted(client, lead, today):
    start = today - datetime.timedelta(days=MAX_DAYS - 1)

    response = client.post(URL, dates(start, today))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_the_file_holds_the_events_of_the_range_only_in_uk_time(client, lead, today):
    day = today - datetime.timedelta(days=10)
    actor = ReferrerFactory(email="referrer.one@example.org")
    inside = AuditEventFactory(
        actor=actor,
        at=at_london(day, 0),  # midnight UK time: the first moment of the range
        action=AuditAction.VIEW,
        object_type="referrals.referral",
        object_id="42",
        detail={"list": True},
    )
    AuditEventFactory(at=at_london(day, 0) - datetime.timedelta(microseconds=1))  # day before
    AuditEventFactory(at=at_london(day + datetime.timedelta(days=2), 0))  # the day after
    last = AuditEventFactory(
        at=at_london(day + datetime.timedelta(days=1), 23), actor=None, object_id=""
    )

    response = client.post(URL, dates(day, day + datetime.timedelta(days=1)))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="audit-events-{day:%Y-%m-%d}-to-'
        f'{day + datetime.timedelta(days=1):%Y-%m-%d}.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    header, *rows = rows_of(response)
    assert header == [
        "time",
        "actor email",
        "actor role",
        "action",
        "object type",
        "object id",
        "IP address",
        "detail",
    ]
    assert len(rows) == 2
    assert rows[0] == [
        timezone.localtime(inside.at, LONDON).isoformat(),
        "referrer.one@example.org",
        "Referrer",
        "view",
        "referrals.referral",
        "42",
        "192.0.2.10",
        json.dumps({"list": True}),
    ]
    assert rows[0][0].startswith(f"{day:%Y-%m-%d}T00:00:00")
    assert rows[1][:3] == [timezone.localtime(last.at, LONDON).isoformat(), "", ""]


def test_cells_that_a_spreadsheet_would_run_are_escaped(client, lead, today):
    actor = ReferrerFactory(email="=cmd@example.org")
    odd = ("=1+2", "+1", "-1", "@SUM(A1)", "\tx", " =1+1", "\n=1+1", "\r\n@x", "\t=1+1")
    for object_id in odd:
        AuditEventFactory(actor=actor, object_id=object_id, at=at_london(today, 0))

    response = client.post(URL, dates(today, today))

    rows = rows_of(response)[1:]
    exported = [row for row in rows if row[1].endswith("cmd@example.org")]
    assert {row[1] for row in exported} == {"'=cmd@example.org"}
    assert sorted(row[5] for row in exported) == sorted(f"'{value}" for value in odd)


def test_the_export_is_audited_with_its_range_and_count_and_not_in_its_own_file(
    client, lead, today
):
    AuditEventFactory(at=at_london(today, 0))
    AuditEventFactory(at=at_london(today, 0))

    response = client.post(URL, dates(today, today))
    rows = rows_of(response)[1:]

    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == lead
    assert event.object_type == "imhs.auditevent"
    assert event.detail == {
        "from": today.isoformat(),
        "to": today.isoformat(),
        "rows": len(rows),
    }
    assert str(event.at.isoformat()) not in {row[0] for row in rows}
    assert "export" not in {row[3] for row in rows}


def test_the_export_streams_in_a_constant_number_of_queries(
    client, lead, today, django_assert_max_num_queries
):
    for count in (3, 1200):
        while AuditEvent.objects.count() < count:
            AuditEventFactory.create_batch(100, at=at_london(today, 0), actor=lead)
        # Session, user, device; count, the export's event; the rows in chunks of 500 (+1).
        with django_assert_max_num_queries(10):
            response = client.post(URL, dates(today, today))
            rows = rows_of(response)[1:]
        assert len(rows) >= count


def test_a_team_member_is_refused_and_the_refusal_audited(client, team_member):
    sign_in(client, team_member)

    assert client.get(URL).status_code == 403
    assert client.post(URL, dates(timezone.localdate(), timezone.localdate())).status_code == 403

    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).count() == 2
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_referrer_is_refused(client, referrer):
    sign_in(client, referrer)
    assert client.get(URL).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_dashboard_links_to_the_export_for_service_leads_only(client, team_member):
    sign_in(client, team_member)
    assert URL not in client.get(reverse("referrals:dashboard")).content.decode()

    sign_in(client, ServiceLeadFactory())
    assert URL in client.get(reverse("referrals:dashboard")).content.decode()
