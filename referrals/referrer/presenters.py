"""What a referrer sees of a referral they have sent: its status in words, the decision meant for
them, the team's open question, and what has happened.

Only what is written for the referrer leaves this module: the decision's explanation and
signposting, the team's questions and the referrer's own answers. Team notes, priority, who the
referral is allocated to and the notes on other status changes are the team's and never
appear.
"""

from dataclasses import dataclass

from django.urls import reverse

from referrals.drafts import COMPLETED
from referrals.labels import REFERRER_EVENT_LABELS, STATUS_TAGS
from referrals.models import Status
from referrals.sections import SECTIONS

STATUS_EXPLANATIONS = {
    Status.SUBMITTED: (
        "The team has received the referral. They meet every week to look at new referrals."
    ),
    Status.IN_REVIEW: "The team is looking at the referral.",
    Status.INFORMATION_REQUESTED: (
        "The team has a question for you. They will carry on with the referral once you answer it."
    ),
    Status.ACCEPTED: "The team has accepted the referral.",
    Status.IN_TREATMENT: "The team has accepted the referral and is working with the family.",
    Status.DECLINED: "The team has not accepted the referral. Their explanation is below.",
    Status.WITHDRAWN: "The referral has been withdrawn. The team will not take it further.",
    Status.CLOSED: "The referral was accepted and has now been closed.",
}
ACCEPTED_NEXT_STEP = (
    "A member of the team will contact the family to arrange a first appointment. "
    "You do not need to do anything."
)

# The status changes whose note is written for the referrer: the team's question, their answer.
EXCHANGE_NOTES = {
    (Status.SUBMITTED, Status.INFORMATION_REQUESTED): "The team's question",
    (Status.IN_REVIEW, Status.INFORMATION_REQUESTED): "The team's question",
    (Status.INFORMATION_REQUESTED, Status.SUBMITTED): "Your answer",
    (Status.INFORMATION_REQUESTED, Status.IN_REVIEW): "Your answer",
}


@dataclass(frozen=True)
class StatusSummary:
    label: str
    tag_class: str
    explanation: str


def status(referral):
    return StatusSummary(
        label=referral.get_status_display(),
        tag_class=STATUS_TAGS.get(referral.status, ""),
        explanation=STATUS_EXPLANATIONS.get(referral.status, ""),
    )


@dataclass(frozen=True)
class SignpostedService:
    name: str
    contact: str


@dataclass(frozen=True)
class DecisionSummary:
    decision: str
    decided_at: object
    explanation: str
    signposted: list
    next_step: str


def decision_summary(referral):
    """The team's decision as the referrer reads it, or None before there is one."""
    if referral.decided_at is None:
        return None
    if referral.status == Status.DECLINED:
        signposted = []
        if referral.signposted_to_id:
            service = referral.signposted_to
            signposted.append(SignpostedService(service.name, service.contact))
        if referral.signposted_other:
            signposted.append(SignpostedService(referral.signposted_other, ""))
        return DecisionSummary(
            decision="Not accepted",
            decided_at=referral.decided_at,
            explanation=referral.decision_explanation,
            signposted=signposted,
            next_step="",
        )
    if referral.status in (Status.ACCEPTED, Status.IN_TREATMENT, Status.CLOSED):
        return DecisionSummary(
            decision="Accepted",
            decided_at=referral.decided_at,
            explanation="",
            signposted=[],
            next_step=ACCEPTED_NEXT_STEP if referral.status == Status.ACCEPTED else "",
        )
    return None


def open_question(referral):
    """The team's unanswered question while the referral waits for the referrer, else None."""
    if referral.status != Status.INFORMATION_REQUESTED:
        return None
    return referral.information_requests.filter(answered_at__isnull=True).last()


@dataclass(frozen=True)
class TimelineEntry:
    at: object
    what: str
    text_label: str = ""
    text: str = ""


def timeline(events):
    """Each status change in the referrer's words, with the question-and-answer exchange.

    Changes that keep the status (allocation, a first appointment) are the team's business and
    are left out, as are the notes of every other change.
    """
    entries = []
    for event in events:
        if event.from_status == event.to_status:
            continue
        pair = (event.from_status, event.to_status)
        label = EXCHANGE_NOTES.get(pair, "")
        entries.append(
            TimelineEntry(
                at=event.at,
                what=REFERRER_EVENT_LABELS.get(pair, event.get_to_status_display()),
                text_label=label,
                text=event.note if label else "",
            )
        )
    return entries


@dataclass(frozen=True)
class SavedMeanwhile:
    """A section's answers as another tab saved them, shown beside a stale tab's refused ones."""

    at: object
    title: str
    rows: list


def saved_meanwhile(referral, section):
    return SavedMeanwhile(
        at=referral.updated_at,
        title=section.title,
        rows=[
            (label, value if value not in (None, "") else "Not given")
            for label, value in section.form_class.summary(referral)
        ],
    )


@dataclass(frozen=True)
class MyReferralRow:
    """One line of "Your referrals": the referrer wrote the baby's name, so it is shown."""

    url: str
    reference: str
    baby_name: str
    date_of_birth: object
    status: str
    status_class: str
    is_draft: bool
    updated_at: object
    progress: str
    submitted_at: object
    delete_url: str


def sections_done(referral):
    """ "3 of 6 sections done", from the states the draft keeps (no query)."""
    done = sum(1 for section in SECTIONS if section.state(referral) == COMPLETED)
    return f"{done} of {len(SECTIONS)} sections done"


def my_referral_rows(referrals):
    """Rows for `referrals` (with their infants selected): no query per row."""
    return [
        MyReferralRow(
            url=reverse("referrals:detail", args=[referral.pk]),
            reference=referral.reference or "",
            baby_name=referral.infant.full_name or "Name not given yet",
            date_of_birth=referral.infant.date_of_birth,
            status=referral.get_status_display(),
            status_class=STATUS_TAGS[referral.status],
            is_draft=referral.is_draft,
            updated_at=referral.updated_at,
            progress=sections_done(referral) if referral.is_draft else "",
            submitted_at=referral.submitted_at,
            delete_url=reverse("referrals:delete", args=[referral.pk]) if referral.is_draft else "",
        )
        for referral in referrals
    ]
