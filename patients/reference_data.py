"""What the reference tables (patients.Postcode, patients.GPPractice) say about one postcode or
GP practice: the reads the eligibility assessment takes, so the assessment itself stays pure."""

from dataclasses import dataclass

from django.db import connection

from patients import postcodes
from patients.models import Postcode


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
