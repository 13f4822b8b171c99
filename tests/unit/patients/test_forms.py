import datetime

import pytest
from crispy_forms.utils import render_crispy_form
from django.utils import timezone

from patients.forms import InfantForm

pytestmark = pytest.mark.django_db

VALID = {
    "given_name": "Babytest",
    "family_name": "Example",
    "date_of_birth_day": "1",
    "date_of_birth_month": "1",
    "date_of_birth_year": "2025",
    "chi_number": "010125 1238",
    "sex": "female",
    "postcode": "ml5 9zz",
    "lives_with": "parents",
}


def form_with(**changes):
    return InfantForm(data={**VALID, **changes})


def test_valid_details_are_cleaned_for_storage():
    form = form_with()
    assert form.is_valid(), form.errors
    assert form.cleaned_data["chi_number"] == "0101251238"
    assert form.cleaned_data["postcode"] == "ML5 9ZZ"
    assert form.cleaned_data["date_of_birth"] == datetime.date(2025, 1, 1)


def test_chi_is_optional():
    form = form_with(chi_number="")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["chi_number"] == ""


def test_chi_with_a_wrong_check_digit_is_refused_at_the_field():
    form = form_with(chi_number="0101251237")
    assert not form.is_valid()
    assert form.errors["chi_number"] == [
        "This is not a valid CHI number: check it has been copied correctly"
    ]


def test_chi_and_date_of_birth_that_disagree_are_flagged_at_both_fields():
    form = form_with(date_of_birth_day="2")

    assert not form.is_valid()
    assert form.errors["chi_number"] == [
        "CHI number 010 125 1238 is for a baby born on 1 January 2025: check the CHI number "
        "and the date of birth"
    ]
    assert form.errors["date_of_birth"] == [
        "Date of birth does not match the CHI number: check both"
    ]


def test_mismatch_is_shown_at_both_fields_and_in_the_summary_keeping_what_was_typed():
    form = form_with(date_of_birth_day="2")
    form.is_valid()

    html = render_crispy_form(form)

    assert html.count("Date of birth does not match the CHI number") == 2
    assert html.count("is for a baby born on 1 January 2025") == 2
    assert 'value="010125 1238"' in html
    assert 'name="date_of_birth_day" value="2"' in html or 'value="2"' in html


def test_date_of_birth_in_the_future_is_refused():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = form_with(
        chi_number="",
        date_of_birth_day=str(tomorrow.day),
        date_of_birth_month=str(tomorrow.month),
        date_of_birth_year=str(tomorrow.year),
    )
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == ["Date of birth must be today or in the past"]


def test_postcode_that_is_not_one_gets_a_clear_message():
    form = form_with(postcode="not a postcode")
    assert not form.is_valid()
    assert form.errors["postcode"] == ["Enter a real postcode, like ML5 3BJ"]
