"""SafetyForm: child protection (with its follow-up questions), other risks, and the rows of
other professionals, added without JavaScript."""

import pytest
from crispy_forms.utils import render_crispy_form
from django.utils.datastructures import MultiValueDict

from referrals.models import InvolvedProfessional, Referral
from referrals.referrer.forms.safety import BLANK_ROWS, MAX_ROWS, SafetyForm
from tests.factories import ReferralFactory


def valid_data(**changes):
    data = {
        "child_protection_concerns": "yes",
        "child_protection_plan": "no",
        "child_protection_details": "Synthetic: referred to social work last month.",
        "other_risks": "",
        "professional_0_name": "Testina Worker",
        "professional_0_role": "Social worker, Test Council",
        "professional_0_contact": "01698 000000",
        "professional_1_name": "",
        "professional_1_role": "",
        "professional_1_contact": "",
    }
    data.update(changes)
    return data


def bound(**changes):
    return SafetyForm(valid_data(**changes), referral=Referral())


def errors_of(form):
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def test_valid_answers_are_accepted():
    form = bound()
    assert form.is_valid(), form.errors
    assert form.professionals() == [
        ("Testina Worker", "Social worker, Test Council", "01698 000000")
    ]


def test_the_child_protection_question_must_be_answered():
    errors = errors_of(bound(child_protection_concerns=""))
    assert errors == {
        "child_protection_concerns": [
            "Select yes if there are child protection concerns about the baby"
        ]
    }


def test_an_answer_that_is_not_offered_is_refused():
    errors = errors_of(bound(child_protection_concerns="maybe"))
    assert list(errors) == ["child_protection_concerns"]


def test_concerns_need_the_plan_question_and_the_details():
    errors = errors_of(bound(child_protection_plan="", child_protection_details=""))
    assert errors == {
        "child_protection_plan": ["Select yes if there is a child protection plan for the baby"],
        "child_protection_details": ["Describe the child protection concerns"],
    }


def test_without_concerns_the_follow_up_questions_are_not_asked_and_are_ignored():
    form = bound(
        child_protection_concerns="no",
        child_protection_plan="",
        child_protection_details="Typed before changing the answer to no.",
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["child_protection_plan"] == ""
    assert form.cleaned_data["child_protection_details"] == ""


def test_hidden_follow_up_answers_never_cause_an_error():
    form = bound(child_protection_concerns="no", child_protection_details="x" * 5000)
    assert form.is_valid(), form.errors


def test_other_risks_are_optional_but_limited_in_length():
    assert bound(other_risks="").is_valid()
    errors = errors_of(bound(other_risks="x" * 1001))
    assert errors == {"other_risks": ["Other risks must be 1000 characters or fewer"]}


def test_a_row_with_a_name_but_no_role_asks_for_the_role():
    errors = errors_of(bound(professional_0_role=""))
    assert errors == {"professional_0_role": ["Enter the professional's role or agency"]}


def test_a_row_with_a_role_but_no_name_asks_for_the_name():
    errors = errors_of(bound(professional_1_role="GP"))
    assert errors == {"professional_1_name": ["Enter the professional's name"]}


def test_a_row_with_only_contact_details_asks_for_name_and_role():
    errors = errors_of(bound(professional_1_contact="test@example.org"))
    assert errors == {
        "professional_1_name": ["Enter the professional's name"],
        "professional_1_role": ["Enter the professional's role or agency"],
    }


def test_blank_rows_are_ignored():
    form = bound(professional_0_name="", professional_0_role="", professional_0_contact="  ")
    assert form.is_valid(), form.errors
    assert form.professionals() == []


def test_rows_keep_their_order_and_gaps_close_up():
    form = bound(
        professional_0_name="",
        professional_0_role="",
        professional_0_contact="",
        professional_1_name="Second Test",
        professional_1_role="GP",
        professional_2_name="Third Test",
        professional_2_role="Nursery key worker",
        professional_2_contact="",
    )
    assert form.is_valid(), form.errors
    assert form.professionals() == [
        ("Second Test", "GP", ""),
        ("Third Test", "Nursery key worker", ""),
    ]


def test_professional_details_over_the_limit_are_refused():
    errors = errors_of(bound(professional_0_name="x" * 201, professional_0_contact="1" * 201))
    assert errors == {
        "professional_0_name": ["Name must be 200 characters or fewer"],
        "professional_0_contact": ["Phone number or email must be 200 characters or fewer"],
    }


def test_an_unbound_form_offers_the_saved_rows_plus_blank_ones():
    form = SafetyForm(referral=Referral())
    assert form.rows == list(range(BLANK_ROWS))
    assert "professional_1_name" in form.fields


def test_a_bound_form_has_the_rows_submitted():
    form = bound(professional_4_name="Fifth Test", professional_4_role="GP")
    assert form.rows == [0, 1, 4]
    assert form.is_valid(), form.errors
    assert form.professionals()[-1] == ("Fifth Test", "GP", "")


def test_a_crafted_submission_cannot_add_rows_beyond_the_limit():
    form = bound(**{f"professional_{MAX_ROWS}_name": "Too far", "professional_999999_name": "x"})
    assert max(form.rows) < MAX_ROWS
    assert form.is_valid(), form.errors


def test_typed_values_are_shown_again_with_the_messages():
    form = bound(
        child_protection_details="",
        other_risks="Synthetic: a large dog in the home.",
        professional_0_role="",
        professional_1_contact="typed-contact@example.org",
    )
    assert not form.is_valid()
    html = render_crispy_form(form)
    assert 'value="Testina Worker"' in html
    assert "Synthetic: a large dog in the home." in html
    assert 'value="typed-contact@example.org"' in html
    assert "Describe the child protection concerns" in html
    assert "Enter the professional&#x27;s role or agency" in html
    # The concerns answer stays selected, so its follow-up questions stay open.
    assert 'value="yes" checked' in html
    assert 'class="nhsuk-radios__conditional" id="conditional-id_child_protection_concerns_0"' in (
        html
    )


def test_form_bound_from_a_stored_draft_keeps_its_rows():
    stored = {name: [value] for name, value in valid_data(professional_0_role="").items()}
    form = SafetyForm(MultiValueDict(stored), referral=Referral())
    assert form.rows == [0, 1]
    assert errors_of(form) == {"professional_0_role": ["Enter the professional's role or agency"]}


def test_page_explains_how_to_add_more_professionals():
    html = render_crispy_form(SafetyForm(referral=Referral()))
    assert "Professional or agency 1" in html
    assert "Professional or agency 2" in html
    assert "Professional or agency 3" not in html
    assert "come back to this section" in html
    assert "Phone number or email (optional)" in html
    # Follow-up questions are drawn inside the "Yes" reveal, not labelled optional.
    assert "What are the concerns?" in html
    assert "What are the concerns? (optional)" not in html


@pytest.mark.django_db
def test_initial_values_are_the_saved_answers_with_two_more_rows():
    referral = ReferralFactory(child_protection_concerns=True, child_protection_plan=False)
    InvolvedProfessional.objects.create(referral=referral, name="A Test", role="GP")
    InvolvedProfessional.objects.create(referral=referral, name="B Test", role="Social worker")
    form = SafetyForm(referral=referral)
    assert form.initial["child_protection_concerns"] == "yes"
    assert form.initial["child_protection_plan"] == "no"
    assert form.initial["professional_1_name"] == "B Test"
    assert form.rows == [0, 1, 2, 3]
    html = render_crispy_form(form)
    assert 'value="A Test"' in html
    assert "Professional or agency 4" in html


@pytest.mark.django_db
def test_save_writes_answers_and_replaces_the_professionals():
    referral = ReferralFactory()
    InvolvedProfessional.objects.create(referral=referral, name="Old Test", role="GP")
    form = SafetyForm(
        valid_data(
            child_protection_plan="yes",
            other_risks="Synthetic risk.",
            professional_1_name="New Test",
            professional_1_role="Family support worker",
        ),
        referral=referral,
    )
    assert form.is_valid(), form.errors
    form.save()
    referral.refresh_from_db()
    assert referral.child_protection_concerns is True
    assert referral.child_protection_plan is True
    assert referral.child_protection_details == "Synthetic: referred to social work last month."
    assert referral.other_risks == "Synthetic risk."
    assert [(p.name, p.role, p.contact) for p in referral.professionals.all()] == [
        ("Testina Worker", "Social worker, Test Council", "01698 000000"),
        ("New Test", "Family support worker", ""),
    ]


@pytest.mark.django_db
def test_saving_no_concerns_clears_the_follow_up_answers():
    referral = ReferralFactory(
        child_protection_concerns=True,
        child_protection_plan=True,
        child_protection_details="Earlier synthetic details.",
    )
    form = SafetyForm(valid_data(child_protection_concerns="no"), referral=referral)
    assert form.is_valid(), form.errors
    form.save()
    referral.refresh_from_db()
    assert referral.child_protection_concerns is False
    assert referral.child_protection_plan is None
    assert referral.child_protection_details == ""


@pytest.mark.django_db
def test_summary_reads_back_the_answers():
    referral = ReferralFactory(
        child_protection_concerns=True,
        child_protection_plan=False,
        child_protection_details="Synthetic details.",
        other_risks="",
    )
    InvolvedProfessional.objects.create(
        referral=referral, name="A Test", role="GP", contact="01698 000000"
    )
    InvolvedProfessional.objects.create(referral=referral, name="B Test", role="Social worker")
    assert SafetyForm.summary(referral) == [
        ("Child protection concerns", "Yes"),
        ("Child protection plan", "No"),
        ("The child protection concerns", "Synthetic details."),
        ("Other risks", "None"),
        ("Other professionals and agencies", "A Test, GP, 01698 000000\nB Test, Social worker"),
    ]


def test_summary_of_an_unanswered_section_says_not_given():
    assert SafetyForm.summary(Referral()) == [
        ("Child protection concerns", ""),
        ("Other risks", ""),
        ("Other professionals and agencies", ""),
    ]


@pytest.mark.django_db
def test_summary_without_concerns_or_professionals():
    referral = ReferralFactory(child_protection_concerns=False)
    assert SafetyForm.summary(referral) == [
        ("Child protection concerns", "No"),
        ("Other risks", "None"),
        ("Other professionals and agencies", "None"),
    ]
