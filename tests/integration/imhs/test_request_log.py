"""One log line a request (issue 17, point 2): its fields, secret link tokens withheld, the
request id sent back as X-Request-ID and named on the audit trail's log lines, text format."""

import json
import logging

import pytest
from django.urls import reverse

from tests.factories import ReferralFactory, ReferrerFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

TOKEN = "Zk3q9TestTokenNotRealAAAAAAAAAAAAAAAAAAAAAAA"  # pragma: allowlist secret (synthetic)


def lines_of(caplog, name):
    return [record.getMessage() for record in caplog.records if record.name == name]


@pytest.fixture(autouse=True)
def json_lines(settings):
    settings.LOG_FORMAT = "json"  # the tests' environment (DEBUG) defaults to text


@pytest.fixture
def log_lines(caplog):
    """What the imhs.requests and imhs.audit loggers write: they do not propagate to the root
    logger, where caplog listens, so caplog's handler is added to them here."""
    loggers = [logging.getLogger(name) for name in ("imhs.requests", "imhs.audit")]
    for logger in loggers:
        logger.addHandler(caplog.handler)
    yield lambda name="imhs.requests": lines_of(caplog, name)
    for logger in loggers:
        logger.removeHandler(caplog.handler)


def test_one_json_line_per_request_with_ids_only(client, log_lines):
    referrer = ReferrerFactory(email="lineholder@example.org", family_name="Linetest")
    sign_in(client, referrer)

    response = client.get(reverse("referrals:mine"), {"q": "Linetest"})

    [line] = log_lines()
    assert "\n" not in line
    fields = json.loads(line)
    assert fields.pop("duration_ms") >= 0
    assert fields == {
        "event": "request",
        "method": "GET",
        "path": "/referrals/",  # never the query string
        "status": 200,
        "request_id": response["X-Request-ID"],
        "user_id": referrer.pk,
    }
    assert "Linetest" not in line
    assert "lineholder" not in line


def test_anonymous_requests_have_no_user_and_each_request_its_own_id(client, log_lines):
    first = client.get(reverse("start"))
    second = client.post(reverse("login"), {"username": "x@example.org", "password": "wrong"})

    lines = [json.loads(line) for line in log_lines()]
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("GET", "/", 200),
        ("POST", "/accounts/login/", 200),
    ]
    assert [line["user_id"] for line in lines] == [None, None]
    assert [line["request_id"] for line in lines] == [first["X-Request-ID"], second["X-Request-ID"]]
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_parents_link_token_is_withheld(client, log_lines):
    response = client.get(f"/views/{TOKEN}/", {"from": "email"})

    [line] = log_lines()
    assert TOKEN not in line
    assert json.loads(line)["path"] == "/views/[token]/"
    assert json.loads(line)["status"] == 404  # an unknown link: resolved all the same
    assert response["X-Request-ID"] in line


def test_a_password_reset_token_is_withheld(client, log_lines):
    client.get(reverse("password_reset_confirm", args=["MQ", "cbz123-" + TOKEN]))

    [line] = log_lines()
    assert TOKEN not in line
    assert json.loads(line)["path"] == "/accounts/reset/MQ/[token]/"


def test_an_unknown_address_under_views_is_withheld_too(client, log_lines):
    client.get(f"/views/{TOKEN}/more/")

    [line] = log_lines()
    assert TOKEN not in line
    assert json.loads(line)["status"] == 404


def test_the_audit_events_log_lines_name_the_request(
    client, log_lines, django_capture_on_commit_callbacks
):
    referral = ReferralFactory()
    sign_in(client, referral.referrer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("referrals:detail", args=[referral.pk]))

    assert response.status_code == 200
    [audit_line] = log_lines("imhs.audit")
    assert json.loads(audit_line)["request_id"] == response["X-Request-ID"]


def test_the_text_format(client, log_lines, settings):
    settings.LOG_FORMAT = "text"

    response = client.get(f"/views/{TOKEN}/")

    [line] = log_lines()
    method, path, status, duration, request_id, user_id = line.split(" ")
    assert (method, path, status) == ("GET", "/views/[token]/", "404")
    assert duration.endswith("ms")
    assert request_id == f"request_id={response['X-Request-ID']}"
    assert user_id == "user_id=None"


def test_the_load_balancers_request_id_is_kept_behind_a_trusted_proxy(client, settings):
    given = "7F000001:D4A2_7F000001:20FB_6756B1C2_0001:1A2B"
    assert client.get("/healthz/", HTTP_X_REQUEST_ID=given)["X-Request-ID"] != given

    settings.TRUSTED_PROXY_COUNT = 1
    assert client.get("/healthz/", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    # Not an id: a fresh one instead (it would be written into the log line as it is).
    forged = client.get("/healthz/", HTTP_X_REQUEST_ID='x" status=200 user_id=1')
    assert forged["X-Request-ID"] != 'x" status=200 user_id=1'
    assert len(forged["X-Request-ID"]) == 32
