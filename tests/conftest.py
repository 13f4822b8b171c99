import pytest

from tests.factories import ReferrerFactory, ServiceLeadFactory, TeamMemberFactory


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
