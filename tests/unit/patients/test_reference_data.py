"""The reference-data reads: one full postcode's board, and the one-query postcode + practice
lookup the eligibility assessment takes."""

import pytest

from patients import reference_data
from patients.catchment import CATCHMENT
from patients.models import GPPractice, Postcode
from patients.reference_data import ReferenceFacts, health_board_for, lookup
from tests.factories import GPPracticeFactory, PostcodeFactory

pytestmark = pytest.mark.django_db


# --- health_board_for ------------------------------------------------------------------------


def test_health_board_for_recorded_postcode_is_its_board(django_assert_num_queries):
    Postcode.objects.create(
        postcode="ML5 3BJ",
        health_board_code=CATCHMENT.board_code,
        council_area_code=CATCHMENT.council_codes[0],
    )
    with django_assert_num_queries(1):
        assert health_board_for(" ml53bj ") == CATCHMENT.board_code


def test_health_board_for_unrecorded_postcode_is_none():
    assert health_board_for("ML5 3BJ") is None


def test_health_board_for_not_a_postcode_is_none_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert health_board_for("ML5") is None


# --- lookup ----------------------------------------------------------------------------------


def test_lookup_reads_the_models_own_tables():
    # The one-query lookup names the tables in SQL; keep it in step with the models.
    assert f"JOIN {Postcode._meta.db_table} AS pc" in reference_data.SQL
    assert f"JOIN {GPPractice._meta.db_table} AS gp" in reference_data.SQL


def test_lookup_finds_both_in_one_query(django_assert_num_queries):
    PostcodeFactory(postcode="ML5 9ZZ", health_board_code="S08000031")
    GPPracticeFactory(code="99001", health_board_code=CATCHMENT.board_code, active=False)

    with django_assert_num_queries(1):
        found = lookup(postcode="ML5 9ZZ", practice_code="99001")

    assert found == ReferenceFacts(
        postcode_board="S08000031", practice=(CATCHMENT.board_code, False)
    )


def test_lookup_of_rows_not_in_the_tables_is_empty():
    assert lookup(postcode="ML5 9ZZ", practice_code="99999") == ReferenceFacts()


def test_lookup_of_nothing_makes_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert lookup(postcode=None, practice_code=None) == ReferenceFacts()
