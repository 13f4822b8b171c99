"""The team's appointment forms: the time as HH:MM, dates against receipt, the purpose's hint
from COUNTS_AS_TREATMENT, and the workflow arguments each hands over."""

import datetime

import pytest
from django.utils import timezone

from referrals import workflow
from referrals.models import Referral
from referrals.team.forms.appointments import (
    AttendanceForm,
    BookAppointmentForm,
    CancelAppointmentForm,
    TimeField,
    UnavailabilityForm,
)
from tests.factories import TeamMemberFactory


def errors_of(form):
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def date_data(name, value):
    return {f"{name}_day": value.day, f"{name}_month": value.month, f"{name}_year": value.year}


def received(days_ago):
    return Referral(submitted_at=timezone.now() - datetime.timedelta(days=days_ago))


@pytest.mark.parametrize(
    ("typed", "time"),
    [
        ("09:30", datetime.time(9, 30)),
        ("9:30", datetime.time(9, 30)),
        ("14.05", datetime.time(14, 5)),
    ],
)
def test_a_time_is_read_in_the_24_hour_clock(typed, time):
    assert TimeField().clean(typed) == time


@pytest.mark.parametrize("typed", ["24:00", "12:60", "noon", "1230", "9:3", "09:30:00", "\x00"])
def test_a_time_not_in_the_24_hour_clock_is_refused_clearly(typed):
    with pytest.raises(Exception, match="Enter the time in the 24-hour clock"):
        TimeField().clean(typed)


def test_the_purpose_says_which_count_as_treatment():
    help_text = BookAppointmentForm.base_fields["purpose"].help_text
    assert "First treatment session and Treatment session (ongoing) count as treatment" in help_text


def test_the_write_of_each_form_is_the_workflow_function_of_its_action():
    for form_class in (BookAppointmentForm, AttendanceForm, CancelAppointmentForm):
        assert form_class.write.__module__ == workflow.__name__
        assert form_class.write.__name__ == form_class.action


@pytest.mark.django_db
def test_booking_hands_over_the_workflow_arguments():
    referral = received(days_ago=10)
    member = TeamMemberFactory()
    on = timezone.localdate() + datetime.timedelta(days=3)
    form = BookAppointmentForm(
        {
            **date_data("on", on),
            "time": "10:00",
            "purpose": "first_treatment",
            "mode": "near_me",
            "location": "",
            "staff": [member.pk],
        },
        referral=referral,
    )
    assert form.is_valid(), form.errors
    assert form.arguments() == {
        "on": on,
        "time": datetime.time(10),
        "purpose": "first_treatment",
        "mode": "near_me",
        "location": "",
        "staff": [member],
    }


def test_attendance_offers_only_the_outcomes():
    choices = [value for value, _label in AttendanceForm().fields["attendance"].choices]
    assert choices == ["attended", "did_not_attend", "could_not_wait", "not_known"]
    assert "attendance" in errors_of(AttendanceForm({"attendance": "patient_cancelled"}))


def test_a_cancellation_cannot_be_in_the_future_or_before_receipt():
    referral = received(days_ago=10)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = CancelAppointmentForm(
        {"cancelled_by": "family", **date_data("cancelled_on", tomorrow)}, referral=referral
    )
    assert errors_of(form) == {
        "cancelled_on": ["The date it was cancelled must be today or in the past"]
    }
    early = referral.received_on - datetime.timedelta(days=1)
    form = CancelAppointmentForm(
        {"cancelled_by": "family", **date_data("cancelled_on", early)}, referral=referral
    )
    assert "cancelled_on" in errors_of(form)
    assert errors_of(CancelAppointmentForm({}, referral=referral)) == {
        "cancelled_by": ["Select who cancelled: the family or the service"]
    }


def test_unavailability_needs_days_in_order_and_a_reason():
    referral = received(days_ago=10)
    today = timezone.localdate()
    form = UnavailabilityForm(
        {
            **date_data("start", today),
            **date_data("end", today - datetime.timedelta(days=1)),
            "reason": "   ",
        },
        referral=referral,
    )
    assert errors_of(form) == {
        "end": ["The last day must be the same as or after the first day"],
        "reason": ["Enter why the family cannot come"],
    }
