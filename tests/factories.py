"""factory-boy factories for every model. Only obviously synthetic people and numbers."""

import factory
from django.conf import settings

from imhs.models import AuditAction, AuditEvent, Profession, Role, User


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
