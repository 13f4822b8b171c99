"""The team's triage forms: what each one asks, its messages in NHS.UK words, and the workflow
arguments it hands over."""

import datetime

import pytest
from crispy_forms.utils import render_crispy_form
from django.utils import timezone

from referrals import workflow
from referrals.models import Referral, SignpostService
from referrals.team.forms.triage import (
    FORMS,
    AcceptForm,
    AllocateForm,
    CloseForm,
    DeclineForm,
    NoteForm,
    RequestInformationForm,
    StartReviewForm,
    WithdrawForm,
)
from tests.factories import ReferrerFactory, ServiceLeadFactory, TeamMemberFactory


def errors_of(form):
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def date_data(name, value):
    return {f"{name}_day": value.day, f"{name}_month": value.month, f"{name}_year": value.year}


def received(days_ago):
    """An unsaved referral received `days_ago` days ago (the forms read only its dates)."""
    return Referral(submitted_at=timezone.now() - datetime.timedelta(days=days_ago))


def test_there_is_a_form_for_every_action_the_page_offers():
    team_actions = {"start_review", "request_information", "accept", "decline", "allocate"}
    team_actions |= {"close", "withdraw"}

    assert set(FORMS) == team_actions
    for action, form_class in FORMS.items():
        assert form_class.action == action
        # Each form calls the workflow's write of the same name (named in the form, not looked up).
        assert form_class.write.__module__ == workflow.__name__
        assert form_class.write.__name__ == action


def test_start_review_asks_nothing():
    form = StartReviewForm({})

    assert form.is_valid()
    assert form.arguments() == {}


def test_the_question_is_required_and_limited():
    assert errors_of(RequestInformationForm({"question": " "})) == {
        "question": ["Enter your question to the referrer"]
    }
    assert errors_of(RequestInformationForm({"question": "x" * 1001})) == {
        "question": ["Your question must be 1000 characters or fewer"]
    }
    form = RequestInformationForm({"question": "Synthetic question?"})
    assert form.is_valid()
    assert form.arguments() == {"question": "Synthetic question?"}


@pytest.mark.django_db
def test_accept_needs_a_priority_and_may_allocate_later():
    assert errors_of(AcceptForm({})) == {
        "priority": ["Select whether the referral is routine or urgent"]
    }
    form = AcceptForm({"priority": "routine", "allocate_to": "", "note": ""})
    assert form.is_valid()
    assert form.arguments() == {"priority": "routine", "allocate_to": None, "note": ""}


@pytest.mark.django_db
def test_accept_allocates_only_to_active_team_members_and_service_leads():
    member, lead = TeamMemberFactory(), ServiceLeadFactory()
    gone = TeamMemberFactory(is_active=False)
    referrer = ReferrerFactory()

    choices = {value for value, _label in AcceptForm().fields["allocate_to"].choices}

    assert {str(member.pk), str(lead.pk)} <= {str(value) for value in choices}
    assert str(gone.pk) not in {str(value) for value in choices}
    form = AcceptForm({"priority": "urgent", "allocate_to": referrer.pk})
    assert errors_of(form) == {
        "allocate_to": ["Select a team member from the list, or allocate later"]
    }
    form = AcceptForm({"priority": "urgent", "allocate_to": lead.pk})
    assert form.is_valid()
    assert form.arguments()["allocate_to"] == lead


@pytest.mark.django_db
def test_allocate_needs_a_team_member():
    member = TeamMemberFactory()

    assert errors_of(AllocateForm({"to": ""})) == {"to": ["Select who to allocate the referral to"]}
    form = AllocateForm({"to": member.pk})
    assert form.is_valid()
    assert form.arguments() == {"to": member}


@pytest.mark.django_db
def test_decline_needs_a_reason_a_service_and_an_explanation():
    assert errors_of(DeclineForm({})) == {
        "reason": ["Select why the referral is being declined"],
        "signposted_to": ["Select the service you have signposted the family to, or Other"],
        "explanation": ["Enter an explanation for the family and the referrer"],
    }


@pytest.mark.django_db
def test_decline_to_a_listed_service_ignores_the_hidden_other_box():
    service = SignpostService.objects.create(name="Test Service", contact="01698 000000")

    form = DeclineForm(
        {
            "reason": "another_service",
            "signposted_to": str(service.pk),
            "signposted_other": "typed, then changed their mind",
            "explanation": "Synthetic explanation.",
        }
    )

    assert form.is_valid(), form.errors
    assert form.arguments() == {
        "reason": "another_service",
        "explanation": "Synthetic explanation.",
        "signposted_to": service,
        "signposted_other": "",
    }


@pytest.mark.django_db
def test_decline_to_other_needs_the_service_named():
    data = {"reason": "other", "signposted_to": "other", "explanation": "Synthetic."}

    assert errors_of(DeclineForm({**data, "signposted_other": " "})) == {
        "signposted_other": ["Enter the name of the service you have signposted the family to"]
    }
    form = DeclineForm({**data, "signposted_other": "Synthetic Group, 01698 000000"})
    assert form.is_valid()
    assert form.arguments()["signposted_to"] is None
    assert form.arguments()["signposted_other"] == "Synthetic Group, 01698 000000"


@pytest.mark.django_db
def test_decline_offers_only_active_services_then_other():
    SignpostService.objects.create(name="Active Test Service")
    SignpostService.objects.create(name="Retired Test Service", active=False)

    labels = [label for _value, label in DeclineForm().fields["signposted_to"].choices]

    assert labels == ["Active Test Service", "Other"]
    retired = SignpostService.objects.get(active=False)
    form = DeclineForm(
        {"reason": "other", "signposted_to": str(retired.pk), "explanation": "Synthetic."}
    )
    assert "signposted_to" in errors_of(form)


@pytest.mark.django_db
def test_decline_renders_the_other_box_inside_the_other_radio():
    SignpostService.objects.create(name="Test Service")

    html = render_crispy_form(DeclineForm())

    assert 'data-aria-controls="conditional-decline-signposted_to_1"' in html
    assert html.index('id="conditional-decline-signposted_to_1"') < html.index(
        'id="decline-signposted_other"'
    )
    assert "Written for the family and the referrer: it goes in the letters." in html
    assert "Name of the service (optional)" not in html


def test_withdraw_needs_a_reason():
    assert errors_of(WithdrawForm({"reason": ""})) == {
        "reason": ["Enter why the referral is being withdrawn"]
    }
    assert WithdrawForm({"reason": "Synthetic."}).is_valid()


def test_close_needs_a_coded_reason_and_a_date_not_in_the_future():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    assert errors_of(CloseForm({"reason": ""})) == {
        "reason": ["Select why the case is closing"],
        "closed_on": ["Enter the date it closed"],
    }
    assert errors_of(CloseForm({"reason": "Synthetic.", **date_data("closed_on", tomorrow)})) == {
        "reason": ["Select why the case is closing"],
        "closed_on": ["The date it closed must be today or in the past"],
    }
    assert errors_of(
        CloseForm({"reason": "moved_away", "closed_on_day": "3", "closed_on_year": "2026"})
    ) == {"closed_on": ["The date it closed must include a month"]}


def test_close_for_other_needs_a_note():
    today = timezone.localdate()

    assert errors_of(CloseForm({"reason": "other", **date_data("closed_on", today)})) == {
        "note": ["Say why the case is closing"]
    }
    form = CloseForm({"reason": "other", "note": "Synthetic.", **date_data("closed_on", today)})
    assert form.is_valid()


def test_close_cannot_be_before_the_referral_was_received():
    referral = received(days_ago=10)
    too_early = referral.received_on - datetime.timedelta(days=1)

    form = CloseForm(
        {"reason": "moved_away", **date_data("closed_on", too_early)}, referral=referral
    )

    [message] = errors_of(form)["closed_on"]
    assert message.startswith("The date it closed must be on or after the date the referral")
    today = timezone.localdate()
    form = CloseForm({"reason": "moved_away", **date_data("closed_on", today)}, referral=referral)
    assert form.is_valid()
    assert form.arguments() == {"reason": "moved_away", "note": "", "closed_on": today}


def test_a_note_needs_some_text():
    assert errors_of(NoteForm({"text": "  "})) == {"text": ["Enter the note"]}
    assert NoteForm({"text": "Synthetic."}).is_valid()


@pytest.mark.django_db
def test_forms_sharing_a_page_have_ids_of_their_own():
    ids = [form_class().auto_id % "reason" for form_class in (DeclineForm, WithdrawForm, CloseForm)]

    assert ids == ["decline-reason", "withdraw-reason", "close-reason"]
    assert 'id="withdraw-reason"' in render_crispy_form(WithdrawForm())
    assert 'name="reason"' in render_crispy_form(WithdrawForm())
