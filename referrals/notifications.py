"""Emails about referrals. They carry no names and no clinical content: a reference number and a
sign-in link. Callers queue them after commit (`transaction.on_commit`)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from imhs.models import User
from imhs.tasks import send_email
from referrals.models import ParentInvitation, Referral


def send_submission_acknowledgement(*, referral_id, sign_in_path):
    referral = Referral.objects.select_related("referrer").get(pk=referral_id)
    context = {
        "reference": referral.reference,
        "link": settings.SITE_URL.rstrip("/") + sign_in_path,
        "service": settings.SERVICE,
    }
    send_email.enqueue(
        subject=f"Referral {referral.reference} received",
        body=render_to_string("emails/referral_received.txt", context),
        # The account address (the one they sign in with), not the editable contact snapshot.
        to=[referral.referrer.email],
    )


# What each email about a referral says. Only the reference and a link: the details are behind
# the sign-in.
UPDATE_SUBJECTS = {
    "information_requested": "The team has a question about referral {reference}",
    "accepted": "Referral {reference}: decision",
    "declined": "Referral {reference}: decision",
    "withdrawn": "Referral {reference} has been withdrawn",
}


def send_referrer_update(*, referral_id, kind):
    referral = Referral.objects.select_related("referrer").get(pk=referral_id)
    context = {
        "reference": referral.reference,
        "kind": kind,
        "link": settings.SITE_URL.rstrip("/") + reverse("referrals:detail", args=[referral.pk]),
        "service": settings.SERVICE,
    }
    send_email.enqueue(
        subject=UPDATE_SUBJECTS[kind].format(reference=referral.reference),
        body=render_to_string("emails/referral_update.txt", context),
        to=[referral.referrer.email],
    )


def send_answer_received(*, referral_id, reviewer_id):
    """Tell the team member reviewing a referral that the referrer answered their question:
    the reference and a link to the team's page, never the question or the answer."""
    referral = Referral.objects.only("reference").get(pk=referral_id)
    reviewer = User.objects.only("email").get(pk=reviewer_id)
    context = {
        "reference": referral.reference,
        "link": settings.SITE_URL.rstrip("/")
        + reverse("referrals:team_referral", args=[referral.reference]),
        "service": settings.SERVICE,
    }
    send_email.enqueue(
        subject=f"Referral {referral.reference}: the referrer has answered",
        body=render_to_string("emails/answer_received.txt", context),
        to=[reviewer.email],
    )


def send_parent_invitation(*, invitation_id, path):
    """The secure link for a parent. It names no one: it may be read on a shared phone."""
    invitation = ParentInvitation.objects.select_related("carer").get(pk=invitation_id)
    context = {
        "link": settings.SITE_URL.rstrip("/") + path,
        "expires_on": invitation.expires_at,
        "service": settings.SERVICE,
    }
    send_email.enqueue(
        subject="Tell us about your baby: NHS Lanarkshire Infant Mental Health Team",
        body=render_to_string("emails/parent_invitation.txt", context),
        to=[invitation.carer.email],
    )
