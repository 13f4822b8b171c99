"""scripts/backup.sh and scripts/restore.sh (docs/operations.md, "Backups"): a backup of a real
database restored into a fresh one has every row, the append-only trigger and the two roles'
privileges back, and its authenticator keys decrypt with the same FIELD_ENCRYPTION_KEYS.

Databases of their own (the test database is pytest-django's), made and dropped here with their
roles, as in tests/integration/referrals/test_migration_appointments.py."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import errors, sql

ROOT = Path(__file__).resolve().parents[2]

SEED = """
import json
from tests.factories import AppointmentFactory, AuditEventFactory, ReferralFactory
from tests.sign_in import authenticator_for
appointment = AppointmentFactory()
ReferralFactory(declined=True)
ReferralFactory()
AuditEventFactory.create_batch(3)
device = authenticator_for(appointment.booked_by)
print(json.dumps({"referral": appointment.referral_id, "device": device.pk,
                  "key": device.bin_key.hex()}))
"""

READ = """
import json
from imhs.models import AuthenticatorDevice
print(json.dumps({"key": AuthenticatorDevice.objects.get(pk=%d).bin_key.hex()}))
"""

# The tables whose rows must all come back, and which the seed fills.
MAIN_TABLES = (
    "imhs_user",
    "imhs_auditevent",
    "patients_infant",
    "referrals_referral",
    "referrals_appointment",
    "imhs_authenticatordevice",
)


def run(env, *args):
    result = subprocess.run(
        list(args), cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def shell(env, code):
    output = run(env, sys.executable, "manage.py", "shell", "-c", code).stdout
    return json.loads(output.strip().splitlines()[-1])


def superuser():
    connection = psycopg2.connect("dbname=postgres")  # as ensure_database connects
    connection.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    return connection


def counts(url):
    """Rows in every table of the public schema."""
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r'"
            " AND relnamespace = 'public'::regnamespace ORDER BY relname"
        )
        tables = [name for (name,) in cursor.fetchall()]
        found = {}
        for table in tables:
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            found[table] = cursor.fetchone()[0]
    connection.close()
    return found


@pytest.fixture
def databases(tmp_path):
    """A fresh, migrated database to back up, and the name of the one to restore into; both
    dropped afterwards with their roles."""
    suffix = uuid.uuid4().hex[:8]
    source, target = f"imhs_backup_{suffix}", f"imhs_restore_{suffix}"
    env = {**os.environ, "DATABASE_URL": f"postgres:///{source}", "DEBUG": "true"}
    env.pop("DATABASE_OWNER_URL", None)
    app_file, owner_file = tmp_path / "app", tmp_path / "owner"
    try:
        run(env, sys.executable, "scripts/ensure_database.py", str(app_file), str(owner_file))
        env["DATABASE_URL"] = app_file.read_text().strip()
        env["DATABASE_OWNER_URL"] = owner_file.read_text().strip()
        run(env, sys.executable, "manage.py", "migrate", "--no-input", "-v", "0")
        yield env, target
    finally:
        connection = superuser()
        try:
            with connection.cursor() as cursor:
                for name in (source, target):
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    # Roles are the cluster's, not the database's: ensure_database made these.
                    cursor.execute(f'DROP ROLE IF EXISTS "{name}_owner", "{name}_app"')
        finally:
            connection.close()


def test_a_backup_restores_into_a_fresh_database_with_its_rows_trigger_and_roles(
    databases, tmp_path
):
    env, target = databases
    seeded = shell(env, SEED)
    dump = tmp_path / "backups" / "imhs.dump"

    run(env, "scripts/backup.sh", str(dump))
    assert dump.exists()
    assert (tmp_path / "backups" / "imhs.dump.sha256").read_text().split() == [
        run(env, "sha256sum", str(dump)).stdout.split()[0],
        "imhs.dump",
    ]
    run(env, "scripts/restore.sh", str(dump), target)

    app_url, owner_url = (
        f"postgres://{target}_app@/{target}",
        f"postgres://{target}_owner@/{target}",
    )
    before, after = counts(env["DATABASE_OWNER_URL"]), counts(owner_url)
    assert after == before
    for table in MAIN_TABLES:
        assert after[table] > 0, table

    # The authenticator keys decrypt with the same keys (the environment's, not the dump's).
    restored_env = {**env, "DATABASE_URL": app_url, "DATABASE_OWNER_URL": owner_url}
    assert shell(restored_env, READ % seeded["device"])["key"] == seeded["key"]

    app = psycopg2.connect(app_url)
    try:
        with app, app.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM referrals_referral")
            assert cursor.fetchone()[0] == before["referrals_referral"]
            cursor.execute(
                "UPDATE referrals_referral SET version = version + 1 WHERE id = %s",
                [seeded["referral"]],
            )
            assert cursor.rowcount == 1
            cursor.execute(
                "INSERT INTO imhs_auditevent (action, object_type, object_id, detail, at)"
                " SELECT action, object_type, object_id, detail, at FROM imhs_auditevent LIMIT 1"
            )
        for statement in (
            "UPDATE imhs_auditevent SET action = action",
            "DELETE FROM imhs_auditevent",
        ):
            with pytest.raises(errors.InsufficientPrivilege), app, app.cursor() as cursor:
                cursor.execute(statement)
    finally:
        app.close()

    # The owner has every privilege on its tables: only the trigger stops it.
    owner = psycopg2.connect(owner_url)
    try:
        with (
            pytest.raises(errors.InsufficientPrivilege, match="append-only: UPDATE"),
            owner,
            owner.cursor() as cursor,
        ):
            cursor.execute("UPDATE imhs_auditevent SET action = action")
    finally:
        owner.close()


def test_a_damaged_backup_is_refused_before_any_database_is_made(tmp_path):
    dump = tmp_path / "imhs.dump"
    dump.write_bytes(b"synthetic backup")
    (tmp_path / "imhs.dump.sha256").write_text(
        subprocess.run(
            ["sha256sum", "imhs.dump"], cwd=tmp_path, check=True, capture_output=True, text=True
        ).stdout
    )
    dump.write_bytes(b"synthetic backup, damaged")
    name = f"imhs_restore_{uuid.uuid4().hex[:8]}"

    result = subprocess.run(
        ["scripts/restore.sh", str(dump), name], cwd=ROOT, capture_output=True, text=True
    )

    assert result.returncode == 1
    assert "does not match its checksum" in result.stderr
    connection = superuser()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            assert cursor.fetchone() is None
    finally:
        connection.close()
