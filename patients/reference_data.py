"""What the reference tables (patients.Postcode, patients.GPPractice) say about one postcode or
GP practice: the reads the eligibility assessment takes, so the assessment itself stays pure."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from imhs.nhsuk.text import nhs_date, plural
from patients import postcodes
from patients.models import DataSet, Postcode, ReferenceImport


@dataclass(frozen=True)
class ReferenceFacts:
    """What the reference tables say about one referral's postcode and GP practice."""

    postcode_board: str | None = None  # None: no full-postcode record
    practice: tuple | None = None  # (health_board_code, active); None: not in the table


# Both lookups in one query: the form assesses as the referrer types, and the team's dashboard
# re-assesses many referrals, so a round trip saved is worth a line of SQL. One row always: a
# NULL column means the table has no such postcode or practice. The tables are
# patients.Postcode and patients.GPPractice (a test checks the names).
SQL = (
    "SELECT pc.health_board_code, gp.health_board_code, gp.active "
    "FROM (SELECT 1) AS one "
    "LEFT JOIN patients_postcode AS pc ON pc.postcode = %s "
    "LEFT JOIN patients_gppractice AS gp ON gp.code = %s"
)


def lookup(*, postcode, practice_code):
    """ReferenceFacts for a normalised postcode and a practice code (either may be None)."""
    if postcode is None and practice_code is None:
        return ReferenceFacts()
    with connection.cursor() as cursor:
        cursor.execute(SQL, [postcode, practice_code])
        postcode_board, practice_board, active = cursor.fetchone()
    practice = (practice_board, active) if practice_board is not None else None
    return ReferenceFacts(postcode_board=postcode_board, practice=practice)


def health_board_for(postcode: str) -> str | None:
    """The health board GSS code recorded for the full postcode, or None.

    None when the Postcode table has no record, or the value cannot be normalised. One query.
    """
    try:
        normalised = postcodes.normalise(postcode)
    except ValueError:
        return None
    return (
        Postcode.objects.filter(postcode=normalised)
        .values_list("health_board_code", flat=True)
        .first()
    )


@dataclass(frozen=True)
class DataSetAge:
    """How old one reference data set is: when it was last imported, and whether that is too
    long ago to trust (settings.REFERENCE_DATA_STALE_DAYS)."""

    data_set: str
    label: str
    imported_on: datetime.date | None
    days: int | None
    stale: bool

    @property
    def words(self):
        if self.imported_on is None:
            return f"{self.label}: no import has been recorded."
        ago = "today" if self.days == 0 else f"{plural(self.days, 'day')} ago"
        return f"{self.label}: last imported {nhs_date(self.imported_on)} ({ago})."


@dataclass(frozen=True)
class Freshness:
    """Every reference data set's age, for the pages that show eligibility."""

    data_sets: tuple[DataSetAge, ...]
    stale_days: int

    @property
    def stale(self):
        return [age for age in self.data_sets if age.stale]


def freshness(today=None):
    """The age of each reference data set (one query): a set never imported, or last imported
    more than REFERENCE_DATA_STALE_DAYS days before `today`, is stale."""
    today = today or timezone.localdate()
    limit = settings.REFERENCE_DATA_STALE_DAYS
    latest = dict(
        ReferenceImport.objects.order_by()
        .values("data_set")
        .annotate(last=Max("imported_at"))
        .values_list("data_set", "last")
    )
    ages = []
    for data_set in DataSet:
        at = latest.get(data_set.value)
        imported_on = timezone.localdate(at) if at else None
        days = (today - imported_on).days if imported_on else None
        ages.append(
            DataSetAge(
                data_set=data_set.value,
                label=data_set.label,
                imported_on=imported_on,
                days=days,
                stale=days is None or days > limit,
            )
        )
    return Freshness(data_sets=tuple(ages), stale_days=limit)
