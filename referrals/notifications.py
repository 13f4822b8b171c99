"""Emails about referrals and parents' links, sent by the task queue.

A queued task holds only ids and a `kind` code (ADR 0010): the worker loads the record and
builds the subject, the body, the link and the recipient here. The emails carry no names and no
clinical content: a reference number and a sign-in link (or, for a parent, their secure link).
Callers queue them after commit, through `queue_referral_email` / `queue_parent_invitation`.

To add an email about a referral, add one `ReferralEmail` to `REFERRAL_EMAILS` (and its
template), then call `queue_referral_email(referral_id=..., kind=...)`.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from imhs import audit
from imhs.models import AuditAction
from imhs.tasks import deliver
from patients.models import Carer
from referrals import invitations  # a module import: it imports this module too
from referrals.models import Appointment, Attendance, ParentInvitation, Referral


def _absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def to_referrer(referral):
    # The account address (the one they sign in with), not the editable contact snapshot.
    return referral.referrer.email


def referrer_page(referral):
    return reverse("referrals:detail", args=[referral.pk])


def team_page(referral):
    return reverse("referrals:team_referral", args=[referral.reference])


def to_reviewer(referral):
    """The team member reviewing the referral (none: nobody to tell)."""
    reviewer = referral.review_started_by
    return reviewer.email if reviewer else ""


@dataclass(frozen=True)
class ReferralEmail:
    subject: str  # formatted with {reference}
    template: str  # rendered with reference, kind, link and service
    to: Callable[[Referral], str] = to_referrer  # the recipient's address (empty: not sent)
    link: Callable[[Referral], str] = referrer_page  # referral -> the path the email links to


# Every email about a referral, by kind. Only the reference and a link: the details are behind
# the sign-in.
REFERRAL_EMAILS = {
    "received": ReferralEmail("Referral {reference} received", "emails/referral_received.txt"),
    "information_requested": ReferralEmail(
        "The team has a question about referral {reference}", "emails/referral_update.txt"
    ),
    "accepted": ReferralEmail("Referral {reference}: decision", "emails/referral_update.txt"),
    "declined": ReferralEmail("Referral {reference}: decision", "emails/referral_update.txt"),
    "withdrawn": ReferralEmail(
        "Referral {reference} has been withdrawn", "emails/referral_update.txt"
    ),
    # To the reviewer, when the referrer answers their question (issue 12, point 9).
    "answer_received": ReferralEmail(
        "Referral {reference}: the referrer has answered",
        "emails/answer_received.txt",
        to=to_reviewer,
        link=team_page,
    ),
}


@task()
def send_referral_email(*, referral_id, kind):
    email = REFERRAL_EMAILS[kind]
    referral = Referral.objects.select_related("referrer", "review_started_by").get(pk=referral_id)
    to = email.to(referral)
    if not to:
        return
    context = {
        "reference": referral.reference,
        "kind": kind,
        "link": _absolute(email.link(referral)),
        "service": settings.SERVICE,
    }
    deliver(
        subject=email.subject.format(reference=referral.reference),
        body=render_to_string(email.template, context),
        to=[to],
    )


def queue_referral_email(*, referral_id, kind):
    """Queue the `kind` email about a referral once the current transaction commits."""
    if kind not in REFERRAL_EMAILS:
        raise ValueError(f"No email of kind {kind!r}.")
    transaction.on_commit(partial(send_referral_email.enqueue, referral_id=referral_id, kind=kind))


@task()
def send_parent_invitation(*, invitation_id):
    """Email a parent their secure link. The link is made here, in the worker, and only its
    hash is stored (`email_token_hash`): the raw token is never in the database, the queue
    included. The link names no one: it may be read on a shared phone.

    Race-safe: the invitation's row is locked while the link is made and sent, and a link is
    made only while `email_token_hash` is empty. The hash is committed only after the mail
    server took the message, so a run that dies half-way leaves no live link (at worst an email
    whose link does not open) and the retry sends one; a second run finds the hash and sends
    nothing. So one invitation never has two live emailed links."""
    now = timezone.now()
    with transaction.atomic():
        invitation = (
            ParentInvitation.objects.select_for_update(of=("self",))
            .select_related("carer")
            .get(pk=invitation_id)
        )
        if (
            not invitation.emailed
            or invitation.email_token_hash
            or not invitation.carer.email
            or not invitation.usable(now)
        ):
            return
        token = secrets.token_urlsafe(32)
        invitation.email_token_hash = invitations.hash_token(token)
        invitation.save(update_fields=["email_token_hash"])
        audit.record(AuditAction.CHANGE, obj=invitation, detail={"action": "emailed"})
        context = {
            "link": _absolute(invitations.link_path(token)),
            "expires_on": invitation.expires_at,
            "service": settings.SERVICE,
        }
        deliver(
            subject=(
                f"Tell us about your baby: {settings.SERVICE['organisation']} "
                f"{settings.SERVICE['team']}"
            ),
            body=render_to_string("emails/parent_invitation.txt", context),
            to=[invitation.carer.email],
        )


def queue_parent_invitation(*, invitation_id):
    transaction.on_commit(partial(send_parent_invitation.enqueue, invitation_id=invitation_id))


# --- an appointment, to a carer --------------------------------------------------------------


def email_appointment(*, appointment, carer, by, request=None):
    """Email one of the baby's carers the appointment's date, time and how or where, once the
    audit event is committed. The queue holds only the two ids."""
    if not carer.email:
        raise ValueError("The carer has no email address.")
    with transaction.atomic():
        audit.record(
            AuditAction.EXPORT,
            by=by,
            obj=appointment.referral,
            request=request,
            detail={"email": "appointment", "appointment": appointment.pk},
        )
        transaction.on_commit(
            partial(
                send_appointment_email.enqueue, appointment_id=appointment.pk, carer_id=carer.pk
            )
        )


@task()
def send_appointment_email(*, appointment_id, carer_id):
    """Build and send the appointment email. The carer must still be one of the baby's carers
    and have an address; a cancelled or rebooked appointment is not sent."""
    appointment = Appointment.objects.select_related("referral").get(pk=appointment_id)
    carer = Carer.objects.filter(
        pk=carer_id, care_relationships__infant_id=appointment.referral.infant_id
    ).first()
    if carer is None or not carer.email or appointment.attendance != Attendance.BOOKED:
        return
    context = {
        "on": appointment.on,
        "time": appointment.time,
        "mode": appointment.mode,
        "how": appointment.get_mode_display(),
        "location": appointment.location,
        "service": settings.SERVICE,
    }
    deliver(
        subject=f"Your appointment with the {settings.SERVICE['organisation']} "
        f"{settings.SERVICE['team']}",
        body=render_to_string("emails/appointment.txt", context),
        to=[carer.email],
    )
