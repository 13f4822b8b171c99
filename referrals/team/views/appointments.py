"""A case's appointments: booking one, each appointment's own page (what happened, cancel,
rebook, the letter, the email to a carer) and the printable letter.

An appointment is looked up through its referral (`find_referral`, then
`referral.appointments`): another referral's appointment id is a 404. Every change is a POST
carrying the referral's version, through `referrals.workflow`; a refused or stale change shows
its message on the same form, with what was typed.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from imhs import audit
from imhs.accounts.access import get_or_404, team_member_required
from imhs.models import AuditAction
from referrals import workflow
from referrals.models import Attendance
from referrals.team import presenters
from referrals.team.forms.appointments import (
    AttendanceForm,
    BookAppointmentForm,
    CancelAppointmentForm,
    EmailCarerForm,
    RebookAppointmentForm,
)
from referrals.team.pages import find_referral, page_url, record_view, team_lookup


def _find_appointment(request, referral, appointment_id):
    """The appointment of this referral (another referral's: an audited 404)."""
    appointments = referral.appointments.select_related("rebooked_as").prefetch_related("staff")
    return get_or_404(request, appointments, pk=appointment_id)


def appointment_url(referral, appointment):
    return reverse("referrals:team_appointment", args=[referral.reference, appointment.pk])


# --- booking ---------------------------------------------------------------------------------


def _render_book(request, referral, form):
    return render(
        request,
        "referrals/team/book_appointment.html",
        {"referral": referral, "form": form, "back_url": page_url(referral, "appointments")},
    )


@team_member_required
@require_http_methods(["GET", "POST"])
def book(request, reference):
    if request.method == "GET":
        referral = team_lookup(request, reference, detail={"page": "book_appointment"})
        if not workflow.allowed(referral, "book_appointment"):
            messages.error(
                request, workflow.TransitionNotAllowed(referral, "book_appointment").message
            )
            return redirect(page_url(referral, "appointments"))
        return _render_book(request, referral, BookAppointmentForm(referral=referral))
    referral = find_referral(request, reference)
    form = BookAppointmentForm(request.POST, referral=referral)
    if form.is_valid():
        try:
            appointment = form.apply(
                referral, by=request.user, version=request.POST.get("version"), request=request
            )
        except workflow.Conflict as conflict:
            messages.error(request, conflict.message)
        else:
            messages.success(request, form.success(appointment))
            return redirect(appointment_url(referral, appointment))
    # What was typed, with its errors or the conflict, on the latest version of the page.
    record_view(request, referral, detail={"page": "book_appointment"})
    return _render_book(request, referral, form)


# --- one appointment -------------------------------------------------------------------------


def _forms(referral, appointment, today, bound=None):
    """The forms open on this appointment now, by action (`bound` takes its form's place)."""
    kwargs = {"referral": referral, "appointment": appointment}
    open_case = workflow.allowed(referral, "record_attendance")
    forms = {}
    recordable = appointment.attendance in (Attendance.BOOKED, Attendance.NOT_KNOWN)
    if open_case and recordable and presenters.outcome_opens_on(appointment, today) is None:
        forms["record_attendance"] = AttendanceForm(**kwargs)
    if open_case and appointment.is_booked:
        forms["cancel_appointment"] = CancelAppointmentForm(**kwargs)
        forms["rebook_appointment"] = RebookAppointmentForm(**kwargs)
    if appointment.is_booked:
        carers = presenters.carers_with_email(referral)
        if carers:
            forms["email_appointment"] = EmailCarerForm(carers=carers, **kwargs)
    if bound is not None:
        forms[bound.action] = bound
    return forms


ACTION_URLS = {
    "record_attendance": "referrals:team_appointment_attendance",
    "cancel_appointment": "referrals:team_appointment_cancel",
    "rebook_appointment": "referrals:team_appointment_rebook",
    "email_appointment": "referrals:team_appointment_email",
}


def _render_appointment(request, referral, appointment, *, bound=None):
    today = timezone.localdate()
    forms = _forms(referral, appointment, today, bound)
    panels = [
        {
            "action": action,
            "form": form,
            "url": reverse(ACTION_URLS[action], args=[referral.reference, appointment.pk]),
            "open": form is bound,
        }
        for action, form in forms.items()
    ]
    opens_on = (
        presenters.outcome_opens_on(appointment, today)
        if appointment.attendance == Attendance.BOOKED
        else None
    )
    return render(
        request,
        "referrals/team/appointment.html",
        {
            "referral": referral,
            "appointment": presenters.appointment_row(referral, appointment),
            "panels": panels,
            "outcome_opens_on": opens_on,
            "letter_url": reverse(
                "referrals:team_appointment_letter", args=[referral.reference, appointment.pk]
            )
            if appointment.is_booked
            else "",
            "back_url": page_url(referral, "appointments"),
            "failed_form": bound if bound is not None and bound.errors else None,
            "form": bound if bound is not None and bound.errors else None,
        },
    )


@team_member_required
@require_GET
def show(request, reference, appointment_id):
    referral = find_referral(request, reference)
    appointment = _find_appointment(request, referral, appointment_id)
    record_view(request, referral, detail={"appointment": appointment.pk})
    return _render_appointment(request, referral, appointment)


def _change(request, reference, appointment_id, form_class):
    """A change to one appointment, POST only: a GET (a reload) shows the appointment's page."""
    referral = find_referral(request, reference)
    appointment = _find_appointment(request, referral, appointment_id)
    if request.method == "GET":
        return redirect(appointment_url(referral, appointment))
    kwargs = {"referral": referral, "appointment": appointment}
    if form_class is EmailCarerForm:
        kwargs["carers"] = presenters.carers_with_email(referral)
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        try:
            result = form.apply(
                referral, by=request.user, version=request.POST.get("version"), request=request
            )
        except workflow.Conflict as conflict:
            messages.error(request, conflict.message)
        else:
            messages.success(request, form.success(result))
            if form_class is EmailCarerForm:
                return redirect(appointment_url(referral, appointment))
            return redirect(page_url(referral, "appointments"))
    # What was typed, with its errors or the conflict's message, on the appointment's page.
    record_view(request, referral, detail={"appointment": appointment.pk})
    return _render_appointment(request, referral, appointment, bound=form)


@team_member_required
@require_http_methods(["GET", "POST"])
def record_attendance(request, reference, appointment_id):
    return _change(request, reference, appointment_id, AttendanceForm)


@team_member_required
@require_http_methods(["GET", "POST"])
def cancel(request, reference, appointment_id):
    return _change(request, reference, appointment_id, CancelAppointmentForm)


@team_member_required
@require_http_methods(["GET", "POST"])
def rebook(request, reference, appointment_id):
    return _change(request, reference, appointment_id, RebookAppointmentForm)


@team_member_required
@require_http_methods(["GET", "POST"])
def email(request, reference, appointment_id):
    return _change(request, reference, appointment_id, EmailCarerForm)


@team_member_required
@require_GET
def letter(request, reference, appointment_id):
    """The printable appointment letter to the family (only while it is booked)."""
    referral = find_referral(request, reference)
    appointment = _find_appointment(request, referral, appointment_id)
    content = presenters.appointment_letter(referral, appointment, timezone.localdate())
    if content is None:
        raise Http404
    audit.record(
        AuditAction.EXPORT,
        by=request.user,
        obj=referral,
        request=request,
        detail={"letter": "appointment"},
    )
    return render(
        request,
        "referrals/letters/appointment.html",
        {
            "referral": referral,
            "letter": content,
            "back_url": appointment_url(referral, appointment),
        },
    )
