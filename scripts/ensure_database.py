"""Make sure a PostgreSQL database is ready for the project, and write its URL to a file.

Usage: python scripts/ensure_database.py OUTPUT_FILE

1. DATABASE_URL (default `postgres:///imhs`: the local server's socket, as the current user).
   If a server answers, create the database when it is missing.
2. Otherwise, if DATABASE_URL was not set and PostgreSQL's programs are installed (`initdb` and
   `pg_ctl` on PATH or under /usr/lib/postgresql/*/bin), start a private cluster in `.pgdata/`
   (git-ignored) on a socket inside it, and use that.
3. Otherwise stop with one sentence saying what to install.

Idempotent: a second run finds everything ready and returns in well under a second.
"""

import glob
import os
import pwd
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres:///imhs"
# The private cluster's folder; IMHS_PGDATA_DIR moves it (the tests use a temporary one).
PRIVATE_DIR = Path(os.environ.get("IMHS_PGDATA_DIR") or ROOT / ".pgdata")
PRIVATE_PORT = os.environ.get("IMHS_PGDATA_PORT") or "54329"


def connection_kwargs(url):
    parts = urlsplit(url)
    query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
    kwargs = {
        "dbname": unquote(parts.path.lstrip("/")) or "postgres",
        "host": unquote(parts.hostname or "") or query.get("host"),
        "port": parts.port or query.get("port"),
        "user": unquote(parts.username or "") or None,
        "password": unquote(parts.password or "") or None,
    }
    return {k: v for k, v in kwargs.items() if v}


def server_answers(kwargs):
    try:
        psycopg2.connect(**{**kwargs, "dbname": "postgres"}, connect_timeout=3).close()
    except psycopg2.OperationalError as exc:
        # A server that answers but refuses the maintenance database still answers.
        return 'database "postgres" does not exist' in str(exc)
    return True


def create_database_if_missing(kwargs):
    dbname = kwargs["dbname"]
    try:
        psycopg2.connect(**kwargs, connect_timeout=3).close()
        return
    except psycopg2.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
    conn = psycopg2.connect(**{**kwargs, "dbname": "postgres"}, connect_timeout=3)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    conn.close()
    print(f"Created database {dbname}.", file=sys.stderr)


DEBIAN_BINARIES = "/usr/lib/postgresql/*/bin"


def find_program(name):
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"{DEBIAN_BINARIES}/{name}"), reverse=True)
    return candidates[0] if candidates else None


def as_cluster_owner():
    """initdb and postgres refuse to run as root; run them as the `postgres` user instead."""
    if os.geteuid() != 0:
        return [], None
    try:
        owner = pwd.getpwnam("postgres")
    except KeyError:
        sys.exit("PostgreSQL refuses to run as root and there is no 'postgres' user to run it.")
    return ["runuser", "-u", "postgres", "--"], owner


def start_private_cluster():
    initdb, pg_ctl = find_program("initdb"), find_program("pg_ctl")
    if not (initdb and pg_ctl):
        sys.exit(
            "No PostgreSQL server answers and PostgreSQL is not installed: install it "
            "(Debian: apt-get install postgresql) or set DATABASE_URL to a running server."
        )
    data, run = PRIVATE_DIR / "data", PRIVATE_DIR / "run"
    prefix, owner = as_cluster_owner()
    run.mkdir(parents=True, exist_ok=True)
    if owner:
        for path in (PRIVATE_DIR, run):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    if not (data / "PG_VERSION").exists():
        print("Starting a private PostgreSQL cluster in .pgdata/ ...", file=sys.stderr)
        subprocess.run(
            [*prefix, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    status = subprocess.run([*prefix, pg_ctl, "-D", str(data), "status"], capture_output=True)
    if status.returncode != 0:
        options = f"-k {run} -p {PRIVATE_PORT} -c listen_addresses=''"
        subprocess.run(
            [
                *prefix,
                pg_ctl,
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(PRIVATE_DIR / "log"),
                "-w",
                "start",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return f"postgres://postgres@/imhs?host={quote(str(run), safe='/')}&port={PRIVATE_PORT}"


def main():
    output = Path(sys.argv[1])
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    kwargs = connection_kwargs(url)
    if not server_answers(kwargs):
        if os.environ.get("DATABASE_URL"):
            sys.exit(
                f"No PostgreSQL server answers at DATABASE_URL ({kwargs.get('host', 'socket')})."
            )
        url = start_private_cluster()
        kwargs = connection_kwargs(url)
        for _ in range(30):
            if server_answers(kwargs):
                break
            time.sleep(0.5)
    create_database_if_missing(kwargs)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(url + "\n")


if __name__ == "__main__":
    main()
