"""Treatment starts at the first attended treatment appointment, as the clock says: the status
moves to in treatment and `treatment_started_on` is the clock's day, in the same transaction."""

import datetime

import pytest
from django.utils import timezone

from referrals import workflow
from referrals.models import AppointmentMode, Purpose, Referral, Status
from tests.factories import ReferralFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def member():
    return TeamMemberFactory()


@pytest.fixture
def accepted(member):
    return ReferralFactory(
        submitted=True,
        status=Status.ACCEPTED,
        submitted_at=timezone.now() - datetime.timedelta(days=60),
        decided_at=timezone.now() - datetime.timedelta(days=50),
        decided_by=member,
    )


def book(referral, member, days_ago, purpose):
    referral.refresh_from_db()
    return workflow.book_appointment(
        referral,
        by=member,
        version=referral.version,
        on=TODAY - datetime.timedelta(days=days_ago),
        time=datetime.time(10),
        purpose=purpose,
        mode=AppointmentMode.CLINIC,
        staff=[member],
    )


def record(referral, member, appointment, attendance="attended"):
    referral.refresh_from_db()
    workflow.record_attendance(
        referral,
        appointment=appointment,
        by=member,
        version=referral.version,
        attendance=attendance,
    )
    referral.refresh_from_db()
    return referral


def test_an_attended_assessment_does_not_start_treatment(accepted, member):
    referral = record(accepted, member, book(accepted, member, 20, Purpose.ASSESSMENT))

    assert (referral.status, referral.treatment_started_on) == (Status.ACCEPTED, None)


def test_a_missed_treatment_session_does_not_start_it(accepted, member):
    session = book(accepted, member, 20, Purpose.FIRST_TREATMENT)
    referral = record(accepted, member, session, "did_not_attend")

    assert (referral.status, referral.treatment_started_on) == (Status.ACCEPTED, None)


def test_the_first_attended_treatment_session_starts_it_on_its_day(accepted, member):
    referral = record(accepted, member, book(accepted, member, 10, Purpose.FIRST_TREATMENT))

    assert referral.status == Status.IN_TREATMENT
    assert referral.treatment_started_on == TODAY - datetime.timedelta(days=10)
    event = referral.events.last()
    assert (event.from_status, event.to_status) == (Status.ACCEPTED, Status.IN_TREATMENT)
    assert referral.wait(TODAY).treatment_started_on == referral.treatment_started_on


def test_an_earlier_session_recorded_late_moves_the_start_earlier(accepted, member):
    earlier = book(accepted, member, 15, Purpose.TREATMENT)
    later = book(accepted, member, 8, Purpose.FIRST_TREATMENT)
    record(accepted, member, later)

    referral = record(accepted, member, earlier)

    assert referral.status == Status.IN_TREATMENT
    assert referral.treatment_started_on == TODAY - datetime.timedelta(days=15)
    assert Referral.objects.filter(treatment_started_on=referral.treatment_started_on).exists()
