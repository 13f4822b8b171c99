"""The audit trail is append-only in the database itself, not just in the application.

A trigger rejects UPDATE and DELETE on imhs_auditevent for every role that connects, so neither a
bug, the admin, nor someone with a database shell can rewrite what happened. (TRUNCATE stays
possible for the database owner: the test suite empties tables between transactional tests.)
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION imhs_auditevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'imhs_auditevent is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER imhs_auditevent_append_only
    BEFORE UPDATE OR DELETE ON imhs_auditevent
    FOR EACH ROW EXECUTE FUNCTION imhs_auditevent_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS imhs_auditevent_append_only ON imhs_auditevent;
DROP FUNCTION IF EXISTS imhs_auditevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("imhs", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
