"""The settings fail loudly on bad values, and production settings pass Django's deploy check."""

import pytest
from django.conf import settings

from imhs import settings as imhs_settings
from tests.production import PRODUCTION_ENV, run_python

# What the production tests here also need: email by SMTP and a task queue in the database.
PRODUCTION_ENV = {**PRODUCTION_ENV, "EMAIL_BACKEND": "smtp", "TASKS_BACKEND": "database"}
DEVELOPMENT_KEY = imhs_settings._DEVELOPMENT_ONLY_ENCRYPTION_KEY


def run_manage(*args, **env_overrides):
    return run_python(["manage.py", *args], **env_overrides)


def test_production_settings_harden_cookies_and_transport():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.EMAIL_BACKEND.rsplit('.', 2)[-2],"
        " s.TASKS['default']['BACKEND'], s.STORAGES['staticfiles']['BACKEND'].split('.')[0])"
    )
    result = run_manage("shell", "--no-imports", "-c", code, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "True",
        "31536000",
        "True",
        "smtp",
        "imhs.task_queue.DatabaseBackend",
        "whitenoise",
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set when DEBUG is off"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too weak"),
        ({"DEBUG": "ture"}, "DEBUG='ture' is not a boolean"),
        ({"EMAIL_BACKEND": "pigeon"}, "EMAIL_BACKEND='pigeon' is not allowed"),
        ({"TASKS_BACKEND": "celery"}, "TASKS_BACKEND='celery' is not allowed"),
        ({"EMAIL_BACKEND": "file"}, "EMAIL_BACKEND=file needs EMAIL_FILE_PATH"),
        ({"TASK_RESULT_RETENTION_DAYS": "-1"}, "TASK_RESULT_RETENTION_DAYS must be at least 0"),
        ({"DATABASE_URL": "sqlite:///imhs.db"}, "DATABASE_URL must point at PostgreSQL"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must be set"),
        ({"SITE_URL": "http://imhs.example.org"}, "SITE_URL must be the service's https://"),
        ({"SESSION_COOKIE_SECURE": "false"}, "Cookies must be Secure when DEBUG is off"),
        ({"TRUSTED_PROXY_COUNT": "two"}, "TRUSTED_PROXY_COUNT must be a whole number"),
        # The second factor can be relaxed only for the development demo.
        ({"SECOND_FACTOR_RELAXED": "true"}, "SECOND_FACTOR_RELAXED=true is for the development"),
        # Authenticator keys are encrypted with keys from outside the database (ADR 0009).
        ({"FIELD_ENCRYPTION_KEYS": None}, "FIELD_ENCRYPTION_KEYS must be set when DEBUG is off"),
        ({"FIELD_ENCRYPTION_KEYS": "not-a-key"}, "FIELD_ENCRYPTION_KEYS: each key must be"),
        (
            {"FIELD_ENCRYPTION_KEYS": DEVELOPMENT_KEY},
            "FIELD_ENCRYPTION_KEYS holds the development-only key",
        ),
    ],
)
def test_bad_setting_stops_start_up_with_a_message(overrides, message):
    result = run_manage("check", **{**PRODUCTION_ENV, **overrides})
    assert result.returncode != 0
    assert message in result.stderr


def test_debug_is_off_unless_set():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        **{**PRODUCTION_ENV, "DEBUG": None},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_argon2_is_the_first_password_hasher():
    # The settings module itself: tests swap in a fast hasher through the settings fixture.
    assert imhs_settings.PASSWORD_HASHERS[0] == ("django.contrib.auth.hashers.Argon2PasswordHasher")


def test_tests_use_immediate_tasks_and_locmem_email():
    assert settings.TASKS["default"]["BACKEND"] == ("imhs.task_queue.InProcessBackend")
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"


def test_csp_allows_no_inline_code_and_no_framing():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    for name, sources in directives.items():
        assert "'unsafe-inline'" not in sources, name
        assert "'unsafe-eval'" not in sources, name
