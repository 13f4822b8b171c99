"""Retention (issue 16; ADR 0013): the default rules, with their source, each to be confirmed by
the board's records manager; the destruction register is append-only like the audit trail; and
a referral's status history may be deleted only by `referrals_destroy_events`, a function owned
by the owner role that deletes one referral's events once the register has its row."""

from django.conf import settings
from django.db import migrations

ANNEX_B = (
    "Scottish Government, Records Management Code of Practice for Health and Social Care "
    "(Scotland) 2024, Annex B"
)

DEFAULTS = [
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


def add_defaults(apps, schema_editor):
    RetentionRule = apps.get_model("referrals", "RetentionRule")
    for kind, clock_start, period, unit, action, source in DEFAULTS:
        RetentionRule.objects.get_or_create(
            kind=kind,
            defaults={
                "clock_start": clock_start,
                "period": period,
                "unit": unit,
                "action": action,
                "source": source,
                "to_be_confirmed": True,
            },
        )


FORWARD = """
CREATE FUNCTION referrals_destruction_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'referrals_destructionrecord is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER referrals_destruction_append_only
    BEFORE UPDATE OR DELETE ON referrals_destructionrecord
    FOR EACH ROW EXECUTE FUNCTION referrals_destruction_append_only();

-- Events stay append-only, except a DELETE of the one referral that referrals_destroy_events
-- names in this transaction.
CREATE OR REPLACE FUNCTION referrals_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND OLD.referral_id::text = current_setting('referrals.destroying', true) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'referrals_referralevent is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- Runs as its owner (the owner role): the app role has no DELETE on events, only EXECUTE on
-- this. It deletes one referral's events, and only once the destruction register holds that
-- referral and no legal hold is active on it.
CREATE FUNCTION referrals_destroy_events(target bigint) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    deleted integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM referrals_destructionrecord WHERE referral_id = target) THEN
        RAISE EXCEPTION 'referral % is not in the destruction register', target
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF EXISTS (SELECT 1 FROM referrals_legalhold
               WHERE referral_id = target AND lifted_at IS NULL) THEN
        RAISE EXCEPTION 'referral % is under a legal hold', target
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM set_config('referrals.destroying', target::text, true);
    DELETE FROM referrals_referralevent WHERE referral_id = target;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    PERFORM set_config('referrals.destroying', '', true);
    RETURN deleted;
END;
$$;
REVOKE ALL ON FUNCTION referrals_destroy_events(bigint) FROM PUBLIC;
"""

BACKWARD = """
DROP FUNCTION IF EXISTS referrals_destroy_events(bigint);
CREATE OR REPLACE FUNCTION referrals_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'referrals_referralevent is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS referrals_destruction_append_only ON referrals_destructionrecord;
DROP FUNCTION IF EXISTS referrals_destruction_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("referrals", "0014_retention")]

    operations = [
        migrations.RunPython(add_defaults, migrations.RunPython.noop),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
