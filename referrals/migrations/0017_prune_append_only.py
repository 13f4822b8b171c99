"""Retention for the two append-only tables (ADR 0013): audit events and destruction records
past their rule's period are deleted only by `retention_prune_append_only`, a function owned by
the owner role. It reads the period from the rule itself and never deletes anything younger than
a year whatever the rule says, so the app role - which may edit rules - cannot empty the trail
of recent events through it; their triggers still refuse every other UPDATE and DELETE."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION imhs_auditevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('retention.pruning', true) = 'audit_events' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'imhs_auditevent is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE OR REPLACE FUNCTION referrals_destruction_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('retention.pruning', true) = 'destruction_records' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'referrals_destructionrecord is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE FUNCTION retention_prune_append_only(target_kind text, run_at timestamptz) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    rule record;
    cutoff timestamptz;
    deleted integer;
BEGIN
    SELECT period, unit INTO rule FROM referrals_retentionrule WHERE kind = target_kind;
    IF NOT FOUND OR target_kind NOT IN ('audit_events', 'destruction_records') THEN
        RAISE EXCEPTION 'no append-only retention rule %', target_kind
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- The run's moment, never later than the database's own clock.
    cutoff := least(run_at, now()) - CASE rule.unit
        WHEN 'days' THEN make_interval(days => rule.period)
        WHEN 'months' THEN make_interval(months => rule.period)
        ELSE make_interval(years => rule.period)
    END;
    -- Never younger than a year, whatever the rule (an edited rule cannot empty the trail).
    cutoff := least(cutoff, now() - interval '1 year');
    PERFORM set_config('retention.pruning', target_kind, true);
    IF target_kind = 'audit_events' THEN
        DELETE FROM imhs_auditevent WHERE at <= cutoff;
    ELSE
        DELETE FROM referrals_destructionrecord WHERE destroyed_at <= cutoff;
    END IF;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    PERFORM set_config('retention.pruning', '', true);
    RETURN deleted;
END;
$$;
REVOKE ALL ON FUNCTION retention_prune_append_only(text, timestamptz) FROM PUBLIC;
"""

BACKWARD = """
DROP FUNCTION IF EXISTS retention_prune_append_only(text, timestamptz);
CREATE OR REPLACE FUNCTION imhs_auditevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'imhs_auditevent is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE OR REPLACE FUNCTION referrals_destruction_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'referrals_destructionrecord is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0016_retention_defaults_and_register"),
        ("imhs", "0002_auditevent_append_only"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
