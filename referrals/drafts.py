"""Write functions for a referrer's draft: start it, save a section, delete it, purge old ones.

Work is never lost: a section that cannot be saved yet (an error in it) keeps what was typed on
the server, and the section shows as "In progress" until it is saved cleanly. Every save names
the version of the draft it started from; a save from a stale second tab is refused instead of
overwriting newer answers.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from imhs import audit
from imhs.models import AuditAction
from patients.models import Carer, CareRelationship, Infant
from referrals.models import Referral, Status

COMPLETED, IN_PROGRESS, NOT_STARTED = "completed", "in_progress", "not_started"


class StaleDraft(Exception):
    """The draft changed (in another tab or window) after this page was opened."""

    def __init__(self, referral):
        self.referral = referral
        super().__init__(f"Draft {referral.pk} is at version {referral.version}.")


class NotADraft(Exception):
    """The referral has been submitted (or withdrawn): drafts' pages no longer change it."""


def referrer_details(user):
    """The About-you answers as the account has them: a referral's starting point."""
    return {
        "referrer_name": user.full_name,
        "referrer_profession": user.profession,
        "referrer_job_title": user.job_title,
        "referrer_base": user.base,
        "referrer_phone": user.work_phone,
        "referrer_email": user.email,
    }


def start_draft(*, by, request=None):
    """A new draft owned by `by`, with the About-you details prefilled from their account."""
    with transaction.atomic():
        referral = Referral.objects.create(
            referrer=by,
            infant=Infant.objects.create(given_name="", family_name=""),
            **referrer_details(by),
        )
        audit.record(AuditAction.CREATE, by=by, obj=referral, request=request)
    return referral


def _lock_draft(referral, version):
    locked = Referral.objects.select_for_update().select_related("infant").get(pk=referral.pk)
    if locked.status != Status.DRAFT:
        raise NotADraft(locked)
    if version is not None and int(version) != locked.version:
        raise StaleDraft(locked)
    return locked


def parse_version(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # a page without a version is treated as stale, never as "any version"


def save_section(referral, *, key, form, by, version, request=None, mark=COMPLETED):
    """Validate and save `form` for the section `key`; returns True when it was saved cleanly.

    `form` has a `referral` attribute and a `save()` that writes to it (and its infant, carers,
    ...). Invalid input is kept as the section's draft and the section marked in progress.
    `mark` is the state a clean save leaves (sub-pages, such as adding one carer, leave the
    section in progress until its own page says it is done).
    """
    with transaction.atomic():
        locked = _lock_draft(referral, parse_version(version))
        form.referral = locked
        saved = form.is_valid()
        if saved:
            form.save()
            locked.section_drafts.pop(key, None)
            locked.section_states[_section_of(key)] = mark
        else:
            locked.section_drafts[key] = _typed(form.data)
            locked.section_states[_section_of(key)] = IN_PROGRESS
        locked.version += 1
        locked.save(update_fields=["section_states", "section_drafts", "version", "updated_at"])
        audit.record(
            AuditAction.CHANGE,
            by=by,
            obj=locked,
            request=request,
            detail={"section": key, "saved": saved},
        )
    referral.version = locked.version
    return saved


def discard_section_draft(referral, *, key, by, version, request=None):
    """Forget what was typed into a sub-page that was abandoned (Cancel)."""
    with transaction.atomic():
        locked = _lock_draft(referral, parse_version(version))
        if locked.section_drafts.pop(key, None) is not None:
            locked.version += 1
            locked.save(update_fields=["section_drafts", "version", "updated_at"])
            audit.record(AuditAction.CHANGE, by=by, obj=locked, request=request,
                         detail={"section": key, "discarded": True})  # fmt: skip


def remove_carer(referral, *, relationship_id, by, version, request=None):
    """Take a parent or carer off the draft (and delete the carer if no other baby has them)."""
    with transaction.atomic():
        locked = _lock_draft(referral, parse_version(version))
        relationship = CareRelationship.objects.get(pk=relationship_id, infant=locked.infant)
        carer = relationship.carer
        relationship.delete()
        if not carer.care_relationships.exists():
            carer.delete()
        locked.section_drafts.pop(f"carers:{relationship_id}", None)
        locked.section_states["carers"] = IN_PROGRESS
        locked.version += 1
        locked.save(update_fields=["section_states", "section_drafts", "version", "updated_at"])
        audit.record(AuditAction.CHANGE, by=by, obj=locked, request=request,
                     detail={"section": "carers", "removed": True})  # fmt: skip


def delete_draft(referral, *, by, request=None):
    """Delete a draft and everything entered in it."""
    with transaction.atomic():
        locked = _lock_draft(referral, None)
        audit.record(AuditAction.DELETE, by=by, obj=locked, request=request)
        delete_referral_and_family(locked)


EMPTY_DRAFT_AGE = datetime.timedelta(days=1)


def empty_drafts_of(user, *, now=None):
    """`user`'s drafts in which nothing was ever entered (no section saved or started: only the
    prefilled About-you details), untouched for a day: started by mistake or abandoned."""
    cutoff = (now or timezone.now()) - EMPTY_DRAFT_AGE
    return Referral.objects.drafts_of(user).filter(
        section_states={}, section_drafts={}, updated_at__lt=cutoff
    )


def delete_empty_drafts(*, by, request=None):
    """Delete `by`'s empty drafts (`empty_drafts_of`), each audited like `delete_draft`;
    returns how many. A draft being edited right now is skipped, and is no longer empty."""
    with transaction.atomic():
        empty = list(
            empty_drafts_of(by).select_for_update(of=("self",), skip_locked=True)
            .select_related("infant")
        )  # fmt: skip
        for locked in empty:
            audit.record(AuditAction.DELETE, by=by, obj=locked, request=request,
                         detail={"empty": True})  # fmt: skip
            delete_referral_and_family(locked)
    return len(empty)


def stale_drafts(cutoff):
    """Drafts untouched since `cutoff`."""
    return Referral.objects.filter(status=Status.DRAFT, updated_at__lt=cutoff)


def purge_stale_drafts(*, older_than_days, now=None):
    """Delete drafts untouched for `older_than_days`; returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=older_than_days)
    return purge_drafts_untouched_since(cutoff, detail={"days": older_than_days})


def purge_drafts_untouched_since(cutoff, *, detail):
    """Delete drafts untouched since `cutoff`, each audited with `detail`; returns how many.
    (Also the retention rule for drafts: referrals.retention.)"""
    count = 0
    for referral in stale_drafts(cutoff).iterator():
        with transaction.atomic():
            locked = stale_drafts(cutoff).select_for_update(skip_locked=True).filter(
                pk=referral.pk
            ).select_related("infant").first()  # fmt: skip
            if locked is None:
                continue  # being edited right now, or already gone
            audit.record(AuditAction.DELETE, obj=locked, detail={"purged": True, **detail})
            delete_referral_and_family(locked)
            count += 1
    return count


def delete_referral_and_family(locked):
    """Delete the referral (locked), its baby, and each carer no other baby has. What hangs
    under a submitted referral goes first (referrals.retention)."""
    infant = locked.infant
    carers = list(Carer.objects.filter(care_relationships__infant=infant))
    locked.professionals.all().delete()
    locked.delete()
    CareRelationship.objects.filter(infant=infant).delete()
    infant.delete()
    for carer in carers:
        if not carer.care_relationships.exists():
            carer.delete()


def _section_of(key):
    return key.split(":", 1)[0]


def _typed(data):
    """What was typed, as lists per field (multi-value fields keep every value), without the
    CSRF token or the version.

    NUL characters are dropped: PostgreSQL's jsonb cannot hold them (a DataError, so a 500),
    and the form refuses them anyway: the page shows its error, and nothing else is lost."""
    as_lists = data.getlist if hasattr(data, "getlist") else lambda name: [data[name]]
    return {
        _without_nul(name): [_without_nul(value) for value in as_lists(name)]
        for name in data
        if name not in {"csrfmiddlewaretoken", "version"}
    }


def _without_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value
