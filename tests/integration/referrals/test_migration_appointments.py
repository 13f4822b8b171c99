"""Migrations 0009-0011 carry the old `first_appointment_on` and free-text closing reason over
into appointments and a coded reason (ADR 0011), on a real database migrated step by step.

A database of its own (the test database is migrated to the end already), made and dropped
here; migrations run as the owner role, as `make` runs them."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parents[3]

# At 0009 the old column is still there, and later ones not yet: the rows are written with the
# models as they were at 0009 (the migration state's), not today's.
SEED = """
import datetime
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
apps = MigrationExecutor(connection).loader.project_state(("referrals", "0009_appointments")).apps
Referral = apps.get_model("referrals", "Referral")  # only referrals are rolled back
from tests.factories import InfantFactory, TeamMemberFactory
member = TeamMemberFactory()
now = timezone.now()
def referral(n, status, **fields):
    return Referral.objects.create(
        infant_id=InfantFactory().pk, referrer_id=member.pk, status=status,
        reference=f"IMH-2026-9{n:04d}", submitted_at=now, submitted_by_id=member.pk,
        decided_at=now, decided_by_id=member.pk, **fields,
    )
past = referral(1, "accepted", first_appointment_on=datetime.date(2020, 5, 4))
future = referral(2, "accepted", first_appointment_on=datetime.date(2999, 5, 4))
none = referral(3, "accepted")
closed = referral(
    4, "closed", close_reason="Synthetic free text: the work with the family finished.",
    closed_on=datetime.date(2020, 6, 1),
)
print(json.dumps({"past": past.pk, "future": future.pk, "none": none.pk, "closed": closed.pk,
                  "member": member.pk}))
"""

READ = """
from referrals.models import Appointment, Referral
rows = {a.referral_id: [a.on.isoformat(), a.time, a.purpose, a.mode, a.attendance,
                        a.booked_by_id, a.outcome_by_id] for a in Appointment.objects.all()}
closed = Referral.objects.get(status="closed")
print(json.dumps({"appointments": {str(k): v for k, v in rows.items()},
                  "closed": [closed.close_reason, closed.close_note]}))
"""


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def shell(env, code):
    output = manage(env, "shell", "-c", "import json\n" + code)
    return json.loads(output.strip().splitlines()[-1])


@pytest.fixture
def fresh_database(tmp_path):
    name = f"imhs_migration_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": f"postgres:///{name}", "DEBUG": "true"}
    env.pop("DATABASE_OWNER_URL", None)
    app_file, owner_file = tmp_path / "app", tmp_path / "owner"
    subprocess.run(
        [sys.executable, "scripts/ensure_database.py", str(app_file), str(owner_file)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    env["DATABASE_URL"] = app_file.read_text().strip()
    env["DATABASE_OWNER_URL"] = owner_file.read_text().strip()
    yield env
    connection = psycopg2.connect("dbname=postgres")  # as ensure_database connects: a superuser
    connection.autocommit = True  # DROP DATABASE cannot run in a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            # Roles are the cluster's, not the database's: ensure_database made these two.
            cursor.execute(f'DROP ROLE IF EXISTS "{name}_owner", "{name}_app"')
    finally:
        connection.close()


def test_first_appointments_and_closing_reasons_are_carried_over(fresh_database):
    env = fresh_database
    manage(env, "migrate", "-v", "0")  # every other app to the end
    manage(env, "migrate", "referrals", "0009_appointments", "-v", "0")  # back to before 0010
    ids = shell(env, SEED)

    manage(env, "migrate", "-v", "0")
    after = shell(env, READ)

    appointments = after["appointments"]
    assert set(appointments) == {str(ids["past"]), str(ids["future"])}
    member = ids["member"]
    # Attended or not was never recorded: a past date is "not known", a later one still booked.
    assert appointments[str(ids["past"])] == [
        "2020-05-04",
        None,
        "consultation",
        "",
        "not_known",
        member,
        member,
    ]
    assert appointments[str(ids["future"])] == [
        "2999-05-04",
        None,
        "consultation",
        "",
        "booked",
        member,
        None,
    ]
    assert after["closed"] == ["other", "Synthetic free text: the work with the family finished."]
