"""Role-based access: anonymous people sign in first; the wrong role gets 403 and is audited."""

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from imhs.accounts.access import get_or_404
from imhs.models import AuditAction, AuditEvent
from referrals.models import Referral
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

SIGNED_IN_PAGES = ["home", "referrals:mine", "referrals:dashboard", "password_change"]
PUBLIC_PAGES = ["start", "accessibility", "privacy", "login", "password_reset"]


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_anonymous_visitor_is_sent_to_sign_in(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_need_no_sign_in(client, name):
    assert client.get(reverse(name)).status_code == 200


def test_referrer_on_a_team_page_gets_403_and_an_audit_event(client, referrer):
    sign_in(client, referrer)

    response = client.get(reverse("referrals:dashboard"))

    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (event.actor, event.detail) == (referrer, {"view": "referrals:dashboard"})


def test_team_member_on_a_referrer_page_gets_403(client, team_member):
    sign_in(client, team_member)
    assert client.get(reverse("referrals:mine")).status_code == 403


@pytest.mark.parametrize("fixture", ["team_member", "service_lead"])
def test_team_roles_reach_the_dashboard(client, request, fixture):
    sign_in(client, request.getfixturevalue(fixture))
    assert client.get(reverse("referrals:dashboard")).status_code == 200


def test_deactivated_user_is_treated_as_signed_out(client, referrer):
    sign_in(client, referrer)
    referrer.is_active = False
    referrer.save(update_fields=["is_active"])

    assert client.get(reverse("referrals:mine")).status_code == 302


@pytest.mark.parametrize("name", [*PUBLIC_PAGES, "referrals:mine"])
def test_every_response_carries_the_content_security_policy(client, referrer, name):
    sign_in(client, referrer)
    csp = client.get(reverse(name))["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "unsafe-inline" not in csp


@pytest.mark.parametrize(
    ("path", "status"), [("/no-such-page/", 404), ("/team/", 403), ("/admin/", 200)]
)
def test_error_and_admin_pages_carry_the_headers_too(client, referrer, team_member, path, status):
    sign_in(client, team_member if path == "/admin/" else referrer)
    response = client.get(path)
    assert response.status_code == status
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_csrf_failure_gets_a_plain_explanation(referrer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x@example.org", "password": "y"})
    assert response.status_code == 403
    assert "Your page had been open too long" in response.content.decode()


def test_a_nul_character_in_a_looked_up_reference_is_a_404_and_recorded(team_member):
    request = RequestFactory().get("/")
    request.user = team_member
    request.resolver_match = None
    with pytest.raises(Http404):
        get_or_404(request, Referral.objects.all(), reference="IMH-2026-\x0000001")
    assert connection.is_usable()
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert event.object_id == "IMH-2026-00001"


def test_a_refusal_names_the_record_the_url_asks_for(client, referrer, settings):
    sign_in(client, referrer)
    url = reverse("referrals:team_referral", args=["IMH-2026-00042"])

    assert client.get(url).status_code == 403
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (event.object_type, event.object_id) == ("referrals.referral", "IMH-2026-00042")

    # Which URLs name which record is the project's setting: the core knows no app.
    settings.ACCESS_DENIED_RECORDS = {}
    assert client.get(url).status_code == 403
    event = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).latest("pk")
    assert (event.object_type, event.object_id) == ("", "")
