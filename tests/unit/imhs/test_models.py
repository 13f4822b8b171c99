import pytest
from django.db import IntegrityError, transaction

from imhs.models import Profession, Role, User
from tests.factories import ReferrerFactory, ServiceLeadFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


def test_create_user_stores_email_in_lower_case():
    user = User.objects.create_user(
        "Test.Person@Example.ORG",
        "x" * 12,
        given_name="Test",
        family_name="Person",
        profession=Profession.HEALTH_VISITOR,
    )
    assert user.email == "test.person@example.org"


def test_email_is_unique_whatever_its_case():
    ReferrerFactory(email="same.person@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(
            email="Same.Person@example.org",
            given_name="A",
            family_name="B",
            profession=Profession.HEALTH_VISITOR,
        )


def test_natural_key_lookup_ignores_case():
    user = ReferrerFactory(email="case.test@example.org")
    assert User.objects.get_by_natural_key("CASE.Test@example.org") == user


def test_referrer_must_have_a_referrer_profession():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferrerFactory(profession=Profession.CHILD_PSYCHIATRIST)


def test_team_member_must_have_a_team_profession():
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMemberFactory(profession=Profession.HEALTH_VISITOR)


@pytest.mark.parametrize(
    ("factory", "staff", "team", "lead"),
    [
        (ReferrerFactory, False, False, False),
        (TeamMemberFactory, True, True, False),
        (ServiceLeadFactory, True, True, True),
    ],
)
def test_role_decides_staff_and_team_access(factory, staff, team, lead):
    user = factory()
    assert (user.is_staff, user.is_team, user.is_service_lead) == (staff, team, lead)


def test_deactivated_team_member_loses_staff_access():
    user = TeamMemberFactory(is_active=False)
    assert user.is_staff is False


def test_service_lead_permissions_come_from_the_role():
    lead, member = ServiceLeadFactory(), TeamMemberFactory()
    assert lead.has_perm("imhs.change_user")
    assert lead.has_perm("imhs.view_auditevent")
    assert not member.has_perm("imhs.change_user")
    assert not lead.has_perm("imhs.delete_auditevent")


def test_str_is_the_full_name():
    user = ReferrerFactory(given_name="Testy", family_name="Example")
    assert str(user) == "Testy Example"
    assert user.role == Role.REFERRER
