"""Every word and tag colour the pages use for a referral's statuses, events and checks, its
sections' states and its parents' links: one home, so the dashboard, the referral's pages and
the admin say the same thing in the same colour."""

from patients.models import Relationship
from referrals.drafts import COMPLETED, IN_PROGRESS, NOT_STARTED
from referrals.eligibility import ELIGIBLE, INELIGIBLE, NEEDS_REVIEW

# --- statuses -------------------------------------------------------------------------------

STATUS_TAGS = {
    "draft": "nhsuk-tag--grey",
    "submitted": "nhsuk-tag--blue",
    "in_review": "nhsuk-tag--purple",
    "information_requested": "nhsuk-tag--orange",
    "accepted": "nhsuk-tag--green",
    "in_treatment": "nhsuk-tag--aqua-green",
    "declined": "nhsuk-tag--red",
    "withdrawn": "nhsuk-tag--grey",
    "closed": "nhsuk-tag--grey",
}

# --- waiting times ---------------------------------------------------------------------------

# The adjusted wait's bands (waiting_times.BANDS), in words: the waiting list's column and filter.
WAIT_BAND_LABELS = {
    "0-18": "0 to 18 weeks",
    "19-35": "19 to 35 weeks",
    "36-52": "36 to 52 weeks",
    "over-52": "Over 52 weeks",
}

# --- events ---------------------------------------------------------------------------------

# How the referrer sees each step (their view of the timeline; team notes never appear here).
REFERRER_EVENT_LABELS = {
    ("draft", "submitted"): "Sent to the team",
    ("information_requested", "submitted"): "Your answer was sent to the team",
    ("information_requested", "in_review"): "Your answer was sent to the team",
    ("submitted", "in_review"): "The team started looking at the referral",
    ("in_review", "information_requested"): "The team asked you for more information",
    ("submitted", "information_requested"): "The team asked you for more information",
    ("in_review", "accepted"): "Accepted by the team",
    ("in_review", "declined"): "Declined by the team",
    ("submitted", "declined"): "Declined by the team",
    ("accepted", "in_treatment"): "Treatment started",
    ("accepted", "closed"): "Closed",
    ("in_treatment", "closed"): "Closed",
}

# How the team's timeline names each step; a step that keeps the status (allocation, an
# appointment booked or its outcome) is named by its note.
TEAM_EVENT_LABELS = {
    ("draft", "submitted"): "Sent by the referrer",
    ("submitted", "in_review"): "Review started",
    ("submitted", "information_requested"): "Information asked for",
    ("in_review", "information_requested"): "Information asked for",
    ("information_requested", "submitted"): "The referrer answered",
    ("information_requested", "in_review"): "The referrer answered",
    ("in_review", "accepted"): "Accepted",
    ("submitted", "declined"): "Declined",
    ("in_review", "declined"): "Declined",
    ("accepted", "in_treatment"): "Treatment started",
    ("accepted", "closed"): "Closed",
    ("in_treatment", "closed"): "Closed",
}

# What each workflow action does, in a sentence: "You cannot <words> this referral now".
ACTION_WORDS = {
    "submit": "send",
    "start_review": "start reviewing",
    "request_information": "ask for information on",
    "answer_information_request": "answer the question on",
    "accept": "accept",
    "allocate": "allocate",
    "decline": "decline",
    "withdraw": "withdraw",
    "close": "close",
    "start_treatment": "start treatment on",
    "book_appointment": "book an appointment for",
    "rebook_appointment": "rebook an appointment for",
    "cancel_appointment": "cancel an appointment for",
    "record_attendance": "record an appointment's outcome for",
    "record_unavailability": "record the family's unavailability for",
    "remove_unavailability": "remove the family's unavailability from",
}
# "You cannot <words> the assessment on 3 March now": an action on one appointment.
APPOINTMENT_ACTION_WORDS = {
    "cancel_appointment": "cancel",
    "rebook_appointment": "rebook",
    "record_attendance": "record the outcome of",
}

# --- appointments ---------------------------------------------------------------------------

# Each appointment's attendance (Appointment.attendance) as a tag: its words and NHS.UK colour.
ATTENDANCE_TAGS = {
    "booked": ("Booked", "nhsuk-tag--blue"),
    "attended": ("Attended", "nhsuk-tag--green"),
    "clinic_cancelled": ("Cancelled by the service", "nhsuk-tag--grey"),
    "patient_cancelled": ("Cancelled by the family", "nhsuk-tag--orange"),
    "could_not_wait": ("Could not wait", "nhsuk-tag--yellow"),
    "did_not_attend": ("Did not attend", "nhsuk-tag--red"),
    "not_known": ("Not known", "nhsuk-tag--white"),
}

# Why a case closed, as the closing letters say it ("The case closed on 3 March 2026 because
# ..."): plain words, never the team's private note.
CLOSE_REASON_LETTER_WORDS = {
    "treatment_completed": "the family's treatment with the team is complete",
    "family_chose_to_stop": "the family chose to stop working with the team",
    "moved_away": "the family moved out of the area the service covers",
    "not_brought": "the baby was not brought to the appointments offered",
    "other": "the team's work with the family has come to an end",
}

# --- eligibility checks ---------------------------------------------------------------------

RULE_TITLES = {
    "age": "Age",
    "residence": "Where the family lives",
    "gp_practice": "GP practice",
    "referrer_type": "Who is referring",
    "living_arrangement": "Who the baby lives with",
    "indicator_threshold": "What you have observed",
    "consent": "Consent",
}
CHECK_TAGS = {
    "pass": ("Met", "nhsuk-tag--green"),
    "review": ("For the team to look at", "nhsuk-tag--yellow"),
    "fail": ("Not met", "nhsuk-tag--red"),
    "missing": ("Still needed", "nhsuk-tag--grey"),
}
OUTCOME_HEADLINES = {
    "eligible": "From your answers so far, the baby meets the service's criteria.",
    "needs_review": "Some answers are still needed, or are for the team to look at.",
    "ineligible": "From your answers, the baby does not meet the service's criteria.",
}
# The outcome of the whole check, as the team's lists and the admin show it.
ELIGIBILITY_LABELS = {
    ELIGIBLE: ("Eligible", "nhsuk-tag--green"),
    NEEDS_REVIEW: ("For the team to look at", "nhsuk-tag--yellow"),
    INELIGIBLE: ("Not eligible", "nhsuk-tag--red"),
}

# The team's headline of the whole check.
TEAM_HEADLINES = {
    "eligible": "The baby meets the service's criteria.",
    "needs_review": "Some checks are for the team to look at.",
    "ineligible": "The baby does not meet the service's criteria.",
}
# The outcome of the whole check, on the team's page (its summary at the top).
TEAM_ELIGIBILITY_TAGS = {
    "eligible": ("Meets the criteria", "nhsuk-tag--green"),
    "needs_review": ("For the team to look at", "nhsuk-tag--yellow"),
    "ineligible": ("Does not meet the criteria", "nhsuk-tag--red"),
}

# --- the sections of the Request for Assistance ---------------------------------------------

SECTION_STATE_LABELS = {
    COMPLETED: "Completed",
    IN_PROGRESS: "In progress",
    NOT_STARTED: "Not started",
}
SECTION_STATE_TAGS = {
    COMPLETED: "nhsuk-tag--no-colour nhsuk-tag--no-border nhsuk-u-font-weight-normal",
    IN_PROGRESS: "nhsuk-tag--light-blue",
}

# --- parents' secure links ------------------------------------------------------------------

# Each state (ParentInvitation.state) as the team sees it: a label and an NHS.UK tag colour.
INVITATION_STATE_TAGS = {
    "sent": ("Sent", "nhsuk-tag--blue"),
    "opened": ("Opened", "nhsuk-tag--aqua-green"),
    "locked": ("Locked", "nhsuk-tag--red"),
    "submitted": ("Submitted", "nhsuk-tag--green"),
    "expired": ("Expired", "nhsuk-tag--orange"),
    "revoked": ("Revoked", "nhsuk-tag--grey"),
}


def relationship_label(relationship, *, in_sentence=False):
    """A carer's relationship to the baby: "Mother" ("mother" `in_sentence`), or what the
    referrer wrote for "Other" (their words, as written)."""
    if relationship.relationship == Relationship.OTHER:
        return relationship.relationship_other
    label = relationship.get_relationship_display()
    return label.lower() if in_sentence else label


# A subject access request's state (`SubjectAccessRequest.state`): words and tag.
SUBJECT_ACCESS_TAGS = {
    "requested": ("Requested", "nhsuk-tag--grey"),
    "produced": ("Produced, not released", "nhsuk-tag--blue"),
    "released": ("Released", "nhsuk-tag--green"),
}
