"""factory-boy factories for every model. Only obviously synthetic people and numbers."""

import datetime

import factory
from django.conf import settings

from imhs.models import AuditAction, AuditEvent, Profession, Role, User
from patients.chi import make_chi
from patients.models import (
    NHS_LANARKSHIRE,
    Carer,
    CareRelationship,
    GPPractice,
    GPRegistration,
    Infant,
    LivesWith,
    Postcode,
    Relationship,
    Sex,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    given_name = factory.Sequence(lambda n: f"Testgiven{n}")
    family_name = factory.Sequence(lambda n: f"Testfamily{n}")
    email = factory.LazyAttribute(lambda u: f"{u.given_name}.{u.family_name}@example.org".lower())
    role = Role.REFERRER
    profession = Profession.HEALTH_VISITOR
    job_title = "Health Visitor"
    base = "Test Health Visiting Team"

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        # Argon2 is slow by design; tests that sign in through the form ask for a password.
        if extracted:
            obj.set_password(extracted)
        else:
            obj.set_unusable_password()
        if create:
            obj.save(update_fields=["password"])


class ReferrerFactory(UserFactory):
    pass


class TeamMemberFactory(UserFactory):
    role = Role.TEAM_MEMBER
    profession = Profession.CLINICAL_PSYCHOLOGIST
    job_title = "Clinical Psychologist"
    base = "Infant Mental Health Team"


class ServiceLeadFactory(TeamMemberFactory):
    role = Role.SERVICE_LEAD
    job_title = "Service Lead"


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    actor = factory.SubFactory(UserFactory)
    action = AuditAction.VIEW
    object_type = "imhs.user"
    object_id = factory.LazyAttribute(lambda e: str(e.actor.pk))
    ip_address = "192.0.2.10"  # TEST-NET-1, reserved for documentation


DEMO_PASSWORD = settings.DEMO_PASSWORD


class GPPracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GPPractice
        django_get_or_create = ["code"]

    # 99xxx: outside the ranges PHS issues, so never a real practice.
    code = factory.Sequence(lambda n: f"99{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Testville Medical Practice {n}")
    address_line_1 = "1 Example Street"
    address_line_3 = "Testville"
    postcode = "ML5 9ZZ"
    health_board_code = NHS_LANARKSHIRE
    active = True


class PostcodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Postcode
        django_get_or_create = ["postcode"]

    postcode = factory.Sequence(lambda n: f"ML5 {n % 10}{'ABDEFGHJLNPQRSTUWXYZ'[n // 10 % 20]}Z")
    health_board_code = NHS_LANARKSHIRE
    council_area_code = "S12000050"


class InfantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Infant

    given_name = factory.Sequence(lambda n: f"Babytest{n}")
    family_name = "Example"
    date_of_birth = datetime.date(2025, 2, 14)
    chi_number = factory.LazyAttribute(
        lambda i: make_chi(i.date_of_birth, female=i.sex != Sex.MALE) if i.date_of_birth else ""
    )
    sex = Sex.FEMALE
    address_line_1 = "2 Example Road"
    town = "Testville"
    postcode = "ML5 9ZZ"
    gp_registration = GPRegistration.LISTED
    gp_practice = factory.SubFactory(GPPracticeFactory)
    lives_with = LivesWith.PARENTS


class CarerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carer

    given_name = factory.Sequence(lambda n: f"Parenttest{n}")
    family_name = "Example"
    phone = "07700 900123"  # Ofcom's drama range: never a real number
    email = factory.LazyAttribute(lambda c: f"{c.given_name.lower()}@example.org")
    preferred_contact_method = "phone"


class CareRelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareRelationship

    infant = factory.SubFactory(InfantFactory)
    carer = factory.SubFactory(CarerFactory)
    relationship = Relationship.MOTHER
    has_parental_responsibility = True
    lives_with_infant = True
    is_main_carer = True
