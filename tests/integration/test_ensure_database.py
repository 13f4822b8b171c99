"""scripts/ensure_database.py: the local server, else a private cluster, else one clear sentence."""

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "ensure_database.py"


def load_script():
    spec = importlib.util.spec_from_file_location("ensure_database", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_url_with_socket_folder_and_port_is_understood():
    kwargs = load_script().connection_kwargs("postgres://postgres@/imhs?host=/srv/imhs/run&port=5")
    assert kwargs == {"dbname": "imhs", "host": "/srv/imhs/run", "port": "5", "user": "postgres"}


def test_without_server_or_postgresql_programs_it_says_what_to_install(monkeypatch):
    script = load_script()
    monkeypatch.setattr(script.shutil, "which", lambda name: None)
    monkeypatch.setattr(script, "DEBIAN_BINARIES", "/nonexistent/postgresql/*/bin")

    with pytest.raises(SystemExit) as stopped:
        script.start_private_cluster()

    assert str(stopped.value) == (
        "No PostgreSQL server answers and PostgreSQL is not installed: install it "
        "(Debian: apt-get install postgresql) or set DATABASE_URL to a running server."
    )


@pytest.mark.skipif(
    not (shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))),
    reason="needs PostgreSQL's programs (initdb), which this project's machines have",
)
def test_with_no_server_answering_it_starts_and_reuses_a_private_cluster():
    # A folder every user can reach: as root, the cluster runs as the `postgres` user.
    folder = Path(tempfile.mkdtemp(prefix="imhs-pg-"))
    folder.chmod(0o755)
    empty_socket_dir = folder / "no-server-here"
    empty_socket_dir.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "PGHOST": str(empty_socket_dir),  # libpq's default socket: nothing answers there
        "IMHS_PGDATA_DIR": str(folder / "cluster"),
        "IMHS_PGDATA_PORT": "54391",
    }
    output = folder / "database_url"
    try:
        for _ in range(2):  # the second run finds it running
            result = subprocess.run(
                [sys.executable, str(SCRIPT), str(output)],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert result.returncode == 0, result.stderr
        url = output.read_text().strip()
        assert url == f"postgres://postgres@/imhs?host={folder}/cluster/run&port=54391"
        kwargs = load_script().connection_kwargs(url)
        with psycopg2.connect(**kwargs) as conn, conn.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            assert cursor.fetchone() == ("imhs",)
        conn.close()
    finally:
        pg_ctl = load_script().find_program("pg_ctl")
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(folder / "cluster" / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)
