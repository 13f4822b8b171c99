"""Retention (issue 16; ADR 0013): the default rules, with their source, each to be confirmed by
the board's records manager; the destruction register is append-only like the audit trail; and
a referral's status history may be deleted only by `referrals_destroy_events`, a function owned
by the owner role that deletes one referral's events once the register has its row."""

from django.db import migrations

from referrals.retention_defaults import DEFAULTS


def add_defaults(apps, schema_editor):
    RetentionRule = apps.get_model("referrals", "RetentionRule")
    for kind, values in DEFAULTS.items():
        RetentionRule.objects.get_or_create(kind=kind, defaults=values)


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
    dependencies = [("referrals", "0015_retention")]

    operations = [
        migrations.RunPython(add_defaults, migrations.RunPython.noop),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
