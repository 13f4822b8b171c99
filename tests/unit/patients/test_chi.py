"""CHI numbers: validation, check digits, and the date of birth and sex they carry."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from patients.chi import (
    MESSAGE_CHECK_DIGIT,
    MESSAGE_DATE,
    MESSAGE_LENGTH,
    chi_date_of_birth,
    chi_matches_date_of_birth,
    chi_sex,
    format_chi,
    make_chi,
    modulus_10_check_digit,
    modulus_11_check_digit,
    validate_chi,
    validate_chi_field,
)

# The design's synthetic examples.
VALID_BOTH = "0101011237"
VALID_LEAP_DAY_MOD_11 = "2902201230"
VALID_MOD_10_ONLY = "0101201234"
INVALID_CHECK_DIGIT = "1904851232"
INVALID_DATE = "3201201234"

# 010120129: modulus 11 computes 10 (never issued); modulus 10 gives 1.
MOD_11_IS_TEN = "010120129"


def _error(value):
    with pytest.raises(ValidationError) as caught:
        validate_chi(value)
    return caught.value


# --- validate_chi: the design's examples --------------------------------------------------


@pytest.mark.parametrize("chi", [VALID_BOTH, VALID_LEAP_DAY_MOD_11, VALID_MOD_10_ONLY])
def test_validate_chi_design_valid_examples_are_accepted(chi):
    assert validate_chi(chi) == chi


def test_validate_chi_design_invalid_check_digit_is_rejected():
    error = _error(INVALID_CHECK_DIGIT)
    assert error.code == "chi_check_digit"
    assert error.messages == [MESSAGE_CHECK_DIGIT]


def test_validate_chi_design_invalid_date_is_rejected():
    error = _error(INVALID_DATE)
    assert error.code == "chi_date"
    assert error.messages == [MESSAGE_DATE]


def test_validate_chi_design_examples_pass_the_schemes_the_design_says():
    assert modulus_11_check_digit(VALID_BOTH[:9]) == 7
    assert modulus_10_check_digit(VALID_BOTH[:9]) == 7
    assert modulus_11_check_digit(VALID_LEAP_DAY_MOD_11[:9]) == 0
    assert modulus_10_check_digit(VALID_MOD_10_ONLY[:9]) == 4
    assert modulus_11_check_digit(VALID_MOD_10_ONLY[:9]) != 4


# --- validate_chi: messages -----------------------------------------------------------------


def test_validate_chi_messages_are_the_agreed_wording():
    assert MESSAGE_LENGTH == "Enter a CHI number with 10 digits, like 010 101 1237"
    assert MESSAGE_DATE == (
        "The first 6 digits of a CHI number are the date of birth (day, month, year): "
        "these are not a real date"
    )
    assert MESSAGE_CHECK_DIGIT == (
        "This is not a valid CHI number: check it has been copied correctly"
    )


@pytest.mark.parametrize(
    "value",
    ["", "   ", "010101123", "01010112370", "010101123A", "CHI0101011237", "٠١٠١٠١١٢٣٧", None],
)
def test_validate_chi_not_ten_digits_is_a_length_error(value):
    error = _error(value)
    assert error.code == "chi_length"
    assert error.messages == [MESSAGE_LENGTH]


# --- validate_chi: separators ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["010 101 1237", " 0101011237 ", "010-101-1237", "010 - 101 - 1237", "0101\t011237"],
)
def test_validate_chi_spaces_and_hyphens_are_stripped(value):
    assert validate_chi(value) == VALID_BOTH


# --- validate_chi: dates --------------------------------------------------------------------


def test_validate_chi_leap_day_in_a_leap_year_is_a_real_date():
    assert validate_chi(VALID_LEAP_DAY_MOD_11) == VALID_LEAP_DAY_MOD_11


def test_validate_chi_leap_day_in_a_non_leap_year_is_a_date_error():
    first_nine = "290221123"
    chi = first_nine + str(modulus_10_check_digit(first_nine))
    assert _error(chi).code == "chi_date"


def test_validate_chi_leap_day_of_2000_is_real_though_1900_had_none():
    first_nine = "290200123"
    chi = first_nine + str(modulus_10_check_digit(first_nine))
    assert validate_chi(chi) == chi


@pytest.mark.parametrize("ddmmyy", ["000120", "320120", "010020", "011320", "310420"])
def test_validate_chi_impossible_day_or_month_is_a_date_error(ddmmyy):
    first_nine = ddmmyy + "123"
    assert _error(first_nine + str(modulus_10_check_digit(first_nine))).code == "chi_date"


def test_validate_chi_date_is_checked_before_the_check_digit():
    # 3201201234 is also wrong by both check digits; the date is the more useful message.
    assert modulus_11_check_digit(INVALID_DATE[:9]) != 4
    assert _error(INVALID_DATE).code == "chi_date"


# --- validate_chi: check digits -------------------------------------------------------------


def test_validate_chi_mod_10_only_number_constructed_is_accepted():
    first_nine = "150624125"
    mod_10 = modulus_10_check_digit(first_nine)
    assert modulus_11_check_digit(first_nine) != mod_10
    chi = first_nine + str(mod_10)
    assert validate_chi(chi) == chi


def test_validate_chi_mod_11_computing_ten_is_invalid_unless_mod_10_passes():
    assert modulus_11_check_digit(MOD_11_IS_TEN) is None
    mod_10 = modulus_10_check_digit(MOD_11_IS_TEN)
    assert validate_chi(MOD_11_IS_TEN + str(mod_10)) == MOD_11_IS_TEN + str(mod_10)
    for digit in set(range(10)) - {mod_10}:
        assert _error(MOD_11_IS_TEN + str(digit)).code == "chi_check_digit"


def test_validate_chi_mod_11_of_eleven_gives_check_digit_zero():
    # 2902201230: the weighted sum is 143 = 13 * 11, so the check is 11, written 0.
    assert modulus_11_check_digit("290220123") == 0


def test_validate_chi_every_other_last_digit_is_a_check_digit_error():
    for digit in "012345689":  # 7 is the right one by both schemes
        assert _error(VALID_BOTH[:9] + digit).code == "chi_check_digit"


# --- validate_chi_field ---------------------------------------------------------------------


def test_validate_chi_field_blank_is_not_validated():
    assert validate_chi_field("") is None
    assert validate_chi_field(None) is None


def test_validate_chi_field_valid_returns_none():
    assert validate_chi_field("010 101 1237") is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12345", "chi_length"),
        (INVALID_DATE, "chi_date"),
        (INVALID_CHECK_DIGIT, "chi_check_digit"),
    ],
)
def test_validate_chi_field_invalid_raises_with_code(value, code):
    with pytest.raises(ValidationError) as caught:
        validate_chi_field(value)
    assert caught.value.code == code


# --- chi_date_of_birth ----------------------------------------------------------------------


def test_chi_date_of_birth_recent_year_reads_as_20yy():
    assert chi_date_of_birth(VALID_BOTH, reference_date=datetime.date(2026, 5, 1)) == datetime.date(
        2001, 1, 1
    )


def test_chi_date_of_birth_future_20yy_reads_as_19yy():
    first_nine = "010199123"
    chi = first_nine + str(modulus_10_check_digit(first_nine))
    assert chi_date_of_birth(chi, reference_date=datetime.date(2026, 5, 1)) == datetime.date(
        1999, 1, 1
    )


def test_chi_date_of_birth_last_year_with_reference_2026_is_2025():
    first_nine = "010125123"
    chi = first_nine + str(modulus_10_check_digit(first_nine))
    assert chi_date_of_birth(chi, reference_date=datetime.date(2026, 1, 1)) == datetime.date(
        2025, 1, 1
    )


def test_chi_date_of_birth_on_the_reference_date_is_20yy():
    first_nine = "010125123"
    chi = first_nine + str(modulus_10_check_digit(first_nine))
    assert chi_date_of_birth(chi, reference_date=datetime.date(2025, 1, 1)) == datetime.date(
        2025, 1, 1
    )


def test_chi_date_of_birth_day_after_reference_date_is_19yy():
    first_nine = "020125123"
    chi = first_nine + str(modulus_10_check_digit(first_nine))
    assert chi_date_of_birth(chi, reference_date=datetime.date(2025, 1, 1)) == datetime.date(
        1925, 1, 2
    )


def test_chi_date_of_birth_default_reference_is_today(monkeypatch):
    monkeypatch.setattr("patients.chi.timezone.localdate", lambda: datetime.date(2020, 6, 1))
    assert chi_date_of_birth(VALID_MOD_10_ONLY) == datetime.date(2020, 1, 1)
    first_nine = "010720123"  # 1 July 2020 is after 1 June 2020
    chi = first_nine + str(modulus_10_check_digit(first_nine))
    assert chi_date_of_birth(chi) == datetime.date(1920, 7, 1)


def test_chi_date_of_birth_accepts_spaces():
    assert chi_date_of_birth(
        "010 101 1237", reference_date=datetime.date(2026, 1, 1)
    ) == datetime.date(2001, 1, 1)


@pytest.mark.parametrize("chi", [INVALID_CHECK_DIGIT, INVALID_DATE, "123"])
def test_chi_date_of_birth_invalid_chi_raises_value_error(chi):
    with pytest.raises(ValueError, match="Not a valid CHI number"):
        chi_date_of_birth(chi, reference_date=datetime.date(2026, 1, 1))


def test_chi_date_of_birth_leap_day_2000_before_2000_raises_value_error():
    # 29/02/00 has no 1900 reading, and 2000 is after the reference date.
    first_nine = "290200123"
    chi = first_nine + str(modulus_10_check_digit(first_nine))
    with pytest.raises(ValueError, match="after 1999-12-31"):
        chi_date_of_birth(chi, reference_date=datetime.date(1999, 12, 31))


# --- chi_sex --------------------------------------------------------------------------------


def test_chi_sex_odd_ninth_digit_is_male():
    assert chi_sex(VALID_BOTH) == "male"  # digit 9 is 3


def test_chi_sex_even_ninth_digit_is_female():
    first_nine = "010101124"
    chi = first_nine + str(modulus_10_check_digit(first_nine))
    assert chi_sex(chi) == "female"


def test_chi_sex_zero_ninth_digit_is_female():
    first_nine = "010101120"
    chi = first_nine + str(modulus_10_check_digit(first_nine))
    assert chi_sex(chi) == "female"


def test_chi_sex_invalid_chi_raises_value_error():
    with pytest.raises(ValueError, match="chi_check_digit"):
        chi_sex(INVALID_CHECK_DIGIT)


# --- format_chi -----------------------------------------------------------------------------


def test_format_chi_ten_digits_are_grouped_3_3_4():
    assert format_chi(VALID_BOTH) == "010 101 1237"


def test_format_chi_already_spaced_or_hyphenated_is_regrouped():
    assert format_chi("0101-01-1237") == "010 101 1237"


@pytest.mark.parametrize("value", ["", "12345", "01010112370", "ABCDEFGHIJ"])
def test_format_chi_not_ten_digits_is_returned_unchanged(value):
    assert format_chi(value) == value


# --- chi_matches_date_of_birth --------------------------------------------------------------


def test_chi_matches_date_of_birth_same_date_is_true():
    assert chi_matches_date_of_birth(VALID_MOD_10_ONLY, datetime.date(2020, 1, 1))


def test_chi_matches_date_of_birth_other_century_same_ddmmyy_is_true():
    # The century isn't in the number, so it can't disagree.
    assert chi_matches_date_of_birth(VALID_MOD_10_ONLY, datetime.date(1920, 1, 1))


@pytest.mark.parametrize(
    "date_of_birth",
    [datetime.date(2020, 1, 2), datetime.date(2020, 2, 1), datetime.date(2021, 1, 1)],
)
def test_chi_matches_date_of_birth_different_day_month_or_year_is_false(date_of_birth):
    assert not chi_matches_date_of_birth(VALID_MOD_10_ONLY, date_of_birth)


def test_chi_matches_date_of_birth_swapped_day_and_month_is_false():
    first_nine = "030420123"
    chi = first_nine + str(modulus_10_check_digit(first_nine))
    assert chi_matches_date_of_birth(chi, datetime.date(2020, 4, 3))
    assert not chi_matches_date_of_birth(chi, datetime.date(2020, 3, 4))


def test_chi_matches_date_of_birth_invalid_chi_raises_value_error():
    with pytest.raises(ValueError, match="Not a valid CHI number"):
        chi_matches_date_of_birth(INVALID_CHECK_DIGIT, datetime.date(1985, 4, 19))


# --- Properties -----------------------------------------------------------------------------


@hypothesis_settings(database=None)
@given(
    date_of_birth=st.dates(
        min_value=datetime.date(1926, 1, 2), max_value=datetime.date(2025, 12, 31)
    ),
    serial=st.integers(min_value=0, max_value=999),
)
def test_chi_with_mod_11_check_digit_is_valid_and_round_trips(date_of_birth, serial):
    first_nine = date_of_birth.strftime("%d%m") + f"{date_of_birth.year % 100:02d}{serial:03d}"
    check = modulus_11_check_digit(first_nine)
    assume(check is not None)
    chi = first_nine + str(check)
    assert validate_chi(chi) == chi
    # Births after 1 January 1926 and on or before the reference date, 1 January 2026, read
    # back in the right century: on 1 January 1926 itself, 2026 is the reading (not after it).
    reference = datetime.date(2026, 1, 1)
    assert chi_date_of_birth(chi, reference_date=reference) == date_of_birth
    assert chi_matches_date_of_birth(chi, date_of_birth)
    assert chi_sex(chi) == ("male" if serial % 2 else "female")


@hypothesis_settings(database=None)
@given(
    date_of_birth=st.dates(
        min_value=datetime.date(1926, 1, 2), max_value=datetime.date(2025, 12, 31)
    ),
    serial=st.integers(min_value=0, max_value=999),
)
def test_chi_with_mod_10_check_digit_is_valid(date_of_birth, serial):
    first_nine = date_of_birth.strftime("%d%m") + f"{date_of_birth.year % 100:02d}{serial:03d}"
    chi = first_nine + str(modulus_10_check_digit(first_nine))
    assert validate_chi(chi) == chi
    assert format_chi(chi).replace(" ", "") == chi


@pytest.mark.parametrize("female", [True, False])
def test_make_chi_builds_valid_numbers_of_the_right_sex(female):
    for day in range(1, 29):
        chi = make_chi(datetime.date(2025, 2, day), female=female)
        assert validate_chi(chi) == chi
        assert chi_sex(chi) == ("female" if female else "male")
        assert chi.startswith(f"{day:02d}0225")
