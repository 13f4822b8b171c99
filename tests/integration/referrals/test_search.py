"""`Referral.objects.search`: the one search of the dashboard, "Your referrals" and the admin."""

import pytest

from referrals.models import Referral
from tests.factories import InfantFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wanted():
    infant = InfantFactory(given_name="Findable", chi_number="0101011237", postcode="ML5 3BJ")
    return ReferralFactory(submitted=True, infant=infant)


@pytest.mark.parametrize(
    "text", ["0101011237", "010 101 1237", "010-101-1237", "ml53bj", "Findable", "findable exam"]
)
def test_a_chi_number_postcode_or_name_finds_the_referral(wanted, text):
    ReferralFactory(submitted=True, infant=InfantFactory(given_name="Otherbaby"))

    assert list(Referral.objects.search(text)) == [wanted]


def test_the_reference_finds_the_referral(wanted):
    assert list(Referral.objects.search(wanted.reference.lower())) == [wanted]
