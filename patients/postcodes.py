"""UK postcodes: normal form and parts.

Forms clean postcodes with localflavor's GBPostcodeField; this module is for code (eligibility,
imports) and reuses that field's BS 7666 patterns so the two agree on what a postcode is.
"""

import re

from localflavor.gb.forms import GBPostcodeField

_INWARD_LENGTH = 3
_WHITESPACE = re.compile(r"\s+")
_POSTCODE = re.compile(
    rf"(?:GIR 0AA|{GBPostcodeField.outcode_pattern} {GBPostcodeField.incode_pattern})"
)


def normalise(value: str) -> str:
    """The postcode in normal form: upper case, one space before the 3-character inward code.

    "ml53bj" and " ML5  3BJ " both give "ML5 3BJ". Raises ValueError when the value is not
    the shape of a UK postcode (BS 7666; whether the postcode exists is not checked).
    """
    compact = _WHITESPACE.sub("", str(value)).upper()
    candidate = f"{compact[:-_INWARD_LENGTH]} {compact[-_INWARD_LENGTH:]}"
    if not _POSTCODE.fullmatch(candidate):
        raise ValueError(f"{value!r} is not a UK postcode, like ML5 3BJ")
    return candidate


def outward_code(postcode: str) -> str:
    """The outward code (postcode district): "ML5 3BJ" -> "ML5". Raises ValueError as normalise."""
    return normalise(postcode).split(" ")[0]


def sector(postcode: str) -> str:
    """The postcode sector: "ML5 3BJ" -> "ML5 3". Raises ValueError as normalise."""
    return normalise(postcode)[: -(_INWARD_LENGTH - 1)]
