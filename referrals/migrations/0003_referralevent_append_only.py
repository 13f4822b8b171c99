"""The status history is append-only in the database, like the audit trail (imhs 0002)."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION referrals_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'referrals_referralevent is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER referrals_event_append_only
    BEFORE UPDATE OR DELETE ON referrals_referralevent
    FOR EACH ROW EXECUTE FUNCTION referrals_event_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS referrals_event_append_only ON referrals_referralevent;
DROP FUNCTION IF EXISTS referrals_event_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_reference_sequence")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
