"""About you: the referrer's details, prefilled from their account, and the nursery rules."""

import pytest
from crispy_forms.utils import render_crispy_form

from imhs.models import Profession
from referrals import drafts
from referrals.referrer.forms.about_you import PROFESSION_CHOICES, AboutYouForm
from referrals.referrer.forms.carers import UK_PHONE_MESSAGE
from tests.factories import ReferrerFactory

pytestmark = pytest.mark.django_db

VALID = {
    "referrer_name": "Testgiven Testfamily",
    "referrer_profession": "health_visitor",
    "referrer_job_title": "Health Visitor",
    "referrer_base": "Test Health Visiting Team",
    "referrer_phone": "07700 900201",
    "referrer_email": "testgiven.testfamily@example.org",
    "discussed_with_health_visitor": "",
    "health_visitor_name": "",
}


@pytest.fixture
def referral():
    user = ReferrerFactory(
        given_name="Testgiven",
        family_name="Testfamily",
        profession=Profession.NURSERY,
        job_title="Early Years Practitioner",
        base="Test Nursery",
        work_phone="01698 754609",
    )
    return drafts.start_draft(by=user)


def about_you(referral, **changes):
    return AboutYouForm(data={**VALID, **changes}, referral=referral)


def errors_of(form):
    assert not form.is_valid()
    return form.errors


def test_prefilled_from_the_account(referral):
    initial = AboutYouForm(referral=referral).initial
    assert initial == {
        "referrer_name": "Testgiven Testfamily",
        "referrer_profession": "nursery",
        "referrer_job_title": "Early Years Practitioner",
        "referrer_base": "Test Nursery",
        "referrer_phone": "01698 754609",
        "referrer_email": "testgiven.testfamily@example.org",
        "discussed_with_health_visitor": "",
        "health_visitor_name": "",
    }
    html = render_crispy_form(AboutYouForm(referral=referral))
    assert 'value="Test Nursery"' in html
    assert 'value="nursery" checked' in html


def test_the_five_referrer_professions_in_order():
    assert [value for value, _ in PROFESSION_CHOICES] == [
        "health_visitor",
        "family_nurse",
        "nursery",
        "mnpi",
        "pmht",
    ]
    assert dict(PROFESSION_CHOICES)["family_nurse"] == Profession.FAMILY_NURSE.label


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("referrer_name", "Enter your full name"),
        ("referrer_profession", "Select your profession"),
        ("referrer_base", "Enter the team, service or nursery you work from"),
        ("referrer_phone", "Enter your phone number"),
        ("referrer_email", "Enter your email address"),
    ],
)
def test_each_required_answer_has_its_own_message(referral, field, message):
    assert errors_of(about_you(referral, **{field: ""}))[field] == [message]


def test_job_title_is_optional(referral):
    assert about_you(referral, referrer_job_title="").is_valid()


def test_a_team_profession_is_not_a_referrer_type(referral):
    errors = errors_of(about_you(referral, referrer_profession="clinical_psychologist"))
    assert errors["referrer_profession"] == ["Select your profession"]


@pytest.mark.parametrize("phone", ["01698 75460", "phone me", "+1 212 555 2368"])
def test_a_phone_number_that_is_not_a_uk_one_is_refused(referral, phone):
    assert errors_of(about_you(referral, referrer_phone=phone))["referrer_phone"] == [
        UK_PHONE_MESSAGE
    ]


def test_an_email_address_in_the_wrong_format_is_refused(referral):
    errors = errors_of(about_you(referral, referrer_email="testgiven.example.org"))
    assert errors["referrer_email"] == [
        "Enter an email address in the correct format, like name@example.org"
    ]


def test_nursery_referrals_say_whether_it_was_discussed(referral):
    errors = errors_of(about_you(referral, referrer_profession="nursery"))
    assert errors["discussed_with_health_visitor"] == [
        "Select yes if you have discussed this referral with the family's Health Visitor or "
        "Family Nurse"
    ]


def test_nursery_referrals_discussed_name_the_health_visitor(referral):
    errors = errors_of(
        about_you(referral, referrer_profession="nursery", discussed_with_health_visitor="yes")
    )
    assert errors["health_visitor_name"] == [
        "Enter the name of the Health Visitor or Family Nurse you discussed it with"
    ]


def test_nursery_referral_not_yet_discussed_needs_no_name(referral):
    form = about_you(
        referral,
        referrer_profession="nursery",
        discussed_with_health_visitor="no",
        health_visitor_name="Typed then changed mind",
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["health_visitor_name"] == ""


def test_other_professions_are_not_asked_about_the_health_visitor(referral):
    form = about_you(
        referral, discussed_with_health_visitor="yes", health_visitor_name="Hidden answer"
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["discussed_with_health_visitor"] == ""
    assert form.cleaned_data["health_visitor_name"] == ""


def test_save_writes_the_referrals_details(referral):
    form = about_you(
        referral,
        referrer_name="  Changed Name ",
        referrer_profession="nursery",
        referrer_phone="+44 7700 900202",
        discussed_with_health_visitor="yes",
        health_visitor_name="Hvtest Example",
    )
    assert form.is_valid(), form.errors

    form.save()

    referral.refresh_from_db()
    assert referral.referrer_name == "Changed Name"
    assert referral.referrer_profession == "nursery"
    assert referral.referrer_phone == "07700 900202"
    assert referral.discussed_with_health_visitor is True
    assert referral.health_visitor_name == "Hvtest Example"


def test_changing_away_from_nursery_forgets_the_nursery_answers(referral):
    referral.discussed_with_health_visitor = True
    referral.health_visitor_name = "Hvtest Example"
    referral.save()

    form = about_you(referral, referrer_profession="family_nurse")
    assert form.is_valid(), form.errors
    form.save()

    referral.refresh_from_db()
    assert referral.discussed_with_health_visitor is None
    assert referral.health_visitor_name == ""


def test_summary(referral):
    referral.discussed_with_health_visitor = True
    referral.health_visitor_name = "Hvtest Example"

    assert AboutYouForm.summary(referral) == [
        ("Name", "Testgiven Testfamily"),
        ("Profession", Profession.NURSERY.label),
        ("Job title", "Early Years Practitioner"),
        ("Where you are based", "Test Nursery"),
        ("Phone number", "01698 754609"),
        ("Email address", "testgiven.testfamily@example.org"),
        ("Discussed with the family's Health Visitor or Family Nurse", "Yes"),
        ("Health Visitor or Family Nurse", "Hvtest Example"),
    ]


def test_summary_for_other_professions_leaves_out_the_nursery_rows(referral):
    referral.referrer_profession = Profession.PMHT
    labels = [label for label, _ in AboutYouForm.summary(referral)]
    assert "Discussed with the family's Health Visitor or Family Nurse" not in labels


def test_the_nursery_questions_are_revealed_under_nursery(referral):
    html = render_crispy_form(AboutYouForm(referral=referral))
    conditional = html[html.index('id="conditional-id_referrer_profession_2"') :]
    assert "id_discussed_with_health_visitor_0" in conditional
    assert "Name of the Health Visitor or Family Nurse (optional)" not in html
