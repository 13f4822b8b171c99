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


# --- issue 18: what was typed decides where to look --------------------------------------


@pytest.fixture
def three():
    """A baby found by each kind of search, and two that only look like matches."""
    return {
        "wanted": ReferralFactory(
            submitted=True,
            reference="IMH-2026-04217",
            infant=InfantFactory(
                given_name="Wantedbaby",
                family_name="Kerr",
                chi_number="0101011237",
                postcode="ML5 3BJ",
            ),
        ),
        # Named like the halves of the wanted baby's postcode, and its reference's digits.
        "halves": ReferralFactory(
            submitted=True,
            reference="IMH-2025-00001",
            infant=InfantFactory(given_name="Ml5", family_name="3bj", postcode="G72 9ZZ"),
        ),
        "other": ReferralFactory(
            submitted=True,
            reference="IMH-2025-14217",
            infant=InfantFactory(given_name="Otherbaby", family_name="Kerrigan", postcode=""),
        ),
    }


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("IMH-2026-04217", ["wanted"]),  # a whole reference: exactly
        (" imh-2026-04217 ", ["wanted"]),
        ("IMH-2026-042", ["wanted"]),  # its start
        ("imh-2025", ["halves", "other"]),
        ("04217", ["wanted"]),  # a part: the serial number
        ("4217", ["wanted", "other"]),
        ("2026-042", ["wanted"]),
        ("0101011237", ["wanted"]),  # a CHI number: exactly, however it is spaced
        ("010-101-1237", ["wanted"]),
        ("ML5 3BJ", ["wanted"]),  # a postcode: exactly, never its halves as names
        ("ml53bj", ["wanted"]),
        ("Kerr", ["wanted", "other"]),  # a name: anywhere in a given or family name
        ("errig", ["other"]),
        ("wantedbaby kerr", ["wanted"]),  # every word
        ("ke", ["wanted", "other"]),  # a word under three letters: the start of a name
        ("er", []),  # ... not its middle
        ("w k", ["wanted"]),
        ("Nobody", []),
        ("   ", []),
    ],
)
def test_each_kind_of_search_finds_what_it_should(three, text, found):
    assert set(Referral.objects.search(text)) == {three[name] for name in found}


def test_a_number_that_is_not_a_chi_number_is_looked_for_in_the_references(three):
    """Ten digits failing the CHI checksum are not a CHI number: a part of a reference."""
    assert list(Referral.objects.search("0101011238")) == []
    assert list(Referral.objects.search("14217")) == [three["other"]]
