"""The last 13 months, for the report's charts: referrals received and accepted; the share of
children seen within 18 weeks against the 90 % standard; those waiting at each month's end by
band. Each trend is a `figures.Table` (a chart never stands alone: the page draws the table
beside it). Counted in a fixed number of queries whatever the number of referrals: one grouped
count for receipts, and for the waits only the rows the clock needs (figures.py says why)."""

from collections import Counter, defaultdict

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from referrals import waiting_times
from referrals.models import Referral, Status
from referrals.reports.figures import (
    ACCEPTED_STATUSES,
    BAND_WORDS,
    STANDARD_PERCENT,
    Month,
    Table,
    share,
    wait_as_of,
    waiting_between,
    was_waiting,
    with_clock,
)

MONTHS = 13


def months_ending(month, count=MONTHS):
    months = [month]
    while len(months) < count:
        months.append(months[-1].previous())
    return months[::-1]


def received_and_accepted(months):
    counts = (
        Referral.objects.exclude(status=Status.DRAFT)
        .filter(submitted_at__gte=months[0].starts_at(), submitted_at__lt=months[-1].ends_at())
        .annotate(month=TruncMonth("submitted_at"))
        .values("month")
        .annotate(
            received=Count("pk"), accepted=Count("pk", filter=Q(status__in=ACCEPTED_STATUSES))
        )
        .order_by()
    )
    by_month = {Month.of(row["month"]): row for row in counts}
    return Table(
        "trend-received",
        "Referrals received and accepted",
        "Referrals sent to the team in each month, and how many of those have been accepted.",
        ("Month", "Received", "Accepted"),
        tuple(
            (
                month.label,
                by_month.get(month, {}).get("received", 0),
                by_month.get(month, {}).get("accepted", 0),
            )
            for month in months
        ),
    )


def seen_within_standard(months):
    started = with_clock(
        Referral.objects.filter(treatment_started_on__range=(months[0].first, months[-1].last))
    )
    weeks = defaultdict(list)
    for referral in started:
        month = Month.of(referral.treatment_started_on)
        weeks[month].append(wait_as_of(referral, month.last).adjusted_weeks)
    rows = []
    for month in months:
        seen = weeks.get(month, [])
        within = sum(1 for n in seen if n <= waiting_times.TREATMENT_WEEKS)
        rows.append((month.label, len(seen), within, share(within, len(seen)), STANDARD_PERCENT))
    return Table(
        "trend-seen",
        "Seen within 18 weeks",
        "Children whose treatment started in each month, how many of them within 18 weeks "
        f"(adjusted), as a percentage, against the standard of {STANDARD_PERCENT}%.",
        ("Month", "Patients seen", "Within 18 weeks", "Within 18 weeks (%)", "Standard (%)"),
        tuple(rows),
    )


def waiting_by_band(months):
    candidates = list(waiting_between(months[0].last, months[-1].last))
    rows = []
    for month in months:
        bands = Counter(
            wait_as_of(referral, month.last).band
            for referral in candidates
            if was_waiting(referral, month.last)
        )
        counts = [bands.get(band, 0) for band, _most in waiting_times.BANDS]
        rows.append((month.label, *counts, sum(counts)))
    return Table(
        "trend-waiting",
        "Patients waiting at each month's end, by adjusted wait",
        "Children accepted and not yet in treatment (nor closed) at the end of each month, by "
        "how long they had waited (adjusted weeks) that day.",
        ("Month", *(BAND_WORDS[band] for band, _most in waiting_times.BANDS), "All waiting"),
        tuple(rows),
    )


def trend_tables(month):
    months = months_ending(month)
    return [received_and_accepted(months), seen_within_standard(months), waiting_by_band(months)]
