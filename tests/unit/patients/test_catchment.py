"""The catchment: the service's board, councils and postcode districts, written once."""

import pytest

from patients.catchment import CATCHMENT, INSIDE, OUTSIDE, STRADDLING

# --- the area's codes and names --------------------------------------------------------------


def test_gss_codes_are_the_design_codes():
    assert CATCHMENT.board_code == "S08000032"
    assert CATCHMENT.council_codes == ["S12000050", "S12000029"]


def test_names():
    assert CATCHMENT.board_name == "NHS Lanarkshire"
    assert [council.name for council in CATCHMENT.councils] == [
        "North Lanarkshire",
        "South Lanarkshire",
    ]
    assert CATCHMENT.councils_in_words == "North Lanarkshire or South Lanarkshire"


def test_council_slugs_are_the_dashboard_filter_values():
    # The team's bookmarked dashboard filters say these in their query strings.
    assert [council.slug for council in CATCHMENT.councils] == ["north", "south"]


# --- district rules as data ------------------------------------------------------------------


def test_district_lists_are_the_design_lists():
    design_inside = {
        "ML1", "ML2", "ML3", "ML4", "ML5", "ML6", "ML8", "ML9", "ML10", "ML11",
        "G67", "G71", "G72", "G73", "G74", "G75",
    }  # fmt: skip
    design_straddling = {
        "ML7", "ML12", "G33", "G65", "G66", "G68", "G69", "G76", "EH46", "EH47", "EH55",
    }  # fmt: skip
    assert design_inside == CATCHMENT.districts_inside
    assert design_straddling == CATCHMENT.districts_straddling


def test_district_lists_do_not_overlap():
    assert not CATCHMENT.districts_inside & CATCHMENT.districts_straddling


# --- district_status -------------------------------------------------------------------------


@pytest.mark.parametrize("district", sorted(CATCHMENT.districts_inside))
def test_district_status_inside_districts_are_inside(district):
    assert CATCHMENT.district_status(f"{district} 1AA") == INSIDE


@pytest.mark.parametrize("district", sorted(CATCHMENT.districts_straddling))
def test_district_status_straddling_districts_are_straddling(district):
    assert CATCHMENT.district_status(f"{district} 1AA") == STRADDLING


@pytest.mark.parametrize("district", ["G1", "EH1", "KA1", "ML13", "G7", "G17", "EH4", "M1"])
def test_district_status_other_districts_are_outside(district):
    assert CATCHMENT.district_status(f"{district} 1AA") == OUTSIDE


def test_district_status_compares_the_whole_outward_code():
    assert CATCHMENT.district_status("ML1 1AA") == INSIDE
    assert CATCHMENT.district_status("ML10 1AA") == INSIDE
    assert CATCHMENT.district_status("ML12 1AA") == STRADDLING
    assert CATCHMENT.district_status("ML13 1AA") == OUTSIDE


def test_district_status_normalises_first():
    assert CATCHMENT.district_status("ml53bj") == INSIDE


def test_district_status_values_are_plain_strings():
    assert (INSIDE, STRADDLING, OUTSIDE) == ("inside", "straddling", "outside")


def test_district_status_not_a_postcode_raises_value_error():
    with pytest.raises(ValueError, match="is not a UK postcode"):
        CATCHMENT.district_status("ML5")
