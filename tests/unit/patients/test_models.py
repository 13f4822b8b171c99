import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from patients.models import CareRelationship, GPRegistration, Relationship
from tests.factories import (
    CareRelationshipFactory,
    CarerFactory,
    GPPracticeFactory,
    InfantFactory,
)

pytestmark = pytest.mark.django_db


def test_twins_share_one_carer_with_two_relationships():
    mum = CarerFactory(given_name="Twinmum")
    first = CareRelationshipFactory(carer=mum, infant=InfantFactory(given_name="Twinone"))
    second = CareRelationshipFactory(carer=mum, infant=InfantFactory(given_name="Twintwo"))

    assert {r.infant.given_name for r in mum.care_relationships.all()} == {"Twinone", "Twintwo"}
    assert first.carer_id == second.carer_id


def test_a_carer_is_linked_to_an_infant_once():
    relationship = CareRelationshipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CareRelationshipFactory(infant=relationship.infant, carer=relationship.carer)


def test_an_infant_has_at_most_one_main_carer():
    relationship = CareRelationshipFactory(is_main_carer=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        CareRelationshipFactory(infant=relationship.infant, is_main_carer=True)
    CareRelationshipFactory(infant=relationship.infant, is_main_carer=False)
    assert relationship.infant.care_relationships.count() == 2


def test_other_relationship_needs_its_description():
    with pytest.raises(IntegrityError), transaction.atomic():
        CareRelationshipFactory(relationship=Relationship.OTHER, relationship_other="")
    kept = CareRelationshipFactory(relationship=Relationship.OTHER, relationship_other="Aunt")
    assert CareRelationship.objects.get(pk=kept.pk).relationship_other == "Aunt"


@pytest.mark.parametrize(
    ("registration", "with_practice", "not_listed", "allowed"),
    [
        (GPRegistration.LISTED, True, "", True),
        (GPRegistration.LISTED, False, "", False),
        (GPRegistration.NOT_REGISTERED, False, "", True),
        (GPRegistration.NOT_REGISTERED, True, "", False),
        (GPRegistration.NOT_LISTED, False, "Testville Health Centre", True),
        (GPRegistration.NOT_LISTED, False, "", False),
        ("", False, "", True),  # not answered yet (a draft)
        ("", False, "Somewhere", False),
    ],
)
def test_gp_practice_and_registration_answer_are_paired(
    registration, with_practice, not_listed, allowed
):
    practice = GPPracticeFactory() if with_practice else None
    build = lambda: InfantFactory(  # noqa: E731
        gp_registration=registration, gp_practice=practice, gp_practice_not_listed=not_listed
    )
    if allowed:
        assert build().pk
    else:
        with pytest.raises(IntegrityError), transaction.atomic():
            build()


def test_chi_column_holds_ten_digits_or_nothing():
    with pytest.raises(IntegrityError), transaction.atomic():
        InfantFactory(chi_number="01010112AB")
    assert InfantFactory(chi_number="").pk


def test_practice_code_is_five_digits():
    with pytest.raises(IntegrityError), transaction.atomic():
        GPPracticeFactory(code="1234")


def test_clinical_records_are_protected_from_cascading_deletes():
    relationship = CareRelationshipFactory()
    with pytest.raises(ProtectedError):
        relationship.infant.delete()
    with pytest.raises(ProtectedError):
        relationship.carer.delete()
    with pytest.raises(ProtectedError):
        relationship.infant.gp_practice.delete()


def test_third_birthday_of_a_leap_day_baby_is_1_march():
    infant = InfantFactory.build(date_of_birth=datetime.date(2024, 2, 29))
    assert infant.third_birthday == datetime.date(2027, 3, 1)
    assert infant.age_in_months(datetime.date(2026, 11, 22)) == 32


def test_infant_without_date_of_birth_has_no_age_yet():
    infant = InfantFactory.build(date_of_birth=None)
    assert infant.third_birthday is None
    assert infant.age_in_months(datetime.date(2026, 11, 22)) is None


def test_practice_knows_whether_it_is_in_the_catchment():
    assert GPPracticeFactory.build(health_board_code="S08000032").in_catchment
    assert not GPPracticeFactory.build(health_board_code="S08000031").in_catchment
