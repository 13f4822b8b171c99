"""One month's figures: what a service lead reports to the board every month.

Each figure is a `Table`: a title, a hint saying in words what it counts (the page shows it
under the title, the workbook's cover sheet lists it), column headings and rows. The page, the
CSV, the workbook and the national row all read the same tables, so they cannot disagree.

Counting happens in the database (grouped aggregates over indexed columns), in a fixed number of
queries whatever the number of referrals. The waits are the exception the design requires: they
come only from `referrals.waiting_times` (ADR 0011), which is Python, so for the month's treatment
starts and for those waiting at its end the rows are loaded - only those rows, with their
appointments and unavailability in two more queries - and the clock runs on each. Those sets
are bounded by the service's capacity in a month, not by its history.

Which referrals each figure counts (the hints say the same in words):
- received: submitted in the month (drafts never count);
- their status now: accepted (accepted, in treatment or closed after acceptance), not accepted
  (declined), withdrawn, pending (not yet decided); the acceptance rate is accepted out of
  those decided (accepted + not accepted);
- not accepted, overrides and threshold routes: among the month's received referrals;
- time to decision: decisions made in the month (accepted or declined), days from receipt;
- patients seen: treatment started in the month (the first attended treatment appointment);
- patients waiting: at the end of the month, accepted by then, treatment not started and the
  case not closed by then; the clock as it stood that day;
- open cases: in treatment on the first day of the month (started before it, not closed);
- closed: cases closed in the month, by reason;
- appointments: dated in the month; a did-not-attend rate is out of the appointments that were
  due to happen (attended, did not attend, could not wait: not cancelled, not still booked);
- the 4-week measure: referrals accepted in the month, first attended appointment of any kind
  within 4 weeks of acceptance.
Percentiles are nearest-rank: the smallest value with at least p % of the values at or below it.
"""

import datetime
import math
import re
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from imhs.models import PROFESSIONAL_GROUPS, Profession
from patients.catchment import CATCHMENT
from patients.models import Postcode, Sex
from referrals import waiting_times
from referrals.eligibility import INDICATOR_THRESHOLDS
from referrals.models import (
    Appointment,
    AppointmentMode,
    Attendance,
    CloseReason,
    DeclineReason,
    ParentInvitation,
    ParentViews,
    Referral,
    Status,
    Unavailability,
)

ACCEPTED_STATUSES = (Status.ACCEPTED, Status.IN_TREATMENT, Status.CLOSED)
PENDING_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW, Status.INFORMATION_REQUESTED)
# (label, the first month of age in the band, the first month past it)
AGE_BANDS = (("0 to 5 months", 0, 6), ("6 to 11 months", 6, 12), ("12 to 23 months", 12, 24))
AGE_BANDS += (("24 to 35 months", 24, 36),)
BAND_WORDS = {"0-18": "0 to 18 weeks", "19-35": "19 to 35 weeks", "36-52": "36 to 52 weeks"}
BAND_WORDS["over-52"] = "Over 52 weeks"
# Appointments "due to happen": what a did-not-attend rate is out of.
DUE = (Attendance.ATTENDED, Attendance.DID_NOT_ATTEND, Attendance.COULD_NOT_WAIT)
STANDARD_PERCENT = 90  # of children to start treatment within 18 weeks
# ASCII digits only: full-width digits are digits to str.isdigit, not to a year.
MONTH_FORMAT = re.compile(r"[0-9]{4}-[0-9]{2}")


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text):
        """ "2026-10" -> Month(2026, 10); ValueError for anything else."""
        if not MONTH_FORMAT.fullmatch(text):
            raise ValueError(f"A month is written YYYY-MM, not {text!r}.")
        value = cls(int(text[:4]), int(text[5:]))
        if not 1 <= value.month <= 12 or value.year < 2000:
            raise ValueError(f"There is no month {text!r}.")
        return value

    @classmethod
    def of(cls, day):
        return cls(day.year, day.month)

    @property
    def first(self):
        return datetime.date(self.year, self.month, 1)

    @property
    def last(self):
        return self.next().first - datetime.timedelta(days=1)

    def next(self):
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self):
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def starts_at(self):
        """Midnight at the start of the month, in the service's time zone."""
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        return datetime.datetime.combine(self.first, datetime.time(), tzinfo=zone)

    def ends_at(self):
        return self.next().starts_at()

    @property
    def key(self):
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def yyyymm(self):
        return f"{self.year:04d}{self.month:02d}"

    @property
    def label(self):
        return f"{self.first:%B %Y}"

    def __str__(self):
        return self.key


@dataclass(frozen=True)
class Table:
    key: str  # a slug: the CSV section's and the workbook sheet's name
    title: str
    hint: str  # what it counts, in words a person can read
    columns: tuple
    rows: tuple
    notes: tuple = field(default=())


def nearest_rank(values, percent):
    """The nearest-rank percentile of `values` (None when there are none)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(percent / 100 * len(ordered)), 1) - 1]


def share(part, whole):
    """A percentage to one decimal place, or None when there is nothing to divide by."""
    return None if not whole else round(100 * part / whole, 1)


def in_words(value, suffix=""):
    return "None" if value is None else f"{value}{suffix}"


class AgeInMonths(Func):
    """Whole months from the baby's date of birth to the day the referral was received."""

    template = (
        "(SELECT (date_part('year', a) * 12 + date_part('month', a))::integer "
        "FROM age(%(expressions)s) AS a)"
    )
    output_field = IntegerField()


def _received_on():
    return TruncDate("submitted_at")  # in the service's time zone (settings.TIME_ZONE)


def _threshold_route():
    """Which of the published thresholds (INDICATOR_THRESHOLDS, in order: a, b, c) the counts
    met first; "" when none."""
    domains = [
        "relationship_indicators",
        "emotional_indicators",
        "cognitive_indicators",
        "sense_of_self_indicators",
        "social_interaction_indicators",
    ]

    def domains_with(at_least):
        total = Value(0)
        for name in domains:
            total = total + Case(When(**{f"{name}__gte": at_least}, then=1), default=0)
        return total

    whens = [
        When(Q(**{f"route_{letter}__gte": need}), then=Value(letter))
        for letter, (_at_least, need) in zip("abc", INDICATOR_THRESHOLDS, strict=True)
    ]
    annotations = {
        f"route_{letter}": Cast(domains_with(at_least), IntegerField())
        for letter, (at_least, _need) in zip("abc", INDICATOR_THRESHOLDS, strict=True)
    }
    return annotations, Case(*whens, default=Value(""))


def _counted(queryset, column, labels, *, other="Not recorded"):
    """(label, count) for each of `labels` (value -> words), in their order, then anything else
    the column holds, so a count is never silently dropped."""
    counts = dict(queryset.values_list(column).annotate(n=Count("pk")).order_by())
    rows = [(label, counts.pop(value, 0)) for value, label in labels.items()]
    for value, n in sorted(counts.items(), key=lambda item: str(item[0])):
        rows.append((other if value in ("", None) else str(value), n))
    return tuple(rows)


def _received(month):
    return Referral.objects.exclude(status=Status.DRAFT).filter(
        submitted_at__gte=month.starts_at(), submitted_at__lt=month.ends_at()
    )


def received_tables(month):
    received = _received(month)
    total = received.count()
    status = received.aggregate(
        accepted=Count("pk", filter=Q(status__in=ACCEPTED_STATUSES)),
        declined=Count("pk", filter=Q(status=Status.DECLINED)),
        withdrawn=Count("pk", filter=Q(status=Status.WITHDRAWN)),
        pending=Count("pk", filter=Q(status__in=PENDING_STATUSES)),
    )
    decided = status["accepted"] + status["declined"]
    council = Subquery(
        Postcode.objects.filter(postcode=OuterRef("infant__postcode")).values("council_area_code")[
            :1
        ]
    )
    councils = {c.code: c.name for c in CATCHMENT.councils}
    by_council = dict(
        received.annotate(council=council).values_list("council").annotate(n=Count("pk")).order_by()
    )
    council_rows = [(name, by_council.pop(code, 0)) for code, name in councils.items()]
    council_rows.append(("Elsewhere or not known", sum(by_council.values())))
    ages = received.annotate(
        months=AgeInMonths(_received_on(), F("infant__date_of_birth"))
    ).aggregate(
        **{
            f"band_{low}": Count("pk", filter=Q(months__gte=low, months__lt=high))
            for _label, low, high in AGE_BANDS
        },
        older=Count("pk", filter=Q(months__gte=AGE_BANDS[-1][2])),
        unknown=Count("pk", filter=Q(months__isnull=True)),
    )
    age_rows = [(label, ages[f"band_{low}"]) for label, low, _high in AGE_BANDS]
    age_rows += [("36 months or older", ages["older"]), ("Not known", ages["unknown"])]
    professions = {p.value: p.label for p in Profession if p.value}
    return [
        Table(
            "received",
            "Referrals received",
            f"Referrals sent to the team in {month.label} (drafts not counted), and what has "
            "happened to them since. The acceptance rate is accepted out of those decided.",
            ("Measure", "Number"),
            (
                ("Received", total),
                ("Accepted", status["accepted"]),
                ("Not accepted", status["declined"]),
                ("Withdrawn before a decision", status["withdrawn"]),
                ("Pending (not yet decided)", status["pending"]),
                ("Acceptance rate (%)", share(status["accepted"], decided)),
            ),
        ),
        Table(
            "received-by-profession",
            "Received, by who referred",
            f"Referrals received in {month.label}, by the referrer's profession as they gave it.",
            ("Profession", "Number"),
            _counted(received, "referrer_profession", professions),
        ),
        Table(
            "received-by-council",
            "Received, by council area",
            f"Referrals received in {month.label}, by the council area of the baby's postcode.",
            ("Council area", "Number"),
            tuple(council_rows),
        ),
        Table(
            "received-by-age",
            "Received, by the baby's age",
            f"Referrals received in {month.label}, by the baby's age in whole months on the day "
            "the referral was received.",
            ("Age", "Number"),
            tuple(age_rows),
        ),
        Table(
            "received-by-sex",
            "Received, by sex",
            f"Referrals received in {month.label}, by the baby's sex as the referrer gave it.",
            ("Sex", "Number"),
            _counted(received, "infant__sex", {s.value: s.label for s in Sex}),
        ),
    ]


def decision_tables(month):
    received = _received(month)
    declined = received.filter(status=Status.DECLINED)
    signposted = (
        declined.annotate(
            service=Case(
                When(signposted_to__isnull=False, then=F("signposted_to__name")),
                default=Value("Another service (named by the team)"),
            )
        )
        .values_list("service")
        .annotate(n=Count("pk"))
        .order_by("service")
    )
    overrides = received.aggregate(
        residence=Count("pk", filter=~Q(residence_override_reason="")),
        gp_practice=Count("pk", filter=~Q(gp_practice_override_reason="")),
        either=Count(
            "pk", filter=~Q(residence_override_reason="") | ~Q(gp_practice_override_reason="")
        ),
    )
    annotations, route = _threshold_route()
    routes = dict(
        received.filter(status__in=ACCEPTED_STATUSES)
        .annotate(**annotations)
        .annotate(route=route)
        .values_list("route")
        .annotate(n=Count("pk"))
        .order_by()
    )
    decided = Referral.objects.filter(
        decided_at__gte=month.starts_at(), decided_at__lt=month.ends_at()
    ).values_list("submitted_at", "decided_at")
    days = [
        (timezone.localdate(decided_at) - timezone.localdate(submitted_at)).days
        for submitted_at, decided_at in decided
    ]
    route_words = {
        letter: f"Route {letter}: {at_least} or more indicators in {need} or more domains"
        for letter, (at_least, need) in zip("abc", INDICATOR_THRESHOLDS, strict=True)
    }
    return [
        Table(
            "not-accepted-reasons",
            "Not accepted, by reason",
            f"Referrals received in {month.label} and not accepted, by the team's coded reason.",
            ("Reason", "Number"),
            _counted(declined, "decline_reason", {r.value: r.label for r in DeclineReason}),
        ),
        Table(
            "not-accepted-signposting",
            "Not accepted, by where the family was signposted",
            f"Referrals received in {month.label} and not accepted, by the service the team "
            "pointed the family to.",
            ("Service", "Number"),
            tuple(signposted),
        ),
        Table(
            "overrides",
            "Eligibility checks overridden by the referrer",
            f"Referrals received in {month.label} sent with a reason overriding a failed check "
            "of where the family lives or of the GP practice.",
            ("Check overridden", "Number"),
            (
                ("Where the family lives", overrides["residence"]),
                ("GP practice", overrides["gp_practice"]),
                ("Either", overrides["either"]),
            ),
        ),
        Table(
            "threshold-routes",
            "Accepted, by the threshold met",
            f"Referrals received in {month.label} and accepted, by the first of the published "
            "indicator thresholds their counts met.",
            ("Threshold", "Number"),
            (
                *((words, routes.get(letter, 0)) for letter, words in route_words.items()),
                ("None met (accepted on the team's judgement)", routes.get("", 0)),
            ),
        ),
        Table(
            "time-to-decision",
            "Time to decision",
            f"Decisions made in {month.label} (accepted or not): days from the day the referral "
            "was received to the day of the decision. Percentiles are nearest-rank.",
            ("Measure", "Days"),
            (
                ("Decisions", len(days)),
                ("Median", nearest_rank(days, 50)),
                ("90th percentile", nearest_rank(days, 90)),
            ),
        ),
    ]


def with_clock(queryset):
    """Only what the clock and the waiting rules read: a waiting set can be long, and a whole
    referral row (its answers, its stored assessment) is many times the size of these."""
    return (
        queryset.select_related(None)
        .only("id", "status", "submitted_at", "decided_at", "treatment_started_on", "closed_on")
        .prefetch_related(
            Prefetch(
                "appointments",
                Appointment.objects.only(
                    "id", "referral_id", "on", "purpose", "attendance", "cancelled_on"
                ),
            ),
            Prefetch(
                "unavailability", Unavailability.objects.only("id", "referral_id", "start", "end")
            ),
        )
    )


def wait_as_of(referral, day):
    """The clock as it stood at the end of `day`: appointments after it had not happened."""
    return waiting_times.referral_to_treatment(
        received_on=referral.received_on,
        today=day,
        appointments=[a.for_clock() for a in referral.appointments.all() if a.on <= day],
        unavailability=[u.for_clock() for u in referral.unavailability.all()],
    )


def seen(month):
    """The waits of the patients whose treatment started in the month."""
    referrals = with_clock(
        Referral.objects.filter(treatment_started_on__range=(month.first, month.last))
    )
    return [wait_as_of(referral, month.last) for referral in referrals]


def _day_ends_at(day):
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1),
        datetime.time(),
        tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE),
    )


def waiting_between(first_day, last_day):
    """Everyone who was waiting at the end of some day from `first_day` to `last_day`, with
    what the clock needs: one query and two prefetches, whatever the days."""
    return with_clock(
        Referral.objects.filter(status__in=ACCEPTED_STATUSES, decided_at__lt=_day_ends_at(last_day))
        .filter(Q(treatment_started_on__isnull=True) | Q(treatment_started_on__gt=first_day))
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=first_day))
    )


def was_waiting(referral, day):
    """Accepted by the end of `day`, treatment not started and the case not closed by then."""
    return (
        referral.decided_at < _day_ends_at(day)
        and (referral.treatment_started_on is None or referral.treatment_started_on > day)
        and (referral.closed_on is None or referral.closed_on > day)
    )


def waiting_at(day):
    """The waits, as they stood at the end of `day`, of those accepted by then whose treatment
    had not started and whose case had not closed."""
    return [wait_as_of(referral, day) for referral in waiting_between(day, day)]


def band_rows(waits):
    counts = Counter(wait.band for wait in waits)
    return tuple((BAND_WORDS[band], counts.get(band, 0)) for band, _most in waiting_times.BANDS)


def wait_tables(month):
    seen_waits = seen(month)
    adjusted = [wait.adjusted_weeks for wait in seen_waits]
    unadjusted = [wait.unadjusted_weeks for wait in seen_waits]
    within = sum(1 for weeks in adjusted if weeks <= waiting_times.TREATMENT_WEEKS)
    within_unadjusted = sum(1 for weeks in unadjusted if weeks <= waiting_times.TREATMENT_WEEKS)
    waiting_waits = waiting_at(month.last)
    # Written as two ranges, each served by its own index, not one filter over every case
    # ever treated: still open, or closed since the month began.
    open_cases = Referral.objects.filter(
        Q(treatment_started_on__lt=month.first, closed_on__isnull=True)
        | Q(treatment_started_on__lt=month.first, closed_on__gte=month.first)
    )
    closed = Referral.objects.filter(
        status=Status.CLOSED, closed_on__range=(month.first, month.last)
    )
    return [
        Table(
            "patients-seen",
            "Patients seen: waits to start treatment",
            f"Children whose treatment started in {month.label} (their first attended treatment "
            "appointment), by their wait from referral in weeks, adjusted as the national "
            "measure adjusts it (clock resets, the family's unavailability) and unadjusted. "
            f"The standard: {STANDARD_PERCENT}% start within 18 weeks. Percentiles are "
            "nearest-rank.",
            ("Measure", "Adjusted", "Unadjusted"),
            (
                ("Patients seen", len(seen_waits), len(seen_waits)),
                *(
                    (words, adjusted_n, unadjusted_n)
                    for (words, adjusted_n), (_w, unadjusted_n) in zip(
                        band_rows(seen_waits),
                        _unadjusted_band_rows(unadjusted),
                        strict=True,
                    )
                ),
                ("Median weeks", nearest_rank(adjusted, 50), nearest_rank(unadjusted, 50)),
                ("90th percentile weeks", nearest_rank(adjusted, 90), nearest_rank(unadjusted, 90)),
                (
                    "Seen within 18 weeks (%)",
                    share(within, len(seen_waits)),
                    share(within_unadjusted, len(seen_waits)),
                ),
            ),
        ),
        Table(
            "patients-waiting",
            "Patients waiting at the end of the month",
            f"Children accepted by {month.last:%-d %B %Y} whose treatment had not started and "
            "whose case had not closed by then, by their adjusted wait that day.",
            ("Adjusted wait", "Number"),
            (("All waiting", len(waiting_waits)), *band_rows(waiting_waits)),
        ),
        Table(
            "cases",
            "Open and closed cases",
            f"Open: in treatment on {month.first:%-d %B %Y} (started before, not closed). "
            f"Closed: cases closed in {month.label}, by reason.",
            ("Measure", "Number"),
            (
                ("Open cases at the start of the month", open_cases.count()),
                *(
                    (f"Closed: {label}", n)
                    for label, n in _counted(
                        closed, "close_reason", {r.value: r.label for r in CloseReason}
                    )
                ),
            ),
        ),
    ]


def _unadjusted_band_rows(weeks):
    counts = Counter(waiting_times.band_for(n) for n in weeks)
    return tuple((BAND_WORDS[band], counts.get(band, 0)) for band, _most in waiting_times.BANDS)


def appointment_tables(month):
    in_month = Appointment.objects.filter(on__range=(month.first, month.last))
    first_ids = (
        Appointment.objects.filter(referral=OuterRef("referral"))
        .exclude(attendance__in=[Attendance.CLINIC_CANCELLED, Attendance.PATIENT_CANCELLED])
        .order_by("on", "time", "id")
        .values("id")[:1]
    )
    totals = in_month.annotate(first_id=Subquery(first_ids)).aggregate(
        total=Count("pk"),
        due=Count("pk", filter=Q(attendance__in=DUE)),
        dna=Count("pk", filter=Q(attendance=Attendance.DID_NOT_ATTEND)),
        first_due=Count("pk", filter=Q(attendance__in=DUE, id=F("first_id"))),
        first_dna=Count("pk", filter=Q(attendance=Attendance.DID_NOT_ATTEND, id=F("first_id"))),
    )
    groups = dict(
        in_month.values_list("staff__profession").annotate(n=Count("pk", distinct=True)).order_by()
    )
    group_rows = Counter()
    for profession, n in groups.items():
        group_rows[PROFESSIONAL_GROUPS.get(profession, "Not recorded")] += n
    accepted = Referral.objects.filter(
        decided_at__gte=month.starts_at(),
        decided_at__lt=month.ends_at(),
        status__in=ACCEPTED_STATUSES,
    ).prefetch_related("appointments")
    measures = [
        waiting_times.first_appointment(
            accepted_on=timezone.localdate(referral.decided_at),
            today=timezone.localdate(),
            appointments=[a.for_clock() for a in referral.appointments.all()],
        ).met
        for referral in accepted
    ]
    return [
        Table(
            "appointments",
            "Appointments",
            f"Appointments dated in {month.label}. A did-not-attend rate is out of the "
            "appointments that were due to happen (attended, did not attend, could not wait). "
            "First contact: each family's first appointment that was not cancelled.",
            ("Measure", "Number"),
            (
                ("Appointments", totals["total"]),
                ("Did not attend", totals["dna"]),
                ("Did-not-attend rate (%)", share(totals["dna"], totals["due"])),
                ("First contacts due to happen", totals["first_due"]),
                ("First contacts not attended", totals["first_dna"]),
                (
                    "First-contact did-not-attend rate (%)",
                    share(totals["first_dna"], totals["first_due"]),
                ),
            ),
        ),
        Table(
            "appointments-by-mode",
            "Appointments, by how they happened",
            f"Appointments dated in {month.label}, by how they happened.",
            ("How", "Number"),
            _counted(in_month, "mode", {m.value: m.label for m in AppointmentMode}),
        ),
        Table(
            "appointments-by-group",
            "Appointments, by professional group",
            f"Appointments dated in {month.label}, by the professional group of those who saw "
            "the family: an appointment with two groups counts once in each.",
            ("Professional group", "Number"),
            tuple(
                (group, group_rows.get(group, 0))
                for group in dict.fromkeys([*PROFESSIONAL_GROUPS.values(), *group_rows])
            ),
        ),
        Table(
            "first-appointment-4-weeks",
            "First appointment within 4 weeks of acceptance",
            f"Referrals accepted in {month.label}: was a first appointment of any kind attended "
            "within 4 weeks of acceptance (the local measure)?",
            ("Measure", "Number"),
            (
                ("Accepted", len(measures)),
                ("Within 4 weeks", measures.count(True)),
                ("Not within 4 weeks", measures.count(False)),
                ("Not known yet (4 weeks not over)", measures.count(None)),
                (
                    "Within 4 weeks (%)",
                    share(measures.count(True), measures.count(True) + measures.count(False)),
                ),
            ),
        ),
    ]


def parents_table(month):
    sent = ParentInvitation.objects.filter(
        created_at__gte=month.starts_at(), created_at__lt=month.ends_at()
    ).count()
    received = ParentViews.objects.filter(
        submitted_at__gte=month.starts_at(), submitted_at__lt=month.ends_at()
    ).count()
    return Table(
        "parents-views",
        "Parents' views",
        f"Secure links sent to parents and carers in {month.label}, and views they sent in "
        f"{month.label} (through a link, whenever it was sent).",
        ("Measure", "Number"),
        (("Links sent", sent), ("Views received", received)),
    )


def month_tables(month):
    """Every table of the month's report, in the page's order."""
    return [
        *received_tables(month),
        *decision_tables(month),
        *wait_tables(month),
        *appointment_tables(month),
        parents_table(month),
    ]


@dataclass(frozen=True)
class MonthReport:
    month: Month
    tables: tuple

    @classmethod
    def build(cls, month):
        return cls(month, tuple(month_tables(month)))

    def table(self, key):
        return next(table for table in self.tables if table.key == key)

    def value(self, key, label, column=1):
        """One figure: the row called `label` in table `key` (KeyError if there is none)."""
        for row in self.table(key).rows:
            if row[0] == label:
                return row[column]
        raise KeyError(f"No row {label!r} in the table {key!r}.")
