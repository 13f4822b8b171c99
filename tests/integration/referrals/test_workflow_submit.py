"""workflow.submit: one transaction under a row lock, idempotent, refused with reasons."""

import re
import threading

import pytest
from django.core import mail
from django.db import connection, transaction

from imhs.models import AuditAction, AuditEvent
from referrals import workflow
from referrals.drafts import StaleDraft
from referrals.models import Referral, ReferralEvent, Status
from tests.factories import InfantFactory, ReferralFactory, ReferrerFactory

pytestmark = pytest.mark.django_db


def test_submit_sets_status_reference_received_date_and_stores_the_assessment():
    referral = ReferralFactory()

    workflow.submit(referral, by=referral.referrer)

    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    assert re.fullmatch(r"IMH-20\d\d-\d{5}", referral.reference)
    assert referral.submitted_at is not None
    assert referral.submitted_by == referral.referrer
    assert referral.eligibility_outcome == "eligible"
    assert referral.eligibility["checks"][0]["rule"] == "age"
    event = ReferralEvent.objects.get(referral=referral)
    assert (event.from_status, event.to_status, event.by) == (
        "draft",
        "submitted",
        referral.referrer,
    )
    audit = AuditEvent.objects.get(action=AuditAction.CHANGE, object_id=str(referral.pk))
    assert audit.detail["action"] == "submit"


def test_references_come_from_a_sequence_and_never_repeat():
    first, second = ReferralFactory(), ReferralFactory()
    workflow.submit(first, by=first.referrer)
    workflow.submit(second, by=second.referrer)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.reference != second.reference
    assert int(second.reference[-5:]) == int(first.reference[-5:]) + 1


def test_submitting_twice_changes_nothing_the_second_time():
    referral = ReferralFactory()
    workflow.submit(referral, by=referral.referrer)
    referral.refresh_from_db()
    reference = referral.reference

    again = workflow.submit(referral, by=referral.referrer)

    assert again.reference == reference
    assert ReferralEvent.objects.filter(referral=referral).count() == 1


def test_submit_is_refused_with_reasons_while_sections_are_incomplete():
    referral = ReferralFactory(section_states={"baby": "completed", "carers": "in_progress"})

    with pytest.raises(workflow.SubmissionRefused) as refused:
        workflow.submit(referral, by=referral.referrer)

    assert "Complete the section “Parents and carers”." in refused.value.reasons
    assert "Complete the section “Your concerns”." in refused.value.reasons
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT
    assert referral.reference is None


def test_submit_is_refused_for_an_ineligible_baby():
    referral = ReferralFactory(consent_given=False)

    with pytest.raises(workflow.SubmissionRefused) as refused:
        workflow.submit(referral, by=referral.referrer)

    assert any("does not meet the service's criteria" in r for r in refused.value.reasons)
    assert Referral.objects.get(pk=referral.pk).status == Status.DRAFT


def test_a_failed_gp_check_overridden_with_a_reason_can_be_sent_and_the_reason_is_kept():
    referral = ReferralFactory(infant__gp_practice__health_board_code="S08000031")
    with pytest.raises(workflow.SubmissionRefused):
        workflow.submit(referral, by=referral.referrer)

    reason = "Family moved last week; registering with a Coatbridge practice"
    workflow.submit(referral, by=referral.referrer, overrides={"gp_practice": reason})

    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    assert referral.gp_practice_override_reason == reason
    assert referral.eligibility_outcome == "needs_review"
    gp = next(c for c in referral.eligibility["checks"] if c["rule"] == "gp_practice")
    assert gp["outcome"] == "review"
    assert reason in gp["message"]


def test_an_age_failure_cannot_be_overridden():
    referral = ReferralFactory(infant__date_of_birth=InfantFactory.date_of_birth.replace(2020))

    with pytest.raises(workflow.SubmissionRefused):
        workflow.submit(
            referral, by=referral.referrer, overrides={"residence": "Any reason at all"}
        )

    assert Referral.objects.get(pk=referral.pk).status == Status.DRAFT


def test_submit_from_a_stale_check_page_is_refused():
    referral = ReferralFactory()
    shown = referral.version
    Referral.objects.filter(pk=referral.pk).update(version=shown + 1)  # another tab saved

    with pytest.raises(StaleDraft):
        workflow.submit(referral, by=referral.referrer, version=shown)


def test_possible_duplicate_needs_confirming_and_is_flagged_for_the_team():
    earlier = ReferralFactory(submitted=True)
    twin_record = InfantFactory(
        given_name=earlier.infant.given_name.upper(),
        family_name=earlier.infant.family_name,
        date_of_birth=earlier.infant.date_of_birth,
        chi_number="",
    )
    referral = ReferralFactory(infant=twin_record)

    with pytest.raises(workflow.SubmissionRefused) as refused:
        workflow.submit(referral, by=referral.referrer)
    assert "Confirm that you still want to send this referral." in refused.value.reasons

    workflow.submit(referral, by=referral.referrer, confirm_duplicate=True)
    referral.refresh_from_db()
    assert referral.possible_duplicate is True
    earlier.refresh_from_db()
    assert earlier.possible_duplicate is False


@pytest.mark.parametrize(
    ("same", "is_duplicate"),
    [("chi", True), ("name_and_birth", True), ("name_only", False), ("nothing", False)],
)
def test_possible_duplicates_match_chi_or_name_and_date_of_birth(same, is_duplicate):
    earlier = ReferralFactory(submitted=True)
    theirs = earlier.infant
    fields = {
        "chi": {"chi_number": theirs.chi_number, "given_name": "Different"},
        "name_and_birth": {"given_name": theirs.given_name, "family_name": theirs.family_name,
                           "date_of_birth": theirs.date_of_birth, "chi_number": ""},
        "name_only": {"given_name": theirs.given_name, "family_name": theirs.family_name,
                      "date_of_birth": theirs.date_of_birth.replace(day=1), "chi_number": ""},
        "nothing": {"given_name": "Other", "chi_number": ""},
    }[same]  # fmt: skip
    referral = ReferralFactory(infant=InfantFactory(**fields))

    assert Referral.objects.possible_duplicates_of(referral).exists() is is_duplicate


@pytest.mark.parametrize(
    ("status", "counts"),
    [
        ("submitted", True),
        ("in_review", True),
        ("information_requested", True),
        ("accepted", True),
        ("declined", False),
        ("withdrawn", False),
        ("closed", False),
    ],
)
def test_only_open_referrals_count_as_duplicates(status, counts):
    earlier = (
        ReferralFactory(declined=True)
        if status == "declined"
        else ReferralFactory(submitted=True, status=status)
    )
    referral = ReferralFactory(infant=InfantFactory(chi_number=earlier.infant.chi_number))
    assert Referral.objects.possible_duplicates_of(referral).exists() is counts


def test_acknowledgement_email_after_commit_has_the_reference_and_no_names(
    django_capture_on_commit_callbacks,
):
    referral = ReferralFactory()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(referral, by=referral.referrer)

    referral.refresh_from_db()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [referral.referrer.email]
    assert referral.reference in message.subject
    assert referral.reference in message.body
    assert f"/referrals/{referral.pk}/" in message.body
    for personal in (referral.infant.given_name, referral.infant.family_name,
                     referral.infant.chi_number, referral.infant.postcode):  # fmt: skip
        assert personal not in message.body
        assert personal not in message.subject


def test_no_email_when_the_submission_rolls_back(django_capture_on_commit_callbacks):
    referral = ReferralFactory()

    def submit_then_fail():
        with transaction.atomic():
            workflow.submit(referral, by=referral.referrer)
            raise RuntimeError("something after the submit failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        submit_then_fail()

    assert callbacks == []
    assert mail.outbox == []
    assert Referral.objects.get(pk=referral.pk).status == Status.DRAFT


def test_another_person_cannot_submit_someone_elses_submitted_referral():
    referral = ReferralFactory()
    workflow.submit(referral, by=referral.referrer)

    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.submit(referral, by=ReferrerFactory())


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submits_make_one_referral():
    referral = ReferralFactory()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def submit_in_own_connection():
        try:
            barrier.wait(timeout=10)
            results.append(workflow.submit(referral, by=referral.referrer).reference)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit_in_own_connection) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(results) == 2
    assert results[0] == results[1]
    assert ReferralEvent.objects.filter(referral=referral).count() == 1
    assert Referral.objects.filter(reference=results[0]).count() == 1
