"""Retention (issue 16; ADR 0013): the rules are rows (`RetentionRule`); this module applies them.

`apply(today=..., dry_run=...)` is the daily run (`manage.py apply_retention`): it deletes what
may simply go (drafts, date-of-birth attempts, expired links, finished task results, sign-in
attempts, expired sessions), destroys referrals whose rule says "delete", and puts each referral
due under a "review" rule on the review queue. A service lead then destroys it
(`destroy_referral`) or keeps it longer (`keep_longer`); a legal hold stops destruction.

Two runs at once do nothing twice: rows are deleted by a single DELETE each (a row gone is not
counted again), a referral is destroyed under its row lock (SKIP LOCKED: the other run passes
it by, and finds it gone afterwards), and a review is queued under a partial unique index (one
open review per referral).
"""

import calendar
import datetime
from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from imhs import audit
from imhs.models import AuditAction, AuditEvent
from referrals import drafts
from referrals.models import (
    APPEND_ONLY_KINDS,
    ClockStart,
    DateOfBirthAttempt,
    DestructionRecord,
    LegalHold,
    ParentInvitation,
    PeriodUnit,
    RecordKind,
    Referral,
    RetentionAction,
    RetentionReview,
    RetentionRule,
    Status,
)
from referrals.retention_defaults import DEFAULTS

# Which referrals each referral kind covers. An accepted referral is due only once its case is
# closed: an open case is never destroyed, however old the baby.
REFERRAL_STATUSES = {
    RecordKind.DECLINED_OR_WITHDRAWN: (Status.DECLINED, Status.WITHDRAWN),
    RecordKind.ACCEPTED: (Status.CLOSED,),
}
# Rules whose records are deleted row by row and never reviewed one by one.
DELETE_ONLY_KINDS = (
    RecordKind.DRAFT,
    RecordKind.DOB_ATTEMPTS,
    RecordKind.INVITATIONS,
    RecordKind.TASK_RESULTS,
    RecordKind.SIGN_IN_ATTEMPTS,
    RecordKind.SESSIONS,
)


class Conflict(Exception):
    """The review or referral is no longer in the state the page showed; `.message` says why."""

    def __init__(self, message):
        self.message = message
        super().__init__(message)


class OnLegalHold(Conflict):
    pass


# The period ---------------------------------------------------------------------------------


def shift(value, period, unit, *, back=False):
    """`value` (a date or datetime) plus (or, `back`, minus) `period` days, months or years. A
    month end is kept in range: 31 January plus a month is 28 (or 29) February."""
    sign = -1 if back else 1
    if unit == PeriodUnit.DAYS:
        return value + sign * datetime.timedelta(days=period)
    months = period * (12 if unit == PeriodUnit.YEARS else 1)
    total = value.year * 12 + value.month - 1 + sign * months
    year, month = divmod(total, 12)
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def describe(rule):
    """The rule in words, as the register keeps it: "25 years from the baby's date of birth"."""
    unit = rule.unit if rule.period != 1 else rule.unit.rstrip("s")
    return f"{rule.get_kind_display()}: {rule.period} {unit} from {rule.get_clock_start_display()}"


def clock_started_on(referral, rule):
    """The day the rule's clock started for `referral` (None when it has not started)."""
    local = timezone.localdate
    starts = {
        ClockStart.LAST_CHANGE: lambda: local(referral.updated_at),
        # A withdrawal records no decision time: the referral last changed when it was withdrawn.
        ClockStart.DECISION: lambda: local(referral.decided_at or referral.updated_at),
        ClockStart.CASE_CLOSURE: lambda: referral.closed_on,
        ClockStart.DATE_OF_BIRTH: lambda: referral.infant.date_of_birth,
        ClockStart.CREATION: lambda: local(referral.created_at),
    }
    return starts[rule.clock_start]()


def due_on(referral, rule):
    """The day `referral` falls due under `rule`, or None (no clock, or a rule for another kind).

    Annex B: a child's record is kept to the 26th birthday, not the 25th, when the young person
    was 17 at the end of treatment: a year more when the case closed at 17 or later."""
    start = clock_started_on(referral, rule)
    if start is None:
        return None
    due = shift(start, rule.period, rule.unit)
    born, closed = referral.infant.date_of_birth, referral.closed_on
    by_birth = rule.clock_start == ClockStart.DATE_OF_BIRTH and born and closed
    if by_birth and shift(born, 17, PeriodUnit.YEARS) <= closed:
        due = shift(due, 1, PeriodUnit.YEARS)
    return due


def kind_of(referral):
    for kind, statuses in REFERRAL_STATUSES.items():
        if referral.status in statuses:
            return kind
    return None


def due_referrals(rule, today):
    """(referral, clock start, due date) for every referral due under `rule` on `today`. The
    query narrows by status; the date is worked out per referral (`due_on`, the one rule)."""
    candidates = Referral.objects.filter(status__in=REFERRAL_STATUSES[rule.kind]).select_related(
        "infant"
    )
    for referral in candidates.iterator():
        due = due_on(referral, rule)
        if due is not None and due <= today:
            yield referral, clock_started_on(referral, rule), due


# Rules ----------------------------------------------------------------------------------------


def ensure_default_rules():
    """Every kind has its rule: a missing one is added with its default (retention_defaults)."""
    for kind, values in DEFAULTS.items():
        RetentionRule.objects.get_or_create(kind=kind, defaults=values)


def rules():
    ensure_default_rules()
    return {rule.kind: rule for rule in RetentionRule.objects.all()}


def update_rule(rule, *, by, period, unit, action, request=None):
    """Change a rule's period and action; audited with the old and new values."""
    with transaction.atomic():
        locked = RetentionRule.objects.select_for_update().get(pk=rule.pk)
        old = {"period": locked.period, "unit": locked.unit, "action": locked.action}
        new = {"period": period, "unit": unit, "action": action}
        if old == new:
            return locked
        locked.period, locked.unit, locked.action, locked.updated_by = period, unit, action, by
        locked.save()
        audit.record(
            AuditAction.CHANGE,
            by=by,
            obj=locked,
            request=request,
            detail={"kind": locked.kind, "old": old, "new": new},
        )
    return locked


# The daily run -------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one run did (or, dry, would do), kind by kind, in words for the command's output."""

    dry_run: bool
    lines: list = field(default_factory=list)

    def add(self, rule, text):
        self.lines.append(f"{rule.get_kind_display()}: {text}")


def apply(*, today=None, now=None, dry_run=False):
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    outcome = Outcome(dry_run=dry_run)
    verb = "would be deleted" if dry_run else "deleted"
    for kind, rule in rules().items():
        if kind == RecordKind.DRAFT:
            outcome.add(rule, f"{_drafts(rule, now, dry_run)} {verb}")
        elif kind in REFERRAL_STATUSES:
            outcome.add(rule, _referrals(rule, today, dry_run))
        elif kind in APPEND_ONLY_KINDS:
            outcome.add(rule, f"{_append_only(rule, now, dry_run)} {verb}")
        else:
            outcome.add(rule, f"{_operational(rule, now, dry_run)} {verb}")
    return outcome


_TIME = {RecordKind.AUDIT_EVENTS: "at__lte", RecordKind.DESTRUCTION_RECORDS: "destroyed_at__lte"}
# Whatever a rule says, the last year of either append-only table stays (migration 0017).
APPEND_ONLY_FLOOR = datetime.timedelta(days=365)


def _append_only(rule, now, dry_run):
    """Audit events or register rows past their period: deleted only by the owner's function
    `retention_prune_append_only` (their triggers refuse the app role), never the last year."""
    if not dry_run:
        with connection.cursor() as cursor:
            cursor.execute("SELECT retention_prune_append_only(%s, %s)", [rule.kind, now])
            return cursor.fetchone()[0]
    cutoff = min(shift(now, rule.period, rule.unit, back=True), now - APPEND_ONLY_FLOOR)
    rows = AuditEvent.objects if rule.kind == RecordKind.AUDIT_EVENTS else DestructionRecord.objects
    return rows.filter(**{_TIME[rule.kind]: cutoff}).count()


def _drafts(rule, now, dry_run):
    cutoff = shift(now, rule.period, rule.unit, back=True)
    if dry_run:
        return drafts.stale_drafts(cutoff).count()
    return drafts.purge_drafts_untouched_since(cutoff, detail={"rule": rule.kind})


def operational_rows(rule, now):
    """The rows of an operational kind past their period, as one QuerySet (or several)."""
    cutoff = shift(now, rule.period, rule.unit, back=True)
    if rule.kind == RecordKind.DOB_ATTEMPTS:
        return [DateOfBirthAttempt.objects.filter(at__lte=cutoff)]
    if rule.kind == RecordKind.INVITATIONS:
        return [ParentInvitation.objects.filter(expires_at__lte=cutoff)]
    if rule.kind == RecordKind.SESSIONS:
        return [Session.objects.filter(expire_date__lte=cutoff)]
    if rule.kind == RecordKind.SIGN_IN_ATTEMPTS:
        return [
            AccessAttempt.objects.filter(attempt_time__lte=cutoff),
            AccessFailureLog.objects.filter(attempt_time__lte=cutoff),
            AccessLog.objects.filter(attempt_time__lte=cutoff),
        ]
    if rule.kind == RecordKind.TASK_RESULTS:
        # A failed result is kept at least as long as the failed-results setting, to look into.
        failed_days = datetime.timedelta(days=settings.TASK_FAILED_RESULT_RETENTION_DAYS)
        return [
            DBTaskResult.objects.finished().filter(
                Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lte=cutoff)
                | Q(status=TaskResultStatus.FAILED, finished_at__lte=min(cutoff, now - failed_days))
            )
        ]
    raise ValueError(f"No operational rows for {rule.kind}")


def _operational(rule, now, dry_run):
    total = 0
    for rows in operational_rows(rule, now):
        total += rows.count() if dry_run else rows.delete()[1].get(rows.model._meta.label, 0)
    return total


def _referrals(rule, today, dry_run):
    queued = destroyed = held = 0
    for referral, started, due in due_referrals(rule, today):
        if rule.action == RetentionAction.DELETE:
            if _held(referral):
                held += 1
            elif dry_run or _destroy_by_rule(referral, rule, started, due, today):
                destroyed += 1
        elif _awaiting(referral, today):
            continue
        elif dry_run or _queue(referral, rule, started, due):
            queued += 1
    if rule.action == RetentionAction.DELETE:
        words = "would be destroyed" if dry_run else "destroyed"
        return f"{destroyed} {words}" + (f", {held} on legal hold kept" if held else "")
    return f"{queued} {'would be put' if dry_run else 'put'} on the review queue"


def _held(referral):
    return LegalHold.objects.filter(referral=referral, lifted_at__isnull=True).exists()


def _awaiting(referral, today):
    """Already on the queue, or kept by a service lead until a later day."""
    return RetentionReview.objects.filter(
        Q(status=RetentionReview.State.OPEN)
        | Q(status=RetentionReview.State.KEPT, keep_until__gt=today),
        referral=referral,
    ).exists()


def _queue(referral, rule, started, due):
    try:
        with transaction.atomic():
            review = RetentionReview.objects.create(
                referral=referral,
                reference=referral.reference or "",
                kind=rule.kind,
                clock_started_on=started,
                due_on=due,
                created_at=timezone.now(),
            )
            audit.record(AuditAction.CREATE, obj=review, detail={"referral": referral.pk})
    except IntegrityError:
        return False  # another run queued it a moment ago (referrals_one_open_review)
    return True


def _destroy_by_rule(referral, rule, started, due, today):
    try:
        destroy_referral(referral, by=None, rule=rule, started=started, due=due, skip_locked=True)
    except Conflict:
        return False
    return True


# Destroying, keeping, holding ------------------------------------------------------------------


def destroy_referral(
    referral, *, by, rule, started, due, review=None, skip_locked=False, request=None
):
    """Remove the family's personal and clinical data in one transaction and write the
    register's row. `by` None: the rule's own "delete" action. Raises OnLegalHold, or Conflict
    when the referral is gone (destroyed by someone else meanwhile)."""
    with transaction.atomic():
        locked = (
            Referral.objects.select_for_update(skip_locked=skip_locked)
            .select_related("infant")
            .filter(pk=referral.pk)
            .first()
        )
        if locked is None:
            raise Conflict(f"{referral.reference} has already been destroyed.")
        hold = locked.legal_holds.filter(lifted_at__isnull=True).first()
        if hold is not None:
            raise OnLegalHold(
                f"{locked.reference} is on legal hold ({hold.get_reason_display().lower()}): "
                "it cannot be destroyed until the hold is lifted."
            )
        now = timezone.now()
        record = DestructionRecord.objects.create(
            kind=rule.kind,
            reference=locked.reference or "",
            referral_id=locked.pk,
            received_on=locked.received_on,
            decided_on=timezone.localdate(locked.decided_at) if locked.decided_at else None,
            closed_on=locked.closed_on,
            clock_started_on=started,
            due_on=due,
            rule=describe(rule),
            authorised_by=by,
            destroyed_at=now,
        )
        audit.record(
            AuditAction.DELETE,
            by=by,
            obj=locked,
            request=request,
            detail={"destroyed": True, "register": record.pk, "rule": rule.kind},
        )
        _remove(locked, review=review, now=now, by=by)
    return record


def _remove(referral, *, review, now, by):
    with connection.cursor() as cursor:
        cursor.execute("SELECT referrals_destroy_events(%s)", [referral.pk])
    # Reviews stay (the queue's history) without the referral, and without the words typed
    # when it was kept longer: the register holds the facts.
    referral.reviews.filter(status=RetentionReview.State.OPEN).update(
        status=RetentionReview.State.DESTROYED, decided_by=by, decided_at=now
    )
    referral.reviews.update(referral=None, reason="")
    referral.information_requests.all().delete()
    referral.team_notes.all().delete()
    referral.appointments.update(rebooked_as=None)
    referral.appointments.all().delete()
    referral.unavailability.all().delete()
    referral.invitations.all().delete()
    referral.parent_views.all().delete()
    referral.legal_holds.all().delete()
    drafts.delete_referral_and_family(referral)


def open_review(review_id):
    """The open review, for a page (None when it is not open any more)."""
    return (
        RetentionReview.objects.select_related("referral__infant")
        .filter(pk=review_id, status=RetentionReview.State.OPEN)
        .first()
    )


def destroy_reviewed(review, *, by, request=None):
    """A service lead's "destroy" on an open review."""
    with transaction.atomic():
        locked = RetentionReview.objects.select_for_update().filter(pk=review.pk).first()
        if locked is None or locked.status != RetentionReview.State.OPEN or not locked.referral_id:
            raise Conflict("This review has already been decided.")
        rule = rules()[locked.kind]
        return destroy_referral(
            locked.referral,
            by=by,
            rule=rule,
            started=locked.clock_started_on,
            due=locked.due_on,
            review=locked,
            request=request,
        )


def keep_longer(review, *, by, reason, keep_until, request=None):
    """A service lead's "keep longer": the reason and the day it is due again."""
    with transaction.atomic():
        locked = RetentionReview.objects.select_for_update().filter(pk=review.pk).first()
        if locked is None or locked.status != RetentionReview.State.OPEN:
            raise Conflict("This review has already been decided.")
        locked.status = RetentionReview.State.KEPT
        locked.reason, locked.keep_until = reason, keep_until
        locked.decided_by, locked.decided_at = by, timezone.now()
        locked.save()
        audit.record(
            AuditAction.CHANGE,
            by=by,
            obj=locked,
            request=request,
            detail={"kept_until": keep_until.isoformat()},
        )
    return locked


def active_hold(referral):
    return referral.legal_holds.filter(lifted_at__isnull=True).first()


def place_hold(referral, *, by, reason, note="", request=None):
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if active_hold(locked):
            raise Conflict(f"{locked.reference} is already on legal hold.")
        hold = LegalHold.objects.create(
            referral=locked, reason=reason, note=note, set_by=by, set_at=timezone.now()
        )
        audit.record(
            AuditAction.CHANGE,
            by=by,
            obj=locked,
            request=request,
            detail={"legal_hold": "placed", "hold": hold.pk, "reason": reason},
        )
    return hold


def lift_hold(referral, *, by, request=None):
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        hold = active_hold(locked)
        if hold is None:
            raise Conflict(f"{locked.reference} is not on legal hold.")
        hold.lifted_by, hold.lifted_at = by, timezone.now()
        hold.save(update_fields=["lifted_by", "lifted_at"])
        audit.record(
            AuditAction.CHANGE,
            by=by,
            obj=locked,
            request=request,
            detail={"legal_hold": "lifted", "hold": hold.pk},
        )
    return hold
