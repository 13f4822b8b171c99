"""The workflow's tables beside TRANSITIONS agree with each other and with what they name."""

from referrals import workflow
from referrals.labels import ACTION_WORDS
from referrals.notifications import REFERRAL_EMAILS

# Appointments and the family's unavailability change the case in place and tell nobody (an
# appointment's email to a carer is sent from its page, by choice); treatment starts silently.
SILENT = {
    "start_review",
    "close",
    "allocate",
    "start_treatment",
    "book_appointment",
    "rebook_appointment",
    "cancel_appointment",
    "record_attendance",
    "record_unavailability",
    "remove_unavailability",
}


def test_every_email_a_transition_sends_is_an_email_the_service_has():
    assert set(workflow.EMAILS.values()) <= set(REFERRAL_EMAILS)
    assert set(workflow.EMAILS) <= set(workflow.TRANSITIONS)


def test_every_action_sends_its_email_or_is_deliberately_silent():
    actions = set(workflow.TRANSITIONS) | set(workflow.IN_PLACE)
    assert set(workflow.EMAILS) | SILENT == actions
    assert not set(workflow.EMAILS) & SILENT


def test_every_action_has_its_words():
    actions = set(workflow.TRANSITIONS) | set(workflow.IN_PLACE)
    assert actions <= set(ACTION_WORDS)
