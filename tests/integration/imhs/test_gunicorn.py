"""gunicorn believes X-Forwarded-Proto only from the proxies the settings trust (issue 12,
point 6).

gunicorn's default `forwarded_allow_ips` is 127.0.0.1: a request from there saying
"X-Forwarded-Proto: https" became https to Django (`request.is_secure()`), even with
SECURE_PROXY_SSL_HEADER unset. gunicorn.conf.py now takes the list from the settings: nobody
when TRUSTED_PROXY_COUNT is 0, else TRUSTED_PROXY_IPS.
"""

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import free_port
from tests.production import HOST, PRODUCTION_ENV, ROOT, run_python

LOAD_CONFIG = """
import runpy
print(repr(runpy.run_path("gunicorn.conf.py")["forwarded_allow_ips"]))
"""


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, ""),
        ({"TRUSTED_PROXY_COUNT": "0", "TRUSTED_PROXY_IPS": "10.0.0.5"}, ""),
        ({"TRUSTED_PROXY_COUNT": "1"}, "127.0.0.1"),
        (
            {"TRUSTED_PROXY_COUNT": "2", "TRUSTED_PROXY_IPS": "10.0.0.5,10.1.0.0/16"},
            "10.0.0.5,10.1.0.0/16",
        ),
    ],
)
def test_the_config_trusts_only_the_settings_proxies(environment, expected):
    result = run_python(["-c", LOAD_CONFIG], **PRODUCTION_ENV, **environment)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(expected)


def test_a_proxy_address_that_is_not_one_stops_start_up():
    result = run_python(
        ["-c", LOAD_CONFIG], **PRODUCTION_ENV, TRUSTED_PROXY_COUNT="1", TRUSTED_PROXY_IPS="proxy"
    )

    assert result.returncode != 0
    assert "TRUSTED_PROXY_IPS" in result.stderr


def get_as_https_from_loopback(port):
    """A plain-http request from 127.0.0.1 that claims, in its own header, to be https."""
    deadline = time.monotonic() + 30
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            # The admin's login address only redirects: no template, no database.
            connection.request(
                "GET", "/admin/login/", headers={"Host": HOST, "X-Forwarded-Proto": "https"}
            )
            response = connection.getresponse()
            return response.status, dict(response.getheaders())
        except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
        finally:
            connection.close()


def run_gunicorn(**environment):
    port = free_port()
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "DATABASE_URL") if k in os.environ}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="imhs.settings", **environment)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            *(str(gunicorn), "imhs.wsgi", "-c", "gunicorn.conf.py"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "20"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        return get_as_https_from_loopback(port)
    finally:
        process.terminate()
        try:
            _out, errors = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            _out, errors = process.communicate(timeout=10)
        print(errors.decode(errors="replace"))  # gunicorn's log, shown if the test fails


def test_real_gunicorn_ignores_a_forwarded_proto_when_no_proxy_is_trusted():
    status, headers = run_gunicorn(TRUSTED_PROXY_COUNT="0")

    # Not secure to Django: the https redirect, and no HSTS.
    assert status == 301
    assert headers["Location"] == f"https://{HOST}/admin/login/"
    assert "Strict-Transport-Security" not in headers


def test_real_gunicorn_believes_the_trusted_proxy():
    status, headers = run_gunicorn(TRUSTED_PROXY_COUNT="1", TRUSTED_PROXY_IPS="127.0.0.1")

    assert status == 302
    assert headers["Location"].startswith("/accounts/login/")
    assert "Strict-Transport-Security" in headers
