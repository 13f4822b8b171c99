"""The team's appointment pages: booking, each appointment's page and its changes (what
happened, cancel, rebook), the family's unavailability on the referral page, the printable
appointment letter and the email to a carer; conflicts keep what was typed."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from imhs.models import AuditAction, AuditEvent
from imhs.nhsuk.text import nhs_date
from referrals import workflow
from referrals.models import Appointment, Attendance, Status, Unavailability
from tests.factories import (
    AppointmentFactory,
    CareRelationshipFactory,
    ReferralFactory,
    ReferrerFactory,
    TeamMemberFactory,
    UnavailabilityFactory,
)
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def flat(response):
    text = html.unescape(response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


def url(referral, name, *args):
    return reverse(f"referrals:{name}", args=[referral.reference, *args])


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def member(client, team_member):
    sign_in(client, team_member)
    return team_member


@pytest.fixture
def referral():
    return ReferralFactory(accepted=True)


def booking(member, **overrides):
    on = overrides.pop("on", TODAY() + datetime.timedelta(days=10))
    data = {
        "on_day": on.day,
        "on_month": on.month,
        "on_year": on.year,
        "time": "10:30",
        "purpose": "assessment",
        "mode": "clinic",
        "location": "Test Clinic",
        "staff": [member.pk],
    }
    data.update(overrides)
    return data


# --- booking ---------------------------------------------------------------------------------


def test_book_page_shows_the_form_with_the_treatment_hint(client, member, referral):
    response = client.get(url(referral, "team_book_appointment"))

    assert response.status_code == 200
    text = flat(response)
    assert "Book an appointment" in text
    assert "First treatment session and Treatment session (ongoing) count as treatment" in text
    assert f"{member.full_name} (Psychology)" in text
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(referral.pk)).exists()


def test_booking_saves_the_appointment_its_event_and_audit_and_bumps_the_version(
    client, member, referral
):
    version = referral.version
    response = client.post(
        url(referral, "team_book_appointment"),
        {**booking(member, time="9:05"), "version": version},
        follow=True,
    )

    appointment = Appointment.objects.get(referral=referral)
    assert appointment.time == datetime.time(9, 5)
    assert appointment.purpose == "assessment"
    assert list(appointment.staff.all()) == [member]
    assert appointment.attendance == Attendance.BOOKED
    referral.refresh_from_db()
    assert referral.version == version + 1
    assert referral.events.filter(note__startswith="Booked: Assessment on").exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGE, detail__action="book_appointment"
    ).exists()
    assert response.redirect_chain[-1][0] == url(referral, "team_appointment", appointment.pk)
    assert any("Appointment booked for" in m for m in messages_of(response))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time", "25:00", "Enter the time in the 24-hour clock, like 09:30 or 14:00"),
        ("time", "half ten", "Enter the time in the 24-hour clock, like 09:30 or 14:00"),
        ("time", "", "Enter the time of the appointment"),
        ("purpose", "", "Select what the appointment is for"),
        ("mode", "teleport", "Select how the family will be seen"),
        ("staff", [], "Select who will see the family"),
        ("staff", ["999999"], "Select who will see the family from the list"),
    ],
)
def test_bad_booking_shows_the_error_at_the_field_and_in_the_summary_keeping_what_was_typed(
    client, member, referral, field, value, message
):
    data = {**booking(member, location="Typed Clinic Name"), field: value}
    response = client.post(
        url(referral, "team_book_appointment"), {**data, "version": referral.version}
    )

    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert body.count(message) >= 2  # the summary and the field
    assert "Typed Clinic Name" in body
    assert not Appointment.objects.exists()


def test_a_date_before_the_referral_was_received_is_refused(client, member, referral):
    data = booking(member, on=referral.received_on - datetime.timedelta(days=1))
    response = client.post(
        url(referral, "team_book_appointment"), {**data, "version": referral.version}
    )

    assert "The date must be on or after the date the referral was received" in flat(response)
    assert not Appointment.objects.exists()


def test_a_stale_booking_keeps_what_was_typed_with_the_conflict_message(client, member, referral):
    stale = referral.version
    workflow.allocate(referral, by=TeamMemberFactory(), version=stale, to=member)

    response = client.post(
        url(referral, "team_book_appointment"),
        {**booking(member, location="Typed Clinic Name"), "version": stale},
    )

    assert response.status_code == 200
    assert any("after you opened the page" in m for m in messages_of(response))
    assert "Typed Clinic Name" in html.unescape(response.content.decode())
    assert f'name="version" value="{stale + 1}"' in response.content.decode()
    assert not Appointment.objects.exists()


def test_booking_on_a_closed_case_is_refused(client, member):
    closed = ReferralFactory(
        accepted=True, status=Status.CLOSED, closed_on=TODAY(), close_reason="moved_away"
    )
    assert client.get(url(closed, "team_book_appointment")).status_code == 302
    response = client.post(
        url(closed, "team_book_appointment"), {**booking(member), "version": closed.version}
    )
    assert any("You cannot book an appointment for" in m for m in messages_of(response))
    assert not Appointment.objects.exists()


# --- the referral page ---------------------------------------------------------------------


def test_the_referral_page_lists_appointments_with_attendance_rebooking_and_who(
    client, member, referral
):
    old = AppointmentFactory(
        referral=referral,
        on=TODAY() - datetime.timedelta(days=3),
        purpose="first_treatment",
        staff=[member],
    )
    new = AppointmentFactory(referral=referral, on=datetime.date(2027, 3, 12))
    old.attendance, old.cancelled_on, old.rebooked_as = Attendance.PATIENT_CANCELLED, TODAY(), new
    old.outcome_by, old.outcome_at = member, timezone.now()
    old.save()

    response = client.get(url(referral, "team_referral"))

    text = flat(response)
    assert 'id="appointments"' in response.content.decode()
    assert "First treatment session" in text
    assert f"{member.full_name} (Psychology)" in text
    assert "Cancelled by the family" in text
    assert "Rebooked to 12 March 2027" in text
    assert "Book an appointment" in text
    assert url(referral, "team_appointment", new.pk) in response.content.decode()


def test_no_book_link_on_a_closed_case(client, member):
    closed = ReferralFactory(
        accepted=True, status=Status.CLOSED, closed_on=TODAY(), close_reason="moved_away"
    )
    AppointmentFactory(referral=closed, on=TODAY() - datetime.timedelta(days=1))
    text = flat(client.get(url(closed, "team_referral")))
    assert "Appointments" in text
    assert "Book an appointment" not in text


def test_the_referral_page_makes_as_many_queries_with_ten_appointments_as_with_one(client, member):
    counts = []
    for how_many in (1, 10):
        referral = ReferralFactory(accepted=True)
        for day in range(how_many):
            AppointmentFactory(
                referral=referral,
                on=TODAY() + datetime.timedelta(days=day),
                staff=[member, TeamMemberFactory()],
            )
        UnavailabilityFactory.create_batch(how_many, referral=referral)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(referral, "team_referral")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- one appointment -----------------------------------------------------------------------


def test_the_appointment_page_before_its_day_offers_cancel_and_rebook_but_not_the_outcome(
    client, member, referral
):
    appointment = AppointmentFactory(referral=referral)

    response = client.get(url(referral, "team_appointment", appointment.pk))

    text = flat(response)
    assert "Cancel the appointment" in text
    assert "Rebook the appointment" in text
    assert "Record what happened" not in text
    assert f"You can record what happened at this appointment from {nhs_date(appointment.on)}" in (
        text
    )
    assert "Appointment letter to the family" in text
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, detail__appointment=appointment.pk
    ).exists()


def test_another_referrals_appointment_is_a_404(client, member, referral):
    other = AppointmentFactory()
    for name in ("team_appointment", "team_appointment_letter"):
        assert client.get(url(referral, name, other.pk)).status_code == 404
    response = client.post(
        url(referral, "team_appointment_cancel", other.pk),
        {"version": referral.version, "cancelled_by": "family"},
    )
    assert response.status_code == 404
    assert Appointment.objects.get(pk=other.pk).is_booked


def test_a_referrer_cannot_open_an_appointment(client, referral):
    appointment = AppointmentFactory(referral=referral)
    sign_in(client, ReferrerFactory())
    response = client.get(url(referral, "team_appointment", appointment.pk))
    assert response.status_code in (403, 404)


def test_get_on_a_post_only_url_goes_to_the_appointment(client, member, referral):
    appointment = AppointmentFactory(referral=referral)
    for name in (
        "team_appointment_attendance",
        "team_appointment_cancel",
        "team_appointment_rebook",
        "team_appointment_email",
    ):
        response = client.get(url(referral, name, appointment.pk))
        assert response.status_code == 302
        assert response.url == url(referral, "team_appointment", appointment.pk)


def test_recording_attendance_at_a_treatment_appointment_starts_treatment(client, member, referral):
    appointment = AppointmentFactory(referral=referral, on=TODAY(), purpose="first_treatment")

    response = client.post(
        url(referral, "team_appointment_attendance", appointment.pk),
        {"attendance": "attended", "version": referral.version},
        follow=True,
    )

    appointment.refresh_from_db()
    referral.refresh_from_db()
    assert appointment.attendance == Attendance.ATTENDED
    assert referral.status == Status.IN_TREATMENT
    assert "What happened at the appointment has been recorded." in messages_of(response)
    assert "Treatment started" in flat(response)


def test_a_bad_outcome_shows_the_error_on_the_appointment_page(client, member, referral):
    appointment = AppointmentFactory(referral=referral, on=TODAY())
    response = client.post(
        url(referral, "team_appointment_attendance", appointment.pk),
        {"attendance": "cancelled", "version": referral.version},
    )
    assert response.status_code == 200
    assert flat(response).count("Select what happened at the appointment") >= 2


def test_a_second_outcome_is_refused_with_who_recorded_the_first(client, member, referral):
    appointment = AppointmentFactory(referral=referral, on=TODAY())
    workflow.record_attendance(
        referral,
        appointment=appointment,
        by=member,
        version=referral.version,
        attendance="did_not_attend",
    )
    referral.refresh_from_db()
    response = client.post(
        url(referral, "team_appointment_attendance", appointment.pk),
        {"attendance": "attended", "version": referral.version},
        follow=True,
    )
    assert any("it was recorded as did not attend" in m for m in messages_of(response))


def test_cancelling_by_the_family_on_a_day_keeps_the_day(client, member):
    referral = ReferralFactory(
        accepted=True, submitted_at=timezone.now() - datetime.timedelta(days=30)
    )
    appointment = AppointmentFactory(referral=referral)
    day = TODAY() - datetime.timedelta(days=1)
    client.post(
        url(referral, "team_appointment_cancel", appointment.pk),
        {
            "cancelled_by": "family",
            "cancelled_on_day": day.day,
            "cancelled_on_month": day.month,
            "cancelled_on_year": day.year,
            "version": referral.version,
        },
    )
    appointment.refresh_from_db()
    assert appointment.attendance == Attendance.PATIENT_CANCELLED
    assert appointment.cancelled_on == day


def test_cancelling_by_the_service_defaults_to_today(client, member, referral):
    appointment = AppointmentFactory(referral=referral)
    client.post(
        url(referral, "team_appointment_cancel", appointment.pk),
        {"cancelled_by": "service", "version": referral.version},
    )
    appointment.refresh_from_db()
    assert appointment.attendance == Attendance.CLINIC_CANCELLED
    assert appointment.cancelled_on == TODAY()


def test_rebooking_links_the_new_appointment_and_keeps_what_was_not_changed(
    client, member, referral
):
    appointment = AppointmentFactory(referral=referral, mode="home_visit", location="Home")
    on = TODAY() + datetime.timedelta(days=20)
    page = client.get(url(referral, "team_appointment", appointment.pk))
    assert (
        'value="home_visit" checked' in page.content.decode() or "checked" in page.content.decode()
    )

    client.post(
        url(referral, "team_appointment_rebook", appointment.pk),
        {
            "on_day": on.day,
            "on_month": on.month,
            "on_year": on.year,
            "time": "14:00",
            "cancelled_by": "service",
            "mode": "home_visit",
            "location": "Home",
            "staff": [appointment.booked_by.pk],
            "version": referral.version,
        },
    )

    appointment.refresh_from_db()
    new = appointment.rebooked_as
    assert appointment.attendance == Attendance.CLINIC_CANCELLED
    assert (new.on, new.time, new.mode, new.purpose) == (
        on,
        datetime.time(14),
        "home_visit",
        appointment.purpose,
    )


def test_a_stale_rebook_keeps_what_was_typed(client, member, referral):
    appointment = AppointmentFactory(referral=referral)
    stale = referral.version
    workflow.allocate(referral, by=member, version=stale, to=member)
    response = client.post(
        url(referral, "team_appointment_rebook", appointment.pk),
        {
            "on_day": "3",
            "on_month": "4",
            "on_year": "2027",
            "time": "11:15",
            "cancelled_by": "family",
            "mode": "clinic",
            "location": "A Typed New Place",
            "staff": [member.pk],
            "version": stale,
        },
    )
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "after you opened the page" in body
    assert "A Typed New Place" in body
    assert 'value="11:15"' in body
    appointment.refresh_from_db()
    assert appointment.is_booked


# --- the family's unavailability -----------------------------------------------------------


def test_adding_and_removing_unavailability(client, member, referral):
    start = TODAY() + datetime.timedelta(days=3)
    response = client.post(
        url(referral, "team_unavailability"),
        {
            "start_day": start.day,
            "start_month": start.month,
            "start_year": start.year,
            "end_day": start.day,
            "end_month": start.month,
            "end_year": start.year,
            "reason": "In hospital",
            "version": referral.version,
        },
        follow=True,
    )
    period = Unavailability.objects.get(referral=referral)
    text = flat(response)
    assert "In hospital" in text
    assert f"Recorded by {member.full_name}" in text

    referral.refresh_from_db()
    client.post(
        url(referral, "team_remove_unavailability", period.pk), {"version": referral.version}
    )
    assert not Unavailability.objects.exists()
    assert referral.events.filter(note__startswith="Removed: family unavailable").exists()


def test_bad_unavailability_keeps_what_was_typed(client, member, referral):
    response = client.post(
        url(referral, "team_unavailability"),
        {
            "start_day": "10",
            "start_month": "6",
            "start_year": "2027",
            "end_day": "1",
            "end_month": "6",
            "end_year": "2027",
            "reason": "Typed reason here",
            "version": referral.version,
        },
    )
    assert response.status_code == 200
    text = flat(response)
    assert text.count("The last day must be the same as or after the first day") >= 2
    assert "Typed reason here" in html.unescape(response.content.decode())


def test_removing_another_referrals_period_is_a_404(client, member, referral):
    other = UnavailabilityFactory()
    response = client.post(
        url(referral, "team_remove_unavailability", other.pk), {"version": referral.version}
    )
    assert response.status_code == 404


# --- the letter and the email --------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("near_me", "the team will send you a link to join it"),
        ("telephone", "The team will phone you at the time above"),
        ("clinic", "Test Clinic, 1 Example Street"),
    ],
)
def test_the_appointment_letter(client, member, referral, settings, mode, words):
    appointment = AppointmentFactory(referral=referral, mode=mode)

    response = client.get(url(referral, "team_appointment_letter", appointment.pk))

    text = flat(response)
    assert nhs_date(appointment.on) in text
    assert "10:30" in text
    assert words in text
    assert settings.SERVICE["phone"] in text
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, detail={"letter": "appointment"}
    ).exists()


def test_no_letter_for_a_cancelled_appointment(client, member, referral):
    appointment = AppointmentFactory(referral=referral)
    workflow.cancel_appointment(
        referral,
        appointment=appointment,
        by=member,
        version=referral.version,
        cancelled_by="service",
    )
    assert client.get(url(referral, "team_appointment_letter", appointment.pk)).status_code == 404


def test_emailing_a_carer(client, member, referral, django_capture_on_commit_callbacks):
    appointment = AppointmentFactory(referral=referral, mode="near_me", location="")
    carer = referral.infant.care_relationships.get().carer

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(referral, "team_appointment_email", appointment.pk),
            {"carer": carer.pk, "version": referral.version},
            follow=True,
        )

    assert "The email has been sent." in messages_of(response)
    (email,) = mail.outbox
    assert email.to == [carer.email]
    assert nhs_date(appointment.on) in email.body
    assert "10:30" in email.body
    for private in (carer.given_name, referral.infant.given_name, "Assessment", "assessment"):
        assert private not in email.body
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, detail__email="appointment"
    ).exists()


def test_no_email_option_without_a_carer_with_an_address(client, member):
    referral = ReferralFactory(accepted=True, with_carer=False)
    appointment = AppointmentFactory(referral=referral)
    assert "Email the appointment" not in flat(
        client.get(url(referral, "team_appointment", appointment.pk))
    )
    CareRelationshipFactory(infant=referral.infant, carer__email="")
    assert "Email the appointment" not in flat(
        client.get(url(referral, "team_appointment", appointment.pk))
    )


def test_emailing_someone_who_is_not_a_carer_is_refused(client, member, referral):
    appointment = AppointmentFactory(referral=referral)
    stranger = CareRelationshipFactory().carer
    response = client.post(
        url(referral, "team_appointment_email", appointment.pk),
        {"carer": stranger.pk, "version": referral.version},
    )
    assert response.status_code == 200
    assert "Select who should get the email" in flat(response)
    assert not mail.outbox


# --- the closing letters -------------------------------------------------------------------


@pytest.mark.parametrize("recipient", ["referrer", "gp"])
def test_a_closed_cases_letters_say_it_closed_when_and_why_but_not_the_note(
    client, member, referral, recipient
):
    workflow.close(
        referral,
        by=member,
        version=referral.version,
        reason="other",
        note="Synthetic private note for the team.",
        closed_on=TODAY(),
    )

    page = flat(client.get(url(referral, "team_referral")))
    assert "Letter to the referrer" in page
    response = client.get(url(referral, "team_letter", recipient))

    text = flat(response)
    assert "The case has been closed" in text
    assert f"The case closed on {nhs_date(TODAY())} because the team's work with the family" in text
    assert "Synthetic private note" not in text
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, detail={"letter": recipient}
    ).exists()


def test_no_closing_words_in_an_accepted_referrals_letter(client, member, referral):
    text = flat(client.get(url(referral, "team_letter", "referrer")))
    assert "The referral has been accepted" in text
    assert "closed" not in text
