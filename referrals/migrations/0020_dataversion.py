"""The data version (referrals.models.DataVersion, ADR 0016): a number raised, at commit, by
any transaction that wrote to the tables the team's shared figures are worked out from."""

from django.conf import settings
from django.db import migrations, models

# The tables the dashboard's kept figures read: the queue counts (referrals), the alerts (and
# the babies' names), the staff who can be chosen (people), a queue's first page of rows (the
# clock's appointments and unavailability, the parents' links and views, the last question).
WATCHED = (
    "referrals_referral",
    "referrals_appointment",
    "referrals_unavailability",
    "referrals_parentinvitation",
    "referrals_parentviews",
    "referrals_informationrequest",
    "patients_infant",
    "imhs_user",
)

FUNCTION = """
CREATE SEQUENCE referrals_dataversion_number;
-- SECURITY DEFINER: the owner writes the version; the app role may only read it
-- (imhs.database_roles.READ_ONLY_TABLES), so it cannot set it back to a number already used.
CREATE FUNCTION referrals_data_changed() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    -- Deferred: runs at commit, once for each row written, so the number is raised once a
    -- transaction (the setting is the transaction's own) and the row's lock is held only
    -- while the transaction commits: no transaction waits on it holding other locks.
    IF current_setting('imhs.data_version_raised', true) IS DISTINCT FROM 'yes' THEN
        -- From a sequence, not number + 1: a TRUNCATE (the tests' flush) never brings back a
        -- number already used; the row is made again if it is missing.
        INSERT INTO referrals_dataversion (id, number)
        VALUES (1, nextval('referrals_dataversion_number'))
        ON CONFLICT (id) DO UPDATE SET number = EXCLUDED.number;
        PERFORM set_config('imhs.data_version_raised', 'yes', true);
    END IF;
    RETURN NULL;
END
$$;
"""

TRIGGER = """
CREATE CONSTRAINT TRIGGER {table}_data_changed
AFTER INSERT OR UPDATE OR DELETE ON {table}
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION referrals_data_changed();
"""


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("patients", "0003_infant_name_trigram_index"),
        ("referrals", "0019_report_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.BigIntegerField()),
            ],
        ),
        migrations.RunSQL(
            FUNCTION + "".join(TRIGGER.format(table=table) for table in WATCHED),
            reverse_sql="".join(
                f"DROP TRIGGER IF EXISTS {table}_data_changed ON {table};" for table in WATCHED
            )
            + "DROP FUNCTION referrals_data_changed(); DROP SEQUENCE referrals_dataversion_number;",
        ),
    ]
