"""The team's forms for a case's appointments and the family's unavailability: book, record
what happened, cancel, rebook, email a carer, and the periods the family cannot come.

Same shape as the triage forms (`TriageForm`: `action`, `write`, `apply`, `arguments`); a form
about one appointment takes `appointment=` as well as `referral=`, and passes it to its write.
"""

import datetime
import re

from crispy_forms.layout import Layout
from django import forms

from imhs.models import User
from imhs.nhsuk.fields import DateInputField
from imhs.nhsuk.layout import CharacterCount, Checkboxes, Radios
from imhs.nhsuk.text import nhs_date
from referrals import notifications, workflow
from referrals.models import (
    COUNTS_AS_TREATMENT,
    OUTCOMES,
    AppointmentMode,
    Attendance,
    Purpose,
)
from referrals.team.forms.triage import (
    TriageForm,
    _not_before_received,
    a_day_so_far,
    active_staff,
)

LOCATION_MAX_LENGTH = 200  # Appointment.location
UNAVAILABILITY_REASON_MAX_LENGTH = 200  # Unavailability.reason
_TIME = re.compile(r"\s*([0-9]{1,2})[:.]([0-9]{2})\s*")
TIME_FORMAT_MESSAGE = "Enter the time in the 24-hour clock, like 09:30 or 14:00"
CANCELLED_BY = (("family", "The family"), ("service", "The service"))


class TimeField(forms.CharField):
    """A time typed as HH:MM (24-hour clock; "9:30" and "14.00" are accepted too)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "nhsuk-input--width-5"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = _TIME.fullmatch(value)
        if match is None:
            raise forms.ValidationError(TIME_FORMAT_MESSAGE, code="invalid")
        hours, minutes = int(match[1]), int(match[2])
        if hours > 23 or minutes > 59:
            raise forms.ValidationError(TIME_FORMAT_MESSAGE, code="invalid")
        return datetime.time(hours, minutes)


class StaffField(forms.ModelMultipleChoiceField):
    """Who sees the family: active team members and service leads, with their professional
    group."""

    def __init__(self, **kwargs):
        super().__init__(
            queryset=User.objects.none(),
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": "Select who will see the family",
                "invalid_choice": "Select who will see the family from the list",
                "invalid_pk_value": "Select who will see the family from the list",
            },
            **kwargs,
        )

    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.professional_group})"


def _treatment_hint():
    counted = [label for value, label in Purpose.choices if COUNTS_AS_TREATMENT[value]]
    return (
        f"{' and '.join(counted)} count as treatment: attending the first one stops the "
        "18-week clock."
    )


def _choice(label, choices, required_message, **kwargs):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required_message, "invalid_choice": required_message},
        **kwargs,
    )


def _date(label, subject, **kwargs):
    return DateInputField(label=label, error_subject=subject, **kwargs)


class AppointmentForm(TriageForm):
    """A form about one appointment (`appointment=`), passed on to its write."""

    def __init__(self, data=None, *, appointment=None, **kwargs):
        super().__init__(data, **kwargs)
        self.appointment = appointment

    def arguments(self):
        return {**self.cleaned_data, "appointment": self.appointment}


class _When:
    """The date (not before the referral was received) and the time of an appointment."""

    def clean_on(self):
        return _not_before_received(
            self,
            self.cleaned_data["on"],
            "The date must be on or after the date the referral was received ({received})",
        )


class BookAppointmentForm(_When, TriageForm):
    action = "book_appointment"
    write = staticmethod(workflow.book_appointment)
    title = "Book an appointment"
    submit_label = "Book appointment"
    success_message = "Appointment booked."

    on = _date("Date", "The date", help_text="For example, 15 3 2026.")
    time = TimeField(
        label="Time",
        help_text="Use the 24-hour clock, for example 09:30 or 14:00.",
        error_messages={"required": "Enter the time of the appointment"},
    )
    purpose = _choice(
        "What is the appointment for?",
        Purpose.choices,
        "Select what the appointment is for",
        help_text=_treatment_hint(),
    )
    mode = _choice(
        "How will the family be seen?",
        AppointmentMode.choices,
        "Select how the family will be seen",
    )
    location = forms.CharField(
        label="Where",
        help_text="The clinic, nursery or address. Leave it empty for a call.",
        required=False,
        max_length=LOCATION_MAX_LENGTH,
        error_messages={"max_length": f"Where must be {LOCATION_MAX_LENGTH} characters or fewer"},
    )
    staff = StaffField(label="Who will see the family?", help_text="Select everyone who will.")

    layout = Layout(
        "on", "time", Radios("purpose"), Radios("mode"), "location", Checkboxes("staff")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = active_staff()

    def arguments(self):
        return {**self.cleaned_data, "staff": list(self.cleaned_data["staff"])}

    def success(self, appointment):
        return f"Appointment booked for {nhs_date(appointment.on)} at {appointment.time:%H:%M}."


class AttendanceForm(AppointmentForm):
    action = "record_attendance"
    write = staticmethod(workflow.record_attendance)
    title = "Record what happened"
    submit_label = "Save what happened"
    success_message = "What happened at the appointment has been recorded."

    attendance = _choice(
        "What happened?",
        [(value, Attendance(value).label) for value in OUTCOMES],
        "Select what happened at the appointment",
    )

    layout = Layout(Radios("attendance"))


class _CancelledBy(forms.Form):
    cancelled_by = _choice(
        "Who cancelled?", CANCELLED_BY, "Select who cancelled: the family or the service"
    )
    cancelled_on = _date(
        "Date it was cancelled",
        "The date it was cancelled",
        required=False,
        help_text="For example, 15 3 2026. Leave it empty for today. When the family cancels, "
        "the 18-week clock starts again from this day.",
    )

    def clean_cancelled_on(self):
        return a_day_so_far(self, self.cleaned_data["cancelled_on"], "The date it was cancelled")


class CancelAppointmentForm(_CancelledBy, AppointmentForm):
    action = "cancel_appointment"
    write = staticmethod(workflow.cancel_appointment)
    title = "Cancel the appointment"
    submit_label = "Cancel appointment"
    success_message = "Appointment cancelled."
    button_class = "nhsuk-button nhsuk-button--warning"

    layout = Layout(Radios("cancelled_by", inline=True), "cancelled_on")


class RebookAppointmentForm(_When, _CancelledBy, AppointmentForm):
    action = "rebook_appointment"
    write = staticmethod(workflow.rebook_appointment)
    title = "Rebook the appointment"
    submit_label = "Rebook appointment"
    success_message = "Appointment rebooked."

    on = _date("New date", "The new date", help_text="For example, 15 3 2026.")
    time = TimeField(
        label="New time",
        help_text="Use the 24-hour clock, for example 09:30 or 14:00.",
        error_messages={"required": "Enter the new time"},
    )
    mode = _choice(
        "How will the family be seen?",
        AppointmentMode.choices,
        "Select how the family will be seen",
    )
    location = BookAppointmentForm.base_fields["location"]
    staff = StaffField(label="Who will see the family?", help_text="Select everyone who will.")

    layout = Layout(
        "on",
        "time",
        Radios("cancelled_by", inline=True),
        "cancelled_on",
        Radios("mode"),
        "location",
        Checkboxes("staff"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = active_staff()
        if self.appointment is not None and not self.is_bound:
            # Kept as they were unless changed here.
            self.initial.update(
                mode=self.appointment.mode,
                location=self.appointment.location,
                staff=[user.pk for user in self.appointment.staff.all()],
            )

    def arguments(self):
        return {**super().arguments(), "staff": list(self.cleaned_data["staff"])}

    def success(self, appointment):
        return f"Appointment rebooked for {nhs_date(appointment.on)} at {appointment.time:%H:%M}."


class EmailCarerForm(AppointmentForm):
    """Email a carer the appointment's date, time and place (no names, no clinical words)."""

    action = "email_appointment"
    title = "Email the appointment to a parent or carer"
    submit_label = "Send email"
    button_class = "nhsuk-button nhsuk-button--secondary"

    carer = forms.TypedChoiceField(
        label="Who should get the email?",
        coerce=int,
        choices=(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who should get the email",
            "invalid_choice": "Select who should get the email",
        },
        help_text="It says the date, time and where or how, and the team's phone number: no "
        "names and nothing about why.",
    )

    layout = Layout(Radios("carer"))

    def __init__(self, *args, carers=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Only the baby's carers with an email address (the view passes them in).
        self.carers = {carer.pk: carer for carer in carers}
        self.fields["carer"].choices = [
            (carer.pk, f"{carer.full_name} ({carer.email})") for carer in carers
        ]

    def arguments(self):
        return {"appointment": self.appointment, "carer": self.carers[self.cleaned_data["carer"]]}

    def apply(self, referral, *, by, version=None, request=None):
        return notifications.email_appointment(by=by, request=request, **self.arguments())

    def success(self, result):
        return "The email has been sent."


class UnavailabilityForm(TriageForm):
    action = "record_unavailability"
    write = staticmethod(workflow.record_unavailability)
    title = "Add a period when the family cannot come"
    submit_label = "Add period"
    success_message = "The family's unavailability has been recorded. The clock pauses then."

    start = _date("First day", "The first day", help_text="For example, 1 7 2026.")
    end = _date("Last day", "The last day", help_text="For example, 14 7 2026.")
    reason = forms.CharField(
        label="Why can they not come?",
        max_length=UNAVAILABILITY_REASON_MAX_LENGTH,
        help_text="For example, on holiday, or in hospital.",
        error_messages={
            "required": "Enter why the family cannot come",
            "max_length": "Why the family cannot come must be "
            f"{UNAVAILABILITY_REASON_MAX_LENGTH} characters or fewer",
        },
    )

    layout = Layout("start", "end", CharacterCount("reason"))

    def clean_start(self):
        return _not_before_received(
            self,
            self.cleaned_data["start"],
            "The first day must be on or after the date the referral was received ({received})",
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error(
                "end",
                forms.ValidationError(
                    "The last day must be the same as or after the first day", code="order"
                ),
            )
        if "reason" in cleaned and not cleaned["reason"].strip():
            self.add_error(
                "reason", forms.ValidationError("Enter why the family cannot come", code="required")
            )
        return cleaned


class RemoveUnavailabilityForm(TriageForm):
    action = "remove_unavailability"
    write = staticmethod(workflow.remove_unavailability)
    title = "Remove a period when the family cannot come"
    submit_label = "Remove"
    success_message = "The period has been removed."

    def __init__(self, data=None, *, period=None, **kwargs):
        super().__init__(data, **kwargs)
        self.period = period

    def arguments(self):
        return {"period": self.period}
