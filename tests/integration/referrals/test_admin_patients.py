"""Patient records in the admin: babies, carers and how they are related (audited, never
deleted here)."""

import pytest
from django.urls import reverse

from imhs.models import AuditAction, AuditEvent
from tests.admin_pages import patients_changelist as changelist
from tests.factories import (
    CareRelationshipFactory,
    GPPracticeFactory,
    InfantFactory,
    ReferrerFactory,
)
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


def test_infants_are_found_by_name_chi_with_spaces_and_postcode_without(lead_client):
    InfantFactory(given_name="Findme", chi_number="0101251238", postcode="ML5 9ZZ")
    InfantFactory(given_name="Other", chi_number="", postcode="G1 9ZZ")

    for term in ["Findme", "010 125 1238", "0101251238", "ml59zz"]:
        html = changelist(lead_client, "infant", q=term)
        assert "Findme" in html, term
        assert "Other Example" not in html, term


def test_infant_list_shows_chi_formatted_and_filters_by_practice_board(lead_client):
    InfantFactory(given_name="Lanark", chi_number="0101251238")
    InfantFactory(
        given_name="Glasgow", gp_practice=GPPracticeFactory(health_board_code="S08000031")
    )

    html = changelist(lead_client, "infant", health_board="S08000032")

    assert "010 125 1238" in html
    assert "Lanark" in html
    assert "Glasgow Example" not in html


def test_infant_list_filters_by_lives_with(lead_client):
    InfantFactory(given_name="Fostered", lives_with="foster_carers")
    InfantFactory(given_name="Athome", lives_with="parents")

    html = changelist(lead_client, "infant", lives_with__exact="foster_carers")

    assert "Fostered" in html
    assert "Athome" not in html


def test_viewing_an_infant_record_is_audited(lead_client, service_lead):
    relationship = CareRelationshipFactory()
    url = reverse("admin:patients_infant_change", args=[relationship.infant.pk])

    html = lead_client.get(url).content.decode()

    assert relationship.carer.given_name in html  # the carers, inline
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="patients.infant")
    assert (event.actor, event.object_id) == (service_lead, str(relationship.infant.pk))


def test_listing_patient_records_is_audited_without_the_search_text(lead_client):
    changelist(lead_client, "infant", q="Secretname")

    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="patients.infant")
    assert event.detail == {"list": True}


def test_infants_and_carers_cannot_be_deleted_from_the_admin(lead_client):
    relationship = CareRelationshipFactory()
    for model, pk in [("infant", relationship.infant.pk), ("carer", relationship.carer.pk)]:
        response = lead_client.get(reverse(f"admin:patients_{model}_delete", args=[pk]))
        assert response.status_code == 403, model


def test_referrer_has_no_admin_access_to_patients(client):
    sign_in(client, ReferrerFactory())
    response = client.get(reverse("admin:patients_infant_changelist"))
    assert response.status_code == 403


def test_care_relationships_have_their_own_searchable_list(lead_client):
    CareRelationshipFactory(carer__given_name="Searchcarer", infant__given_name="Listedbaby")
    CareRelationshipFactory(carer__given_name="Othercarer")

    html = changelist(lead_client, "carerelationship", q="Searchcarer")

    assert "Listedbaby" in html
    assert "Othercarer" not in html
