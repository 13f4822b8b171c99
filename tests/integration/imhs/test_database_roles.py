"""The application's database role cannot erase the audit trail (issue 12, point 4).

The app role (DATABASE_URL) owns nothing: on the audit trail and the status history it may only
read and add, so TRUNCATE, DELETE, UPDATE, DROP and DISABLE TRIGGER all fail, whatever the
trigger does. The owner role (DATABASE_OWNER_URL) runs migrations and still meets the trigger.
Each check uses its own psycopg2 connection to the test database, in a transaction rolled back.
"""

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from psycopg2 import errors

from imhs import database_roles

pytestmark = pytest.mark.django_db
# The first test runs whatever the set-up: with one role (DATABASE_URL alone) it fails, as it
# should, since that role can erase the trail. The others need the owner role too.
needs_the_owner = pytest.mark.skipif(
    not settings.DATABASE_APP_ROLE,
    reason="needs the two roles: DATABASE_OWNER_URL, which `make test` sets",
)

APPEND_ONLY = ["imhs_auditevent", "referrals_referralevent"]
ADD_AN_EVENT = (
    "INSERT INTO imhs_auditevent (at, action, object_type, object_id, detail)"
    " VALUES (now(), 'view', '', '', '{}') RETURNING id"
)


def connect(*, owner=False):
    """A psycopg2 connection to the test database as the application connects (or the owner)."""
    wrapper = connection.copy()
    if owner:
        database_roles.log_in(wrapper, database_roles.credentials(settings.DATABASE_OWNER))
    return psycopg2.connect(**wrapper.get_connection_params())


def refused(cursor, statement):
    """The error `statement` fails with (it must fail), the transaction kept usable."""
    cursor.execute("SAVEPOINT attempt")
    with pytest.raises(errors.InsufficientPrivilege) as refusal:
        cursor.execute(statement)
    cursor.execute("ROLLBACK TO SAVEPOINT attempt")
    return str(refusal.value).strip()


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_as_the_app_role_truncate_delete_update_and_disable_trigger_all_fail(table):
    conn = connect()
    try:
        with conn.cursor() as cursor:
            # Reading and adding are allowed (one event added, so every row trigger would fire).
            cursor.execute(ADD_AN_EVENT)
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (a fixed name)

            denied = f"permission denied for table {table}"
            assert refused(cursor, f"TRUNCATE {table}") == denied
            assert refused(cursor, f"DELETE FROM {table}") == denied  # noqa: S608
            assert refused(cursor, f"UPDATE {table} SET id = id") == denied  # noqa: S608
            not_owner = f"must be owner of table {table}"
            assert refused(cursor, f"ALTER TABLE {table} DISABLE TRIGGER ALL") == not_owner
            assert refused(cursor, f"ALTER TABLE {table} OWNER TO CURRENT_USER") == not_owner
            assert refused(cursor, f"DROP TABLE {table}") == not_owner
    finally:
        conn.rollback()
        conn.close()


@needs_the_owner
def test_the_owner_still_meets_the_trigger():
    conn = connect(owner=True)
    try:
        with conn.cursor() as cursor:
            cursor.execute(ADD_AN_EVENT)
            for statement in ("UPDATE imhs_auditevent SET id = id", "DELETE FROM imhs_auditevent"):
                assert "imhs_auditevent is append-only" in refused(cursor, statement)
    finally:
        conn.rollback()
        conn.close()


@needs_the_owner
def test_the_tests_run_as_the_app_role_which_owns_nothing():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (settings.DATABASE_APP_ROLE,)
        cursor.execute(
            "SELECT (SELECT count(*) FROM pg_class WHERE relowner = current_user::regrole),"
            " (SELECT count(*) FROM pg_proc WHERE proowner = current_user::regrole),"
            " (SELECT count(*) FROM pg_database WHERE datdba = current_user::regrole)"
        )
        assert cursor.fetchone() == (0, 0, 0)
        cursor.execute(
            "SELECT privilege_type FROM information_schema.table_privileges"
            " WHERE grantee = current_user AND table_name = ANY(%s) ORDER BY 1",
            [APPEND_ONLY],
        )
        assert sorted(row[0] for row in cursor.fetchall()) == ["INSERT"] * 2 + ["SELECT"] * 2


@needs_the_owner
def test_a_table_a_later_migration_makes_is_granted_to_the_app_role():
    conn = connect(owner=True)
    try:
        with conn.cursor() as cursor:
            cursor.execute("CREATE TABLE imhs_later_table (id bigserial PRIMARY KEY)")
            cursor.execute(
                "SELECT has_table_privilege(%(app)s, 'imhs_later_table', 'SELECT, INSERT,"
                " UPDATE, DELETE'), has_table_privilege(%(app)s, 'imhs_later_table', 'TRUNCATE'),"
                " has_sequence_privilege(%(app)s, 'imhs_later_table_id_seq', 'USAGE')",
                {"app": settings.DATABASE_APP_ROLE},
            )
            assert cursor.fetchone() == (True, False, True)
    finally:
        conn.rollback()
        conn.close()


def test_as_the_app_role_the_data_version_is_read_only():
    """The version (ADR 0016) is written by its trigger's function, as the owner: the app role
    reads it (and raises it by writing a watched table: tests/integration/referrals/team/
    test_unchanged.py, as the app role), but cannot set it."""
    conn = connect()
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT number FROM referrals_dataversion")
            denied = "permission denied for table referrals_dataversion"
            assert refused(cursor, "UPDATE referrals_dataversion SET number = 1") == denied
            assert refused(cursor, "DELETE FROM referrals_dataversion") == denied
            assert refused(cursor, "INSERT INTO referrals_dataversion VALUES (2, 1)") == denied
    finally:
        conn.rollback()
        conn.close()
