"""The month's patient-level extract, shaped like the national dataset (Public Health Scotland's
CAPTND): one row per referral, appointment and period of unavailability in the month, with the
referral's reference as the pathway number (UCPN).

The app keeps its own codes. `MAPPED` lists the columns the national dataset codes its own way;
`NationalCode` rows (kept by a service lead) translate each app value. A value with no mapping is
a gap: `Extract.gaps` lists every one, and the file is not written until there are none - a
national code is never guessed. Personal data (CHI number, date of birth, postcode): service
leads only, every download audited (the views and the command do that).

Which rows are the month's: a referral received, decided or closed in it; an appointment dated
in it; a period of unavailability overlapping it. An appointment's professional group is that
of the first team member listed on it (the national dataset has one per appointment).
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from imhs.audit.csv_export import csv_chunks
from imhs.models import PROFESSIONAL_GROUPS, Profession
from patients.models import Sex
from referrals.models import (
    Appointment,
    AppointmentMode,
    Attendance,
    DeclineReason,
    NationalCode,
    Purpose,
    Referral,
    Status,
    Unavailability,
)
from referrals.reports.figures import ACCEPTED_STATUSES

# column: (what it is, {app value: the app's words for it})
MAPPED = {
    "sex": ("Sex", {s.value: s.label for s in Sex}),
    "ref_source": ("Referral source", {p.value: p.label for p in Profession}),
    "ref_acc": (
        "Referral accepted",
        {"accepted": "Accepted", "not_accepted": "Not accepted", "pending": "Not yet decided"},
    ),
    "ref_rej_reason": ("Reason not accepted", {r.value: r.label for r in DeclineReason}),
    "ref_rej_act": ("Action when not accepted", {"signposted": "Signposted to another service"}),
    "app_purpose": ("Appointment purpose", {p.value: p.label for p in Purpose}),
    "att_status": ("Attendance", {a.value: a.label for a in Attendance}),
    "location": ("How the appointment happened", {m.value: m.label for m in AppointmentMode}),
    "prof_group": ("Professional group", {g: g for g in PROFESSIONAL_GROUPS.values()}),
}

COLUMNS = (
    "record_type",
    "UCPN",
    "CHI",
    "postcode",
    "sex",
    "dob",
    "ref_rec_date",
    "ref_source",
    "ref_acc",
    "ref_acc_date",
    "ref_rej_reason",
    "ref_rej_act",
    "app_date",
    "app_purpose",
    "att_status",
    "cancellation_date",
    "location",
    "prof_group",
    "unav_date_start",
    "unav_date_end",
    "case_closed_date",
)


@dataclass(frozen=True)
class Gap:
    column: str
    value: str

    @property
    def words(self):
        title, labels = MAPPED[self.column]
        return f"{title}: {labels.get(self.value, self.value)}"


class GapsRemain(Exception):
    def __init__(self, gaps):
        self.gaps = gaps
        super().__init__(f"{len(gaps)} values have no national code.")


@dataclass(frozen=True)
class Extract:
    month: object
    rows: tuple  # dicts of COLUMNS, in the app's own values
    gaps: tuple  # Gap, for each value with no national code

    def coded_rows(self, codes):
        for row in self.rows:
            yield [
                codes.get((column, row[column]), "")
                if column in MAPPED and row[column]
                else row[column]
                for column in COLUMNS
            ]


def _iso(day):
    return day.isoformat() if day else ""


def _outcome(referral):
    if referral.status in ACCEPTED_STATUSES and referral.decided_at:
        return "accepted"
    if referral.status == Status.DECLINED:
        return "not_accepted"
    return "pending"


def _referral_columns(referral):
    infant = referral.infant
    outcome = _outcome(referral)
    return {
        "UCPN": referral.reference,
        "CHI": infant.chi_number,
        "postcode": infant.postcode,
        "sex": infant.sex,
        "dob": _iso(infant.date_of_birth),
        "ref_rec_date": _iso(referral.received_on),
        "ref_source": referral.referrer_profession,
        "ref_acc": outcome,
        "ref_acc_date": _iso(timezone.localdate(referral.decided_at))
        if referral.decided_at
        else "",
        "ref_rej_reason": referral.decline_reason if outcome == "not_accepted" else "",
        "ref_rej_act": "signposted" if outcome == "not_accepted" else "",
        "case_closed_date": _iso(referral.closed_on),
    }


def _row(record_type, referral, **columns):
    row = dict.fromkeys(COLUMNS, "")
    row.update(_referral_columns(referral), record_type=record_type, **columns)
    return row


def _first_group(appointment):
    staff = sorted(appointment.staff.all(), key=lambda user: user.pk)
    return PROFESSIONAL_GROUPS.get(staff[0].profession, "") if staff else ""


def build_extract(month):
    start, end = month.starts_at(), month.ends_at()
    referrals = (
        Referral.objects.exclude(status=Status.DRAFT)
        .filter(
            Q(submitted_at__gte=start, submitted_at__lt=end)
            | Q(decided_at__gte=start, decided_at__lt=end)
            | Q(closed_on__range=(month.first, month.last))
        )
        .select_related("infant")
        .order_by("submitted_at", "pk")
    )
    appointments = (
        Appointment.objects.filter(on__range=(month.first, month.last))
        .select_related("referral__infant")
        .prefetch_related("staff")
        .order_by("on", "time", "pk")
    )
    periods = (
        Unavailability.objects.filter(start__lte=month.last, end__gte=month.first)
        .select_related("referral__infant")
        .order_by("start", "pk")
    )
    rows = [_row("referral", referral) for referral in referrals]
    rows += [
        _row(
            "appointment",
            appointment.referral,
            app_date=_iso(appointment.on),
            app_purpose=appointment.purpose,
            att_status=appointment.attendance,
            cancellation_date=_iso(appointment.cancelled_on),
            location=appointment.mode,
            prof_group=_first_group(appointment),
        )
        for appointment in appointments
    ]
    rows += [
        _row(
            "unavailability",
            period.referral,
            unav_date_start=_iso(period.start),
            unav_date_end=_iso(period.end),
        )
        for period in periods
    ]
    mapped = set(NationalCode.objects.values_list("field", "value"))
    needed = {(column, row[column]) for row in rows for column in MAPPED if row[column]}
    gaps = tuple(Gap(column, value) for column, value in sorted(needed - mapped))
    return Extract(month, tuple(rows), gaps)


def extract_csv(extract):
    """The extract as CSV chunks with national codes; GapsRemain while any value has none."""
    if extract.gaps:
        raise GapsRemain(extract.gaps)
    codes = {(c.field, c.value): c.code for c in NationalCode.objects.all()}
    return csv_chunks(COLUMNS, extract.coded_rows(codes))
