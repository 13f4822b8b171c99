import pytest

from tests.integration.referrals.reports.dataset import build_october, make_staff


@pytest.fixture
def staff(db):
    return make_staff()


@pytest.fixture
def october(staff):
    return build_october(staff)
