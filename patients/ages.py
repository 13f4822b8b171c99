"""Ages of infants: birthdays and age in completed months."""

import calendar
import datetime


def nth_birthday(date_of_birth: datetime.date, n: int) -> datetime.date:
    """The date of the n-th birthday (n >= 0; raises ValueError otherwise).

    Someone born on 29 February has their birthday on 1 March in a non-leap year: the Age of
    Legal Capacity (Scotland) Act 1991, s.6, says a person born on 29 February attains an age
    on 1 March in a year that is not a leap year.
    """
    if n < 0:
        raise ValueError(f"A birthday number must not be negative, not {n}")
    year = date_of_birth.year + n
    try:
        return date_of_birth.replace(year=year)
    except ValueError:
        # Only 29 February has no twin in another year.
        return datetime.date(year, 3, 1)


def third_birthday(date_of_birth: datetime.date) -> datetime.date:
    """The 3rd birthday: the end of the service's age range (see nth_birthday for 29 February)."""
    return nth_birthday(date_of_birth, 3)


def age_in_months(date_of_birth: datetime.date, on: datetime.date) -> int:
    """Completed calendar months from `date_of_birth` to `on`.

    A month is completed on the same day of the month as the birth or, when the month has no
    such day, on the 1st of the next month: the rule the Age of Legal Capacity (Scotland) Act
    1991, s.6, gives 29 February birthdays, applied to every month so that months and birthdays
    agree (12n months are completed on the nth birthday, never a day before). Born 31 January,
    1 month is completed on 1 March; born 29 February 2024, 12 months on 1 March 2025.
    Raises ValueError if `on` is before the birth.
    """
    if on < date_of_birth:
        raise ValueError(f"{on.isoformat()} is before the date of birth")
    months = (on.year - date_of_birth.year) * 12 + (on.month - date_of_birth.month)
    days_in_month = calendar.monthrange(on.year, on.month)[1]
    if date_of_birth.day > days_in_month or on.day < date_of_birth.day:
        months -= 1  # this month's "monthday" has not come yet (or falls next month)
    return months
