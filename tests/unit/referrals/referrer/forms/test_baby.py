"""BabyForm (About the baby), ChoosePracticeForm and PracticeSearchForm: every message, the GP
registration answers, what is saved and how the answers read back."""

import datetime

import pytest
from crispy_forms.utils import render_crispy_form
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients.chi import make_chi
from patients.models import GPRegistration
from referrals.drafts import start_draft
from referrals.referrer.forms.baby import (
    CHOOSE_PRACTICE,
    SELECT_PRACTICE,
    BabyForm,
    ChoosePracticeForm,
    PracticeSearchForm,
)
from tests.factories import GPPracticeFactory, ReferrerFactory

pytestmark = pytest.mark.django_db

VALID = {
    "given_name": "Babytest",
    "family_name": "Example",
    "date_of_birth_day": "1",
    "date_of_birth_month": "1",
    "date_of_birth_year": "2025",
    "chi_number": "010125 1238",
    "sex": "female",
    "address_line_1": "1 Example Street",
    "address_line_2": "",
    "town": "Testville",
    "postcode": "ml5 9zz",
    "gp_registration": "not_registered",
    "gp_practice_not_listed": "",
    "lives_with": "parents",
    "nursery": "",
    "first_language": "English",
    "interpreter_needed": "no",
    "additional_needs": "",
}


@pytest.fixture
def draft():
    return start_draft(by=ReferrerFactory())


def bound(draft, **changes):
    return BabyForm({**VALID, **changes}, referral=draft)


def errors_of(form):
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def choose(draft, practice):
    draft.infant.gp_registration = GPRegistration.LISTED
    draft.infant.gp_practice = practice
    draft.infant.save(update_fields=["gp_registration", "gp_practice"])


# Valid answers and their clean forms


def test_valid_answers_are_cleaned_for_storage(draft):
    form = bound(draft, chi_number="010-125-1238", postcode=" ML59ZZ ")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["chi_number"] == "0101251238"
    assert form.cleaned_data["postcode"] == "ML5 9ZZ"
    assert form.cleaned_data["date_of_birth"] == datetime.date(2025, 1, 1)


def test_optional_answers_may_be_left_blank(draft):
    form = bound(draft, chi_number="", first_language="", interpreter_needed="no")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["chi_number"] == ""


# Required answers: each says what to enter


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("given_name", "Enter the baby's first name"),
        ("family_name", "Enter the baby's last name"),
        ("sex", "Select the baby's sex"),
        ("address_line_1", "Enter the first line of the baby's home address"),
        ("town", "Enter the town or city of the baby's home address"),
        ("postcode", "Enter the postcode of the baby's home address"),
        ("gp_registration", "Select whether the baby is registered with a GP"),
        ("lives_with", "Select who the baby lives with"),
        ("interpreter_needed", "Select yes if the family needs an interpreter"),
    ],
)
def test_a_missing_answer_says_what_to_enter(draft, field, message):
    assert errors_of(bound(draft, **{field: ""})) == {field: [message]}


def test_a_name_of_spaces_only_is_missing(draft):
    assert errors_of(bound(draft, given_name="   ")) == {
        "given_name": ["Enter the baby's first name"]
    }


def test_a_missing_date_of_birth_says_what_to_enter(draft):
    form = bound(draft, date_of_birth_day="", date_of_birth_month="", date_of_birth_year="")
    assert errors_of(form) == {"date_of_birth": ["Enter the baby's date of birth"]}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sex", "unknown", "Select the baby's sex"),
        ("lives_with", "grandparents", "Select who the baby lives with"),
        ("gp_registration", "maybe", "Select whether the baby is registered with a GP"),
        ("interpreter_needed", "perhaps", "Select yes if the family needs an interpreter"),
    ],
)
def test_an_answer_that_is_not_a_choice_is_refused(draft, field, value, message):
    assert errors_of(bound(draft, **{field: value})) == {field: [message]}


@pytest.mark.parametrize(
    ("field", "length", "message"),
    [
        ("given_name", 151, "The baby's first name must be 150 characters or fewer"),
        ("family_name", 151, "The baby's last name must be 150 characters or fewer"),
        ("address_line_1", 201, "Address line 1 must be 200 characters or fewer"),
        ("address_line_2", 201, "Address line 2 must be 200 characters or fewer"),
        ("town", 101, "Town or city must be 100 characters or fewer"),
        ("nursery", 201, "The nursery or early learning centre must be 200 characters or fewer"),
        ("first_language", 101, "The language must be 100 characters or fewer"),
        ("additional_needs", 1001, "Other needs must be 1000 characters or fewer"),
    ],
)
def test_an_answer_too_long_for_the_record_is_refused(draft, field, length, message):
    assert errors_of(bound(draft, **{field: "x" * length})) == {field: [message]}


# Dates of birth


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("1", "", "2025", "Date of birth must include a month"),
        ("", "", "2025", "Date of birth must include a day and month"),
        ("1", "1", "25", "Year must include 4 numbers"),
        ("31", "2", "2025", "Enter a real date"),
        ("first", "1", "2025", "Enter a real date"),
    ],
)
def test_a_bad_date_of_birth_is_explained(draft, day, month, year, message):
    form = bound(
        draft,
        chi_number="",
        date_of_birth_day=day,
        date_of_birth_month=month,
        date_of_birth_year=year,
    )
    assert errors_of(form) == {"date_of_birth": [message]}


def test_a_date_of_birth_in_the_future_is_refused(draft):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = bound(
        draft,
        chi_number="",
        date_of_birth_day=str(tomorrow.day),
        date_of_birth_month=str(tomorrow.month),
        date_of_birth_year=str(tomorrow.year),
    )
    assert errors_of(form) == {"date_of_birth": ["Date of birth must be today or in the past"]}


def test_a_month_in_words_is_accepted(draft):
    form = bound(draft, date_of_birth_month="Jan")
    assert form.is_valid(), form.errors


# CHI numbers


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("01012512", "Enter a CHI number with 10 digits, like 010 101 1237"),
        ("010125123X", "Enter a CHI number with 10 digits, like 010 101 1237"),
        (
            "3201201234",
            "The first 6 digits of a CHI number are the date of birth (day, month, "
            "year): these are not a real date",
        ),
        ("0101251237", "This is not a valid CHI number: check it has been copied correctly"),
    ],
)
def test_a_bad_chi_number_is_explained_at_its_field(draft, typed, message):
    assert errors_of(bound(draft, chi_number=typed)) == {"chi_number": [message]}


def test_a_chi_number_for_another_date_of_birth_is_flagged_at_both_fields(draft):
    form = bound(draft, date_of_birth_day="2")
    assert errors_of(form) == {
        "chi_number": [
            "CHI number 010 125 1238 is for a baby born on 1 January 2025: check the CHI "
            "number and the date of birth"
        ],
        "date_of_birth": ["Date of birth does not match the CHI number: check both"],
    }


def test_a_chi_number_issued_with_a_modulus_10_check_digit_is_accepted(draft):
    form = bound(
        draft,
        chi_number="0101201234",
        date_of_birth_day="1",
        date_of_birth_month="1",
        date_of_birth_year="2020",
    )
    assert form.is_valid(), form.errors


# Postcodes


@pytest.mark.parametrize("typed", ["ML5", "not a postcode", "ML5 3B", "12345"])
def test_a_bad_postcode_is_explained(draft, typed):
    assert errors_of(bound(draft, postcode=typed)) == {
        "postcode": ["Enter a real postcode, like ML5 3BJ"]
    }


# GP registration


def test_listed_without_a_chosen_practice_asks_for_one_at_the_question(draft):
    form = bound(draft, gp_registration="listed")
    assert errors_of(form) == {"gp_registration": [CHOOSE_PRACTICE]}


def test_listed_with_a_chosen_practice_is_accepted(draft):
    choose(draft, GPPracticeFactory())
    form = bound(draft, gp_registration="listed", gp_practice_not_listed="ignored")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["gp_practice_not_listed"] == ""


def test_not_listed_needs_the_practice_typed(draft):
    form = bound(draft, gp_registration="not_listed", gp_practice_not_listed="  ")
    assert errors_of(form) == {
        "gp_practice_not_listed": ["Enter the name and town of the baby's GP practice"]
    }


def test_not_listed_keeps_what_was_typed(draft):
    form = bound(
        draft, gp_registration="not_listed", gp_practice_not_listed="Testville Surgery, Airdrie"
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["gp_practice_not_listed"] == "Testville Surgery, Airdrie"


def test_not_listed_practice_too_long_is_refused(draft):
    form = bound(draft, gp_registration="not_listed", gp_practice_not_listed="x" * 201)
    assert errors_of(form) == {
        "gp_practice_not_listed": ["The GP practice must be 200 characters or fewer"]
    }


def test_a_hidden_practice_answer_is_ignored_whatever_it_says(draft):
    form = bound(draft, gp_registration="not_registered", gp_practice_not_listed="x" * 500)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["gp_practice_not_listed"] == ""


# Language


def test_an_interpreter_needs_a_language(draft):
    form = bound(draft, interpreter_needed="yes", first_language="")
    assert errors_of(form) == {
        "first_language": ["Enter the language the family needs an interpreter for"]
    }


# Several errors at once, and what was typed


def test_every_error_is_reported_at_once(draft):
    form = BabyForm({"given_name": "Babytest"}, referral=draft)
    errors = errors_of(form)
    assert set(errors) == {
        "family_name",
        "date_of_birth",
        "sex",
        "address_line_1",
        "town",
        "postcode",
        "gp_registration",
        "lives_with",
        "interpreter_needed",
    }


def test_a_page_with_errors_shows_what_was_typed(draft):
    form = bound(
        draft,
        given_name="Babytest",
        family_name="",
        chi_number="0101251237",
        postcode="not a postcode",
        date_of_birth_year="25",
        gp_registration="not_listed",
        gp_practice_not_listed="Testville Surgery",
        additional_needs="Synthetic needs for tests.",
    )
    assert not form.is_valid()
    html = render_crispy_form(form)
    assert 'value="Babytest"' in html
    assert 'value="0101251237"' in html
    assert 'value="not a postcode"' in html
    assert 'value="25"' in html
    assert 'value="Testville Surgery"' in html
    assert "Synthetic needs for tests." in html
    assert 'value="not_listed" checked' in html
    assert "Enter the baby&#x27;s last name" in html
    assert 'href="#id_family_name"' in html  # the error summary links to the field


# The GP practice under "Registered with a GP practice"


def test_without_a_practice_the_page_offers_to_find_one(draft):
    html = render_crispy_form(BabyForm(referral=draft))
    url = reverse("referrals:find_practice", args=[draft.pk])
    assert f'formaction="{url}"' in html
    assert "Find the GP practice" in html
    # Enter in a text box saves the page instead of going to the search.
    assert html.index("Save and continue") < html.index("Find the GP practice")


def test_with_a_practice_the_page_shows_it_and_offers_to_change_it(draft):
    practice = GPPracticeFactory(name="Testville Medical Practice", code="99123")
    choose(draft, practice)
    html = render_crispy_form(BabyForm(referral=draft))
    assert "Testville Medical Practice" in html
    assert "1 Example Street, Testville, ML5 9ZZ" in html
    assert "Practice code 99123" in html
    assert "Change the GP practice" in html


def test_a_practice_name_is_shown_as_text_not_read_as_a_template(draft):
    choose(draft, GPPracticeFactory(name="Test {{ form }} <b>Practice</b>"))
    html = render_crispy_form(BabyForm(referral=draft))
    assert "Test {{ form }} &lt;b&gt;Practice&lt;/b&gt;" in html


# Saving


def test_save_writes_the_answers_to_the_infant(draft):
    form = bound(
        draft,
        address_line_2="Flat 2",
        nursery="Testville Nursery",
        first_language="Polish",
        interpreter_needed="yes",
        additional_needs="Synthetic needs.",
        lives_with="kinship_carers",
    )
    assert form.is_valid(), form.errors
    form.save()
    infant = draft.infant
    infant.refresh_from_db()
    assert (infant.given_name, infant.family_name) == ("Babytest", "Example")
    assert infant.date_of_birth == datetime.date(2025, 1, 1)
    assert infant.chi_number == "0101251238"
    assert infant.postcode == "ML5 9ZZ"
    assert (infant.address_line_1, infant.address_line_2, infant.town) == (
        "1 Example Street",
        "Flat 2",
        "Testville",
    )
    assert infant.sex == "female"
    assert infant.lives_with == "kinship_carers"
    assert infant.nursery == "Testville Nursery"
    assert infant.first_language == "Polish"
    assert infant.interpreter_needed is True
    assert infant.additional_needs == "Synthetic needs."
    assert infant.gp_registration == "not_registered"


def test_save_listed_keeps_the_chosen_practice(draft):
    practice = GPPracticeFactory()
    choose(draft, practice)
    form = bound(draft, gp_registration="listed")
    assert form.is_valid(), form.errors
    form.save()
    draft.infant.refresh_from_db()
    assert draft.infant.gp_practice == practice
    assert draft.infant.gp_practice_not_listed == ""


@pytest.mark.parametrize(
    ("answer", "typed", "stored"),
    [
        ("not_listed", "Testville Surgery, Airdrie", "Testville Surgery, Airdrie"),
        ("not_registered", "anything", ""),
    ],
)
def test_save_another_answer_forgets_a_chosen_practice(draft, answer, typed, stored):
    choose(draft, GPPracticeFactory())
    form = bound(draft, gp_registration=answer, gp_practice_not_listed=typed)
    assert form.is_valid(), form.errors
    form.save()  # the database's paired constraints would refuse a practice left behind
    draft.infant.refresh_from_db()
    assert draft.infant.gp_registration == answer
    assert draft.infant.gp_practice is None
    assert draft.infant.gp_practice_not_listed == stored


def test_saved_answers_come_back_as_the_page_initial_values(draft):
    form = bound(draft, interpreter_needed="yes", first_language="Polish")
    assert form.is_valid(), form.errors
    form.save()
    again = BabyForm(referral=draft)
    assert again.initial["chi_number"] == "010 125 1238"
    assert again.initial["date_of_birth"] == datetime.date(2025, 1, 1)
    assert again.initial["interpreter_needed"] == "yes"
    assert again.initial["gp_registration"] == "not_registered"
    html = render_crispy_form(again)
    assert 'value="1"' in html  # the day of the date of birth
    assert 'value="010 125 1238"' in html


def test_a_new_draft_does_not_answer_the_interpreter_question(draft):
    assert BabyForm(referral=draft).initial["interpreter_needed"] == ""


# Summary


def test_summary_reads_every_answer(draft):
    practice = GPPracticeFactory(name="Testville Medical Practice", code="99124")
    infant = draft.infant
    infant.given_name, infant.family_name = "Babytest", "Example"
    infant.date_of_birth = datetime.date(2025, 2, 14)
    infant.chi_number = make_chi(datetime.date(2025, 2, 14), female=True)
    infant.sex = "female"
    infant.address_line_1, infant.town, infant.postcode = "1 Example Street", "Testville", "ML5 9ZZ"
    infant.gp_registration, infant.gp_practice = "listed", practice
    infant.lives_with = "parents"
    infant.nursery = "Testville Nursery"
    infant.first_language = "English"
    infant.interpreter_needed = False
    infant.additional_needs = "None known."
    infant.save()
    rows = dict(BabyForm.summary(draft))
    chi = infant.chi_number
    assert rows == {
        "Name": "Babytest Example",
        "Date of birth": "14 February 2025",
        "CHI number": f"{chi[:3]} {chi[3:6]} {chi[6:]}",
        "Sex": "Female",
        "Home address": "1 Example Street\nTestville\nML5 9ZZ",
        "GP practice": "Testville Medical Practice (practice code 99124)\n"
        "1 Example Street, Testville, ML5 9ZZ",
        "Lives with": "Parents",
        "Nursery or early learning centre": "Testville Nursery",
        "Main language spoken at home": "English",
        "Interpreter needed": "No",
        "Other needs": "None known.",
    }


@pytest.mark.parametrize(
    ("answer", "typed", "shown"),
    [
        (
            "not_listed",
            "Testville Surgery",
            "Not found in the list of practices: Testville Surgery",
        ),
        ("not_registered", "", "Not registered with a GP"),
        ("", "", ""),
    ],
)
def test_summary_reads_the_gp_answer(draft, answer, typed, shown):
    draft.infant.gp_registration = answer
    draft.infant.gp_practice_not_listed = typed
    draft.infant.save()
    assert dict(BabyForm.summary(draft))["GP practice"] == shown


def test_summary_of_a_new_draft_leaves_every_answer_blank(draft):
    assert all(value == "" for _, value in BabyForm.summary(draft))


# Choosing a practice


def test_choosing_a_practice_saves_it_as_listed(draft):
    practice = GPPracticeFactory()
    draft.infant.gp_registration = "not_listed"
    draft.infant.gp_practice_not_listed = "Typed before"
    draft.infant.save()
    form = ChoosePracticeForm({"practice": practice.code}, referral=draft)
    assert form.is_valid(), form.errors
    form.save()
    draft.infant.refresh_from_db()
    assert draft.infant.gp_registration == "listed"
    assert draft.infant.gp_practice == practice
    assert draft.infant.gp_practice_not_listed == ""


def test_choosing_a_practice_matches_the_unsaved_answers_of_the_baby_page(draft):
    draft.section_drafts["baby"] = {"given_name": ["Babytest"], "gp_registration": [""]}
    form = ChoosePracticeForm({"practice": GPPracticeFactory().code}, referral=draft)
    assert form.is_valid(), form.errors
    form.save()
    assert draft.section_drafts["baby"] == {
        "given_name": ["Babytest"],
        "gp_registration": ["listed"],
    }


@pytest.mark.parametrize("code", ["", "00000", "not a code"])
def test_choosing_nothing_or_an_unknown_practice_is_refused(draft, code):
    GPPracticeFactory()
    form = ChoosePracticeForm({"practice": code}, referral=draft)
    assert errors_of(form) == {"practice": [SELECT_PRACTICE]}


def test_an_inactive_practice_cannot_be_chosen(draft):
    practice = GPPracticeFactory(active=False)
    form = ChoosePracticeForm({"practice": practice.code}, referral=draft)
    assert errors_of(form) == {"practice": [SELECT_PRACTICE]}


def test_checking_a_chosen_practice_takes_one_query(draft):
    practice = GPPracticeFactory()
    with CaptureQueriesContext(connection) as queries:
        assert ChoosePracticeForm({"practice": practice.code}, referral=draft).is_valid()
    assert len(queries) == 1


# The search box


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the practice's name, town, postcode or practice code"),
        ("  ", "Enter the practice's name, town, postcode or practice code"),
        ("ab", "Enter at least 3 letters or numbers to search for"),
        ("x" * 101, "Search for 100 characters or fewer"),
    ],
)
def test_a_search_too_short_or_too_long_is_explained(typed, message):
    form = PracticeSearchForm({"q": typed})
    assert errors_of(form) == {"q": [message]}


def test_a_search_is_trimmed():
    form = PracticeSearchForm({"q": "  Airdrie "})
    assert form.is_valid()
    assert form.cleaned_data["q"] == "Airdrie"


def test_the_question_under_a_radio_is_not_marked_optional(draft):
    html = render_crispy_form(BabyForm(referral=draft))
    assert "Name and town of the GP practice\n" in html
    assert "Name and town of the GP practice (optional)" not in html
    assert "Nursery or early learning centre the baby attends (optional)" in html


def test_text_boxes_do_not_cut_long_answers_off(draft):
    html = render_crispy_form(BabyForm(referral=draft))
    assert " maxlength=" not in html  # (the character count has its own data-maxlength)
