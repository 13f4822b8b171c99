"""Reference data in the admin: GP practices and postcodes. (The patient records' admin is
referrals.admin_patients: tests/integration/referrals/test_admin_patients.py.)"""

import pytest
from django.urls import reverse

from tests.admin_pages import patients_changelist as changelist
from tests.factories import (
    GPPracticeFactory,
    InfantFactory,
    PostcodeFactory,
)
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


def test_practices_are_searched_by_code_name_and_town_and_filtered(lead_client):
    GPPracticeFactory(code="99101", name="Alpha Testville Practice", address_line_3="Newtestburgh")
    GPPracticeFactory(code="99102", name="Beta Practice", health_board_code="S08000031")
    GPPracticeFactory(code="99103", name="Gamma Practice", active=False)

    assert "Alpha Testville" in changelist(lead_client, "gppractice", q="99101")
    assert "Alpha Testville" in changelist(lead_client, "gppractice", q="Newtestburgh")
    glasgow = changelist(lead_client, "gppractice", health_board="S08000031")
    assert "Beta Practice" in glasgow
    assert "Alpha Testville" not in glasgow
    inactive = changelist(lead_client, "gppractice", active__exact="0")
    assert "Gamma Practice" in inactive
    assert "Beta Practice" not in inactive


def test_a_referenced_practice_cannot_be_deleted_an_unreferenced_one_can(lead_client):
    used = InfantFactory().gp_practice
    unused = GPPracticeFactory(code="99199")

    assert (
        lead_client.get(reverse("admin:patients_gppractice_delete", args=[used.pk])).status_code
        == 403
    )
    assert (
        lead_client.get(reverse("admin:patients_gppractice_delete", args=[unused.pk])).status_code
        == 200
    )


def test_reference_data_has_no_bulk_delete(lead_client):
    GPPracticeFactory()
    PostcodeFactory()
    for model in ["gppractice", "postcode"]:
        assert "delete_selected" not in changelist(lead_client, model), model


def test_a_postcode_in_use_cannot_be_deleted(lead_client):
    used = PostcodeFactory(postcode="ML5 9ZZ")
    InfantFactory(postcode="ML5 9ZZ")
    unused = PostcodeFactory(postcode="ML5 9ZY")

    assert (
        lead_client.get(reverse("admin:patients_postcode_delete", args=[used.pk])).status_code
        == 403
    )
    assert (
        lead_client.get(reverse("admin:patients_postcode_delete", args=[unused.pk])).status_code
        == 200
    )


def test_postcodes_are_found_however_they_are_typed(lead_client):
    PostcodeFactory(postcode="ML5 9ZZ")
    PostcodeFactory(postcode="G1 9ZZ", health_board_code="S08000031")

    assert "ML5 9ZZ" in changelist(lead_client, "postcode", q="ml59zz")
    district = changelist(lead_client, "postcode", q="ML5")
    assert "ML5 9ZZ" in district
    assert "G1 9ZZ" not in district


def test_team_member_reads_reference_data_but_cannot_change_it(client, team_member):
    practice = GPPracticeFactory()
    sign_in(client, team_member)

    assert client.get(reverse("admin:patients_gppractice_changelist")).status_code == 200
    assert client.get(reverse("admin:patients_gppractice_add")).status_code == 403
    response = client.post(
        reverse("admin:patients_gppractice_change", args=[practice.pk]), {"name": "Renamed"}
    )
    assert response.status_code == 403
