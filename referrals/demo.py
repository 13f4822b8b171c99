"""Synthetic referrals for the demo, one in each of the team's queues, made through the real
workflow so their timelines and audit trail are as the service would have them.

Runs after the demo users and families exist (seed_demo). Idempotent: a baby that already has a
referral is left alone.
"""

import datetime

from django.db import transaction

from imhs.models import User
from patients.catchment import CATCHMENT
from patients.models import Infant
from referrals import drafts, invitations, workflow
from referrals.models import Referral, SignpostService, Status

SIGNPOST_SERVICES = [
    ("Demo Family Support Service", "Phone 01698 000100 (demo)"),
    ("Demo Child and Adolescent Mental Health Service", "Via the family's GP"),
    ("Demo Parent and Baby Groups", "Phone 01698 000200 (demo)"),
]

COMPLETE_ANSWERS = {
    "relationship_indicators": 5,
    "relationship_observed": "Demo: baby turns away from her mother during feeds.",
    "emotional_indicators": 5,
    "emotional_observed": "Demo: long periods of crying that are hard to soothe.",
    "cognitive_indicators": 5,
    "cognitive_observed": "Demo: little interest in toys or faces.",
    "sense_of_self_indicators": 1,
    "sense_of_self_observed": "Demo: rarely seeks attention.",
    "social_interaction_indicators": 2,
    "social_interaction_observed": "Demo: does not smile back at familiar adults.",
    "concerns_duration": "Demo: about three months.",
    "why_now": "Demo: mother is worried the relationship is not getting easier.",
    "support_tried": "Demo: extra health visitor contacts; parent and baby group.",
    "family_hopes": "Demo: to enjoy time with their baby.",
    "child_protection_concerns": False,
    "consent_given": True,
    "consent_given_on": datetime.date(2026, 11, 1),
    "consent_to_share": True,
    "parent_views_method": "secure_link",
    "appointment_places": ["home", "near_me"],
    "section_states": dict.fromkeys(
        ("baby", "carers", "concerns", "safety", "consent", "about-you"), "completed"
    ),
}


def _user(email):
    return User.objects.get(email=email)


def _referral(infant, referrer, **answers):
    return Referral.objects.create(
        infant=infant,
        referrer=referrer,
        **drafts.referrer_details(referrer),
        consent_given_by=f"{infant.family_name} family (demo)",
        **{**COMPLETE_ANSWERS, **answers},
    )


@transaction.atomic
def seed():
    """One referral per demo baby, across the queues. Returns how many were created."""
    for name, contact in SIGNPOST_SERVICES:
        SignpostService.objects.get_or_create(name=name, defaults={"contact": contact})
    hv, fn = _user("health.visitor@example.org"), _user("family.nurse@example.org")
    psychologist = _user("psychologist@example.org")
    psychotherapist = _user("psychotherapist@example.org")
    babies = {infant.given_name: infant for infant in Infant.objects.filter(referral__isnull=True)}
    created = 0

    def sent(given, referrer):
        nonlocal created
        created += 1
        return workflow.submit(_referral(babies[given], referrer), by=referrer)

    if "Isla" in babies:  # New: waiting for the weekly meeting
        sent("Isla", hv)
    if "Rory" in babies:  # In review, claimed by the psychologist
        rory = sent("Rory", hv)
        workflow.start_review(rory, by=psychologist, version=rory.version)
    if "Eilidh" in babies:  # The team asked the referrer a question
        eilidh = sent("Eilidh", fn)
        workflow.request_information(
            eilidh,
            by=psychotherapist,
            version=eilidh.version,
            question="Demo: is the twins' father involved in their care?",
        )
    if "Callum" in babies:  # Lives in Glasgow: sent with the referrer's reason, then declined
        callum = _referral(babies["Callum"], hv)
        created += 1
        callum = workflow.submit(
            callum,
            by=hv,
            overrides={
                "residence": "Demo: family moving to Coatbridge next month.",
                "gp_practice": "Demo: will register with a Coatbridge practice after the move.",
            },
        )
        workflow.start_review(callum, by=psychologist, version=callum.version)
        workflow.decline(
            callum,
            by=psychologist,
            version=callum.version,
            reason="not_eligible_area",
            signposted_to=SignpostService.objects.get(name=SIGNPOST_SERVICES[0][0]),
            explanation=f"Demo: the family lives outside {CATCHMENT.name} for now. Please refer "
            f"again once they have moved and registered with a {CATCHMENT.name} GP.",
        )
    if "Finn" in babies:  # Accepted, waiting for a team member
        finn = sent("Finn", hv)
        workflow.start_review(finn, by=psychologist, version=finn.version)
        workflow.accept(finn, by=psychologist, version=finn.version, priority="urgent")
    if "Mia" in babies:  # Accepted, allocated, first appointment booked
        mia = sent("Mia", fn)
        workflow.start_review(mia, by=psychotherapist, version=mia.version)
        workflow.accept(
            mia,
            by=psychotherapist,
            version=mia.version,
            priority="routine",
            allocate_to=psychotherapist,
        )
        workflow.book_appointment(
            mia,
            by=psychotherapist,
            version=mia.version,
            on=datetime.date(2026, 12, 3),
            time=datetime.time(10, 30),
            purpose="assessment",
            mode="clinic",
            location="Demo Child Health Centre",
            staff=[psychotherapist],
        )
    if "Ava" in babies:  # A draft the health visitor is still filling in
        _referral(babies["Ava"], hv, section_states={"baby": "completed"}, consent_given=None)
        created += 1
    return created


def queue_counts():
    return {status: Referral.objects.filter(status=status).count() for status in Status.values}


def fresh_parent_link():
    """A new secure link for the demo mother of the first baby (any earlier demo link is
    revoked). Returns (path, date_of_birth), or None if that referral is not in the database."""
    referral = (
        Referral.objects.filter(infant__given_name="Isla", infant__family_name="Brightwater")
        .exclude(status=Status.DRAFT)
        .select_related("infant")
        .first()
    )
    if referral is None:
        return None
    carer = referral.infant.care_relationships.get(is_main_carer=True).carer
    lead = _user("service.lead@example.org")
    for invitation in referral.invitations.filter(carer=carer, revoked_at__isnull=True):
        invitations.revoke(invitation, by=lead)
    _invitation, token = invitations.create(referral, carer=carer, by=lead, send_email=False)
    return invitations.link_path(token), referral.infant.date_of_birth
