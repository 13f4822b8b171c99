"""A NUL character in a query string is a 400, for every page (issue 12, point 3).

PostgreSQL cannot compare text holding NUL, so a list filter given "%00" raised a DataError
(a 500) in the admin. One middleware refuses such a query string before any view reads it; the
fuzz test (test_form_fuzzing.py) sends odd query strings to every admin changelist.
"""

import pytest

from tests.integration.test_security_headers import every_header_problem

pytestmark = pytest.mark.django_db

FOUND_500 = [
    "/admin/referrals/referral/?status=%00",
    "/admin/referrals/referral/?priority__exact=%00",
    "/admin/referrals/referral/?eligibility_outcome=%00",
    "/admin/referrals/referral/?referrer_profession=%00",
    "/admin/patients/carer/?preferred_contact_method__exact=%00",
    "/admin/patients/carerelationship/?relationship__exact=%00",
]


@pytest.mark.parametrize("url", FOUND_500)
def test_a_nul_in_an_admin_list_filter_is_a_400(lead_client, url):
    response = lead_client.get(url)

    assert response.status_code == 400
    assert "Sorry, the service could not read that address" in response.content.decode()
    assert every_header_problem(url, response) == []


@pytest.mark.parametrize(
    "query",
    ["q=%00", "a%00b=1", "%00=", "ok=1&ok=x%00y", "status=accepted&x=%00"],
)
def test_a_nul_anywhere_in_a_query_string_is_a_400(lead_client, query):
    assert lead_client.get(f"/team/?{query}").status_code == 400


def test_a_nul_is_refused_before_sign_in_too(client):
    assert client.get("/accounts/login/?next=%00").status_code == 400


def test_ordinary_query_strings_still_work(lead_client):
    assert lead_client.get("/admin/referrals/referral/?status=accepted").status_code == 200
    assert lead_client.get("/team/?q=IMH-2026-00007").status_code == 200
