"""Signed-in sessions end after 30 idle minutes or 12 hours, at once for a deactivated user, at
sign-out on the server, and everywhere else when the password changes."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from imhs.accounts import sessions
from imhs.models import AuditAction, AuditEvent
from tests.factories import ReferrerFactory, TeamMemberFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "a long test passphrase for sessions"


def move_clocks(client, *, signed_in_ago, seen_ago):
    """Pretend the session signed in and was last used that long ago."""
    session = client.session
    now = datetime.datetime.now(tz=datetime.UTC).timestamp()
    session[sessions.SIGNED_IN_AT] = now - signed_in_ago.total_seconds()
    session[sessions.SEEN_AT] = now - seen_ago.total_seconds()
    session.save()


@pytest.mark.parametrize(
    ("signed_in_ago", "seen_ago", "still_signed_in"),
    [
        (datetime.timedelta(hours=1), datetime.timedelta(minutes=29, seconds=50), True),
        (datetime.timedelta(hours=1), datetime.timedelta(minutes=30), False),
        (datetime.timedelta(hours=11, minutes=59), datetime.timedelta(seconds=5), True),
        (datetime.timedelta(hours=12), datetime.timedelta(seconds=5), False),
    ],
)
@pytest.mark.parametrize("factory", [ReferrerFactory, TeamMemberFactory])
def test_a_session_ends_after_30_idle_minutes_or_12_hours(
    client, factory, signed_in_ago, seen_ago, still_signed_in
):
    url = "/team/" if factory is TeamMemberFactory else "/referrals/"
    user = factory()
    sign_in(client, user)
    move_clocks(client, signed_in_ago=signed_in_ago, seen_ago=seen_ago)

    response = client.get(url)

    if still_signed_in:
        assert response.status_code == 200
    else:
        assert response.url == reverse("login") + "?next=" + url
        assert SESSION_KEY not in client.session
        reason = "idle" if seen_ago >= datetime.timedelta(minutes=30) else "too_old"
        assert AuditEvent.objects.filter(
            action=AuditAction.SESSION_ENDED, actor=user, detail={"reason": reason}
        ).exists()
        page = client.get(response.url).content.decode()
        assert "You were signed out because" in page


def test_using_the_service_keeps_the_session_alive(client):
    sign_in(client, ReferrerFactory())
    move_clocks(
        client, signed_in_ago=datetime.timedelta(hours=1), seen_ago=datetime.timedelta(minutes=20)
    )
    assert client.get("/referrals/").status_code == 200
    move_clocks_only_seen = client.session[sessions.SEEN_AT]
    now = datetime.datetime.now(tz=datetime.UTC).timestamp()
    assert now - move_clocks_only_seen < 5  # the request moved the idle clock on


def test_a_session_without_clocks_is_not_trusted(client):
    sign_in(client, ReferrerFactory())
    session = client.session
    del session[sessions.SIGNED_IN_AT]
    session.save()
    assert client.get("/referrals/").url.startswith(reverse("login"))


def test_a_deactivated_user_is_signed_out_on_their_next_request(client):
    user = TeamMemberFactory()
    sign_in(client, user)
    key = client.session.session_key
    assert client.get("/team/").status_code == 200

    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get("/team/")

    assert response.url.startswith(reverse("login"))
    assert not Session.objects.filter(session_key=key).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.SESSION_ENDED, object_id=str(user.pk), detail={"reason": "deactivated"}
    ).exists()


def test_sign_out_ends_the_session_on_the_server(client):
    sign_in(client, ReferrerFactory())
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()

    client.post(reverse("logout"))

    assert not Session.objects.filter(session_key=key).exists()


def test_changing_the_password_ends_the_other_sessions_only(client):
    user = ReferrerFactory(password=PASSWORD)
    elsewhere = sign_in(Client(), user)
    sign_in(client, user)
    new = "a different long passphrase"

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    assert client.get("/referrals/").status_code == 200
    assert elsewhere.get("/referrals/").url.startswith(reverse("login"))


def test_the_session_cookie_lasts_no_longer_than_the_session(settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    assert settings.SESSION_IDLE_MINUTES == 30
