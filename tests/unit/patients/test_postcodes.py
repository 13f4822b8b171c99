"""Postcodes: normal form, parts, Lanarkshire districts and the full-postcode table."""

import pytest

from patients.postcodes import (
    INSIDE,
    LANARKSHIRE_DISTRICTS_INSIDE,
    LANARKSHIRE_DISTRICTS_STRADDLING,
    NHS_LANARKSHIRE,
    NORTH_LANARKSHIRE_COUNCIL,
    OUTSIDE,
    SOUTH_LANARKSHIRE_COUNCIL,
    STRADDLING,
    district_status,
    health_board_for,
    normalise,
    outward_code,
    sector,
)

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


# --- District rules as data -----------------------------------------------------------------


def test_district_lists_are_the_design_lists():
    design_inside = {
        "ML1", "ML2", "ML3", "ML4", "ML5", "ML6", "ML8", "ML9", "ML10", "ML11",
        "G67", "G71", "G72", "G73", "G74", "G75",
    }  # fmt: skip
    design_straddling = {
        "ML7", "ML12", "G33", "G65", "G66", "G68", "G69", "G76", "EH46", "EH47", "EH55",
    }  # fmt: skip
    assert design_inside == LANARKSHIRE_DISTRICTS_INSIDE
    assert design_straddling == LANARKSHIRE_DISTRICTS_STRADDLING


def test_district_lists_do_not_overlap():
    assert not LANARKSHIRE_DISTRICTS_INSIDE & LANARKSHIRE_DISTRICTS_STRADDLING


# --- district_status ------------------------------------------------------------------------


@pytest.mark.parametrize("district", sorted(LANARKSHIRE_DISTRICTS_INSIDE))
def test_district_status_inside_districts_are_inside(district):
    assert district_status(f"{district} 1AA") == INSIDE


@pytest.mark.parametrize("district", sorted(LANARKSHIRE_DISTRICTS_STRADDLING))
def test_district_status_straddling_districts_are_straddling(district):
    assert district_status(f"{district} 1AA") == STRADDLING


@pytest.mark.parametrize("district", ["G1", "EH1", "KA1", "ML13", "G7", "G17", "EH4", "M1"])
def test_district_status_other_districts_are_outside(district):
    assert district_status(f"{district} 1AA") == OUTSIDE


def test_district_status_compares_the_whole_outward_code():
    assert district_status("ML1 1AA") == INSIDE
    assert district_status("ML10 1AA") == INSIDE
    assert district_status("ML12 1AA") == STRADDLING
    assert district_status("ML13 1AA") == OUTSIDE


def test_district_status_normalises_first():
    assert district_status("ml53bj") == INSIDE


def test_district_status_values_are_plain_strings():
    assert (INSIDE, STRADDLING, OUTSIDE) == ("inside", "straddling", "outside")


def test_district_status_not_a_postcode_raises_value_error():
    with pytest.raises(ValueError, match="is not a UK postcode"):
        district_status("ML5")


# --- Health board constants and health_board_for ---------------------------------------------


def test_gss_codes_are_the_design_codes():
    assert NHS_LANARKSHIRE == "S08000032"
    assert NORTH_LANARKSHIRE_COUNCIL == "S12000050"
    assert SOUTH_LANARKSHIRE_COUNCIL == "S12000029"


@pytest.mark.django_db
def test_health_board_for_recorded_postcode_is_its_board(django_assert_num_queries):
    from patients.models import Postcode

    Postcode.objects.create(
        postcode="ML5 3BJ",
        health_board_code=NHS_LANARKSHIRE,
        council_area_code=NORTH_LANARKSHIRE_COUNCIL,
    )
    with django_assert_num_queries(1):
        assert health_board_for(" ml53bj ") == NHS_LANARKSHIRE


@pytest.mark.django_db
def test_health_board_for_unrecorded_postcode_is_none():
    assert health_board_for("ML5 3BJ") is None


@pytest.mark.django_db
def test_health_board_for_not_a_postcode_is_none_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert health_board_for("ML5") is None
