"""The referral's statuses, the one transition table, and the write functions that move it.

Every transition runs in one transaction with the referral's row locked, is checked against the
table, appends a ReferralEvent and an AuditEvent, and sends its emails only after commit. An
action that is no longer allowed (someone acted first, a stale page, a double click) raises
TransitionNotAllowed, which views turn into a friendly message.

The statuses and the actions between them (the referrer submits and answers; either side may
withdraw). Keep this, the drawing in docs/architecture.md and TRANSITIONS in step:

    draft ─submit─▶ submitted ─start_review─▶ in_review ─accept─▶ accepted ─close─▶ closed
    submitted, in_review ─request_information─▶ information_requested
    information_requested ─answer_information_request─┬─▶ in_review  (a review had started)
                                                      └─▶ submitted  (nobody had started one)
    submitted, in_review ─decline─▶ declined
    draft, submitted, in_review, information_requested ─withdraw─▶ withdrawn
    accepted ─allocate, record_first_appointment─▶ accepted

An answered question goes back to whoever was reviewing the referral (`review_started_by`
stays), marked "Answer received" on the dashboard until the team opens the referral page; the
reviewer is emailed (reference and link only).
"""

from django.db import connection, transaction
from django.utils import timezone

from imhs import audit
from imhs.models import AuditAction
from imhs.nhsuk.text import nhs_date
from referrals import invitations
from referrals.assessment import OVERRIDABLE, assessment_for
from referrals.drafts import StaleDraft, parse_version
from referrals.labels import ACTION_WORDS
from referrals.models import (
    InformationRequest,
    ParentViewsMethod,
    Referral,
    ReferralEvent,
    Status,
    TeamNote,
)
from referrals.notifications import queue_referral_email
from referrals.sections import incomplete_sections

# action: (statuses it may start from, status it leads to)
TRANSITIONS = {
    "submit": ({Status.DRAFT}, Status.SUBMITTED),
    "start_review": ({Status.SUBMITTED}, Status.IN_REVIEW),
    "request_information": ({Status.SUBMITTED, Status.IN_REVIEW}, Status.INFORMATION_REQUESTED),
    # Back to the reviewer; to Submitted instead when nobody had started a review (RETURNS).
    "answer_information_request": ({Status.INFORMATION_REQUESTED}, Status.IN_REVIEW),
    "accept": ({Status.IN_REVIEW}, Status.ACCEPTED),
    "decline": ({Status.SUBMITTED, Status.IN_REVIEW}, Status.DECLINED),
    "withdraw": (
        {Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.INFORMATION_REQUESTED},
        Status.WITHDRAWN,
    ),
    "close": ({Status.ACCEPTED}, Status.CLOSED),
}

# action: status it leads to instead when nobody had started reviewing the referral.
RETURNS = {"answer_information_request": Status.SUBMITTED}

# action: the email it sends after commit (referrals.notifications.REFERRAL_EMAILS: a reference
# and a link, never clinical content). An answer is emailed to its reviewer only when a review
# had started; starting a review, allocating, closing and recording an appointment tell nobody.
EMAILS = {
    "submit": "received",
    "request_information": "information_requested",
    "answer_information_request": "answer_received",
    "accept": "accepted",
    "decline": "declined",
    "withdraw": "withdrawn",
}
# Each action's words ("accept", "ask for more information") are in referrals.labels
# (ACTION_WORDS, and the timeline's REFERRER_EVENT_LABELS / TEAM_EVENT_LABELS): one home for
# every word a person reads.


def target_of(referral, action):
    """Where `action` takes this referral: the table's target, or its RETURNS fallback."""
    _sources, target = TRANSITIONS[action]
    if action in RETURNS and not referral.review_started_by_id:
        return RETURNS[action]
    return target


class Conflict(Exception):
    """Someone acted first, or the page was out of date. `message` says who did what, when."""

    def __init__(self, referral, message):
        self.referral = referral
        self.message = message
        super().__init__(message)


class TransitionNotAllowed(Conflict):
    """The referral is no longer in a state where this action makes sense."""

    def __init__(self, referral, action):
        self.action = action
        super().__init__(referral, _who_did_what(referral, action))


class StaleVersion(Conflict):
    """The referral changed after the page was opened: the action was not applied."""

    def __init__(self, referral):
        last = referral.events.select_related("by").last()
        when = timezone.localtime(last.at if last else referral.updated_at)
        who = f" by {last.by.full_name}" if last else ""
        super().__init__(
            referral,
            f"This referral was changed{who} at {when:%H:%M on %-d %B} after you opened the "
            "page, so nothing was changed. Check the latest details and try again.",
        )


def _who_did_what(referral, action):
    """The one wording of a refused action, whichever page (team or admin) shows it: "You
    cannot accept this referral now: its status is Accepted (last changed by Alex Example at
    10:42 on 3 March). Nothing was changed." The status is named by its label, as a name: a
    label such as "Information requested" does not read as an adjective ("it is ...")."""
    last = referral.events.select_related("by").last()
    refused = (
        f"You cannot {ACTION_WORDS[action]} this referral now: "
        f"its status is {referral.get_status_display()}"
    )
    if last is None:
        return f"{refused}. Nothing was changed."
    when = timezone.localtime(last.at)
    return (
        f"{refused} (last changed by {last.by.full_name} at {when:%H:%M on %-d %B}). "
        "Nothing was changed."
    )


class SubmissionRefused(Exception):
    """The referral cannot be sent yet; `reasons` says why, in words for the referrer."""

    def __init__(self, reasons):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


# Actions that change details but not the status: allowed only in these statuses.
IN_PLACE = {
    "allocate": {Status.ACCEPTED},
    "record_first_appointment": {Status.ACCEPTED},
}


def allowed(referral, action):
    if action in IN_PLACE:
        return referral.status in IN_PLACE[action]
    sources, _target = TRANSITIONS[action]
    return referral.status in sources


def allowed_actions(referral):
    """The team's actions open on this referral now, in the order the page offers them."""
    team_actions = [
        "start_review",
        "request_information",
        "accept",
        "decline",
        "allocate",
        "record_first_appointment",
        "close",
        "withdraw",
    ]
    return [action for action in team_actions if allowed(referral, action)]


def _lock(referral):
    return Referral.objects.select_for_update().select_related("infant").get(pk=referral.pk)


def _move(locked, action, *, by, note="", at):
    sources, _target = TRANSITIONS[action]
    if locked.status not in sources:
        raise TransitionNotAllowed(locked, action)
    target = target_of(locked, action)
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
        if locked.parent_views_method == ParentViewsMethod.SECURE_LINK:
            invitations.invite_at_submission(locked, by=by)
        queue_referral_email(referral_id=locked.pk, kind=EMAILS["submit"])
    return locked


# --- the team's transitions ----------------------------------------------------------------


def _apply(referral, action, *, by, version, request=None, note="", changes=None, detail=None):
    """Apply one action under a row lock: check it is allowed now and the page was current,
    append a ReferralEvent and an AuditEvent, and queue its email (EMAILS) for after commit."""
    with transaction.atomic():
        locked = _lock(referral)
        if not allowed(locked, action):
            raise TransitionNotAllowed(locked, action)
        if parse_version(version) != locked.version:
            raise StaleVersion(locked)
        now = timezone.now()
        if action in IN_PLACE:
            ReferralEvent.objects.create(
                referral=locked,
                from_status=locked.status,
                to_status=locked.status,
                at=now,
                by=by,
                note=note,
            )
        else:
            _move(locked, action, by=by, note=note, at=now)
        fields = changes(now) if changes else {}
        # The team acted on it, so any answer it was waiting for has been seen.
        fields.setdefault("answer_received_at", None)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at", *fields])
        audit.record(
            AuditAction.CHANGE,
            by=by,
            obj=locked,
            request=request,
            detail={"action": action, **(detail or {})},
        )
        if action in EMAILS:
            queue_referral_email(referral_id=locked.pk, kind=EMAILS[action])
    referral.version = locked.version
    return locked


def start_review(referral, *, by, version, request=None):
    """Claim a new referral: the dashboard shows who is reviewing it."""
    return _apply(
        referral,
        "start_review",
        by=by,
        version=version,
        request=request,
        changes=lambda now: {"review_started_by": by, "review_started_at": now},
    )


def request_information(referral, *, by, version, question, request=None):
    """Ask the referrer a question; they answer on their referral page."""
    question = question.strip()
    if not question:
        raise ValueError("A question is needed.")

    def changes(now):
        InformationRequest.objects.create(
            referral=referral, question=question, asked_by=by, asked_at=now
        )
        return {}

    return _apply(
        referral,
        "request_information",
        by=by,
        version=version,
        request=request,
        note=question,
        changes=changes,
    )


def answer_information_request(referral, *, by, answer, request=None):
    """The referrer's answer: the referral goes back to whoever was reviewing it (to the New
    queue if nobody had started), marked "Answer received" until the team opens it; the
    reviewer is emailed."""
    answer = answer.strip()
    if not answer:
        raise ValueError("An answer is needed.")
    with transaction.atomic():
        locked = _lock(referral)
        if locked.referrer_id != by.pk or not allowed(locked, "answer_information_request"):
            raise TransitionNotAllowed(locked, "answer_information_request")
        now = timezone.now()
        open_request = locked.information_requests.filter(answered_at__isnull=True).last()
        open_request.answer, open_request.answered_by, open_request.answered_at = answer, by, now
        open_request.save(update_fields=["answer", "answered_by", "answered_at"])
        _move(locked, "answer_information_request", by=by, note=answer, at=now)
        locked.answer_received_at = now
        locked.version += 1
        locked.save(update_fields=["status", "answer_received_at", "version", "updated_at"])
        audit.record(
            AuditAction.CHANGE,
            by=by,
            obj=locked,
            request=request,
            detail={"action": "answer_information_request"},
        )
        if locked.review_started_by_id:
            queue_referral_email(referral_id=locked.pk, kind=EMAILS["answer_information_request"])
    return locked


def mark_answer_seen(referral, *, by):
    """The team opened the referral page: the answer is no longer new to them. While a review
    is under way only the reviewer's visit counts; otherwise any team member's. Returns whether
    the marker was cleared (a conditional UPDATE: no lock, no version change)."""
    if referral.answer_received_at is None:
        return False
    if referral.review_started_by_id and referral.review_started_by_id != by.pk:
        return False
    cleared = Referral.objects.filter(pk=referral.pk, answer_received_at__isnull=False).update(
        answer_received_at=None
    )
    referral.answer_received_at = None
    return bool(cleared)


def accept(referral, *, by, version, priority, allocate_to=None, note="", request=None):
    def changes(now):
        fields = {"decided_at": now, "decided_by": by, "priority": priority}
        if allocate_to is not None:
            fields |= {"allocated_to": allocate_to, "allocated_at": now}
        return fields

    return _apply(
        referral,
        "accept",
        by=by,
        version=version,
        request=request,
        note=note,
        changes=changes,
        detail={"priority": priority, "allocated": allocate_to is not None},
    )


def allocate(referral, *, by, version, to, request=None):
    return _apply(
        referral,
        "allocate",
        by=by,
        version=version,
        request=request,
        note=f"Allocated to {to.full_name}",
        changes=lambda now: {"allocated_to": to, "allocated_at": now},
    )


def decline(
    referral,
    *,
    by,
    version,
    reason,
    explanation,
    signposted_to=None,
    signposted_other="",
    request=None,
):
    """Decline with a coded reason, a service to go to instead, and an explanation for the
    family and referrer: all required (no rejection without explanation and redirection)."""
    explanation, signposted_other = explanation.strip(), signposted_other.strip()
    if not (reason and explanation and (signposted_to or signposted_other)):
        raise ValueError("A decline needs a reason, a service signposted to, and an explanation.")
    return _apply(
        referral,
        "decline",
        by=by,
        version=version,
        request=request,
        note=explanation,
        changes=lambda now: {
            "decided_at": now,
            "decided_by": by,
            "decline_reason": reason,
            "decision_explanation": explanation,
            "signposted_to": signposted_to,
            "signposted_other": signposted_other,
        },
        detail={"reason": reason},
    )


def withdraw(referral, *, by, version, reason, request=None):
    reason = reason.strip()
    if not reason:
        raise ValueError("A reason is needed.")
    return _apply(
        referral,
        "withdraw",
        by=by,
        version=version,
        request=request,
        note=reason,
        changes=lambda now: {"withdraw_reason": reason},
    )


def close(referral, *, by, version, reason, closed_on, request=None):
    reason = reason.strip()
    if not reason or closed_on is None:
        raise ValueError("A reason and a date are needed.")
    return _apply(
        referral,
        "close",
        by=by,
        version=version,
        request=request,
        note=reason,
        changes=lambda now: {"close_reason": reason, "closed_on": closed_on},
    )


def record_first_appointment(referral, *, by, version, on, request=None):
    return _apply(
        referral,
        "record_first_appointment",
        by=by,
        version=version,
        request=request,
        note=f"First appointment on {nhs_date(on)}",
        changes=lambda now: {"first_appointment_on": on},
    )


def add_note(referral, *, by, text, request=None):
    """An internal team note (never shown to referrers). Notes do not change the referral, so
    they need no version: two people can add notes at once."""
    text = text.strip()
    if not text:
        raise ValueError("A note needs some text.")
    with transaction.atomic():
        note = TeamNote.objects.create(referral=referral, text=text, by=by, at=timezone.now())
        audit.record(
            AuditAction.CREATE, by=by, obj=note, request=request, detail={"referral": referral.pk}
        )
    return note
