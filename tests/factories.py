"""factory-boy factories for every model. Only obviously synthetic people and numbers."""

import datetime

import factory
from django.conf import settings
from django.utils import timezone

from imhs.models import AuditAction, AuditEvent, Profession, Role, User
from patients.catchment import CATCHMENT
from patients.chi import make_chi
from patients.models import (
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
from referrals.models import Appointment, Referral, Unavailability


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
    health_board_code = CATCHMENT.board_code
    active = True


class PostcodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Postcode
        django_get_or_create = ["postcode"]

    postcode = factory.Sequence(lambda n: f"ML5 {n % 10}{'ABDEFGHJLNPQRSTUWXYZ'[n // 10 % 20]}Z")
    health_board_code = CATCHMENT.board_code
    council_area_code = "S12000050"


class InfantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Infant

    given_name = factory.Sequence(lambda n: f"Babytest{n}")
    family_name = "Example"
    date_of_birth = datetime.date(2025, 2, 14)
    # Digits 7-8 vary, so babies born on the same day have different CHI numbers.
    chi_number = factory.LazyAttributeSequence(
        lambda i, n: (
            make_chi(i.date_of_birth, female=i.sex != Sex.MALE, serial=f"{n % 100:02d}")
            if i.date_of_birth
            else ""
        )
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


SECTION_SLUGS = ("baby", "carers", "concerns", "safety", "consent", "about-you")
ALL_SECTIONS_COMPLETED = dict.fromkeys(SECTION_SLUGS, "completed")


class ReferralFactory(factory.django.DjangoModelFactory):
    """A draft with every section completed and answers that meet every criterion."""

    class Meta:
        model = Referral
        skip_postgeneration_save = True

    infant = factory.SubFactory(InfantFactory)
    referrer = factory.SubFactory(ReferrerFactory)
    referrer_name = factory.LazyAttribute(lambda r: r.referrer.full_name)
    referrer_profession = factory.LazyAttribute(lambda r: r.referrer.profession)
    referrer_base = "Test Health Visiting Team"
    referrer_phone = "01698 000000"
    referrer_email = factory.LazyAttribute(lambda r: r.referrer.email)
    relationship_indicators = 5
    relationship_observed = "Synthetic observation for tests."
    emotional_indicators = 5
    emotional_observed = "Synthetic observation for tests."
    cognitive_indicators = 5
    cognitive_observed = "Synthetic observation for tests."
    sense_of_self_indicators = 0
    social_interaction_indicators = 0
    why_now = "Synthetic reason for tests."
    child_protection_concerns = False
    consent_given = True
    consent_given_by = "Parenttest Example (mother)"
    consent_given_on = datetime.date(2026, 11, 1)
    consent_to_share = True
    parent_views_method = "not_now"
    appointment_places = factory.LazyFunction(lambda: ["home"])
    section_states = factory.LazyFunction(lambda: dict(ALL_SECTIONS_COMPLETED))

    class Params:
        submitted = factory.Trait(
            status="submitted",
            reference=factory.Sequence(lambda n: f"IMH-2026-9{n:04d}"),
            submitted_at=factory.LazyFunction(timezone.now),
            submitted_by=factory.SelfAttribute("referrer"),
        )
        # Declined properly: a coded reason, a service, an explanation, who and when.
        declined = factory.Trait(
            submitted=True,
            status="declined",
            decline_reason="another_service",
            signposted_other="Test Family Support Service",
            decision_explanation="Synthetic explanation for the family and referrer.",
            decided_at=factory.LazyFunction(timezone.now),
            decided_by=factory.SubFactory("tests.factories.TeamMemberFactory"),
        )
        # Accepted (waiting for treatment): where appointments are booked.
        accepted = factory.Trait(
            submitted=True,
            status="accepted",
            priority="routine",
            decided_at=factory.LazyFunction(timezone.now),
            decided_by=factory.SubFactory("tests.factories.TeamMemberFactory"),
        )

    @factory.post_generation
    def with_carer(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            CareRelationshipFactory(infant=obj.infant)


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A booked assessment a week from today, seen by one team member. Made directly: tests of
    the workflow book through `workflow.book_appointment`."""

    class Meta:
        model = Appointment
        skip_postgeneration_save = True

    referral = factory.SubFactory(ReferralFactory, accepted=True)
    on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    time = datetime.time(10, 30)
    purpose = "assessment"
    mode = "clinic"
    location = "Test Clinic, 1 Example Street"
    booked_by = factory.SubFactory(TeamMemberFactory)
    booked_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def staff(obj, create, extracted, **kwargs):
        if create:
            obj.staff.set(extracted if extracted is not None else [obj.booked_by])


class UnavailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unavailability

    referral = factory.SubFactory(ReferralFactory, accepted=True)
    start = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    end = factory.LazyAttribute(lambda u: u.start + datetime.timedelta(days=6))
    reason = "On holiday"
    recorded_by = factory.SubFactory(TeamMemberFactory)
    recorded_at = factory.LazyFunction(timezone.now)
