"""Ages: birthdays (29 February on 1 March in non-leap years) and completed months."""

import datetime

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from patients.ages import age_in_months, nth_birthday, third_birthday

D = datetime.date

# --- nth_birthday and third_birthday --------------------------------------------------------


def test_nth_birthday_ordinary_date_is_same_day_and_month():
    assert nth_birthday(D(2024, 6, 15), 1) == D(2025, 6, 15)


def test_nth_birthday_zero_is_the_date_of_birth():
    assert nth_birthday(D(2024, 2, 29), 0) == D(2024, 2, 29)


def test_nth_birthday_negative_raises_value_error():
    with pytest.raises(ValueError, match="must not be negative"):
        nth_birthday(D(2024, 6, 15), -1)


def test_nth_birthday_29_february_in_a_non_leap_year_is_1_march():
    assert nth_birthday(D(2024, 2, 29), 1) == D(2025, 3, 1)


def test_nth_birthday_29_february_in_a_leap_year_is_29_february():
    assert nth_birthday(D(2024, 2, 29), 4) == D(2028, 2, 29)


def test_nth_birthday_29_february_in_1900_style_century_year_is_1_march():
    # 2100 is not a leap year (divisible by 100, not by 400).
    assert nth_birthday(D(2096, 2, 29), 4) == D(2100, 3, 1)


def test_nth_birthday_28_february_stays_28_february():
    assert nth_birthday(D(2023, 2, 28), 1) == D(2024, 2, 28)


def test_third_birthday_ordinary_date():
    assert third_birthday(D(2023, 10, 31)) == D(2026, 10, 31)


def test_third_birthday_29_february_is_1_march():
    assert third_birthday(D(2024, 2, 29)) == D(2027, 3, 1)


def test_third_birthday_29_february_into_a_leap_year():
    assert third_birthday(D(2000, 2, 29)) == D(2003, 3, 1)
    assert nth_birthday(D(2000, 2, 29), 4) == D(2004, 2, 29)


# --- age_in_months --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "on", "months"),
    [
        (D(2024, 1, 15), D(2024, 1, 15), 0),  # day of birth
        (D(2024, 1, 15), D(2024, 2, 14), 0),  # day before the monthday
        (D(2024, 1, 15), D(2024, 2, 15), 1),  # on the monthday
        (D(2024, 1, 15), D(2025, 1, 14), 11),
        (D(2024, 1, 15), D(2025, 1, 15), 12),
        (D(2023, 12, 20), D(2024, 1, 19), 0),  # across a year end
        (D(2023, 12, 20), D(2024, 1, 20), 1),
        (D(2023, 1, 31), D(2023, 2, 28), 0),  # no 31 February: completed on 1 March
        (D(2023, 1, 31), D(2023, 3, 1), 1),
        (D(2024, 1, 31), D(2024, 2, 29), 0),  # leap year too: no 31 February
        (D(2024, 1, 31), D(2024, 3, 1), 1),
        (D(2023, 1, 31), D(2023, 3, 30), 1),  # March has a 31st
        (D(2023, 1, 31), D(2023, 3, 31), 2),
        (D(2023, 3, 31), D(2023, 4, 30), 0),  # 30-day month: completed on 1 May
        (D(2023, 3, 31), D(2023, 5, 1), 1),
        (D(2023, 1, 30), D(2023, 2, 28), 0),
        (D(2023, 1, 30), D(2023, 3, 1), 1),
        (D(2024, 2, 29), D(2025, 2, 28), 11),  # a day before the legal birthday
        (D(2024, 2, 29), D(2025, 3, 1), 12),  # the legal birthday (1991 Act s.6)
        (D(2024, 2, 29), D(2027, 2, 28), 35),  # the day before the 3rd birthday
        (D(2024, 2, 29), D(2027, 3, 1), 36),
        (D(2024, 2, 29), D(2024, 3, 28), 0),
        (D(2024, 2, 29), D(2024, 3, 29), 1),
        (D(2023, 6, 1), D(2026, 5, 31), 35),  # the day before the 3rd birthday
        (D(2023, 6, 1), D(2026, 6, 1), 36),
    ],
)
def test_age_in_months_completed_calendar_months(born, on, months):
    assert age_in_months(born, on) == months


def test_age_in_months_before_birth_raises_value_error():
    with pytest.raises(ValueError, match="before the date of birth"):
        age_in_months(D(2024, 1, 15), D(2024, 1, 14))


# --- Properties -----------------------------------------------------------------------------

_DATES = st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31))


@hypothesis_settings(database=None)
@given(born=_DATES, n=st.integers(min_value=0, max_value=5))
def test_age_in_months_on_the_nth_birthday_is_12n(born, n):
    assert age_in_months(born, nth_birthday(born, n)) == 12 * n


@hypothesis_settings(database=None)
@given(born=_DATES, days=st.integers(min_value=0, max_value=3 * 366))
def test_age_in_months_never_decreases_day_to_day(born, days):
    on = born + datetime.timedelta(days=days)
    next_day = on + datetime.timedelta(days=1)
    assert 0 <= age_in_months(born, next_day) - age_in_months(born, on) <= 1
