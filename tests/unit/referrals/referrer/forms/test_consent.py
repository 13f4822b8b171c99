"""ConsentForm: agreement to the referral (who, when), sharing, the parents' own views and
appointment preferences."""

import datetime

import pytest
from crispy_forms.utils import render_crispy_form
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from referrals.models import Referral
from referrals.referrer.forms.consent import ConsentForm
from tests.factories import ReferralFactory

# Always in the past, whatever day the tests run.
AGREED_ON = datetime.date(2026, 1, 14)


def valid_data(**changes):
    data = {
        "consent_given": "yes",
        "consent_given_by": "Mother, Testina Example",
        "consent_given_on_day": "14",
        "consent_given_on_month": "1",
        "consent_given_on_year": "2026",
        "consent_to_share": "yes",
        "parent_views_method": "secure_link",
        "parent_views_written": "",
        "appointment_places": ["home", "near_me"],
        "times_to_avoid": "",
    }
    data.update(changes)
    return data


def as_post(data):
    """The data as a browser posts it: checkboxes as several values of one name."""
    return MultiValueDict(
        {name: value if isinstance(value, list) else [value] for name, value in data.items()}
    )


def bound(**changes):
    return ConsentForm(as_post(valid_data(**changes)), referral=Referral())


def errors_of(form):
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def test_valid_answers_are_accepted():
    form = bound()
    assert form.is_valid(), form.errors
    assert form.cleaned_data["consent_given_on"] == AGREED_ON


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "consent_given",
            "Select yes if a parent or carer with parental responsibility has agreed to this "
            "referral",
        ),
        (
            "consent_to_share",
            "Select yes if they agree to the team sharing information with the other "
            "professionals and agencies",
        ),
        ("parent_views_method", "Select how the parents will give their views"),
        ("appointment_places", "Select where appointments could be, or all that suit"),
    ],
)
def test_every_required_question_says_what_to_do(name, message):
    errors = errors_of(bound(**{name: [] if name == "appointment_places" else ""}))
    assert errors == {name: [message]}


def test_agreement_needs_who_agreed_and_when():
    errors = errors_of(
        bound(
            consent_given_by="",
            consent_given_on_day="",
            consent_given_on_month="",
            consent_given_on_year="",
        )
    )
    assert errors == {
        "consent_given_by": ["Enter who agreed to the referral, like Mother, Testina Example"],
        "consent_given_on": ["Enter the date they agreed to the referral"],
    }


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("14", "", "2026", "The date they agreed must include a month"),
        ("31", "2", "2026", "Enter a real date"),
        ("14", "1", "26", "Year must include 4 numbers"),
    ],
)
def test_a_wrong_agreement_date_is_explained(day, month, year, message):
    errors = errors_of(
        bound(consent_given_on_day=day, consent_given_on_month=month, consent_given_on_year=year)
    )
    assert errors == {"consent_given_on": [message]}


def test_the_agreement_date_cannot_be_in_the_future():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    errors = errors_of(
        bound(
            consent_given_on_day=str(tomorrow.day),
            consent_given_on_month=str(tomorrow.month),
            consent_given_on_year=str(tomorrow.year),
        )
    )
    assert errors == {"consent_given_on": ["The date they agreed must be today or in the past"]}


def test_today_is_accepted_as_the_agreement_date():
    today = timezone.localdate()
    form = bound(
        consent_given_on_day=str(today.day),
        consent_given_on_month=str(today.month),
        consent_given_on_year=str(today.year),
    )
    assert form.is_valid(), form.errors


def test_no_agreement_can_be_saved_and_its_follow_ups_are_ignored():
    form = bound(
        consent_given="no",
        consent_given_by="Typed before changing to no",
        consent_given_on_day="99",
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["consent_given_by"] == ""
    assert form.cleaned_data["consent_given_on"] is None


def test_the_parents_views_are_needed_when_written_here():
    errors = errors_of(bound(parent_views_method="written_here", parent_views_written=" "))
    assert errors == {"parent_views_written": ["Write the parents' views in their own words"]}


def test_the_parents_views_are_ignored_for_other_methods():
    form = bound(parent_views_method="not_now", parent_views_written="x" * 5000)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["parent_views_written"] == ""


def test_the_parents_views_are_limited_in_length():
    errors = errors_of(bound(parent_views_method="written_here", parent_views_written="x" * 3001))
    assert errors == {
        "parent_views_written": ["The parents' views must be 3000 characters or fewer"]
    }


def test_an_appointment_place_that_is_not_offered_is_refused():
    errors = errors_of(bound(appointment_places=["home", "moon"]))
    assert errors == {
        "appointment_places": ["Select where appointments could be, or all that suit"]
    }


def test_times_to_avoid_are_optional_but_limited_in_length():
    assert bound(times_to_avoid="").is_valid()
    errors = errors_of(bound(times_to_avoid="x" * 501))
    assert errors == {"times_to_avoid": ["Days or times to avoid must be 500 characters or fewer"]}


def test_typed_values_are_shown_again_with_the_messages():
    form = bound(
        consent_given_by="",
        consent_given_on_day="14",
        consent_given_on_month="",
        consent_given_on_year="2026",
        parent_views_method="written_here",
        parent_views_written="Synthetic: we want to enjoy her more.",
        appointment_places=["near_me"],
        times_to_avoid="Synthetic: Wednesday mornings.",
    )
    assert not form.is_valid()
    html = render_crispy_form(form)
    assert 'name="consent_given_on_day" type="text" value="14"' in html
    assert 'name="consent_given_on_year" type="text" value="2026"' in html
    assert "Synthetic: we want to enjoy her more." in html
    assert "Synthetic: Wednesday mornings." in html
    assert 'name="appointment_places" type="checkbox" value="near_me" checked' in html
    assert 'name="appointment_places" type="checkbox" value="home">' in html
    assert "Enter who agreed to the referral" in html
    assert "The date they agreed must include a month" in html


def test_no_shows_why_the_referral_cannot_be_sent_yet():
    html = render_crispy_form(bound(consent_given="no"))
    assert "The referral cannot be sent until a parent or carer with parental" in html
    assert 'class="nhsuk-radios__conditional" id="conditional-id_consent_given_1"' in html


def test_follow_up_questions_are_not_labelled_optional():
    html = render_crispy_form(ConsentForm(referral=Referral()))
    assert "Who agreed?" in html
    assert "(optional)" not in html.replace("Days or times to avoid (optional)", "")


def test_form_bound_from_a_stored_draft_works():
    # drafts.save_section stores what was typed as lists per field, checkboxes with every value.
    form = ConsentForm(as_post(valid_data(consent_to_share="")), referral=Referral())
    assert list(errors_of(form)) == ["consent_to_share"]
    assert form.cleaned_data["appointment_places"] == ["home", "near_me"]


@pytest.mark.django_db
def test_initial_values_are_the_saved_answers():
    referral = ReferralFactory(
        consent_given=True,
        consent_given_on=AGREED_ON,
        appointment_places=["clinic", "near_me"],
    )
    form = ConsentForm(referral=referral)
    assert form.initial["consent_given"] == "yes"
    assert form.initial["consent_to_share"] == "yes"
    assert form.initial["appointment_places"] == ["clinic", "near_me"]
    html = render_crispy_form(form)
    assert 'name="consent_given_on_day" type="text" value="14"' in html
    assert 'value="clinic" checked' in html


@pytest.mark.django_db
def test_save_writes_every_answer():
    referral = ReferralFactory(consent_given=None, appointment_places=[])
    form = ConsentForm(
        as_post(
            valid_data(
                consent_to_share="no",
                parent_views_method="written_here",
                parent_views_written="Synthetic views.",
                appointment_places=["near_me", "home"],
                times_to_avoid="Synthetic: Fridays.",
            )
        ),
        referral=referral,
    )
    assert form.is_valid(), form.errors
    form.save()
    referral.refresh_from_db()
    assert referral.consent_given is True
    assert referral.consent_given_by == "Mother, Testina Example"
    assert referral.consent_given_on == AGREED_ON
    assert referral.consent_to_share is False
    assert referral.parent_views_method == "written_here"
    assert referral.parent_views_written == "Synthetic views."
    assert referral.appointment_places == ["home", "near_me"]  # in the order offered
    assert referral.times_to_avoid == "Synthetic: Fridays."


@pytest.mark.django_db
def test_saving_no_clears_who_agreed_and_when():
    referral = ReferralFactory(consent_given=True, consent_given_on=AGREED_ON)
    form = ConsentForm(as_post(valid_data(consent_given="no")), referral=referral)
    assert form.is_valid(), form.errors
    form.save()
    referral.refresh_from_db()
    assert referral.consent_given is False
    assert referral.consent_given_by == ""
    assert referral.consent_given_on is None


def test_summary_reads_back_the_answers():
    referral = Referral(
        consent_given=True,
        consent_given_by="Mother, Testina Example",
        consent_given_on=AGREED_ON,
        consent_to_share=False,
        parent_views_method="written_here",
        parent_views_written="Synthetic views.",
        appointment_places=["home", "near_me"],
        times_to_avoid="",
    )
    assert ConsentForm.summary(referral) == [
        ("Parent or carer agreed to the referral", "Yes"),
        ("Who agreed", "Mother, Testina Example"),
        ("When they agreed", "14 January 2026"),
        ("Agreed to sharing with the other professionals", "No"),
        (
            "How the parents will give their views",
            "The parents' views are written here, in their own words",
        ),
        ("The parents' views, in their own words", "Synthetic views."),
        ("Where appointments could be", "At home\nBy video call (Near Me)"),
        ("Days or times to avoid", "None"),
    ]


def test_summary_of_no_agreement_and_an_unanswered_section():
    assert ConsentForm.summary(Referral(consent_given=False, parent_views_method="not_now")) == [
        ("Parent or carer agreed to the referral", "No"),
        ("Agreed to sharing with the other professionals", ""),
        ("How the parents will give their views", "Not now"),
        ("Where appointments could be", ""),
        ("Days or times to avoid", "None"),
    ]
    assert ConsentForm.summary(Referral())[-1] == ("Days or times to avoid", "")
