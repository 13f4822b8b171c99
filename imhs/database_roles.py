"""The application's database role owns nothing (docs/security.md, "Two database roles").

`manage.py migrate` runs as the owner of every table (`as_owner`). At its end (post_migrate)
`grant_to_app_role` gives the app role (settings.DATABASE_APP_ROLE, the user of DATABASE_URL)
what the application needs, in the database just migrated: SELECT, INSERT, UPDATE and DELETE on
every table and USAGE on every sequence, but on the append-only tables only SELECT and INSERT.
TRUNCATE is never granted, and a role that owns no table can neither ALTER it nor DISABLE its
triggers, so nothing the application can do erases the audit trail or the status history.

Why on post_migrate rather than in scripts/ensure_database.py: it runs wherever migrate runs (the
developer's database, the test database pytest-django creates, production), after every
migration, with no extra step to forget. The default privileges cover tables a later migration
creates even before this runs again (a rolling deploy), and the revoke below runs after them.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import connections, transaction
from psycopg2 import sql

# Append-only by trigger (imhs 0002, referrals 0003 and 0015); the app role may only add and
# read. Events of a destroyed referral go only through referrals_destroy_events (ADR 0013).
APPEND_ONLY_TABLES = ("imhs_auditevent", "referrals_referralevent", "referrals_destructionrecord")
# Functions owned by the owner role that the app role may call (SECURITY DEFINER).
APP_FUNCTIONS = (
    "referrals_destroy_events(bigint)",
    "retention_prune_append_only(text, timestamptz)",
)
# Django's record of applied migrations: read by `makemigrations --check`, written by the owner;
# the data version, written only by its trigger's function, owned by the owner (ADR 0016).
READ_ONLY_TABLES = ("django_migrations", "referrals_dataversion")

GRANTS = """
GRANT USAGE ON SCHEMA public TO {app};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app};
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app};
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {app};
"""


CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")


def credentials(settings_dict):
    """Who a connection logs in as, and where: everything but the database's name."""
    return {key: settings_dict.get(key, {} if key == "OPTIONS" else "") for key in CREDENTIALS}


def log_in(connection, as_credentials):
    """`connection` (every thread's, as they share the settings) logs in with `as_credentials`
    from its next query on; the database it names (the test database, say) stays the same."""
    connection.close()
    connection.settings_dict.update(as_credentials)


@contextmanager
def as_owner(connection):
    """`connection` logs in as the owner (DATABASE_OWNER_URL) inside the block, as before after.

    The connection itself, not a second one: Django's own and third-party data migrations write
    through the default connection, and would wait forever on the owner's locks."""
    if not settings.DATABASE_APP_ROLE:
        yield
        return
    kept = credentials(connection.settings_dict)
    log_in(connection, credentials(settings.DATABASE_OWNER))
    try:
        yield
    finally:
        log_in(connection, kept)


def grant_to_app_role(*, using, **kwargs):
    app_role = settings.DATABASE_APP_ROLE
    if not app_role:
        return  # one role (no DATABASE_OWNER_URL): nothing to grant
    # One transaction: the app role never sees the append-only tables without SELECT.
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == app_role:
            # The app role itself (a flush in the tests): it could grant nothing anyway.
            return
        app = sql.Identifier(app_role)
        cursor.execute(sql.SQL(GRANTS).format(app=app))
        for tables, kept in ((APPEND_ONLY_TABLES, "SELECT, INSERT"), (READ_ONLY_TABLES, "SELECT")):
            cursor.execute(
                "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r'"
                " AND relnamespace = 'public'::regnamespace",
                [list(tables)],
            )
            for (table,) in cursor.fetchall():
                cursor.execute(
                    sql.SQL(
                        "REVOKE ALL ON {table} FROM {app}; GRANT {kept} ON {table} TO {app}"
                    ).format(table=sql.Identifier(table), app=app, kept=sql.SQL(kept))
                )
        for function in APP_FUNCTIONS:
            cursor.execute("SELECT to_regprocedure(%s) IS NOT NULL", [function])
            if cursor.fetchone()[0]:
                cursor.execute(
                    sql.SQL("GRANT EXECUTE ON FUNCTION {function} TO {app}").format(
                        function=sql.SQL(function), app=app
                    )
                )
