"""Make sure a PostgreSQL database is ready for the project, and write its URLs to files.

Usage: python scripts/ensure_database.py OUTPUT_FILE [OWNER_OUTPUT_FILE]

1. DATABASE_URL (default `postgres:///imhs`: the local server's socket, as the current user).
   If a server answers, create the database when it is missing.
2. Otherwise, if DATABASE_URL was not set and PostgreSQL's programs are installed (`initdb` and
   `pg_ctl` on PATH or under /usr/lib/postgresql/*/bin), start a private cluster in `.pgdata/`
   (git-ignored) on a socket inside it, and use that.
3. Otherwise stop with one sentence saying what to install.

Then, when it connects as a superuser (the local server trusts root and postgres), the two roles
of docs/security.md: `<database>_owner` (owns the database and every table, runs migrations,
may create the test database) and `<database>_app` (owns nothing: the application and the
tests run as it, so they cannot TRUNCATE the audit trail or disable its trigger). Each is
created when missing; the database, and the test database when it exists, are handed to the
owner (tables made earlier by another role too). The grants to the app role are made by
`migrate` itself (imhs.database_roles, on post_migrate), in whatever database it migrates.
OUTPUT_FILE gets the app role's URL, OWNER_OUTPUT_FILE the owner's. Without a superuser there
is one role: both files get DATABASE_URL as it is.

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
from urllib.parse import quote, unquote, urlsplit, urlunsplit

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


def is_superuser(kwargs):
    with psycopg2.connect(**kwargs, connect_timeout=3) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
    conn.close()
    return superuser


def role_names(dbname):
    return f"{dbname}_owner", f"{dbname}_app"


def ensure_roles(kwargs, *, owner, app):
    """Create the two login roles when missing. CREATEDB lets the owner make the test database;
    no password: the local server trusts local connections (production's DBA sets them)."""
    conn = psycopg2.connect(**kwargs, connect_timeout=3)
    conn.autocommit = True
    with conn.cursor() as cursor:
        for role, attributes in ((owner, "LOGIN CREATEDB"), (app, "LOGIN")):
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                cursor.execute(
                    sql.SQL(f"CREATE ROLE {{}} {attributes}").format(sql.Identifier(role))
                )
                print(f"Created role {role}.", file=sys.stderr)
    conn.close()


# Every table, view, sequence and function in the public schema not owned by the owner, except
# extensions' members and sequences that belong to a column (they follow their table). The %%
# are doubled for psycopg2's parameters.
NOT_OWNED = """
SELECT format('ALTER %%s %%s OWNER TO %%I',
              CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                             WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
              c.oid::regclass, %(owner)s)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
  AND c.relowner <> %(owner)s::regrole
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
UNION ALL
SELECT format('ALTER FUNCTION %%s OWNER TO %%I', p.oid::regprocedure, %(owner)s)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'public' AND p.proowner <> %(owner)s::regrole
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                  AND d.objid = p.oid AND d.deptype = 'e')
"""


def hand_over(kwargs, *, dbname, owner):
    """Make `owner` own the database `dbname` (if it exists) and everything in it."""
    conn = psycopg2.connect(**{**kwargs, "dbname": "postgres"}, connect_timeout=3)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [dbname]
        )
        found = cursor.fetchone()
        if found and found[0] != owner:
            cursor.execute(
                sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                    sql.Identifier(dbname), sql.Identifier(owner)
                )
            )
    conn.close()
    if not found:
        return
    conn = psycopg2.connect(**{**kwargs, "dbname": dbname}, connect_timeout=3)
    with conn, conn.cursor() as cursor:
        cursor.execute(NOT_OWNED, {"owner": owner})
        for (statement,) in cursor.fetchall():
            cursor.execute(statement)
    conn.close()


def url_as(url, role):
    """`url` connecting as `role` (no password: see ensure_roles)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{quote(role, safe='')}@{host}"))


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
    app_url = owner_url = url
    if is_superuser(kwargs):
        owner, app = role_names(kwargs["dbname"])
        ensure_roles(kwargs, owner=owner, app=app)
        for dbname in (kwargs["dbname"], f"test_{kwargs['dbname']}"):
            hand_over(kwargs, dbname=dbname, owner=owner)
        app_url, owner_url = url_as(url, app), url_as(url, owner)
    else:
        print(
            "DATABASE_URL is not a superuser, so no separate owner and app roles were made: "
            "the app runs as the role it names (see docs/security.md).",
            file=sys.stderr,
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(app_url + "\n")
    if len(sys.argv) > 2:
        Path(sys.argv[2]).write_text(owner_url + "\n")


if __name__ == "__main__":
    main()
