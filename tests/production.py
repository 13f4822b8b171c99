"""Starting the project as production does, for the settings tests: a fresh interpreter with
DEBUG off and only the environment given."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
HOST = "imhs.example.org"

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": HOST,
    "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
    "SITE_URL": f"https://{HOST}",
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
}


def run_python(args, **env_overrides):
    """`python *args` in a fresh interpreter with only the basics of this environment: test-only
    switches (pytest-env's DEBUG, the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE) must not leak
    into a "production" start-up. An override of None removes the variable."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "DATABASE_URL") if k in os.environ}
    env["DJANGO_SETTINGS_MODULE"] = "imhs.settings"
    env.update(env_overrides)
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
