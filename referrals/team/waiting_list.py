"""The team's waiting list: every accepted referral not yet in treatment, longest adjusted wait
first, with the referral-to-treatment clock and the local 4-week measure on each row.

Designed for cost: the waiting set is bounded by the service's capacity (hundreds of families),
not by its history (every referral ever sent), so the page loads only that set, with only the
columns it shows (`.only()`), its appointments and unavailability in one query each, and then
computes each wait in Python (`Referral.wait`, the one clock), sorts, filters by band and pages.
The status filter uses the indexes that lead with `status` (Referral.Meta.indexes). The page
costs the same few queries however long the list or the history is.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.utils import timezone

from imhs.models import STAFF_ROLES, Profession, User
from imhs.nhsuk.text import nhs_date, plural
from referrals import waiting_times
from referrals.labels import WAIT_BAND_LABELS
from referrals.models import Appointment, Attendance, Referral, Status
from referrals.team.presenters import CLOCK_START_REASONS, weeks

PAGE_SIZE = 25
NOT_ALLOCATED = "none"
# A referral this close to its breach date stands out, so it can be seen before it breaches.
BREACH_SOON = datetime.timedelta(weeks=4)

# What a row of the waiting list or a caseload reads: nothing else is loaded.
CASE_FIELDS = (
    "reference",
    "status",
    "version",
    "submitted_at",
    "decided_at",
    "closed_on",
    "referrer_name",
    "referrer_profession",
    "allocated_to",
    "infant__given_name",
    "infant__family_name",
    "referrer__given_name",
    "referrer__family_name",
    "allocated_to__given_name",
    "allocated_to__family_name",
)
APPOINTMENT_FIELDS = ("referral", "on", "time", "purpose", "attendance", "cancelled_on")


def with_clock(referrals):
    """`referrals` with what a case row shows and the clock reads: the baby, referrer and
    allocated member joined, the appointments and unavailability in one query each."""
    return (
        referrals.select_related("infant", "referrer", "allocated_to")
        .only(*CASE_FIELDS)
        .prefetch_related(
            Prefetch("appointments", queryset=Appointment.objects.only(*APPOINTMENT_FIELDS)),
            "unavailability",
        )
    )


def waiting_set(user):
    """The accepted referrals the user may see that are not yet in treatment: the list."""
    return with_clock(Referral.objects.visible_to(user).filter(status=Status.ACCEPTED))


# --- filters --------------------------------------------------------------------------------


def staff_choices():
    """Every team member and service lead, as (id, name) choices: one query."""
    staff = User.objects.filter(role__in=STAFF_ROLES).order_by("family_name", "given_name")
    return [
        (str(user.pk), user.full_name if user.is_active else f"{user.full_name} (left)")
        for user in staff.only("given_name", "family_name", "is_active")
    ]


def _select(label, anything):
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", anything)],
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )


class WaitingListFilterForm(forms.Form):
    """The list's GET parameters (codes and ids only). Invalid values are ignored."""

    band = _select("Adjusted wait", "Any wait")
    allocated_to = _select("Allocated to", "Anyone or no one")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["band"].choices = [
            ("", "Any wait"),
            *((band, WAIT_BAND_LABELS[band]) for band, _most in waiting_times.BANDS),
        ]
        self.fields["allocated_to"].choices = [
            ("", "Anyone or no one"),
            (NOT_ALLOCATED, "Not allocated"),
            *staff_choices(),
        ]

    def filters(self):
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return Filters(band=data.get("band") or "", allocated_to=data.get("allocated_to") or "")


@dataclass(frozen=True)
class Filters:
    band: str = ""
    allocated_to: str = ""

    @property
    def chosen(self):
        return bool(self.band or self.allocated_to)


def filtered(referrals, filters):
    """The allocation filter, in the query (the band needs the clock: see `rows`)."""
    if filters.allocated_to == NOT_ALLOCATED:
        return referrals.filter(allocated_to__isnull=True)
    if filters.allocated_to:
        return referrals.filter(allocated_to_id=int(filters.allocated_to))
    return referrals


# --- what a row shows -----------------------------------------------------------------------


def baby_name(referral):
    return referral.infant.full_name or "Name not given"


def next_appointment(referral, today):
    """The next booked appointment from today, in words ("" when none is booked)."""
    booked = [
        a
        for a in referral.appointments.all()
        if a.attendance == Attendance.BOOKED and a.on >= today
    ]
    if not booked:
        return ""
    first = min(booked, key=lambda a: (a.on, a.time or datetime.time.min))
    at = f" at {first.time:%H:%M}" if first.time else ""
    return f"{nhs_date(first.on)}{at}: {first.get_purpose_display()}"


@dataclass(frozen=True)
class FirstAppointmentWords:
    label: str  # "Met", "Not met", "Not yet"
    detail: str
    tag_class: str
    met: bool | None


def first_appointment_words(referral, today):
    """The local 4-week measure (waiting_times.first_appointment) for an accepted referral."""
    if referral.decided_at is None:
        return FirstAppointmentWords("Not known", "No date of acceptance", "nhsuk-tag--grey", None)
    measure = waiting_times.first_appointment(
        accepted_on=timezone.localdate(referral.decided_at),
        today=today,
        appointments=[a.for_clock() for a in referral.appointments.all()],
    )
    due = f"due by {nhs_date(measure.due_on)}"
    if measure.met:
        return FirstAppointmentWords(
            "Met", f"seen {nhs_date(measure.attended_on)}", "nhsuk-tag--green", True
        )
    if measure.met is False:
        seen = f"seen {nhs_date(measure.attended_on)}, " if measure.attended_on else ""
        return FirstAppointmentWords("Not met", f"{seen}{due}", "nhsuk-tag--red", False)
    return FirstAppointmentWords("Not yet", due, "nhsuk-tag--grey", None)


@dataclass(frozen=True)
class WaitingRow:
    reference: str
    baby_name: str
    referrer_name: str
    referrer_profession: str
    received_on: datetime.date
    clock_moved: str  # "12 March 2026 (the family did not attend ...)", or "" if it did not
    adjusted_days: int
    adjusted_weeks: str  # "9 weeks"
    band: str
    band_label: str
    breach_on: datetime.date
    breached: bool
    breach_soon: bool  # within 4 weeks of breaching, not yet breached
    next_appointment: str
    allocated_to: str
    first_appointment: FirstAppointmentWords

    @property
    def row_class(self):
        if self.breached:
            return "imhs-waiting-row--breached"
        return "imhs-waiting-row--soon" if self.breach_soon else ""


def _profession(value):
    return Profession(value).label if value in Profession.values else value or "Not given"


def row(referral, today):
    wait = referral.wait(today)
    breached = today > wait.breach_on
    clock_moved = ""
    if wait.clock_start_reason != "received":
        reason = CLOCK_START_REASONS[wait.clock_start_reason]
        clock_moved = f"{nhs_date(wait.clock_start)} ({reason})"
    return WaitingRow(
        reference=referral.reference,
        baby_name=baby_name(referral),
        referrer_name=referral.referrer_name or referral.referrer.full_name,
        referrer_profession=_profession(referral.referrer_profession),
        received_on=wait.received_on,
        clock_moved=clock_moved,
        adjusted_days=wait.adjusted_days,
        adjusted_weeks=weeks(wait.adjusted_weeks),
        band=wait.band,
        band_label=WAIT_BAND_LABELS[wait.band],
        breach_on=wait.breach_on,
        breached=breached,
        breach_soon=not breached and wait.breach_on - today <= BREACH_SOON,
        next_appointment=next_appointment(referral, today) or "None booked",
        allocated_to=referral.allocated_to.full_name if referral.allocated_to else "Not allocated",
        first_appointment=first_appointment_words(referral, today),
    )


def rows(referrals, filters, today):
    """Every row of the list, longest adjusted wait first (then the earliest received), in the
    band chosen."""
    shown = [row(referral, today) for referral in referrals]
    if filters.band:
        shown = [r for r in shown if r.band == filters.band]
    return sorted(shown, key=lambda r: (-r.adjusted_days, r.received_on, r.reference))


@dataclass(frozen=True)
class Summary:
    total: int
    breached: int
    breach_soon: int
    first_met: int
    first_not_met: int
    first_not_yet: int

    @property
    def breaches(self):
        return f"{self.breached} breached, {self.breach_soon} within 4 weeks of breaching"

    @property
    def first_appointments(self):
        return (
            f"First appointment within 4 weeks of acceptance: {self.first_met} met, "
            f"{self.first_not_met} not met, {self.first_not_yet} not yet"
        )


def summary(all_rows):
    """Counts over the whole list as filtered (every page)."""
    measures = [r.first_appointment.met for r in all_rows]
    return Summary(
        total=len(all_rows),
        breached=sum(r.breached for r in all_rows),
        breach_soon=sum(r.breach_soon for r in all_rows),
        first_met=measures.count(True),
        first_not_met=measures.count(False),
        first_not_yet=measures.count(None),
    )


def paginate(all_rows, page_number):
    return Paginator(all_rows, PAGE_SIZE).get_page(page_number)


def caption(page):
    if not page.paginator.count:
        return "No referrals waiting"
    return (
        f"{page.start_index()} to {page.end_index()} of "
        f"{plural(page.paginator.count, 'referral')} waiting, longest adjusted wait first"
    )
