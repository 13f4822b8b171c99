"""The team's transitions: the one table, row locks, versions, friendly conflicts, emails."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, transaction

from imhs.models import AuditAction, AuditEvent
from referrals import workflow
from referrals.models import InformationRequest, Referral, ReferralEvent, Status, TeamNote
from tests.factories import (
    AppointmentFactory,
    ReferralFactory,
    TeamMemberFactory,
    UnavailabilityFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)
NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)


def team_call(action, referral, by, **extra):
    """Call a workflow function with what it needs to succeed (plus `extra`)."""
    inputs = {
        "start_review": {},
        "request_information": {"question": "Is the family still at this address?"},
        "accept": {"priority": "routine"},
        "allocate": {"to": by},
        "decline": {
            "reason": "another_service",
            "signposted_other": "Test Family Support Service",
            "explanation": "Synthetic explanation for the family.",
        },
        "withdraw": {"reason": "The family moved away."},
        "close": {"reason": "treatment_completed", "closed_on": TODAY},
        "book_appointment": {
            "on": TODAY,
            "time": datetime.time(10),
            "purpose": "assessment",
            "mode": "clinic",
            "staff": [by],
        },
        "rebook_appointment": {
            "on": TODAY,
            "time": datetime.time(11),
            "cancelled_by": "service",
        },
        "cancel_appointment": {"cancelled_by": "family"},
        "record_attendance": {"attendance": "did_not_attend"},
        "record_unavailability": {"start": TODAY, "end": TODAY, "reason": "On holiday"},
        "remove_unavailability": {},
    }[action]
    if action in ("rebook_appointment", "cancel_appointment", "record_attendance"):
        # Booked on a day that has come (the outcome may be recorded on or after it).
        inputs["appointment"] = AppointmentFactory(referral=referral, on=TODAY)
    if action == "remove_unavailability":
        inputs["period"] = UnavailabilityFactory(referral=referral, start=TODAY)
    return getattr(workflow, action)(
        referral, by=by, **{"version": referral.version, **inputs, **extra}
    )


def referral_in(status):
    referral = ReferralFactory(submitted=True)
    if status == "submitted":
        return referral
    explained = (
        {"decline_reason": "other", "signposted_other": "X", "decision_explanation": "Y"}
        if status == "declined"
        else {}
    )
    if status == "in_review":  # someone started the review (as start_review does)
        explained = {"review_started_by": TeamMemberFactory(), "review_started_at": NOW}
    Referral.objects.filter(pk=referral.pk).update(status=status, **explained)
    referral.refresh_from_db()
    return referral


# (action, from status) → resulting status, or None where the action is not allowed.
ALLOWED = {
    ("start_review", "submitted"): "in_review",
    ("request_information", "submitted"): "information_requested",
    ("request_information", "in_review"): "information_requested",
    ("accept", "in_review"): "accepted",
    ("decline", "submitted"): "declined",
    ("decline", "in_review"): "declined",
    ("withdraw", "submitted"): "withdrawn",
    ("withdraw", "in_review"): "withdrawn",
    ("withdraw", "information_requested"): "withdrawn",
    **{
        (action, status): status
        for action in (
            "allocate",
            "book_appointment",
            "rebook_appointment",
            "cancel_appointment",
            "record_attendance",
            "record_unavailability",
            "remove_unavailability",
        )
        for status in ("accepted", "in_treatment")
    },
    ("close", "accepted"): "closed",
    ("close", "in_treatment"): "closed",
}
ACTIONS = sorted({action for action, _ in ALLOWED})
STATUSES = [
    "submitted",
    "in_review",
    "information_requested",
    "accepted",
    "in_treatment",
    "declined",
    "withdrawn",
    "closed",
]


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_from_every_status_follows_the_table(action, status):
    referral = referral_in(status)
    by = TeamMemberFactory()
    expected = ALLOWED.get((action, status))

    if expected is None:
        with pytest.raises(workflow.TransitionNotAllowed) as refused:
            team_call(action, referral, by)
        assert "Nothing was changed" in refused.value.message or "now:" in refused.value.message
        assert Referral.objects.get(pk=referral.pk).status == status
        assert not ReferralEvent.objects.filter(referral=referral, by=by).exists()
    else:
        team_call(action, referral, by)
        referral.refresh_from_db()
        assert referral.status == expected
        event = ReferralEvent.objects.get(referral=referral, by=by)
        assert (event.from_status, event.to_status) == (status, expected)
        audit = AuditEvent.objects.get(action=AuditAction.CHANGE, actor=by)
        assert audit.detail["action"] == action


def test_start_review_records_who_claimed_it():
    referral = referral_in("submitted")
    by = TeamMemberFactory()

    workflow.start_review(referral, by=by, version=referral.version)

    referral.refresh_from_db()
    assert referral.review_started_by == by
    assert referral.review_started_at is not None


def test_a_stale_version_is_refused_and_changes_nothing():
    referral = referral_in("in_review")
    opened = referral.version
    Referral.objects.filter(pk=referral.pk).update(version=opened + 1)

    with pytest.raises(workflow.StaleVersion) as refused:
        workflow.accept(referral, by=TeamMemberFactory(), version=opened, priority="urgent")

    assert "after you opened the page" in refused.value.message
    referral.refresh_from_db()
    assert (referral.status, referral.priority) == ("in_review", "")


def test_a_late_action_names_who_acted_first_and_when():
    referral = referral_in("in_review")
    first = TeamMemberFactory(given_name="Firstact", family_name="Person")
    workflow.accept(referral, by=first, version=referral.version, priority="routine")

    with pytest.raises(workflow.TransitionNotAllowed) as refused:
        workflow.decline(
            Referral.objects.get(pk=referral.pk),
            by=TeamMemberFactory(),
            version=referral.version,
            reason="duplicate",
            signposted_other="X",
            explanation="Y",
        )

    assert "its status is Accepted (last changed by Firstact Person at" in refused.value.message


@pytest.mark.parametrize(
    "missing",
    [{"reason": ""}, {"explanation": "  "}, {"signposted_other": "", "signposted_to": None}],
)
def test_decline_needs_a_reason_a_service_and_an_explanation(missing):
    referral = referral_in("in_review")
    with pytest.raises(ValueError, match="needs a reason"):
        team_call("decline", referral, TeamMemberFactory(), **missing)
    assert Referral.objects.get(pk=referral.pk).status == "in_review"


def test_accept_with_allocation_now_or_later():
    now_case, later_case = referral_in("in_review"), referral_in("in_review")
    clinician = TeamMemberFactory()

    workflow.accept(
        now_case, by=clinician, version=now_case.version, priority="urgent", allocate_to=clinician
    )
    workflow.accept(later_case, by=clinician, version=later_case.version, priority="routine")

    now_case.refresh_from_db()
    later_case.refresh_from_db()
    assert (now_case.priority, now_case.allocated_to) == ("urgent", clinician)
    assert now_case.decided_by == clinician
    assert later_case.allocated_to is None
    workflow.allocate(later_case, by=clinician, version=later_case.version, to=clinician)
    later_case.refresh_from_db()
    assert later_case.allocated_to == clinician
    assert later_case.status == Status.ACCEPTED


def test_request_information_round_trip():
    referral = referral_in("in_review")
    team = TeamMemberFactory()

    workflow.request_information(
        referral, by=team, version=referral.version, question="Which nursery does the baby attend?"
    )
    request = InformationRequest.objects.get(referral=referral)
    assert request.is_open
    workflow.answer_information_request(
        Referral.objects.get(pk=referral.pk), by=referral.referrer, answer="Little Acorns Test"
    )

    referral.refresh_from_db()
    request.refresh_from_db()
    assert referral.status == Status.IN_REVIEW
    assert (request.answer, request.answered_by) == ("Little Acorns Test", referral.referrer)
    steps = list(referral.events.values_list("to_status", "note"))
    assert steps[-2:] == [
        ("information_requested", "Which nursery does the baby attend?"),
        ("in_review", "Little Acorns Test"),
    ]


def ask_and_answer(referral, *, asked_by):
    workflow.request_information(
        referral, by=asked_by, version=referral.version, question="Which nursery?"
    )
    workflow.answer_information_request(
        Referral.objects.get(pk=referral.pk), by=referral.referrer, answer="Little Acorns Test"
    )
    referral.refresh_from_db()
    return referral


def test_an_answer_goes_back_to_the_same_reviewer_marked_and_emailed(
    django_capture_on_commit_callbacks,
):
    referral = referral_in("submitted")
    reviewer, colleague = TeamMemberFactory(), TeamMemberFactory()
    workflow.start_review(referral, by=reviewer, version=referral.version)

    with django_capture_on_commit_callbacks(execute=True):
        ask_and_answer(referral, asked_by=colleague)

    assert referral.status == Status.IN_REVIEW
    assert referral.review_started_by == reviewer  # the same reviewer, not back to New
    assert referral.answer_received_at is not None
    assert workflow.target_of(referral, "answer_information_request") == Status.IN_REVIEW
    # The reviewer is told, with the reference and a link to the team's page only.
    [message] = [m for m in mail.outbox if m.to == [reviewer.email]]
    assert referral.reference in message.subject
    assert f"/team/referrals/{referral.reference}/" in message.body
    for private in ("Which nursery?", "Little Acorns Test", referral.infant.given_name):
        assert private not in message.body
        assert private not in message.subject


def test_an_answer_before_any_review_goes_back_to_new_without_an_email(
    django_capture_on_commit_callbacks,
):
    referral = referral_in("submitted")
    with django_capture_on_commit_callbacks(execute=True):
        ask_and_answer(referral, asked_by=TeamMemberFactory())

    assert referral.status == Status.SUBMITTED
    assert referral.review_started_by is None
    assert referral.answer_received_at is not None
    event = referral.events.last()
    assert (event.from_status, event.to_status) == ("information_requested", "submitted")
    assert not [m for m in mail.outbox if "has answered" in m.subject]


def test_only_the_reviewer_opening_it_clears_the_answer_marker():
    referral = referral_in("submitted")
    reviewer, colleague = TeamMemberFactory(), TeamMemberFactory()
    workflow.start_review(referral, by=reviewer, version=referral.version)
    ask_and_answer(referral, asked_by=reviewer)

    assert not workflow.mark_answer_seen(referral, by=colleague)
    assert Referral.objects.get(pk=referral.pk).answer_received_at is not None
    assert workflow.mark_answer_seen(referral, by=reviewer)
    assert Referral.objects.get(pk=referral.pk).answer_received_at is None


def test_a_team_action_clears_the_answer_marker():
    referral = referral_in("submitted")
    ask_and_answer(referral, asked_by=TeamMemberFactory())
    team_call("start_review", referral, TeamMemberFactory())
    assert Referral.objects.get(pk=referral.pk).answer_received_at is None


def test_only_the_referrer_can_answer_their_question():
    referral = referral_in("in_review")
    workflow.request_information(
        referral, by=TeamMemberFactory(), version=referral.version, question="A question"
    )
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.answer_information_request(referral, by=TeamMemberFactory(), answer="Not mine")


def test_team_notes_are_kept_and_audited():
    referral = referral_in("submitted")
    team = TeamMemberFactory()

    note = workflow.add_note(referral, by=team, text="Discussed at triage; HV to be called.")

    assert TeamNote.objects.get(referral=referral) == note
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="referrals.teamnote", actor=team
    ).exists()


@pytest.mark.parametrize(
    ("action", "status", "subject_part"),
    [
        ("request_information", "in_review", "has a question about referral"),
        ("accept", "in_review", "decision"),
        ("decline", "in_review", "decision"),
    ],
)
def test_referrer_is_emailed_after_commit_with_only_the_reference_and_a_link(
    action, status, subject_part, django_capture_on_commit_callbacks
):
    referral = referral_in(status)
    workflow.add_note(referral, by=TeamMemberFactory(), text="Internal note never emailed.")

    with django_capture_on_commit_callbacks(execute=True):
        team_call(action, referral, TeamMemberFactory())

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [referral.referrer.email]
    assert subject_part in message.subject
    assert referral.reference in message.body
    assert f"/referrals/{referral.pk}/" in message.body
    for private in (
        "Internal note never emailed.",
        "Synthetic explanation for the family.",
        "Is the family still at this address?",
        referral.infant.given_name,
    ):
        assert private not in message.body


def test_no_email_when_a_decision_rolls_back(django_capture_on_commit_callbacks):
    referral = referral_in("in_review")

    def accept_then_fail():
        with transaction.atomic():
            team_call("accept", referral, TeamMemberFactory())
            raise RuntimeError("failed after accepting")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        accept_then_fail()

    assert callbacks == []
    assert mail.outbox == []
    assert Referral.objects.get(pk=referral.pk).status == "in_review"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_one_succeeds_the_other_gets_the_friendly_conflict():
    referral = referral_in("in_review")
    version = referral.version
    people = [TeamMemberFactory(), TeamMemberFactory()]
    barrier = threading.Barrier(2)
    outcomes = []

    def accept_as(person):
        try:
            barrier.wait(timeout=10)
            workflow.accept(
                Referral.objects.get(pk=referral.pk), by=person, version=version, priority="routine"
            )
            outcomes.append("accepted")
        except workflow.Conflict as conflict:
            outcomes.append(conflict.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept_as, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes, key=len)[0] == "accepted"
    assert len(outcomes) == 2
    loser = next(outcome for outcome in outcomes if outcome != "accepted")
    assert "Nothing was changed" in loser or "nothing was changed" in loser
    assert ReferralEvent.objects.filter(referral=referral, to_status="accepted").count() == 1


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("start_review", "submitted"),
        ("accept", "in_review"),
        ("decline", "in_review"),
        ("withdraw", "submitted"),
        ("close", "accepted"),
    ],
)
def test_the_same_decision_sent_again_is_answered_as_the_first_and_applied_once(action, status):
    # A browser resends a form when an app server died after committing and before answering
    # (issue 17): the person who made the decision gets the same answer, not a refusal, and
    # nothing happens twice.
    referral = referral_in(status)
    by = TeamMemberFactory()
    opened = referral.version
    team_call(action, referral, by)
    after = Referral.objects.get(pk=referral.pk)

    again = team_call(action, Referral.objects.get(pk=referral.pk), by, version=opened)

    assert (again.status, again.version) == (after.status, after.version)
    assert ReferralEvent.objects.filter(referral=referral, by=by).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.CHANGE, actor=by).count() == 1


def test_someone_elses_decision_or_an_older_page_is_still_refused():
    referral = referral_in("in_review")
    opened = referral.version
    workflow.accept(referral, by=TeamMemberFactory(), version=opened, priority="routine")

    with pytest.raises(workflow.TransitionNotAllowed):  # another person's page
        workflow.accept(referral, by=TeamMemberFactory(), version=opened, priority="routine")
    first = TeamMemberFactory()
    other = referral_in("submitted")
    workflow.start_review(other, by=first, version=other.version)
    with pytest.raises(workflow.Conflict):  # the same person, a page from before that
        workflow.start_review(other, by=first, version=other.version - 2)
