"""Production settings, loaded as production loads them: in a fresh interpreter with DEBUG off.

Django's deployment checks pass with no warning; the transport and cookie settings are the
hardened ones; a real request over https gets HSTS, and a sign-in gets a Secure, HttpOnly,
SameSite session cookie; and an insecure value stops start-up (or fails the deploy check).
"""

import functools
import json
import os
from urllib.parse import urlsplit

import pytest
from django.db import connection

from tests.production import HOST, PRODUCTION_ENV, run_python

# Run in the production interpreter: the settings it loaded, then one request to the start
# page over https and one sign-in, each response's security headers and cookies as JSON. The
# sign-in's user exists only inside a transaction that is rolled back.
PROBE = """
import json

import django
from django.conf import settings

django.setup()

from django.db import transaction
from django.test import Client
from django.test.utils import override_settings

from imhs.models import Profession, User

names = [
    "DEBUG", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE", "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME",
]
out = {"settings": {name: getattr(settings, name) for name in names}}


def cookies(response):
    return {
        name: {
            "secure": bool(morsel["secure"]),
            "httponly": bool(morsel["httponly"]),
            "samesite": morsel["samesite"],
        }
        for name, morsel in response.cookies.items()
    }


# Static files are served from collectstatic's manifest in production, which a test checkout
# has not built: plain storage, so the page can be drawn. Nothing else is changed.
plain_static = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
with override_settings(STORAGES=plain_static):
    client = Client(HTTP_HOST="HOST_NAME")
    start = client.get("/", secure=True)
    plain_http = client.get("/")
    sign_in_page = client.get("/accounts/login/", secure=True)
    with transaction.atomic():
        User.objects.create_user(
            email="probe.referrer@example.org", password="a-synthetic-probe-password-2026",
            given_name="Probe", family_name="Example", profession=Profession.HEALTH_VISITOR,
        )
        signed_in = client.post(
            "/accounts/login/",
            {"username": "probe.referrer@example.org",
             "password": "a-synthetic-probe-password-2026"},
            secure=True,
        )
        transaction.set_rollback(True)

out["start"] = {"status": start.status_code, "headers": dict(start.headers)}
out["plain_http"] = {"status": plain_http.status_code, "location": plain_http.get("Location")}
out["sign_in_page"] = {"status": sign_in_page.status_code, "cookies": cookies(sign_in_page)}
out["signed_in"] = {"status": signed_in.status_code, "cookies": cookies(signed_in)}
print(json.dumps(out))
""".replace("HOST_NAME", HOST)


def session_database_url():
    """The database this test session made, for a probe that must find the tables."""
    parts = urlsplit(os.environ.get("DATABASE_URL", "postgres:///imhs"))
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme}://{parts.netloc}/{connection.settings_dict['NAME']}{query}"


def test_check_deploy_is_clean_with_production_settings():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


@functools.cache
def run_probe(database_url):
    """What production settings load and answer: one subprocess for the module's tests."""
    result = run_python(["-c", PROBE], **PRODUCTION_ENV, DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def probe(db):
    # Under `db`, the connection names the test session's database, which the probe shares.
    return run_probe(session_database_url())


def test_transport_and_cookie_settings_are_hardened(probe):
    loaded = probe["settings"]
    assert loaded["DEBUG"] is False
    assert loaded["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert loaded["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert loaded["SECURE_SSL_REDIRECT"] is True
    for cookie in ("SESSION", "CSRF"):
        assert loaded[f"{cookie}_COOKIE_SECURE"] is True, cookie
        assert loaded[f"{cookie}_COOKIE_HTTPONLY"] is True, cookie
        assert loaded[f"{cookie}_COOKIE_SAMESITE"] in {"Lax", "Strict"}, cookie


def test_a_page_over_https_sends_hsts_and_plain_http_is_redirected(probe):
    start = probe["start"]
    assert start["status"] == 200
    assert start["headers"]["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert start["headers"]["X-Content-Type-Options"] == "nosniff"
    assert probe["plain_http"]["status"] == 301
    assert probe["plain_http"]["location"] == f"https://{HOST}/"


def test_the_session_and_csrf_cookies_are_secure_httponly_and_samesite(probe):
    assert probe["signed_in"]["status"] == 302, "the probe's sign-in did not succeed"
    session = probe["signed_in"]["cookies"][probe["settings"]["SESSION_COOKIE_NAME"]]
    assert session == {"secure": True, "httponly": True, "samesite": "Lax"}
    csrf = probe["sign_in_page"]["cookies"][probe["settings"]["CSRF_COOKIE_NAME"]]
    assert csrf == {"secure": True, "httponly": True, "samesite": "Lax"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        # The other refused values are in tests/unit/imhs/test_settings.py.
        ({"CSRF_COOKIE_SECURE": "false"}, "Cookies must be Secure when DEBUG is off."),
    ],
)
def test_an_insecure_value_stops_start_up(overrides, message):
    result = run_python(["manage.py", "check"], **{**PRODUCTION_ENV, **overrides})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


@pytest.mark.parametrize(
    ("overrides", "warning"),
    [
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"SECURE_SSL_REDIRECT": "false"}, "security.W008"),
    ],
)
def test_a_weaker_transport_setting_fails_the_deploy_check(overrides, warning):
    # These load (a proxy may do the job), but `make test`'s deploy check refuses them.
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **{**PRODUCTION_ENV, **overrides},
    )
    assert result.returncode != 0
    assert warning in result.stdout + result.stderr


ROLE_PROBE = "from django.conf import settings; print(settings.DATABASE_APP_ROLE)"


def test_the_app_role_is_the_user_of_database_url_when_an_owner_is_given():
    two_roles = run_python(
        ["-c", ROLE_PROBE],
        **PRODUCTION_ENV,
        DATABASE_URL="postgres://imhs_app@db.example.org/imhs",
        DATABASE_OWNER_URL="postgres://imhs_owner@db.example.org/imhs",
    )
    one_role = run_python(
        ["-c", ROLE_PROBE], **PRODUCTION_ENV, DATABASE_URL="postgres://imhs@db.example.org/imhs"
    )
    no_user = run_python(
        ["-c", ROLE_PROBE],
        **PRODUCTION_ENV,
        DATABASE_URL="postgres://db.example.org/imhs",
        DATABASE_OWNER_URL="postgres://imhs_owner@db.example.org/imhs",
    )

    assert two_roles.stdout.strip() == "imhs_app", two_roles.stderr
    assert one_role.stdout.strip() == "None", one_role.stderr
    assert "DATABASE_URL must name the application's role" in no_user.stderr
