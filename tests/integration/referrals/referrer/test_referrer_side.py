"""The referrer's side of a sent referral: its status, the decision meant for them, the team's
question and their answer, and the emails. Never team notes."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from referrals import workflow
from referrals.models import (
    AppointmentMode,
    InformationRequest,
    Priority,
    Purpose,
    Referral,
    SignpostService,
    Status,
)
from tests.factories import InfantFactory, ReferralFactory, ReferrerFactory, TeamMemberFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

QUESTION = "Synthetic question: has the family moved since the referral?"
ANSWER = "Synthetic answer: no, they are at the same address."
TEAM_NOTE = "Synthetic team note: internal only, never for the referrer."
ACCEPT_NOTE = "Synthetic acceptance note for the team's record."
EXPLANATION = "Synthetic explanation: the family's needs are better met elsewhere."


def detail_url(referral):
    return reverse("referrals:detail", args=[referral.pk])


def answer_url(referral):
    return reverse("referrals:answer_question", args=[referral.pk])


@pytest.fixture
def sent(referrer):
    return ReferralFactory(
        submitted=True, referrer=referrer, infant=InfantFactory(given_name="Babyname")
    )


def ask(referral, by):
    referral.refresh_from_db()
    workflow.request_information(referral, by=by, version=referral.version, question=QUESTION)


def accept(referral, by):
    referral.refresh_from_db()
    workflow.start_review(referral, by=by, version=referral.version)
    workflow.accept(
        referral,
        by=by,
        version=referral.version,
        priority=Priority.URGENT,
        allocate_to=by,
        note=ACCEPT_NOTE,
    )


def decline(referral, by, service):
    referral.refresh_from_db()
    workflow.decline(
        referral,
        by=by,
        version=referral.version,
        reason="another_service",
        explanation=EXPLANATION,
        signposted_to=service,
    )


# --- the request-information round trip --------------------------------------------------


def test_request_information_round_trip(client, referrer, team_member, sent):
    ask(sent, team_member)
    sign_in(client, referrer)

    page = client.get(detail_url(sent)).content.decode()
    assert "The team has a question for you" in page
    assert QUESTION in page
    assert f'action="{answer_url(sent)}"' in page

    response = client.post(answer_url(sent), {"answer": ANSWER})

    assert response.status_code == 302
    assert response.url == detail_url(sent)
    saved = Referral.objects.get(pk=sent.pk)
    assert saved.status == Status.SUBMITTED
    exchange = InformationRequest.objects.get(referral=sent)
    assert (exchange.answer, exchange.answered_by) == (ANSWER, referrer)
    last = saved.events.last()
    assert (last.from_status, last.to_status, last.by) == (
        Status.INFORMATION_REQUESTED,
        Status.SUBMITTED,
        referrer,
    )

    page = client.get(detail_url(sent)).content.decode()
    assert "Your answer has been sent to the team." in page
    assert "The team has a question for you" not in page
    assert "The team asked you for more information" in page
    assert "Your answer was sent to the team" in page
    assert page.index(QUESTION) < page.index(ANSWER)  # the exchange, in order, in the timeline


def test_empty_answer_is_refused_next_to_the_box(client, referrer, team_member, sent):
    ask(sent, team_member)
    sign_in(client, referrer)

    response = client.post(answer_url(sent), {"answer": "   "})

    assert response.status_code == 200
    assert "Enter your answer to the team&#x27;s question" in response.content.decode()
    assert Referral.objects.get(pk=sent.pk).status == Status.INFORMATION_REQUESTED


def test_too_long_answer_is_refused_and_kept(client, referrer, team_member, sent):
    ask(sent, team_member)
    sign_in(client, referrer)
    typed = "Synthetic answer. " * 200  # 3,600 characters

    response = client.post(answer_url(sent), {"answer": typed})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Your answer must be 3000 characters or fewer" in page
    assert typed.strip() in page
    assert "<title>Error: " in page
    assert Referral.objects.get(pk=sent.pk).status == Status.INFORMATION_REQUESTED


def test_answering_again_is_a_friendly_message(client, referrer, team_member, sent):
    ask(sent, team_member)
    sign_in(client, referrer)
    client.post(answer_url(sent), {"answer": ANSWER})

    response = client.post(answer_url(sent), {"answer": "A second answer."}, follow=True)

    assert "You cannot answer the question on this referral now" in response.content.decode()
    assert InformationRequest.objects.get(referral=sent).answer == ANSWER


def test_no_answer_form_without_an_open_question(client, referrer, sent):
    sign_in(client, referrer)

    page = client.get(detail_url(sent)).content.decode()

    assert answer_url(sent) not in page
    response = client.post(answer_url(sent), {"answer": ANSWER}, follow=True)
    assert "You cannot answer the question on this referral now" in response.content.decode()
    assert Referral.objects.get(pk=sent.pk).status == Status.SUBMITTED


def test_answering_needs_a_post(client, referrer, team_member, sent):
    ask(sent, team_member)
    sign_in(client, referrer)
    assert client.get(answer_url(sent)).status_code == 405


# --- the decision summary ---------------------------------------------------------------------


def test_accepted_referral_shows_the_decision_but_nothing_internal(
    client, referrer, team_member, sent
):
    accept(sent, team_member)
    sign_in(client, referrer)

    page = client.get(detail_url(sent)).content.decode()

    assert "The team's decision" in page
    assert "Accepted" in page
    assert "A member of the team will contact the family" in page
    # Priority, allocation and the team's own notes stay with the team.
    assert "Urgent" not in page
    assert team_member.full_name not in page
    assert ACCEPT_NOTE not in page


def test_allocation_after_acceptance_is_not_shown_as_another_step(
    client, referrer, team_member, sent
):
    accept(sent, team_member)
    sent.refresh_from_db()
    colleague = TeamMemberFactory(given_name="Allocatedperson")
    workflow.allocate(sent, by=team_member, version=sent.version, to=colleague)
    sign_in(client, referrer)

    page = client.get(detail_url(sent)).content.decode()

    assert page.count("Accepted by the team") == 1
    assert "Allocatedperson" not in page


def test_in_treatment_the_referrer_sees_that_it_started_but_no_appointment_details(
    client, referrer, team_member, sent
):
    accept(sent, team_member)
    today = timezone.localdate()
    appointment = workflow.book_appointment(
        sent,
        by=team_member,
        version=sent.version,
        on=today,
        time=datetime.time(9, 30),
        purpose=Purpose.FIRST_TREATMENT,
        mode=AppointmentMode.HOME_VISIT,
        location="Synthetic address for the visit",
        staff=[team_member],
    )
    workflow.record_attendance(
        sent, appointment=appointment, by=team_member, version=sent.version, attendance="attended"
    )
    sign_in(client, referrer)

    page = client.get(detail_url(sent)).content.decode()

    assert "In treatment" in page
    assert "is working with the family" in page
    assert "Treatment started" in page
    assert "The team's decision" in page
    # When and where the family is seen, and by whom, stay with the team and the family.
    for private in ("First treatment session", "Home visit", "Synthetic address", "09:30"):
        assert private not in page
    assert "A member of the team will contact the family" not in page


def test_declined_referral_shows_the_explanation_and_the_service(
    client, referrer, team_member, sent
):
    service = SignpostService.objects.create(
        name="Test Family Support Service", contact="Phone 01698 000003"
    )
    decline(sent, team_member, service)
    sign_in(client, referrer)

    page = client.get(detail_url(sent)).content.decode()

    assert "Not accepted" in page
    assert EXPLANATION.replace("'", "&#x27;") in page
    assert "Test Family Support Service" in page
    assert "Phone 01698 000003" in page


def test_declined_referral_shows_another_named_service(client, referrer):
    referral = ReferralFactory(declined=True, referrer=referrer)
    sign_in(client, referrer)

    page = client.get(detail_url(referral)).content.decode()

    assert "Synthetic explanation for the family and referrer." in page
    assert "Test Family Support Service" in page


def test_no_decision_summary_before_a_decision(client, referrer, sent):
    sign_in(client, referrer)
    page = client.get(detail_url(sent)).content.decode()
    assert "The team's decision" not in page
    assert "The team has received the referral" in page


# --- team notes never reach referrers --------------------------------------------------------


@pytest.mark.parametrize("step", ["submitted", "asked", "answered", "accepted", "declined"])
def test_team_notes_never_appear_on_the_referrers_page(client, referrer, team_member, sent, step):
    workflow.add_note(sent, by=team_member, text=TEAM_NOTE)
    if step in ("asked", "answered"):
        ask(sent, team_member)
    if step == "answered":
        workflow.answer_information_request(sent, by=referrer, answer=ANSWER)
    if step == "accepted":
        accept(sent, team_member)
    if step == "declined":
        decline(sent, team_member, SignpostService.objects.create(name="Test Service"))
    workflow.add_note(sent, by=team_member, text=TEAM_NOTE + " (after)")
    sign_in(client, referrer)

    page = client.get(detail_url(sent)).content.decode()

    assert sent.reference in page
    assert "Synthetic team note" not in page


# --- only the referrer's own referrals ----------------------------------------------------------


def test_another_referrer_gets_404(client, team_member, sent):
    ask(sent, team_member)
    sign_in(client, ReferrerFactory())

    assert client.get(detail_url(sent)).status_code == 404
    assert client.post(answer_url(sent), {"answer": ANSWER}).status_code == 404
    assert Referral.objects.get(pk=sent.pk).status == Status.INFORMATION_REQUESTED


def test_team_members_cannot_answer_for_the_referrer(client, team_member, sent):
    ask(sent, team_member)
    sign_in(client, team_member)

    assert client.post(answer_url(sent), {"answer": ANSWER}).status_code == 403
    assert Referral.objects.get(pk=sent.pk).status == Status.INFORMATION_REQUESTED


# --- emails -------------------------------------------------------------------------------------


@pytest.mark.parametrize("decision", ["request_information", "accept", "decline"])
def test_decision_email_after_commit_has_only_the_reference_and_link(
    django_capture_on_commit_callbacks, team_member, sent, decision
):
    workflow.add_note(sent, by=team_member, text=TEAM_NOTE)
    service = SignpostService.objects.create(name="Test Signposted Service")

    with django_capture_on_commit_callbacks(execute=True):
        {
            "request_information": lambda: ask(sent, team_member),
            "accept": lambda: accept(sent, team_member),
            "decline": lambda: decline(sent, team_member, service),
        }[decision]()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [sent.referrer.email]
    assert sent.reference in message.subject
    assert sent.reference in message.body
    assert detail_url(sent) in message.body
    text = message.subject + message.body
    infant = sent.infant
    for private in (
        TEAM_NOTE,
        QUESTION,
        EXPLANATION,
        ACCEPT_NOTE,
        "Test Signposted Service",
        "Urgent",
        team_member.full_name,
        sent.referrer.full_name,
        infant.given_name,
        infant.family_name,
        infant.chi_number,
        infant.postcode,
    ):
        assert private not in text


def test_no_email_when_the_decision_rolls_back(django_capture_on_commit_callbacks, team_member):
    referral = ReferralFactory(submitted=True)

    def ask_then_fail():
        with transaction.atomic():
            ask(referral, team_member)
            raise RuntimeError("something after the question failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        ask_then_fail()

    assert callbacks == []
    assert mail.outbox == []
    assert Referral.objects.get(pk=referral.pk).status == Status.SUBMITTED


def test_no_email_when_the_referrer_answers(django_capture_on_commit_callbacks, team_member, sent):
    ask(sent, team_member)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.answer_information_request(sent, by=sent.referrer, answer=ANSWER)
    assert mail.outbox == []
