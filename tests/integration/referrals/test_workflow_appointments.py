"""The appointment and unavailability writes: what each stores, its event, audit and version
bump, treatment starting, the refusals, close's two rules, and two people acting at once."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from imhs.models import AuditAction, AuditEvent
from referrals import workflow
from referrals.models import Appointment, Attendance, Referral, ReferralEvent, Status
from tests.factories import AppointmentFactory, ReferralFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture
def by():
    return TeamMemberFactory()


@pytest.fixture
def referral():
    return ReferralFactory(accepted=True)


def fresh(referral):
    return Referral.objects.get(pk=referral.pk)


def book(referral, by, **overrides):
    arguments = {
        "on": today(),
        "time": datetime.time(9, 30),
        "purpose": "assessment",
        "mode": "home_visit",
        "staff": [by],
        "location": " 1 Example Road ",
    }
    arguments.update(overrides)
    return workflow.book_appointment(referral, by=by, version=fresh(referral).version, **arguments)


def test_booking_stores_the_appointment_with_an_event_an_audit_and_a_new_version(referral, by):
    version = referral.version

    appointment = book(referral, by)

    assert (appointment.on, appointment.time, appointment.purpose, appointment.mode) == (
        today(),
        datetime.time(9, 30),
        "assessment",
        "home_visit",
    )
    assert appointment.location == "1 Example Road"
    assert list(appointment.staff.all()) == [by]
    assert (appointment.booked_by, appointment.attendance) == (by, Attendance.BOOKED)
    assert fresh(referral).version == version + 1
    event = ReferralEvent.objects.get(referral=referral, by=by)
    assert (event.from_status, event.to_status) == ("accepted", "accepted")
    assert event.note.startswith("Booked: Assessment on")
    audit = AuditEvent.objects.get(action=AuditAction.CHANGE, actor=by)
    assert audit.detail["action"] == "book_appointment"


def test_an_attended_treatment_appointment_starts_treatment(referral, by):
    appointment = book(referral, by, purpose="first_treatment")

    workflow.record_attendance(
        referral,
        appointment=appointment,
        by=by,
        version=fresh(referral).version,
        attendance="attended",
    )

    assert fresh(referral).status == Status.IN_TREATMENT
    appointment.refresh_from_db()
    assert (appointment.attendance, appointment.outcome_by) == ("attended", by)
    event = ReferralEvent.objects.filter(referral=referral).last()
    assert (event.from_status, event.to_status) == ("accepted", "in_treatment")


def test_an_attended_assessment_does_not_start_treatment(referral, by):
    appointment = book(referral, by, purpose="assessment")

    workflow.record_attendance(
        referral,
        appointment=appointment,
        by=by,
        version=fresh(referral).version,
        attendance="attended",
    )

    assert fresh(referral).status == Status.ACCEPTED


def test_a_stale_version_is_refused_and_changes_nothing(referral, by):
    stale = referral.version
    book(referral, by)

    with pytest.raises(workflow.StaleVersion):
        workflow.book_appointment(
            referral,
            by=by,
            version=stale,
            on=today(),
            time=datetime.time(11),
            purpose="review",
            mode="telephone",
            staff=[by],
        )
    assert Appointment.objects.filter(referral=referral).count() == 1


def test_a_second_outcome_on_the_same_appointment_is_refused(referral, by):
    appointment = book(referral, by)
    workflow.record_attendance(
        referral,
        appointment=appointment,
        by=by,
        version=fresh(referral).version,
        attendance="did_not_attend",
    )

    with pytest.raises(workflow.AppointmentConflict) as refused:
        workflow.record_attendance(
            referral,
            appointment=appointment,
            by=by,
            version=fresh(referral).version,
            attendance="attended",
        )
    assert f"it was recorded as did not attend by {by.full_name}" in refused.value.message
    appointment.refresh_from_db()
    assert appointment.attendance == "did_not_attend"


def test_an_outcome_before_the_day_is_refused(referral, by):
    appointment = book(referral, by, on=today() + datetime.timedelta(days=1))
    version = fresh(referral).version

    with pytest.raises(workflow.AppointmentConflict, match="has not happened yet"):
        workflow.record_attendance(
            referral, appointment=appointment, by=by, version=version, attendance="attended"
        )
    assert fresh(referral).version == version


def test_cancelling_a_cancelled_appointment_is_refused(referral, by):
    appointment = book(referral, by)
    workflow.cancel_appointment(
        referral,
        appointment=appointment,
        by=by,
        version=fresh(referral).version,
        cancelled_by="family",
    )
    appointment.refresh_from_db()
    assert (appointment.attendance, appointment.cancelled_on) == ("patient_cancelled", today())

    with pytest.raises(workflow.AppointmentConflict, match="cancelled by the family"):
        workflow.cancel_appointment(
            referral,
            appointment=appointment,
            by=by,
            version=fresh(referral).version,
            cancelled_by="service",
        )


def test_rebooking_cancels_the_old_one_and_links_the_new(referral, by):
    appointment = book(referral, by)
    new = workflow.rebook_appointment(
        referral,
        appointment=appointment,
        by=by,
        version=fresh(referral).version,
        on=today() + datetime.timedelta(days=7),
        time=datetime.time(15),
        cancelled_by="service",
    )
    appointment.refresh_from_db()
    assert appointment.rebooked_as == new
    assert appointment.attendance == "clinic_cancelled"
    assert (new.mode, new.location, list(new.staff.all())) == ("home_visit", "1 Example Road", [by])


def test_actions_after_close_are_refused(referral, by):
    appointment = book(referral, by, on=today() - datetime.timedelta(days=1))
    workflow.record_attendance(
        referral,
        appointment=appointment,
        by=by,
        version=fresh(referral).version,
        attendance="attended",
    )
    workflow.close(
        referral,
        by=by,
        version=fresh(referral).version,
        reason="treatment_completed",
        closed_on=today(),
    )

    for action, call in (
        ("book_appointment", lambda v: book(referral, by)),
        (
            "record_unavailability",
            lambda v: workflow.record_unavailability(
                referral, by=by, version=v, start=today(), end=today(), reason="Away"
            ),
        ),
    ):
        with pytest.raises(workflow.TransitionNotAllowed) as refused:
            call(fresh(referral).version)
        assert refused.value.action == action


def test_close_cancels_later_booked_appointments(referral, by):
    later = book(referral, by, on=today() + datetime.timedelta(days=3))

    workflow.close(
        referral, by=by, version=fresh(referral).version, reason="moved_away", closed_on=today()
    )

    later.refresh_from_db()
    assert (later.attendance, later.cancelled_on) == ("clinic_cancelled", today())
    assert fresh(referral).status == Status.CLOSED


def test_close_is_refused_while_an_earlier_appointment_has_no_outcome(referral, by):
    book(referral, by, on=today())

    with pytest.raises(workflow.AppointmentConflict, match="Record what happened"):
        workflow.close(
            referral, by=by, version=fresh(referral).version, reason="moved_away", closed_on=today()
        )
    assert fresh(referral).status == Status.ACCEPTED


def run_together(*calls):
    """Run the calls in two threads released together; their results or Conflict messages."""
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            outcomes.append(call())
        except workflow.Conflict as conflict:
            outcomes.append(conflict)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_people_recording_the_same_outcome_at_once_one_succeeds():
    referral = ReferralFactory(accepted=True)
    people = [TeamMemberFactory(), TeamMemberFactory()]
    appointment = AppointmentFactory(referral=referral, on=today(), purpose="first_treatment")
    version = fresh(referral).version

    outcomes = run_together(
        *(
            lambda person=person: workflow.record_attendance(
                Referral.objects.get(pk=referral.pk),
                appointment=appointment,
                by=person,
                version=version,
                attendance="attended",
            )
            for person in people
        )
    )

    conflicts = [o for o in outcomes if isinstance(o, workflow.Conflict)]
    assert len(outcomes) == 2
    assert len(conflicts) == 1
    assert "Nothing was changed" in conflicts[0].message or "nothing was changed" in (
        conflicts[0].message
    )
    assert ReferralEvent.objects.filter(referral=referral, by__in=people).count() == 1
    assert fresh(referral).status == Status.IN_TREATMENT


@pytest.mark.django_db(transaction=True)
def test_two_people_booking_from_the_same_page_at_once_one_succeeds():
    referral = ReferralFactory(accepted=True)
    people = [TeamMemberFactory(), TeamMemberFactory()]
    version = fresh(referral).version

    outcomes = run_together(
        *(
            lambda person=person: workflow.book_appointment(
                Referral.objects.get(pk=referral.pk),
                by=person,
                version=version,
                on=today(),
                time=datetime.time(10),
                purpose="assessment",
                mode="clinic",
                staff=[person],
            )
            for person in people
        )
    )

    assert len(outcomes) == 2
    assert sum(isinstance(o, workflow.StaleVersion) for o in outcomes) == 1
    assert Appointment.objects.filter(referral=referral).count() == 1
    assert ReferralEvent.objects.filter(referral=referral, by__in=people).count() == 1
