"""A subject access request's steps: start, produce the bundle, withhold items, release.

Each step is one transaction under the request's row lock, checks the version the page was
drawn from (two service leads at once: the second is told, nothing is lost), and leaves an
audit event. The bundle itself (what is held, in the team's words) is drawn by the team's
presenters (`referrals.team.subject_access`) and handed in as plain data: this module decides
only what may happen when, and what a withheld item becomes.
"""

from django.db import transaction
from django.utils import timezone

from imhs import audit
from imhs.models import AuditAction
from imhs.nhsuk.text import when
from referrals.models import SubjectAccessRequest
from referrals.workflow import Conflict


class BundleConflict(Conflict):
    """The request moved on (produced again, released) since the page was drawn."""


def withheld(reason):
    """What a withheld item says in the released bundle."""
    return f"[withheld: {reason}]"


def item_keys(content):
    """Every item's key in a produced bundle, in its order."""
    return [item["key"] for section in content.get("sections", []) for item in section["items"]]


def apply_redactions(content, redactions):
    """The bundle as released: each withheld item's value replaced by its reason. The item's
    label stays, so the family can see that something was withheld, and what kind."""
    sections = []
    for section in content.get("sections", []):
        items = []
        for item in section["items"]:
            if item["key"] in redactions:
                item = {**item, "value": withheld(redactions[item["key"]]), "withheld": True}
            else:
                item = {**item, "withheld": False}
            items.append(item)
        sections.append({**section, "items": items})
    return {**content, "sections": sections}


def start(*, infant, requested_on, by, request=None):
    with transaction.atomic():
        sar = SubjectAccessRequest.objects.create(
            infant=infant, requested_on=requested_on, created_by=by, created_at=timezone.now()
        )
        audit.record(
            AuditAction.CREATE,
            by=by,
            obj=sar,
            request=request,
            detail={"step": "requested", "infant": infant.pk},
        )
    return sar


def _locked(sar, version):
    current = (
        SubjectAccessRequest.objects.select_for_update(of=("self",))
        .select_related("produced_by", "released_by")
        .get(pk=sar.pk)
    )
    if current.is_released:
        raise BundleConflict(
            current,
            f"{current.released_by.full_name} released this bundle {when(current.released_at)}: "
            "it can no longer change.",
        )
    if current.version != version:
        who = current.produced_by.full_name if current.produced_by_id else "Someone"
        raise BundleConflict(
            current,
            f"{who} changed this request since you opened the page. Check it, then try again.",
        )
    return current


def _save(current, *, by, request, step, detail=None, fields):
    current.version += 1
    current.save(update_fields=[*fields, "version"])
    audit.record(
        AuditAction.CHANGE,
        by=by,
        obj=current,
        request=request,
        detail={"step": step, **(detail or {})},
    )
    return current


def produce(sar, *, by, version, content, referrals, request=None):
    """Keep the bundle as drawn now (`content`), produced by `by`. Producing again (the records
    changed) keeps the withheld items that are still there. Each referral read is recorded as
    exported, so the family's own access log shows the bundle."""
    with transaction.atomic():
        current = _locked(sar, version)
        now = timezone.now()
        keys = set(item_keys(content))
        current.content = content
        current.redactions = {k: v for k, v in current.redactions.items() if k in keys}
        current.produced_by, current.produced_at = by, now
        for referral in referrals:
            audit.record(
                AuditAction.EXPORT,
                by=by,
                obj=referral,
                request=request,
                detail={"subject_access": current.pk},
            )
        return _save(
            current,
            by=by,
            request=request,
            step="produced",
            detail={"referrals": len(referrals), "items": len(keys)},
            fields=["content", "redactions", "produced_by", "produced_at"],
        )


def redact(sar, *, by, version, withhold, reason, request=None):
    """Withhold exactly the items `withhold` (keys of the produced bundle): those newly ticked
    for `reason`, those already withheld for their own reason; the rest are released."""
    with transaction.atomic():
        current = _locked(sar, version)
        if not current.is_produced:
            raise BundleConflict(current, "Produce the bundle before withholding anything.")
        keys = [key for key in item_keys(current.content) if key in set(withhold)]
        current.redactions = {key: current.redactions.get(key) or reason for key in keys}
        return _save(
            current,
            by=by,
            request=request,
            step="redacted",
            detail={"withheld": len(keys)},
            fields=["redactions"],
        )


def release(sar, *, by, version, request=None):
    with transaction.atomic():
        current = _locked(sar, version)
        if not current.is_produced:
            raise BundleConflict(current, "Produce the bundle before releasing it.")
        current.released_by, current.released_at = by, timezone.now()
        return _save(
            current,
            by=by,
            request=request,
            step="released",
            detail={"withheld": len(current.redactions)},
            fields=["released_by", "released_at"],
        )
