"""The referral's statuses, the one transition table, and the write functions that move it.

Every transition runs in one transaction with the referral's row locked, is checked against the
table, appends a ReferralEvent and an AuditEvent, and sends its emails only after commit. An
action that is no longer allowed (someone acted first, a stale page, a double click) raises
TransitionNotAllowed, which views turn into a friendly message.

The statuses and the actions between them (the referrer submits and answers; either side may
withdraw). Keep this, the drawing in docs/architecture.md and TRANSITIONS in step:

    draft ─submit─▶ submitted ─start_review─▶ in_review ─accept─▶ accepted
    accepted ─start_treatment─▶ in_treatment   (record_attendance: a treatment appointment attended)
    accepted, in_treatment ─close─▶ closed
    submitted, in_review ─request_information─▶ information_requested
    information_requested ─answer_information_request─┬─▶ in_review  (a review had started)
                                                      └─▶ submitted  (nobody had started one)
    submitted, in_review ─decline─▶ declined
    draft, submitted, in_review, information_requested ─withdraw─▶ withdrawn
    accepted, in_treatment ─allocate, book/rebook/cancel_appointment, record_attendance,
                            record/remove_unavailability─▶ (the same status)

Accepted means waiting: the referral-to-treatment clock (referrals.waiting_times) runs until the
first treatment appointment is attended; recording that attendance starts treatment in the same
transaction. Appointments and unavailability are changed only here, under the referral's row
lock and version, so the clock every page reads is the one the last action left.

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
from referrals.labels import ACTION_WORDS, APPOINTMENT_ACTION_WORDS
from referrals.models import (
    CASE_STATUSES,
    OUTCOMES,
    Appointment,
    Attendance,
    CloseReason,
    InformationRequest,
    ParentViewsMethod,
    Referral,
    ReferralEvent,
    Status,
    TeamNote,
    Unavailability,
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
    # Not a button: record_attendance applies it when a treatment appointment was attended.
    "start_treatment": ({Status.ACCEPTED}, Status.IN_TREATMENT),
    "close": ({Status.ACCEPTED, Status.IN_TREATMENT}, Status.CLOSED),
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
# (record_attendance may also start treatment: see start_treatment in TRANSITIONS.)
IN_PLACE = {
    "allocate": set(CASE_STATUSES),
    "book_appointment": set(CASE_STATUSES),
    "rebook_appointment": set(CASE_STATUSES),
    "cancel_appointment": set(CASE_STATUSES),
    "record_attendance": set(CASE_STATUSES),
    "record_unavailability": set(CASE_STATUSES),
    "remove_unavailability": set(CASE_STATUSES),
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
    append a ReferralEvent and an AuditEvent, and queue its email (EMAILS) for after commit.

    `changes(now)` makes the action's own writes and returns the referral's fields to set; a
    "status" among them is a transition the action led to (record_attendance starting
    treatment). `note` may be a callable of the same: the event's words, once they are known."""
    with transaction.atomic():
        locked = _lock(referral)
        if _resent(locked, action, by=by, version=version):
            referral.version, referral.status = locked.version, locked.status
            return locked
        if not allowed(locked, action):
            raise TransitionNotAllowed(locked, action)
        if parse_version(version) != locked.version:
            raise StaleVersion(locked)
        now = timezone.now()
        from_status = locked.status
        fields = changes(now) if changes else {}
        target = fields.pop("status", None)
        if target is None:
            target = from_status if action in IN_PLACE else target_of(locked, action)
        ReferralEvent.objects.create(
            referral=locked,
            from_status=from_status,
            to_status=target,
            at=now,
            by=by,
            note=note() if callable(note) else note,
        )
        # The team acted on it, so any answer it was waiting for has been seen.
        fields.setdefault("answer_received_at", None)
        fields["status"] = target
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.save(update_fields=["version", "updated_at", *fields])
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
    referral.status = locked.status
    return locked


# The decisions a person may send twice without meaning two: a double click, or the browser
# resending the form after an app server died between committing the decision and answering.
RESENDABLE = {"start_review", "accept", "decline", "withdraw", "close"}


def _resent(locked, action, *, by, version):
    """Whether this is the same person's same decision arriving again, from the page that made
    it: the referral is one version on from `version`, and its last change was `by` taking it
    from a status `action` starts from to the one it leads to. Applied once already, so the
    caller answers as it did the first time (submit does the same for its owner)."""
    if action not in RESENDABLE or parse_version(version) != locked.version - 1:
        return False
    last = locked.events.order_by("-at", "-pk").first()
    sources, target = TRANSITIONS[action]
    return (
        last is not None
        and last.by_id == by.pk
        and last.from_status in sources
        and last.to_status == target == locked.status
    )


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


def close(referral, *, by, version, reason, closed_on, note="", request=None):
    """Close a case, waiting or in treatment, with a coded reason and the day it closed. Every
    appointment still booked after that day is cancelled by the service; one on or before it
    needs its outcome recorded first (AppointmentConflict says which)."""
    note = note.strip()
    if not reason or closed_on is None:
        raise ValueError("A reason and a date are needed.")
    if reason == CloseReason.OTHER and not note:
        raise ValueError("Say why the case closed.")

    def changes(now):
        booked = referral.appointments.filter(attendance=Attendance.BOOKED)
        unrecorded = booked.filter(on__lte=closed_on).first()
        if unrecorded is not None:
            raise AppointmentConflict(
                referral,
                f"Record what happened at the appointment on {nhs_date(unrecorded.on)} before "
                "closing the case. Nothing was changed.",
            )
        booked.update(
            attendance=Attendance.CLINIC_CANCELLED,
            cancelled_on=closed_on,
            outcome_by=by,
            outcome_at=now,
        )
        return {"close_reason": reason, "close_note": note, "closed_on": closed_on}

    return _apply(
        referral,
        "close",
        by=by,
        version=version,
        request=request,
        note=f"{CloseReason(reason).label}. {note}".strip() if note else CloseReason(reason).label,
        changes=changes,
        detail={"reason": reason},
    )


# --- appointments and the family's unavailability --------------------------------------------


class AppointmentConflict(Conflict):
    """The appointment is no longer in a state where this action makes sense (its outcome was
    recorded, it was cancelled or rebooked), or the action would leave the record wrong."""


def _when(appointment):
    if appointment.time is None:
        return nhs_date(appointment.on)
    return f"{nhs_date(appointment.on)} at {appointment.time:%H:%M}"


def _appointment_words(appointment, *, in_sentence=False):
    """ "Assessment on 3 March 2026 at 10:30" ("assessment on ..." `in_sentence`)."""
    purpose = appointment.get_purpose_display()
    if in_sentence:
        purpose = purpose[0].lower() + purpose[1:]
    return f"{purpose} on {_when(appointment)}"


def _open_appointment(referral, appointment, action):
    """The appointment, read again under the referral's lock: still booked, or refused."""
    current = Appointment.objects.select_related("outcome_by").get(
        pk=appointment.pk, referral=referral
    )
    if action == "record_attendance":
        open_now = current.attendance in (Attendance.BOOKED, Attendance.NOT_KNOWN)
    else:
        open_now = current.attendance == Attendance.BOOKED
    if not open_now:
        who = ""
        if current.outcome_by is not None:
            at = timezone.localtime(current.outcome_at)
            who = f" by {current.outcome_by.full_name} at {at:%H:%M on %-d %B}"
        raise AppointmentConflict(
            referral,
            f"You cannot {APPOINTMENT_ACTION_WORDS[action]} the "
            f"{_appointment_words(current, in_sentence=True)} now: "
            f"it was recorded as {current.get_attendance_display().lower()}{who}. "
            "Nothing was changed.",
        )
    return current


def _book(referral, *, by, now, on, time, purpose, mode, staff, location):
    appointment = Appointment.objects.create(
        referral=referral,
        on=on,
        time=time,
        purpose=purpose,
        mode=mode,
        location=location.strip(),
        booked_by=by,
        booked_at=now,
    )
    appointment.staff.set(staff)
    return appointment


def _treatment_status(referral, today):
    """What recording an outcome leaves the referral as: in treatment once the clock says
    treatment started (its first treatment appointment attended), on the clock's day (an
    earlier session recorded late moves it earlier)."""
    # Read again, after this action's writes: not a page's prefetched appointments.
    current = Referral.objects.get(pk=referral.pk)
    wait = current.wait(today)
    if wait.waiting:
        return {}
    fields = {"treatment_started_on": wait.treatment_started_on}
    if current.status == Status.ACCEPTED:
        fields["status"] = TRANSITIONS["start_treatment"][1]
    return fields


def book_appointment(
    referral, *, by, version, on, time, purpose, mode, staff, location="", request=None
):
    """Book an appointment. Returns it."""
    if not staff:
        raise ValueError("Say who will see the family.")
    booked = {}

    def changes(now):
        booked["appointment"] = _book(
            referral,
            by=by,
            now=now,
            on=on,
            time=time,
            purpose=purpose,
            mode=mode,
            staff=staff,
            location=location,
        )
        return {}

    _apply(
        referral,
        "book_appointment",
        by=by,
        version=version,
        request=request,
        note=lambda: f"Booked: {_appointment_words(booked['appointment'])}",
        changes=changes,
        detail={"purpose": purpose, "mode": mode},
    )
    return booked["appointment"]


def _cancellation(cancelled_by, cancelled_on, today):
    if cancelled_by == "family":
        return Attendance.PATIENT_CANCELLED, cancelled_on or today
    if cancelled_by == "service":
        return Attendance.CLINIC_CANCELLED, cancelled_on or today
    raise ValueError("Say who cancelled: the family or the service.")


def cancel_appointment(
    referral, *, appointment, by, version, cancelled_by, cancelled_on=None, request=None
):
    """Cancel a booked appointment, by the family (the clock restarts on the day they
    cancelled) or by the service (it never does)."""
    attendance, cancelled_on = _cancellation(cancelled_by, cancelled_on, timezone.localdate())
    words = {}

    def changes(now):
        current = _open_appointment(referral, appointment, "cancel_appointment")
        current.attendance, current.cancelled_on = attendance, cancelled_on
        current.outcome_by, current.outcome_at = by, now
        current.save(update_fields=["attendance", "cancelled_on", "outcome_by", "outcome_at"])
        words["note"] = f"{current.get_attendance_display()}: {_appointment_words(current)}"
        return {}

    _apply(
        referral,
        "cancel_appointment",
        by=by,
        version=version,
        request=request,
        note=lambda: words["note"],
        changes=changes,
        detail={"appointment": appointment.pk, "attendance": attendance},
    )


def rebook_appointment(
    referral,
    *,
    appointment,
    by,
    version,
    on,
    time,
    cancelled_by,
    cancelled_on=None,
    staff=None,
    mode=None,
    location=None,
    request=None,
):
    """Move a booked appointment: it is recorded as cancelled (by the family or the service,
    as for cancel_appointment) and a new one is booked for the same purpose, linked to it.
    Returns the new appointment."""
    attendance, cancelled_on = _cancellation(cancelled_by, cancelled_on, timezone.localdate())
    made = {}

    def changes(now):
        old = _open_appointment(referral, appointment, "rebook_appointment")
        new = _book(
            referral,
            by=by,
            now=now,
            on=on,
            time=time,
            purpose=old.purpose,
            mode=old.mode if mode is None else mode,
            staff=staff or list(old.staff.all()),
            location=old.location if location is None else location,
        )
        old.attendance, old.cancelled_on = attendance, cancelled_on
        old.outcome_by, old.outcome_at, old.rebooked_as = by, now, new
        old.save(
            update_fields=["attendance", "cancelled_on", "outcome_by", "outcome_at", "rebooked_as"]
        )
        made["old"], made["new"] = old, new
        return {}

    _apply(
        referral,
        "rebook_appointment",
        by=by,
        version=version,
        request=request,
        note=lambda: (
            f"Rebooked: {_appointment_words(made['old'])} "
            f"({made['old'].get_attendance_display().lower()}), now {_when(made['new'])}"
        ),
        changes=changes,
        detail={"appointment": appointment.pk, "attendance": attendance},
    )
    return made["new"]


def record_attendance(referral, *, appointment, by, version, attendance, request=None):
    """What happened at an appointment on or before today: attended, did not attend, could not
    wait, or not known. The first attended treatment appointment starts treatment."""
    if attendance not in OUTCOMES:
        raise ValueError(f"An outcome is one of {', '.join(OUTCOMES)}.")
    today = timezone.localdate()
    words = {}

    def changes(now):
        current = _open_appointment(referral, appointment, "record_attendance")
        if current.on > today:
            raise AppointmentConflict(
                referral,
                f"The {_appointment_words(current, in_sentence=True)} has not happened yet: "
                "record what happened on the day or after. Nothing was changed.",
            )
        current.attendance = attendance
        current.outcome_by, current.outcome_at = by, now
        current.save(update_fields=["attendance", "outcome_by", "outcome_at"])
        words["note"] = f"{current.get_attendance_display()}: {_appointment_words(current)}"
        return _treatment_status(referral, today)

    return _apply(
        referral,
        "record_attendance",
        by=by,
        version=version,
        request=request,
        note=lambda: words["note"],
        changes=changes,
        detail={"appointment": appointment.pk, "attendance": attendance},
    )


def record_unavailability(referral, *, by, version, start, end, reason, request=None):
    """Days the family said they cannot come (both included): they pause the clock."""
    reason = reason.strip()
    if end < start or not reason:
        raise ValueError("A first day, a last day on or after it, and a reason are needed.")

    def changes(now):
        Unavailability.objects.create(
            referral=referral, start=start, end=end, reason=reason, recorded_by=by, recorded_at=now
        )
        return {}

    return _apply(
        referral,
        "record_unavailability",
        by=by,
        version=version,
        request=request,
        note=f"Family unavailable {nhs_date(start)} to {nhs_date(end)}: {reason}",
        changes=changes,
    )


def remove_unavailability(referral, *, period, by, version, request=None):
    """Take back a period recorded by mistake (the timeline keeps what it said)."""

    def changes(now):
        deleted, _ = Unavailability.objects.filter(pk=period.pk, referral=referral).delete()
        if not deleted:
            raise AppointmentConflict(
                referral, "That period of unavailability was already removed. Nothing was changed."
            )
        return {}

    return _apply(
        referral,
        "remove_unavailability",
        by=by,
        version=version,
        request=request,
        note=(
            f"Removed: family unavailable {nhs_date(period.start)} to {nhs_date(period.end)} "
            f"({period.reason})"
        ),
        changes=changes,
        detail={"start": period.start.isoformat(), "end": period.end.isoformat()},
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
