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
    output, owner_output = folder / "database_url", folder / "database_owner_url"
    try:
        for _ in range(2):  # the second run finds it running
            result = subprocess.run(
                [sys.executable, str(SCRIPT), str(output), str(owner_output)],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert result.returncode == 0, result.stderr
        # The cluster's superuser made the two roles: the app's URL, and the owner's.
        url = output.read_text().strip()
        assert url == f"postgres://imhs_app@/imhs?host={folder}/cluster/run&port=54391"
        owner_url = owner_output.read_text().strip()
        assert owner_url == f"postgres://imhs_owner@/imhs?host={folder}/cluster/run&port=54391"
        kwargs = load_script().connection_kwargs(url)
        with psycopg2.connect(**kwargs) as conn, conn.cursor() as cursor:
            cursor.execute(
                "SELECT current_database(), current_user, pg_get_userbyid(datdba)"
                " FROM pg_database WHERE datname = current_database()"
            )
            assert cursor.fetchone() == ("imhs", "imhs_app", "imhs_owner")
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


def superuser_here():
    try:
        with psycopg2.connect(dbname="postgres", connect_timeout=3) as conn, conn.cursor() as cur:
            cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            superuser = cur.fetchone()[0]
        conn.close()
    except psycopg2.OperationalError:
        return False
    return superuser


@pytest.mark.skipif(
    not superuser_here(), reason="needs the local server to trust this user as a superuser"
)
def test_it_makes_the_two_roles_and_hands_the_database_and_its_tables_to_the_owner(tmp_path):
    """As `make setup` does: a database made earlier by another role (tables and all) becomes
    the owner role's; the app role owns nothing; a second run changes nothing."""
    dbname = f"imhs_roles_probe_{os.getpid()}"
    owner, app = f"{dbname}_owner", f"{dbname}_app"
    maintenance = psycopg2.connect(dbname="postgres")
    maintenance.autocommit = True
    run = [sys.executable, str(SCRIPT), str(tmp_path / "url"), str(tmp_path / "owner_url")]
    env = {**os.environ, "DATABASE_URL": f"postgres:///{dbname}"}
    try:
        with maintenance.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{dbname}"')
        with psycopg2.connect(dbname=dbname) as conn, conn.cursor() as cursor:
            cursor.execute("CREATE TABLE made_before (id bigserial PRIMARY KEY)")
        conn.close()

        for _ in range(2):
            result = subprocess.run(run, env=env, capture_output=True, text=True, check=False)
            assert result.returncode == 0, result.stderr

        assert (tmp_path / "url").read_text() == f"postgres://{app}@/{dbname}\n"
        assert (tmp_path / "owner_url").read_text() == f"postgres://{owner}@/{dbname}\n"
        with psycopg2.connect(dbname=dbname) as conn, conn.cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [dbname]
            )
            assert cursor.fetchone() == (owner,)
            cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'made_before'")
            assert cursor.fetchone() == (owner,)
            cursor.execute(
                "SELECT rolname, rolcreatedb, rolsuper FROM pg_roles WHERE rolname IN (%s, %s)"
                " ORDER BY rolname",
                [owner, app],
            )
            assert cursor.fetchall() == [(app, False, False), (owner, True, False)]
        conn.close()
    finally:
        with maintenance.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
            cursor.execute(f'DROP ROLE IF EXISTS "{owner}"')
            cursor.execute(f'DROP ROLE IF EXISTS "{app}"')
        maintenance.close()
