"""Scottish CHI (Community Health Index) numbers: validation and the facts they carry.

A CHI number is 10 digits:

- digits 1-6 are the date of birth, DDMMYY;
- digits 7-8 are serial digits;
- digit 9 is a serial digit whose parity is the sex (odd = male, even = female);
- digit 10 is a check digit, either modulus 11 (numbers issued before late 2025) or
  modulus 10 (numbers issued since). A number is valid if EITHER check passes: nothing in the
  number says which scheme issued it.

The century is not in the number. Validation accepts DDMMYY when it is a real date in at least
one of 19YY and 20YY; because 2000 was a leap year, that is the same as "a real date in 20YY",
so 290200 is real and 290201 is not. `chi_date_of_birth` reads the year as 20YY for infants
unless that would be after the reference date.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

CHI_LENGTH = 10

# The design's synthetic example, shown to users in the "wrong length" message.
EXAMPLE_CHI = "010 101 1237"

MESSAGE_LENGTH = f"Enter a CHI number with 10 digits, like {EXAMPLE_CHI}"
MESSAGE_DATE = (
    "The first 6 digits of a CHI number are the date of birth (day, month, year): "
    "these are not a real date"
)
MESSAGE_CHECK_DIGIT = "This is not a valid CHI number: check it has been copied correctly"

# People copy CHI numbers as "010 101 1237" or "010-101-1237"; both are the same number.
_SEPARATORS = re.compile(r"[\s-]+")
# ASCII digits only: str.isdigit() would also accept other scripts' digits and superscripts.
_TEN_DIGITS = re.compile(r"[0-9]{10}")

_CENTURIES = (2000, 1900)


def validate_chi(value) -> str:
    """Return `value` as a 10-digit CHI string, or raise ValidationError.

    Spaces and hyphens anywhere are removed first. Errors carry a `code`:
    "chi_length" (not exactly 10 digits), "chi_date" (DDMMYY is not a real date in 19YY or
    20YY) or "chi_check_digit" (neither the modulus 11 nor the modulus 10 check passes).
    """
    digits = _SEPARATORS.sub("", "" if value is None else str(value))
    if not _TEN_DIGITS.fullmatch(digits):
        raise ValidationError(MESSAGE_LENGTH, code="chi_length")
    if not _possible_birth_dates(digits):
        raise ValidationError(MESSAGE_DATE, code="chi_date")
    if not (_passes_modulus_11(digits) or _passes_modulus_10(digits)):
        raise ValidationError(MESSAGE_CHECK_DIGIT, code="chi_check_digit")
    return digits


def validate_chi_field(value) -> None:
    """Model-field validator: the checks of `validate_chi`; blank values are not checked.

    The CHI number is optional while a referral is a draft, so "" (and None) pass here;
    whether it is required is the form's or the submission's decision.
    """
    if value in ("", None):
        return
    validate_chi(value)


def modulus_11_check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit for 9 digits, or None when it computes to 10.

    Weights 10, 9, ..., 2; check = 11 - (sum mod 11), where 11 becomes 0. A result of 10 is
    never issued, so no modulus 11 number ends that way.
    """
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)
    )
    check = (11 - total % 11) % 11
    return None if check == 10 else check


def modulus_10_check_digit(first_nine: str) -> int:
    """The modulus 10 check digit for 9 digits (CHI numbers issued since late 2025).

    Digits 1, 3, 5, 7 and 9 are doubled, less 9 when the double is over 9; the sum of those and
    digits 2, 4, 6 and 8 gives check = (10 - sum mod 10) mod 10.
    """
    total = 0
    for position, digit in enumerate(first_nine, start=1):
        value = int(digit)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def chi_date_of_birth(chi: str, *, reference_date: datetime.date | None = None) -> datetime.date:
    """The date of birth in a CHI number, reading the year as 20YY unless that is too late.

    The year is 20YY unless that date would be after `reference_date` (default: today in the
    project's time zone), in which case it is 19YY. Raises ValueError for an invalid CHI, or
    when no reading is on or before `reference_date` (only possible for 29 February 2000, which
    has no 1900 twin, with a reference date before it).
    """
    digits = _valid_digits(chi)
    if reference_date is None:
        reference_date = timezone.localdate()
    for candidate in _possible_birth_dates(digits):
        if candidate <= reference_date:
            return candidate
    raise ValueError(f"The CHI number's date of birth is after {reference_date.isoformat()}")


def chi_sex(chi: str) -> str:
    """Return "male" when digit 9 is odd, else "female" (values of patients.models.Sex).

    Raises ValueError for an invalid CHI.
    """
    return "male" if int(_valid_digits(chi)[8]) % 2 == 1 else "female"


def chi_matches_date_of_birth(chi: str, date_of_birth: datetime.date) -> bool:
    """True when the CHI's DDMMYY is the day, month and 2-digit year of `date_of_birth`.

    The century is not compared: the CHI number does not hold it. Raises ValueError for an
    invalid CHI, so that "does not match" never hides "is not a CHI number".
    """
    digits = _valid_digits(chi)
    return digits[:6] == date_of_birth.strftime("%d%m") + f"{date_of_birth.year % 100:02d}"


def format_chi(chi: str) -> str:
    """Group a CHI for display, "0101011237" -> "010 101 1237"; other input comes back as is.

    Presentation only: the check digit is not checked.
    """
    digits = _SEPARATORS.sub("", chi)
    if not _TEN_DIGITS.fullmatch(digits):
        return chi
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def _valid_digits(chi: str) -> str:
    """`validate_chi` for callers that expect ValueError (code, not user input)."""
    try:
        return validate_chi(chi)
    except ValidationError as error:
        raise ValueError(f"Not a valid CHI number ({error.code})") from error


def _possible_birth_dates(digits: str) -> list[datetime.date]:
    """The real dates DDMMYY can be, 20YY first then 19YY; empty if neither exists."""
    day, month, year = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    dates = []
    for century in _CENTURIES:
        try:
            dates.append(datetime.date(century + year, month, day))
        except ValueError:
            continue
    return dates


def _passes_modulus_11(digits: str) -> bool:
    return modulus_11_check_digit(digits[:9]) == int(digits[9])


def _passes_modulus_10(digits: str) -> bool:
    return modulus_10_check_digit(digits[:9]) == int(digits[9])


def make_chi(date_of_birth: datetime.date, *, female: bool, serial: str = "12") -> str:
    """A valid (modulus 11) CHI number for `date_of_birth` and sex, for synthetic records only
    (demo data and tests): `serial` is digits 7-8, digit 9 is chosen to give a usable check
    digit (even for female, odd for male)."""
    for sex_digit in "2468" if female else "1357":
        first_nine = f"{date_of_birth:%d%m%y}{serial}{sex_digit}"
        check = modulus_11_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"
    # Unreachable: of four sex digits at most one gives a check digit of 10.
    raise AssertionError("no sex digit gave a usable check digit")
