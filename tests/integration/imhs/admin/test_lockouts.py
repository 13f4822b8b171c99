"""Sign-in lockouts (django-axes): they end after 15 minutes, look the same for an unknown email,
count the client's address through the configured proxies, and a service lead can see and
clear them (audited)."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from imhs.models import AuditAction, AuditEvent
from tests.factories import ReferrerFactory, ServiceLeadFactory, TeamMemberFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "a long test passphrase for lockouts"
LOCKOUTS = reverse("admin:axes_accessattempt_changelist")


def fail_five_times(client, email, **extra):
    for attempt in range(5):
        client.post(reverse("login"), {"username": email, "password": f"wrong-{attempt}"}, **extra)


def try_to_sign_in(client, email, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": email, "password": password}, **extra)


def test_a_lockout_ends_after_15_minutes(client):
    ReferrerFactory(email="cooling@example.org", password=PASSWORD)
    fail_five_times(client, "cooling@example.org")
    assert try_to_sign_in(client, "cooling@example.org").status_code == 429

    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(tz=datetime.UTC)
        - datetime.timedelta(minutes=15, seconds=1)
    )

    assert try_to_sign_in(client, "cooling@example.org").status_code == 302


def test_an_unknown_email_is_locked_out_the_same_way(client):
    ReferrerFactory(email="real@example.org", password=PASSWORD)
    fail_five_times(client, "real@example.org")
    fail_five_times(client, "imaginary@example.org")

    real = try_to_sign_in(client, "real@example.org")
    imaginary = try_to_sign_in(client, "imaginary@example.org")

    assert real.status_code == imaginary.status_code == 429

    def without_nonce(response):  # the CSP nonce differs on every response
        return re.sub(r'nonce="[^"]*"', "", response.content.decode())

    assert without_nonce(real) == without_nonce(imaginary)


def test_behind_a_proxy_the_client_address_is_the_one_the_proxy_added(client, settings):
    # One trusted proxy: its entry (the right-most) is the client; whatever the client wrote
    # into X-Forwarded-For itself is ignored, so it cannot dodge the username+IP counter.
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    ReferrerFactory(email="proxied@example.org", password=PASSWORD)
    for attempt in range(5):
        try_to_sign_in(
            client,
            "proxied@example.org",
            f"wrong-{attempt}",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, 203.0.113.7",
        )

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_a_service_lead_sees_lockouts_without_what_was_typed(client):
    ReferrerFactory(email="locked.out@example.org", password=PASSWORD)
    fail_five_times(Client(), "locked.out@example.org")
    sign_in(client, ServiceLeadFactory())

    page = client.get(LOCKOUTS).content.decode()
    attempt = AccessAttempt.objects.get()
    detail = client.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk]))

    assert "locked.out@example.org" in page
    assert "wrong-" not in page
    assert detail.status_code == 200
    assert "wrong-" not in detail.content.decode()


def test_a_service_lead_clears_a_lockout_and_it_is_audited(client):
    ReferrerFactory(email="cleared@example.org", password=PASSWORD)
    locked = Client()
    fail_five_times(locked, "cleared@example.org")
    lead = ServiceLeadFactory()
    sign_in(client, lead)
    attempt = AccessAttempt.objects.get()

    response = client.post(
        LOCKOUTS, {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"}
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert try_to_sign_in(locked, "cleared@example.org").status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.LOCKOUT_CLEARED)
    assert (event.actor, event.object_id) == (lead, str(attempt.pk))


def test_team_members_cannot_see_or_clear_lockouts(client):
    fail_five_times(Client(), "someone@example.org")
    sign_in(client, TeamMemberFactory())
    assert client.get(LOCKOUTS).status_code == 403
    attempt = AccessAttempt.objects.get()
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AccessAttempt.objects.exists()
