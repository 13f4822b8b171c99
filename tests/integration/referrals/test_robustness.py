"""Hand-made requests that once gave a 500 (found by tests/integration/test_form_fuzzing.py)."""

import pytest
from django.urls import reverse

from tests.factories import ReferralFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


def test_a_nul_character_in_a_section_is_an_error_and_the_rest_is_kept(client, referrer):
    # PostgreSQL's jsonb cannot hold NUL: keeping the typed answers as the draft was a 500.
    referral = ReferralFactory(referrer=referrer)
    sign_in(client, referrer)
    url = reverse("referrals:section", args=[referral.pk, "concerns"])
    response = client.post(
        url, {"why_now": "Worried\x00 about sleep", "odd\x00key": "x", "version": referral.version}
    )
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    referral.refresh_from_db()
    # Kept for the next visit (less the NUL), the section in progress.
    assert referral.section_drafts["concerns"]["why_now"] == ["Worried about sleep"]
    assert referral.section_drafts["concerns"]["oddkey"] == ["x"]
    assert referral.section_states["concerns"] == "in_progress"
    assert "Worried about sleep" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", ""), ("post", "notes/"), ("post", "invitations/"), ("post", "accept/")],
)
def test_a_nul_character_in_a_team_referral_address_is_not_found(client, team_member, method, path):
    # PostgreSQL refuses to compare text holding NUL: the lookup itself was a 500.
    sign_in(client, team_member)
    response = getattr(client, method)(f"/team/referrals/IMH-2026-%00001/{path}")
    assert response.status_code == 404
