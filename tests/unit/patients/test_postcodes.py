"""Postcodes: normal form and parts. (The catchment's districts: test_catchment.py; the
full-postcode table: test_reference_data.py.)"""

import pytest

from patients.postcodes import normalise, outward_code, sector

# --- normalise ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ML5 3BJ", "ML5 3BJ"),
        ("ml53bj", "ML5 3BJ"),
        (" ML5  3BJ ", "ML5 3BJ"),
        ("Ml5\t3bJ", "ML5 3BJ"),
        ("M L 5 3 B J", "ML5 3BJ"),
        ("ml103ab", "ML10 3AB"),
        ("G1 1AA", "G1 1AA"),
        ("eh11aa", "EH1 1AA"),
        ("W1A 1AA", "W1A 1AA"),
        ("EC1A1BB", "EC1A 1BB"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_normalise_variants_give_the_normal_form(value, expected):
    assert normalise(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "ML5",
        "3BJ",
        "ML5 3B",
        "ML5 3BJX",
        "ML5 BJ3",
        "5ML 3BJ",
        "QL5 3BJ",  # Q never starts a postcode
        "ML5 3CJ",  # C is not used in the inward code
        "ML5-3BJ",
        "not a postcode",
    ],
)
def test_normalise_not_a_postcode_raises_value_error(value):
    with pytest.raises(ValueError, match="is not a UK postcode"):
        normalise(value)


# --- outward_code and sector ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("postcode", "expected"),
    [("ML5 3BJ", "ML5"), ("ml103ab", "ML10"), ("G1 1AA", "G1"), ("EH47 8AB", "EH47")],
)
def test_outward_code_is_the_part_before_the_space(postcode, expected):
    assert outward_code(postcode) == expected


@pytest.mark.parametrize(
    ("postcode", "expected"),
    [("ML5 3BJ", "ML5 3"), ("ml103ab", "ML10 3"), ("G1 1AA", "G1 1")],
)
def test_sector_is_the_outward_code_and_first_inward_digit(postcode, expected):
    assert sector(postcode) == expected


def test_outward_code_not_a_postcode_raises_value_error():
    with pytest.raises(ValueError, match="is not a UK postcode"):
        outward_code("ML5")
