"""Hand-made admin requests that once gave a 500 (found by test_form_fuzzing.py)."""

import pytest
from django.urls import reverse

from tests.factories import CareRelationshipFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("bad_id", ["abc", "1e5", "2025-02-30", "\x00", "99999999999999999999999"])
def test_a_care_relationship_with_an_impossible_id_is_refused_with_its_errors(
    client, team_member, bad_id
):
    # Django's autocomplete box looked the typed id up while drawing the errors: ValueError.
    sign_in(client, team_member)
    response = client.post(
        reverse("admin:patients_carerelationship_add"),
        {"carer": bad_id, "infant": bad_id, "relationship": "mother"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["carer"]
    assert response.context["adminform"].form.errors["infant"]


def test_an_impossible_id_in_an_inline_is_refused(client, team_member):
    relationship = CareRelationshipFactory()
    sign_in(client, team_member)
    infant = relationship.infant
    prefix = "care_relationships"
    response = client.post(
        reverse("admin:patients_infant_change", args=[infant.pk]),
        {
            "given_name": infant.given_name,
            "family_name": infant.family_name,
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-carer": "not-an-id",
            f"{prefix}-0-infant": str(infant.pk),
            f"{prefix}-0-relationship": "mother",
        },
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "query"),
    [
        # Django's autocomplete view passed it to PostgreSQL, which refuses NUL: ValueError.
        (
            "admin:autocomplete",
            {
                "app_label": "patients",
                "model_name": "carerelationship",
                "field_name": "carer",
                "term": "Parent\x00test",
            },
        ),
        ("admin:patients_infant_changelist", {"health_board": "S08\x00"}),
        ("admin:patients_infant_changelist", {"q": "Baby\x00test"}),
    ],
)
def test_a_nul_character_in_an_admin_search_or_filter_is_a_400(client, team_member, url, query):
    # Refused once for every query string (imhs.middleware.RejectNulMiddleware), not per view.
    CareRelationshipFactory()
    sign_in(client, team_member)
    assert client.get(reverse(url), query).status_code == 400
