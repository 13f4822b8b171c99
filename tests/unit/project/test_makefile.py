"""The Makefile's `run` target: `make run PORT=8001` serves on that port, and the links the demo
prints and emails (SITE_URL) follow it. Read with `make -n` (prints the commands, runs none)."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_commands(*args):
    result = subprocess.run(
        ["make", "-n", "--always-make", "run", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [
        line
        for line in result.stdout.splitlines()
        if "manage.py seed_demo" in line or "manage.py runserver" in line
    ]


def test_make_run_serves_on_port_8000_by_default():
    seed, serve = run_commands()
    assert "SITE_URL=http://127.0.0.1:8000" in seed
    assert serve.endswith("runserver 127.0.0.1:8000")
    assert "SITE_URL=http://127.0.0.1:8000" in serve


def test_make_run_port_moves_the_server_and_its_links():
    seed, serve = run_commands("PORT=8001")
    assert "SITE_URL=http://127.0.0.1:8001" in seed
    assert serve.endswith("runserver 127.0.0.1:8001")
    assert "SITE_URL=http://127.0.0.1:8001" in serve


def test_make_run_connects_as_the_app_role_and_only_migrate_as_the_owner():
    """The server and the demo get only the app role's URL (docs/security.md, "Two database
    roles"); migrate alone (and pytest, in `make test`) also gets the owner's."""
    result = subprocess.run(
        ["make", "-n", "--always-make", "run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    [migrate] = [line for line in result.stdout.splitlines() if "manage.py migrate" in line]
    assert 'DATABASE_OWNER_URL="$(cat build/database_owner_url)"' in migrate
    for line in run_commands():
        assert 'DATABASE_URL="$(cat build/database_url)"' in line
        assert "DATABASE_OWNER_URL" not in line
