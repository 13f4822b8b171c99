"""Parents' secure links: create, re-send and revoke them; check a date of birth; save and send
the parent's views.

A link is `/views/<token>/`: 256 random bits (`secrets.token_urlsafe(32)`), of which only the
SHA-256 is stored, so the database alone cannot open any link. An invitation has up to two
links: the one shown once to the team (to copy or print; `token_hash`), and the one emailed to
the parent, which the task queue's worker makes when it sends the email (`email_token_hash`), so
no raw token is ever queued (ADR 0010). Both open the same invitation and share its limits.

Opening a link changes nothing; the baby's date of birth must be given. Wrong answers count,
and the 5th locks the link; a per-IP limit across all links stops a script trying many. Audit
events never hold the token or the date typed.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from imhs import audit
from imhs.models import AuditAction
from referrals import notifications  # a module import: it imports this module too
from referrals.models import DateOfBirthAttempt, ParentInvitation, ParentViews

VIEW_FIELDS = (
    "going_well",
    "worries",
    "relationship",
    "help_wanted",
    "anything_else",
    "interpreter_language",
    "contact_how",
    "contact_times",
    "near_me",
)


class LinkClosed(Exception):
    """The invitation can no longer be used (sent, revoked, locked, expired)."""


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def link_path(token):
    return reverse("parents:open", args=[token])


def find(token, *, lock=False):
    """The invitation for `token`, or None. Looked up by hash only."""
    invitations = ParentInvitation.objects.select_related("referral", "referral__infant", "carer")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    digest = hash_token(token)
    return invitations.filter(Q(token_hash=digest) | Q(email_token_hash=digest)).first()


def create(referral, *, carer, by, request=None, send_email=True, show=True):
    """A new invitation for `carer`. Returns (invitation, token): the token exists only here,
    for the caller to show once or print (None when `show` is false: nothing is shown). When
    the carer has an email address (and `send_email`), the task queue emails them a link of
    its own, made in the worker."""
    token = secrets.token_urlsafe(32) if show else None
    now = timezone.now()
    with transaction.atomic():
        invitation = ParentInvitation.objects.create(
            referral=referral,
            carer=carer,
            token_hash=hash_token(token) if token else None,
            created_at=now,
            created_by=by,
            expires_at=now + datetime.timedelta(days=settings.PARENT_LINK_DAYS),
            emailed=bool(send_email and carer.email),
        )
        audit.record(
            AuditAction.CREATE,
            by=by,
            obj=invitation,
            request=request,
            detail={"referral": referral.pk, "emailed": invitation.emailed},
        )
        if invitation.emailed:
            notifications.queue_parent_invitation(invitation_id=invitation.pk)
    return invitation, token


def invite_at_submission(referral, *, by):
    """At submission, when the referrer chose a secure link by email: one invitation for each
    carer with parental responsibility who has an email address. Nobody is shown a link: the
    only link is the emailed one."""
    for relationship in referral.infant.care_relationships.select_related("carer"):
        if relationship.has_parental_responsibility and relationship.carer.email:
            create(referral, carer=relationship.carer, by=by, show=False)


def revoke(invitation, *, by, request=None):
    with transaction.atomic():
        locked = ParentInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.revoked_at is None:
            locked.revoked_at, locked.revoked_by = timezone.now(), by
            locked.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            AuditAction.CHANGE, by=by, obj=locked, request=request, detail={"action": "revoke"}
        )
    return locked


def resend(invitation, *, by, request=None):
    """A new link for the same carer; the old one stops working. Returns (invitation, token)."""
    with transaction.atomic():
        revoke(invitation, by=by, request=request)
        return create(invitation.referral, carer=invitation.carer, by=by, request=request)


@dataclass(frozen=True)
class Check:
    outcome: str  # "ok", "wrong", "locked", "closed" or "too_many"
    invitation: ParentInvitation | None = None
    tries_left: int = 0


def check_date_of_birth(token, date_of_birth, *, ip, request=None):
    """Check a parent's answer to "What is your baby's date of birth?".

    Wrong answers add up over the link's whole life (14 days), not per visit: the 5th locks it,
    and the team can send a new one. A link for a carer whose views were already sent counts as
    closed: the views are sent once.
    """
    now = timezone.now()
    with transaction.atomic():
        # One answer at a time per address, so parallel requests cannot slip past the limit.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"dob-attempt:{ip}"])
        recent = DateOfBirthAttempt.objects.filter(
            ip_address=ip, at__gte=now - datetime.timedelta(hours=1)
        ).count()
        if recent >= settings.PARENT_LINK_IP_LIMIT:
            audit.record(
                AuditAction.ACCESS_DENIED,
                request=request,
                object_type="referrals.parentinvitation",
                detail={"reason": "too_many_attempts_from_ip"},
            )
            return Check("too_many")
        DateOfBirthAttempt.objects.create(ip_address=ip, at=now)
        invitation = find(token, lock=True)
        if invitation is None or not invitation.usable(now) or _views_sent(invitation):
            audit.record(
                AuditAction.ACCESS_DENIED,
                request=request,
                object_type="referrals.parentinvitation",
                object_id=invitation.pk if invitation else "",
                detail={"reason": "link_not_usable"},
            )
            return Check("closed")
        if date_of_birth == invitation.referral.infant.date_of_birth:
            invitation.first_opened_at = invitation.first_opened_at or now
            invitation.save(update_fields=["first_opened_at"])
            audit.record(
                AuditAction.VIEW,
                request=request,
                obj=invitation,
                detail={"date_of_birth": "correct"},
            )
            return Check("ok", invitation)
        invitation.failed_checks += 1
        allowed = settings.PARENT_LINK_WRONG_ANSWERS_ALLOWED
        if invitation.failed_checks > allowed:
            invitation.locked_at = now
        invitation.save(update_fields=["failed_checks", "locked_at"])
        audit.record(
            AuditAction.ACCESS_DENIED,
            request=request,
            obj=invitation,
            detail={"date_of_birth": "wrong", "locked": bool(invitation.locked_at)},
        )
        if invitation.locked_at:
            return Check("locked", invitation)
        return Check("wrong", invitation, tries_left=allowed + 1 - invitation.failed_checks)


def _views_sent(invitation):
    return ParentViews.objects.filter(
        referral=invitation.referral, carer=invitation.carer, submitted_at__isnull=False
    ).exists()


def views_for(invitation):
    return ParentViews.objects.filter(referral=invitation.referral, carer=invitation.carer).first()


def save_views(invitation_id, *, answers, submit, request=None):
    """Save the parent's answers (and send them to the team when `submit`). Raises LinkClosed
    once the link cannot be used, or the views were sent already: they are sent once."""
    now = timezone.now()
    with transaction.atomic():
        invitation = (
            ParentInvitation.objects.select_for_update(of=("self",))
            .select_related("referral", "carer")
            .get(pk=invitation_id)
        )
        if not invitation.usable(now):
            raise LinkClosed
        views, _ = ParentViews.objects.select_for_update().get_or_create(
            referral=invitation.referral, carer=invitation.carer
        )
        if views.submitted_at:
            raise LinkClosed
        for name in VIEW_FIELDS:
            setattr(views, name, answers.get(name, "").strip())
        views.saved_at = now
        if submit:
            views.submitted_at = now
            invitation.submitted_at = now
            invitation.save(update_fields=["submitted_at"])
        views.save()
        audit.record(
            AuditAction.CHANGE,
            request=request,
            obj=views,
            detail={"sent": submit, "invitation": invitation.pk},
        )
    return views
