"""UK postcodes: normal form, parts, and whether a postcode is in NHS Lanarkshire.

Forms clean postcodes with localflavor's GBPostcodeField; this module is for code (eligibility,
imports) and reuses that field's BS 7666 patterns so the two agree on what a postcode is.
"""

import re

from localflavor.gb.forms import GBPostcodeField

# GSS codes. Both councils' areas are within the health board.
NHS_LANARKSHIRE = "S08000032"
NORTH_LANARKSHIRE_COUNCIL = "S12000050"
SOUTH_LANARKSHIRE_COUNCIL = "S12000029"

# District (outward code) classification, used only when the full-postcode table has no record.
# These are public boundary facts, kept as data rather than logic so the service can correct
# them when a boundary or a district changes.
LANARKSHIRE_DISTRICTS_INSIDE = frozenset(
    {
        "ML1", "ML2", "ML3", "ML4", "ML5", "ML6", "ML8", "ML9", "ML10", "ML11",
        "G67", "G71", "G72", "G73", "G74", "G75",
    }
)  # fmt: skip
LANARKSHIRE_DISTRICTS_STRADDLING = frozenset(
    {"ML7", "ML12", "G33", "G65", "G66", "G68", "G69", "G76", "EH46", "EH47", "EH55"}
)

INSIDE = "inside"
STRADDLING = "straddling"
OUTSIDE = "outside"

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


def district_status(postcode: str) -> str:
    """INSIDE, STRADDLING or OUTSIDE Lanarkshire, judged by the postcode's district alone.

    The whole outward code is compared, so ML1 is inside while ML13 (not listed) is outside.
    Raises ValueError as normalise: a value that isn't a postcode is not "outside".
    """
    district = outward_code(postcode)
    if district in LANARKSHIRE_DISTRICTS_INSIDE:
        return INSIDE
    if district in LANARKSHIRE_DISTRICTS_STRADDLING:
        return STRADDLING
    return OUTSIDE


def health_board_for(postcode: str) -> str | None:
    """The health board GSS code recorded for the full postcode, or None.

    None when the Postcode table has no record, or the value cannot be normalised. One query.
    """
    # Imported here, not at the top: patients.models may import normalise from this module.
    from patients.models import Postcode

    try:
        normalised = normalise(postcode)
    except ValueError:
        return None
    return (
        Postcode.objects.filter(postcode=normalised)
        .values_list("health_board_code", flat=True)
        .first()
    )
