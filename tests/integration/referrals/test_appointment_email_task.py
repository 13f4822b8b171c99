"""The appointment email to a carer (ADR 0010): the queue holds the two ids only; the worker
builds an email with the date, time, how and where and the team's phone, to the carer's
address, with no names and nothing clinical; and sends nothing to someone who is not the baby's
carer or for an appointment no longer booked."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from referrals.models import Appointment
from referrals.notifications import send_appointment_email
from tests.factories import AppointmentFactory, CareRelationshipFactory, TeamMemberFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment():
    return AppointmentFactory(
        on=datetime.date(2027, 3, 12),
        time=datetime.time(14, 15),
        purpose="first_treatment",
        mode="home_visit",
        location="12 Sample Road",
    )


def test_the_queue_holds_only_the_appointment_and_carer_ids(
    client, settings, appointment, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "imhs.task_queue.DatabaseBackend"}}
    referral = appointment.referral
    carer = referral.infant.care_relationships.get().carer
    sign_in(client, TeamMemberFactory())

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("referrals:team_appointment_email", args=[referral.reference, appointment.pk]),
            {"carer": carer.pk, "version": referral.version},
        )

    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "referrals.notifications.send_appointment_email"
    assert queued.args_kwargs == {
        "args": [],
        "kwargs": {"appointment_id": appointment.pk, "carer_id": carer.pk},
    }
    assert not mail.outbox  # the worker sends it


def test_the_email_says_when_and_where_and_nothing_else(settings, appointment):
    referral = appointment.referral
    carer = referral.infant.care_relationships.get().carer

    send_appointment_email.call(appointment_id=appointment.pk, carer_id=carer.pk)

    [message] = mail.outbox
    assert message.to == [carer.email]
    for said in ("12 March 2027", "14:15", "Home visit", "visit you at home"):
        assert said in message.body
    assert settings.SERVICE["phone"] in message.body
    staff = appointment.staff.get()
    for private in (
        carer.given_name,
        carer.family_name,
        referral.infant.given_name,
        referral.infant.family_name,
        referral.reference,
        staff.family_name,
        "treatment",
        "Treatment",
        "12 Sample Road",  # a home visit's address is the family's: never in an email
    ):
        assert private not in message.body
        assert private not in message.subject


def test_nothing_is_sent_to_someone_who_is_not_the_babys_carer(appointment):
    stranger = CareRelationshipFactory().carer

    send_appointment_email.call(appointment_id=appointment.pk, carer_id=stranger.pk)

    assert not mail.outbox


def test_nothing_is_sent_for_a_cancelled_appointment(appointment):
    carer = appointment.referral.infant.care_relationships.get().carer
    Appointment.objects.filter(pk=appointment.pk).update(
        attendance="clinic_cancelled",
        cancelled_on=datetime.date(2027, 3, 1),
        outcome_by=appointment.booked_by,
        outcome_at=appointment.booked_at,
    )

    send_appointment_email.call(appointment_id=appointment.pk, carer_id=carer.pk)

    assert not mail.outbox


def test_a_clinics_name_is_in_the_email(appointment):
    appointment.mode, appointment.location = "clinic", "Synthetic Child Health Centre"
    appointment.save()
    carer = appointment.referral.infant.care_relationships.get().carer

    send_appointment_email.call(appointment_id=appointment.pk, carer_id=carer.pk)

    assert "Where: Synthetic Child Health Centre" in mail.outbox[0].body
