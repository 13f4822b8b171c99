"""Who has accessed a referral: the audit events about it, for the service lead's eye only.

"About it" is the referral itself, its baby's record (one baby, one referral), its team notes,
its parents' secure links and their views: a look at any of them is a look at this family.
Two queries whatever the number of events: a count, and the latest rows with their actors.
"""

from dataclasses import dataclass

from django.db.models import CharField, Q
from django.db.models.functions import Cast

from imhs.accounts.access import is_service_lead
from imhs.models import AuditEvent
from referrals.models import ParentInvitation, ParentViews, TeamNote

LIMIT = 50

# What each kind of record is called in the "What" column; the referral itself goes unnamed.
RECORD_NAMES = {
    "patients.infant": "the baby's record",
    "referrals.teamnote": "a team note",
    "referrals.parentinvitation": "a parent's secure link",
    "referrals.parentviews": "a parent's views",
}
LETTER_NAMES = {"referrer": "letter to the referrer", "gp": "letter to the GP practice"}
# Who acted on a parent's link without an account.
PARENT_RECORDS = frozenset({"referrals.parentinvitation", "referrals.parentviews"})


@dataclass(frozen=True)
class AccessRow:
    who: str
    what: str
    at: object


def _ids(queryset):
    # AuditEvent.object_id is text, so the ids are compared as text (still one query).
    return queryset.annotate(id_text=Cast("pk", CharField())).values("id_text")


def events_about(referral):
    """Every audit event about `referral` or its family's records, newest first."""
    about = (
        Q(object_type="referrals.referral", object_id=str(referral.pk))
        | Q(object_type="patients.infant", object_id=str(referral.infant_id))
        | Q(
            object_type="referrals.teamnote",
            object_id__in=_ids(TeamNote.objects.filter(referral=referral)),
        )
        | Q(
            object_type="referrals.parentinvitation",
            object_id__in=_ids(ParentInvitation.objects.filter(referral=referral)),
        )
        | Q(
            object_type="referrals.parentviews",
            object_id__in=_ids(ParentViews.objects.filter(referral=referral)),
        )
    )
    return AuditEvent.objects.filter(about).select_related("actor").order_by("-at", "-id")


def _who(event):
    actor = event.actor
    if actor is not None:
        return f"{actor.full_name} ({actor.get_role_display().lower()})"
    if event.object_type in PARENT_RECORDS:
        return "A parent or carer, through a secure link"
    return "The system, or someone not signed in"


def _what(event):
    parts = [event.get_action_display()]
    if event.object_type in RECORD_NAMES:
        parts.append(RECORD_NAMES[event.object_type])
    detail = event.detail if isinstance(event.detail, dict) else {}
    if detail.get("letter") in LETTER_NAMES:
        parts.append(LETTER_NAMES[detail["letter"]])
    if detail.get("action"):
        parts.append(str(detail["action"]).replace("_", " "))
    return ": ".join(parts)


def rows(referral):
    """Every access to `referral` and its family's records, newest first (the bundle's copy)."""
    return [AccessRow(who=_who(e), what=_what(e), at=e.at) for e in events_about(referral)]


def section(referral, user):
    """The "Who has accessed this referral" section, or None for anyone but a service lead."""
    if not is_service_lead(user):
        return None
    events = events_about(referral)
    total = events.count()
    rows = [AccessRow(who=_who(e), what=_what(e), at=e.at) for e in events[:LIMIT]]
    return {"rows": rows, "total": total, "limited": total > len(rows), "limit": LIMIT}
