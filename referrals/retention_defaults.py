"""The default retention rules, each with its source and to be confirmed by the board's records
manager (ADR 0013). Plain data: the migration that ships them (referrals 0015) and
`retention.ensure_default_rules` (a rule missing from the table) both read it. Once in the
table, a rule is the service lead's to change; these are only the starting point."""

from django.conf import settings

ANNEX_B = (
    "Scottish Government, Records Management Code of Practice for Health and Social Care "
    "(Scotland) 2024, Annex B"
)

_ROWS = [
    # kind, clock start, period, unit, action, source
    (
        "draft",
        "last_change",
        settings.DRAFT_RETENTION_DAYS,
        "days",
        "delete",
        "Local: a draft never sent is not a health record; deleted after DRAFT_RETENTION_DAYS "
        "(90) untouched, as before.",
    ),
    (
        "declined_or_withdrawn",
        "decision",
        3,
        "years",
        "review",
        "Local proposal: not a record of care given; kept 3 years after the decision (time for a "
        f"complaint or a new referral), then reviewed. The records manager to decide whether "
        f"{ANNEX_B}'s children's records period applies instead.",
    ),
    (
        "accepted",
        "date_of_birth",
        25,
        "years",
        "review",
        f"{ANNEX_B}: children's health records until the 25th birthday, or the 26th if the young "
        "person was 17 at the end of treatment (the command adds the year).",
    ),
    (
        "dob_attempts",
        "creation",
        30,
        "days",
        "delete",
        "Local: only counts answers per IP address for the hourly limit; 30 days covers an "
        "investigation of an attack.",
    ),
    (
        "invitations",
        "expiry",
        90,
        "days",
        "delete",
        "Local: an expired link's hash is of no use; the referral's history keeps that it was "
        "sent.",
    ),
    (
        "task_results",
        "last_change",
        settings.TASK_RESULT_RETENTION_DAYS,
        "days",
        "delete",
        "Local (ADR 0010): a queue is not an archive; TASK_RESULT_RETENTION_DAYS (1). Failed "
        "results are kept at least TASK_FAILED_RESULT_RETENTION_DAYS (14) to look into.",
    ),
    (
        "sign_in_attempts",
        "creation",
        90,
        "days",
        "delete",
        "Local: sign-in attempts, lockouts and the sign-in log, kept 90 days for investigating "
        "misuse.",
    ),
    (
        "sessions",
        "expiry",
        0,
        "days",
        "delete",
        "Local: an expired session is of no use (docs/security.md, section 3).",
    ),
    (
        "audit_events",
        "creation",
        6,
        "years",
        "review",
        "Local proposal: 6 years, the period for claims (Prescription and Limitation (Scotland) "
        "Act 1973, 5 years, plus 1). Append-only: removed only by the database owner.",
    ),
    (
        "destruction_records",
        "creation",
        30,
        "years",
        "review",
        f"Local proposal following {ANNEX_B}: the evidence of destruction outlives what was "
        "destroyed. Append-only: removed only by the database owner.",
    ),
]


DEFAULTS = {
    kind: {
        "clock_start": clock_start,
        "period": period,
        "unit": unit,
        "action": action,
        "source": source,
        "to_be_confirmed": True,
    }
    for kind, clock_start, period, unit, action, source in _ROWS
}
