import pytest

from tests.factories import ReferrerFactory, ServiceLeadFactory, TeamMemberFactory


@pytest.fixture(autouse=True)
def _email_to_outbox(settings):
    # Email goes to django.core.mail.outbox in every test, whatever the environment says.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def referrer(db):
    return ReferrerFactory()


@pytest.fixture
def team_member(db):
    return TeamMemberFactory()


@pytest.fixture
def service_lead(db):
    return ServiceLeadFactory()
