"""The team's alerts on the dashboard (referrals.team.alerts): accepted with no appointment
booked, and received but not reviewed, each from its Nth day, with constant queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import Attendance
from referrals.team import alerts
from tests.factories import AppointmentFactory, ReferralFactory, TeamMemberFactory
from tests.sign_in import DASHBOARD_QUERIES, sign_in

pytestmark = pytest.mark.django_db


def days_ago(days, hour=0, minute=5):
    """Early in the day `days` ago: the alert counts calendar days, not 24-hour periods."""
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def accepted(days, **kwargs):
    return ReferralFactory(accepted=True, with_carer=False, decided_at=days_ago(days), **kwargs)


def received(days, **kwargs):
    return ReferralFactory(submitted=True, with_carer=False, submitted_at=days_ago(days), **kwargs)


def found(user, key):
    by_key = {alert.key: alert for alert in alerts.alerts(user, timezone.now())}
    return [row.reference for row in by_key[key].rows] if key in by_key else []


def test_accepted_with_no_appointment_alerts_from_the_nth_day(settings, team_member):
    settings.ALERT_NO_APPOINTMENT_DAYS = 14
    day_before = accepted(13)
    # Late on the day before: still 13 days by the calendar.
    late_day_before = ReferralFactory(
        accepted=True, with_carer=False, decided_at=days_ago(13, hour=23, minute=55)
    )
    day_of = accepted(14)
    long_ago = accepted(40)

    assert found(team_member, "no_appointment") == [long_ago.reference, day_of.reference]
    assert day_before.reference not in found(team_member, "no_appointment")
    assert late_day_before.reference not in found(team_member, "no_appointment")


def test_a_booked_appointment_clears_the_alert_and_a_cancelled_one_does_not(settings, team_member):
    settings.ALERT_NO_APPOINTMENT_DAYS = 14
    booked = accepted(20)
    AppointmentFactory(referral=booked)
    cancelled = accepted(20)
    AppointmentFactory(
        referral=cancelled,
        attendance=Attendance.CLINIC_CANCELLED,
        cancelled_on=timezone.localdate(),
        outcome_by=team_member,
        outcome_at=timezone.now(),
    )
    in_treatment = accepted(20, status="in_treatment")

    assert found(team_member, "no_appointment") == [cancelled.reference]
    assert in_treatment.reference not in found(team_member, "no_appointment")


def test_received_and_not_reviewed_alerts_from_the_nth_day(settings, team_member):
    settings.ALERT_NOT_REVIEWED_DAYS = 7
    day_before = received(6)
    day_of = received(7)
    in_review = received(30, status="in_review")

    assert found(team_member, "not_reviewed") == [day_of.reference]
    assert day_before.reference not in found(team_member, "not_reviewed")
    assert in_review.reference not in found(team_member, "not_reviewed")


def test_an_alert_lists_the_longest_waiting_and_says_there_are_more(settings, team_member):
    settings.ALERT_NOT_REVIEWED_DAYS = 1
    for days in range(alerts.LISTED + 1):
        received(days + 2)

    [alert] = alerts.alerts(team_member, timezone.now())

    assert len(alert.rows) == alerts.LISTED
    assert alert.more
    assert alert.count_words == f"more than {alerts.LISTED}"
    assert alert.rows[0].days == alerts.LISTED + 2
    # The rest are where the alert says: the New queue, oldest first.
    assert alert.see_all == "/team/?queue=new"


def test_the_dashboard_shows_each_alert_with_links_days_and_constant_queries(
    client, settings, django_assert_max_num_queries
):
    settings.ALERT_NO_APPOINTMENT_DAYS = 14
    settings.ALERT_NOT_REVIEWED_DAYS = 7
    member = TeamMemberFactory()
    sign_in(client, member)
    waiting = accepted(15)
    unread = received(9)

    page = client.get(reverse("referrals:dashboard")).content.decode()

    assert 'data-alert="no_appointment"' in page
    assert 'data-alert="not_reviewed"' in page
    assert "Accepted 14 days ago or more with no appointment booked: 1" in page
    assert "Received 7 days ago or more and not yet reviewed: 1" in page
    link = f'href="/team/referrals/{waiting.reference}/#appointments">{waiting.reference}</a>'
    assert link in page
    assert f'href="/team/referrals/{unread.reference}/">{unread.reference}</a>' in page
    assert ">15</td>" in page
    assert ">9</td>" in page
    assert waiting.infant.full_name in page

    for days in range(20, 30):
        accepted(days)
        received(days)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        client.get(reverse("referrals:dashboard"))


def test_the_dashboard_shows_no_alerts_when_nothing_waits_too_long(client, team_member):
    sign_in(client, team_member)
    accepted(1)
    received(1)

    page = client.get(reverse("referrals:dashboard")).content.decode()

    assert "data-alerts" not in page
