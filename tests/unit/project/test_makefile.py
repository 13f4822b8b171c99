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
