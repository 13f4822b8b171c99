import pytest
from django.conf import settings
from django.db import connections
from django.db.backends.postgresql.operations import DatabaseOperations

from imhs import database_roles
from tests.factories import ReferrerFactory, ServiceLeadFactory, TeamMemberFactory
from tests.sign_in import sign_in

# The tests run as the application's role, which owns nothing (docs/security.md), so a missing
# grant fails a test. The owner role (DATABASE_OWNER_URL, which `make test` passes) makes, migrates
# and drops the test database, and empties it after each transactional test (TRUNCATE, which
# the app role may not do on the audit trail). With DATABASE_URL alone, one role does it all.


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Before the test database is made: log in as the owner. Returns the app role's login."""
    app = database_roles.credentials(connections["default"].settings_dict)
    if settings.DATABASE_APP_ROLE:
        database_roles.log_in(
            connections["default"], database_roles.credentials(settings.DATABASE_OWNER)
        )
    return app


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_modify_db_settings):
    """Made and migrated: the tests log in as the app role; the owner again to drop it."""
    if not settings.DATABASE_APP_ROLE:
        yield
        return
    owner = database_roles.credentials(connections["default"].settings_dict)
    database_roles.log_in(connections["default"], django_db_modify_db_settings)
    yield
    database_roles.log_in(connections["default"], owner)


def _execute_sql_flush_as_owner(self, sql_list):
    if not settings.DATABASE_APP_ROLE:
        return _execute_sql_flush(self, sql_list)
    owner = self.connection.copy()
    database_roles.log_in(owner, database_roles.credentials(settings.DATABASE_OWNER))
    try:
        with owner.cursor() as cursor:  # autocommit: one TRUNCATE statement
            for statement in sql_list:
                cursor.execute(statement)
    finally:
        owner.close()


_execute_sql_flush = DatabaseOperations.execute_sql_flush
DatabaseOperations.execute_sql_flush = _execute_sql_flush_as_owner


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Email goes to django.core.mail.outbox in every test, whatever the environment says.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Argon2 is slow on purpose; tests hash many passwords. (test_settings checks the real list.)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def referrer(db):
    return ReferrerFactory()


@pytest.fixture
def team_member(db):
    return TeamMemberFactory()


@pytest.fixture
def service_lead(db):
    return ServiceLeadFactory()


@pytest.fixture
def lead_client(client, service_lead):
    """The test client, signed in as a service lead with a verified second factor."""
    return sign_in(client, service_lead)
