"""The referral's statuses, the one transition table, and the write functions that move it.

Every transition runs in one transaction with the referral's row locked, is checked against the
table, appends a ReferralEvent and an AuditEvent, and sends its emails only after commit. An
action that is no longer allowed (someone acted first, a stale page, a double click) raises
TransitionNotAllowed, which views turn into a friendly message.
"""

from functools import partial

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from imhs import audit
from imhs.models import AuditAction
from referrals.assessment import OVERRIDABLE, assessment_for
from referrals.drafts import StaleDraft, parse_version
from referrals.models import Referral, ReferralEvent, Status
from referrals.notifications import send_submission_acknowledgement

# action: (statuses it may start from, status it leads to)
TRANSITIONS = {
    "submit": ({Status.DRAFT}, Status.SUBMITTED),
    "start_review": ({Status.SUBMITTED}, Status.IN_REVIEW),
    "request_information": ({Status.SUBMITTED, Status.IN_REVIEW}, Status.INFORMATION_REQUESTED),
    "answer_information_request": ({Status.INFORMATION_REQUESTED}, Status.SUBMITTED),
    "accept": ({Status.IN_REVIEW}, Status.ACCEPTED),
    "decline": ({Status.SUBMITTED, Status.IN_REVIEW}, Status.DECLINED),
    "withdraw": (
        {Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.INFORMATION_REQUESTED},
        Status.WITHDRAWN,
    ),
    "close": ({Status.ACCEPTED}, Status.CLOSED),
}


class TransitionNotAllowed(Exception):
    """The referral is no longer in a state where this action makes sense."""

    def __init__(self, referral, action):
        self.referral = referral
        self.action = action
        last = referral.events.select_related("by").last()
        self.last_event = last
        super().__init__(f"Cannot {action} a referral that is {referral.get_status_display()}.")


class SubmissionRefused(Exception):
    """The referral cannot be sent yet; `reasons` says why, in words for the referrer."""

    def __init__(self, reasons):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


def allowed(referral, action):
    sources, _target = TRANSITIONS[action]
    return referral.status in sources


def _lock(referral):
    return Referral.objects.select_for_update().select_related("infant").get(pk=referral.pk)


def _move(locked, action, *, by, note="", at):
    sources, target = TRANSITIONS[action]
    if locked.status not in sources:
        raise TransitionNotAllowed(locked, action)
    event = ReferralEvent.objects.create(
        referral=locked, from_status=locked.status, to_status=target, at=at, by=by, note=note
    )
    locked.status = target
    return event


def next_reference(year):
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('referrals_reference_seq')")
        (number,) = cursor.fetchone()
    return f"IMH-{year}-{number:05d}"


def submit(referral, *, by, version=None, overrides=None, confirm_duplicate=False, request=None):
    """Send a draft to the team. Returns the submitted referral.

    Idempotent for its owner: submitting an already-submitted referral (a double click, a resent
    POST, a second tab) changes nothing and returns it, so the caller shows the same
    confirmation. `version` is the draft version the check page showed: if the draft changed
    since (another tab), StaleDraft is raised rather than sending answers nobody checked.
    `overrides` maps "residence"/"gp_practice" to the referrer's reason for overriding a failed
    check; they are saved with the submission. Raises SubmissionRefused while a required section
    is incomplete, the outcome is ineligible, or a possible duplicate has not been confirmed.
    """
    from referrals.sections import incomplete_sections  # sections import forms, forms import us

    with transaction.atomic():
        locked = _lock(referral)
        if locked.status != Status.DRAFT:
            if locked.submitted_by_id == by.pk:
                return locked
            raise TransitionNotAllowed(locked, "submit")
        if version is not None and parse_version(version) != locked.version:
            raise StaleDraft(locked)
        for rule, reason in (overrides or {}).items():
            setattr(locked, OVERRIDABLE[rule], reason.strip())
        assessment = assessment_for(locked)
        reasons = [f"Complete the section “{title}”." for title in incomplete_sections(locked)]
        if assessment.outcome == "ineligible":
            reasons.append("The baby does not meet the service's criteria (see below).")
        duplicate = Referral.objects.possible_duplicates_of(locked).exists()
        if duplicate and not confirm_duplicate:
            reasons.append("Confirm that you still want to send this referral.")
        if reasons:
            raise SubmissionRefused(reasons)
        now = timezone.now()
        _move(locked, "submit", by=by, at=now)
        locked.submitted_at = now
        locked.submitted_by = by
        locked.reference = next_reference(timezone.localtime(now).year)
        locked.eligibility = assessment.as_dict()
        locked.eligibility_outcome = assessment.outcome
        locked.possible_duplicate = duplicate
        locked.version += 1
        locked.save(
            update_fields=[
                "status",
                "submitted_at",
                "submitted_by",
                "reference",
                "eligibility",
                "eligibility_outcome",
                "possible_duplicate",
                "residence_override_reason",
                "gp_practice_override_reason",
                "version",
                "updated_at",
            ]
        )
        audit.record(
            AuditAction.CHANGE,
            by=by,
            obj=locked,
            request=request,
            detail={"action": "submit", "outcome": assessment.outcome, "duplicate": duplicate},
        )
        transaction.on_commit(
            partial(
                send_submission_acknowledgement,
                referral_id=locked.pk,
                sign_in_path=reverse("referrals:detail", args=[locked.pk]),
            )
        )
    return locked
