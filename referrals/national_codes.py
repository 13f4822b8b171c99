"""Keeping the national codes the patient-level extract translates the app's values into
(referrals.models.NationalCode; the columns and values are referrals.reports.extract.MAPPED).
A service lead saves them all at once; each code added, changed or cleared is its own audit
event with the old and the new code, so the trail says who mapped what, when."""

from django.db import transaction

from imhs import audit
from imhs.models import AuditAction
from referrals.models import NationalCode


def current():
    """{(column, value): code} as stored."""
    return {(c.field, c.value): c.code for c in NationalCode.objects.all()}


@transaction.atomic
def save(codes, *, by, request=None):
    """Store `codes` ({(column, value): code, "" for none}); returns how many changed."""
    stored = {
        (c.field, c.value): c for c in NationalCode.objects.select_for_update().order_by("pk")
    }
    changed = 0
    for (column, value), code in codes.items():
        row = stored.get((column, value))
        old = row.code if row else ""
        if code == old:
            continue
        if not code:
            pk = row.pk
            row.delete()
            action = AuditAction.DELETE
        elif row is None:
            pk = NationalCode.objects.create(field=column, value=value, code=code, updated_by=by).pk
            action = AuditAction.CREATE
        else:
            row.code, row.updated_by = code, by
            row.save(update_fields=["code", "updated_by", "updated_at"])
            pk, action = row.pk, AuditAction.CHANGE
        audit.record(
            action,
            by=by,
            object_type=NationalCode._meta.label_lower,
            object_id=pk,
            request=request,
            detail={"field": column, "value": value, "old": old, "new": code},
        )
        changed += 1
    return changed
