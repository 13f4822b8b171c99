"""DateInputField and DateInputWidget: NHS.UK date input, style-guide error wording."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from imhs.nhsuk.fields import DateInputField, DateInputWidget


class BirthForm(forms.Form):
    date_of_birth = DateInputField(label="Date of birth", error_subject="Date of birth")
    seen_on = DateInputField(required=False)


def _data(day="", month="", year="", prefix="date_of_birth"):
    return {f"{prefix}_day": day, f"{prefix}_month": month, f"{prefix}_year": year}


def _clean_error(field, parts):
    with pytest.raises(ValidationError) as caught:
        field.clean(list(parts))
    return caught.value


# --- Cleaning ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (["15", "3", "2024"], datetime.date(2024, 3, 15)),
        (["05", "09", "2023"], datetime.date(2023, 9, 5)),
        ([" 1 ", " 12 ", " 2022 "], datetime.date(2022, 12, 1)),
        (["29", "2", "2024"], datetime.date(2024, 2, 29)),
        (["3", "Feb", "2024"], datetime.date(2024, 2, 3)),
        (["3", "september", "2024"], datetime.date(2024, 9, 3)),
    ],
)
def test_a_real_date_cleans_to_a_date(parts, expected):
    result = DateInputField().clean(parts)
    assert result == expected
    assert type(result) is datetime.date


def test_nothing_typed_in_a_required_date_asks_for_a_date():
    error = _clean_error(DateInputField(), ["", "", ""])
    assert error.messages == ["Enter a date"]
    assert error.code == "required"


def test_nothing_typed_uses_the_error_subject():
    error = _clean_error(DateInputField(error_subject="Date of birth"), [" ", "", ""])
    assert error.messages == ["Enter date of birth"]


def test_error_subject_keeps_an_initialism_in_capitals():
    error = _clean_error(DateInputField(error_subject="NHS referral date"), ["", "", ""])
    assert error.messages == ["Enter NHS referral date"]


def test_nothing_typed_in_an_optional_date_is_none():
    assert DateInputField(required=False).clean(["", "", ""]) is None
    assert DateInputField(required=False).clean(None) is None


@pytest.mark.parametrize(
    ("parts", "message", "missing"),
    [
        (["15", "", "2024"], "Date must include a month", ["month"]),
        (["", "3", "2024"], "Date must include a day", ["day"]),
        (["15", "3", ""], "Date must include a year", ["year"]),
        (["", "3", ""], "Date must include a day and year", ["day", "year"]),
        (["15", "", ""], "Date must include a month and year", ["month", "year"]),
    ],
)
def test_a_partly_typed_date_names_what_is_missing(parts, message, missing):
    error = _clean_error(DateInputField(), parts)
    assert error.messages == [message]
    assert error.code == "incomplete"
    assert error.params["parts"] == missing


def test_incomplete_message_uses_the_error_subject():
    error = _clean_error(DateInputField(error_subject="Date of birth"), ["15", "", "2024"])
    assert error.messages == ["Date of birth must include a month"]


def test_a_date_that_does_not_exist_is_not_a_real_date():
    error = _clean_error(DateInputField(), ["31", "02", "2024"])
    assert error.messages == ["Enter a real date"]
    assert error.code == "invalid"
    assert error.params["parts"] == ["day", "month", "year"]


def test_29_february_in_a_common_year_is_not_a_real_date():
    assert _clean_error(DateInputField(), ["29", "2", "2023"]).messages == ["Enter a real date"]


@pytest.mark.parametrize(
    ("parts", "bad_parts"),
    [
        (["1st", "3", "2024"], ["day"]),
        (["15", "March?", "2024"], ["month"]),
        (["15", "3", "20x4"], ["year"]),
        (["a", "b", "c"], ["day", "month", "year"]),
        (["1.5", "3", "2024"], ["day"]),
        (["-1", "3", "2024"], ["day"]),
    ],
)
def test_something_other_than_numbers_is_not_a_real_date(parts, bad_parts):
    error = _clean_error(DateInputField(), parts)
    assert error.messages == ["Enter a real date"]
    assert error.params["parts"] == bad_parts


@pytest.mark.parametrize(
    ("parts", "bad_parts"),
    [
        (["32", "3", "2024"], ["day"]),
        (["0", "3", "2024"], ["day"]),
        (["15", "13", "2024"], ["month"]),
        (["15", "0", "2024"], ["month"]),
        (["15", "3", "0000"], ["day", "month", "year"]),
    ],
)
def test_numbers_out_of_range_are_not_a_real_date(parts, bad_parts):
    error = _clean_error(DateInputField(), parts)
    assert error.messages == ["Enter a real date"]
    assert error.params["parts"] == bad_parts


@pytest.mark.parametrize("year", ["24", "202", "20245", "1"])
def test_year_must_have_four_numbers(year):
    error = _clean_error(DateInputField(), ["15", "3", year])
    assert error.messages == ["Year must include 4 numbers"]
    assert error.code == "invalid_year"
    assert error.params["parts"] == ["year"]


def test_missing_parts_are_reported_before_other_mistakes():
    error = _clean_error(DateInputField(), ["abc", "", "24"])
    assert error.messages == ["Date must include a month"]


def test_messages_can_be_replaced():
    field = DateInputField(
        error_messages={
            "required": "Enter the baby's date of birth",
            "invalid": "Date of birth must be a real date",
        }
    )
    assert _clean_error(field, ["", "", ""]).messages == ["Enter the baby's date of birth"]
    assert _clean_error(field, ["31", "4", "2024"]).messages == [
        "Date of birth must be a real date"
    ]


def test_validators_run_on_the_date():
    field = DateInputField(validators=[MaxValueValidator(datetime.date(2024, 1, 1))])
    with pytest.raises(ValidationError):
        field.clean(["2", "1", "2024"])
    assert field.clean(["1", "1", "2024"]) == datetime.date(2024, 1, 1)


@hypothesis_settings(database=None)
@given(st.dates(min_value=datetime.date(1000, 1, 1)))
def test_any_real_date_survives_a_round_trip_through_the_boxes(date):
    field = DateInputField()
    assert field.clean(field.widget.decompress(date)) == date


# --- In a form ----------------------------------------------------------------------------


def test_a_bound_form_cleans_the_three_boxes():
    form = BirthForm(data=_data("15", "3", "2024"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "date_of_birth": datetime.date(2024, 3, 15),
        "seen_on": None,
    }


def test_a_form_with_an_invalid_date_keeps_what_was_typed():
    form = BirthForm(data=_data("31", "", "24"))
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == ["Date of birth must include a month"]
    assert form["date_of_birth"].value() == ["31", "", "24"]
    html = str(form["date_of_birth"])
    assert 'value="31"' in html
    assert 'value="24"' in html


def test_non_numeric_input_is_shown_again_as_typed():
    form = BirthForm(data=_data("tenth", "3", "2024"))
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == ["Enter a real date"]
    assert 'value="tenth"' in str(form["date_of_birth"])


def test_a_disabled_field_cleans_its_initial_date():
    class LockedForm(forms.Form):
        when = DateInputField(disabled=True)

    form = LockedForm(data={}, initial={"when": datetime.date(2024, 5, 6)})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == datetime.date(2024, 5, 6)


def test_has_changed_compares_the_parts():
    field = DateInputField()
    assert not field.has_changed(datetime.date(2024, 3, 15), ["15", "3", "2024"])
    assert field.has_changed(datetime.date(2024, 3, 15), ["16", "3", "2024"])


# --- The widget ---------------------------------------------------------------------------


def test_widget_names_and_ids_its_boxes_day_month_year():
    context = DateInputWidget().get_context("dob", None, {"id": "id_dob"})
    subwidgets = context["widget"]["subwidgets"]
    assert [w["name"] for w in subwidgets] == ["dob_day", "dob_month", "dob_year"]
    assert [w["attrs"]["id"] for w in subwidgets] == ["id_dob_day", "id_dob_month", "id_dob_year"]


def test_widget_boxes_are_numeric_text_inputs_of_nhs_widths():
    subwidgets = DateInputWidget().get_context("dob", None, {"id": "id_dob"})["widget"][
        "subwidgets"
    ]
    assert all(w["type"] == "text" for w in subwidgets)
    assert all(w["attrs"]["inputmode"] == "numeric" for w in subwidgets)
    widths = [w["attrs"]["class"].split()[-1] for w in subwidgets]
    assert widths == ["nhsuk-input--width-2", "nhsuk-input--width-2", "nhsuk-input--width-4"]


def test_widget_label_points_at_the_day_box():
    assert DateInputWidget().id_for_label("id_dob") == "id_dob_day"
    assert BirthForm()["date_of_birth"].id_for_label == "id_date_of_birth_day"


def test_widget_reads_the_three_boxes_from_the_post():
    widget = DateInputWidget()
    data = {"dob_day": "1", "dob_month": "2", "dob_year": "2020"}
    assert widget.value_from_datadict(data, {}, "dob") == ["1", "2", "2020"]
    assert not widget.value_omitted_from_data(data, {}, "dob")
    assert widget.value_omitted_from_data({}, {}, "dob")


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        (datetime.date(2024, 3, 5), ["5", "3", "2024"]),
        ("2024-03-05", ["5", "3", "2024"]),
        ("not a date", [None, None, None]),
        (None, [None, None, None]),
    ],
)
def test_widget_decompresses_a_date_into_its_parts(value, parts):
    assert DateInputWidget().decompress(value) == parts


def test_widget_never_has_the_required_attribute():
    html = str(BirthForm()["date_of_birth"])
    assert "required" not in html
