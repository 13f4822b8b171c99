"""The team's caseloads: each member's accepted referrals (waiting or in treatment), and for
service leads every member's counts. A caseload is bounded by what one person can hold, so it
is loaded whole, with the clock's appointments and unavailability prefetched
(`waiting_list.with_clock`)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from imhs.models import STAFF_ROLES, User
from imhs.nhsuk.text import nhs_date, plural
from referrals.labels import STATUS_TAGS
from referrals.models import CASE_STATUSES, Attendance, Referral, Status
from referrals.team.presenters import weeks
from referrals.team.waiting_list import baby_name, next_appointment, with_clock


def staff():
    """Everyone whose caseload can be opened: team members and service leads."""
    return User.objects.filter(role__in=STAFF_ROLES)


def on_caseload(user, member):
    """`member`'s referrals that `user` may see: allocated to them, accepted or in treatment."""
    return Referral.objects.visible_to(user).filter(allocated_to=member, status__in=CASE_STATUSES)


def caseload(user, member):
    """`on_caseload`, with what a row shows and the clock reads."""
    return with_clock(on_caseload(user, member))


def last_contact(referral):
    """The last appointment the family attended, in words ("" if none)."""
    attended = [a for a in referral.appointments.all() if a.attendance == Attendance.ATTENDED]
    if not attended:
        return ""
    last = max(attended, key=lambda a: (a.on, a.time or datetime.time.min))
    return f"{nhs_date(last.on)}: {last.get_purpose_display()}"


@dataclass(frozen=True)
class CaseRow:
    reference: str
    version: int
    baby_name: str
    status: str
    status_class: str
    waiting: bool
    next_appointment: str
    last_contact: str
    weeks: str  # "9 weeks waiting (adjusted)" or "3 weeks in treatment"
    weeks_detail: str  # "since 2 March 2026" for treatment
    order: tuple

    @property
    def selection(self):
        """The value a reassign checkbox sends: the reference and the version shown."""
        return f"{self.reference}:{self.version}"


def case_row(referral, today):
    wait = referral.wait(today)
    in_treatment = referral.status == Status.IN_TREATMENT
    started = wait.treatment_started_on
    if in_treatment:
        # Whole weeks since treatment started: a week in treatment is seven days of it. (A case
        # carried over in treatment may have no attended treatment appointment recorded.)
        weeks_words = f"{weeks((today - started).days // 7)} in treatment" if started else ""
        detail = f"since {nhs_date(started)}" if started else "Start not recorded"
        order = (1, started.toordinal() if started else 0, referral.reference)
    else:
        weeks_words = f"{weeks(wait.adjusted_weeks)} waiting (adjusted)"
        detail = ""
        order = (0, -wait.adjusted_days, referral.reference)
    return CaseRow(
        reference=referral.reference,
        version=referral.version,
        baby_name=baby_name(referral),
        status="In treatment" if in_treatment else "Waiting",
        status_class=STATUS_TAGS[referral.status],
        waiting=not in_treatment,
        next_appointment=next_appointment(referral, today) or "None booked",
        last_contact=last_contact(referral) or "None yet",
        weeks=weeks_words,
        weeks_detail=detail,
        order=order,
    )


def case_rows(referrals, today):
    """Waiting first (longest adjusted wait first), then in treatment (longest first)."""
    return sorted((case_row(referral, today) for referral in referrals), key=lambda r: r.order)


@dataclass(frozen=True)
class MemberCounts:
    user_id: int
    name: str
    waiting: int
    in_treatment: int

    @property
    def total(self):
        return self.waiting + self.in_treatment


def member_counts():
    """Every team member with how many referrals they hold, waiting and in treatment: one
    aggregate query. Someone who has left is listed while they still hold referrals."""
    cases = "allocated_referrals__status"
    members = (
        staff()
        .annotate(
            waiting=Count("allocated_referrals", filter=Q(**{cases: Status.ACCEPTED})),
            in_treatment=Count("allocated_referrals", filter=Q(**{cases: Status.IN_TREATMENT})),
        )
        .filter(Q(is_active=True) | Q(waiting__gt=0) | Q(in_treatment__gt=0))
        .only("given_name", "family_name", "is_active")
        .order_by("family_name", "given_name", "pk")
    )
    return [
        MemberCounts(
            user_id=member.pk,
            name=member.full_name if member.is_active else f"{member.full_name} (left)",
            waiting=member.waiting,
            in_treatment=member.in_treatment,
        )
        for member in members
    ]


def caseload_summary(rows):
    waiting = sum(r.waiting for r in rows)
    return f"{plural(len(rows), 'referral')}: {waiting} waiting, {len(rows) - waiting} in treatment"
