"""The task queue holds no secret and no personal data (issue 12, point 1; ADR 0010).

With the database backend (production's) and the real worker, `manage.py db_worker`, run as its
own process: after a referral is sent (acknowledgement and a parent's emailed link), the team
makes a parent's link, and someone asks for a password reset, every text column of every
table is read back and neither link's token nor the reset path is anywhere; the queued
arguments are ids and codes only; and the emails were really sent, by the worker.
"""

import email
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from referrals import workflow
from referrals.models import ParentInvitation
from tests.factories import (
    CareRelationshipFactory,
    CarerFactory,
    ReferralFactory,
    ReferrerFactory,
)
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PARENT_LINK = re.compile(r"/views/([A-Za-z0-9_-]{43})/")
RESET_PATH = re.compile(r"/accounts/reset/([A-Za-z0-9_-]+)/([A-Za-z0-9]+-[A-Za-z0-9]+)/")
TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb", "bytea")
# What a queued task may hold: ids and codes.
# (and the id of the request that queued it: an opaque random hex string, imhs.task_queue)
ALLOWED_ARGUMENTS = {"referral_id", "kind", "invitation_id", "user_id", "request_id"}


def carer_of(referral, *, email):
    carer = CarerFactory(email=email)
    CareRelationshipFactory(
        infant=referral.infant, carer=carer, has_parental_responsibility=True, is_main_carer=False
    )
    return carer


def run_worker(mail_dir):
    """`manage.py db_worker --batch` on the test database: runs every queued task, then exits."""
    url = urlsplit(os.environ.get("DATABASE_URL", "postgres:///imhs"))
    test_url = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    environment = {
        **os.environ,
        "DATABASE_URL": test_url,
        "DEBUG": "true",
        "TASKS_BACKEND": "database",
        "EMAIL_BACKEND": "file",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    manage = Path(django_settings.BASE_DIR) / "manage.py"
    command = [sys.executable, str(manage), "db_worker", "--batch", "--no-startup-delay"]
    subprocess.run(
        [*command, "--no-reload"], env=environment, check=True, timeout=120, capture_output=True
    )


def sent_emails(mail_dir):
    messages = []
    for path in sorted(mail_dir.iterdir()):
        for raw in path.read_bytes().split(b"-" * 79):
            if raw.strip():
                message = email.message_from_bytes(raw.strip())
                messages.append((message["To"], message.get_payload(decode=True).decode()))
    return messages


def every_text_value():
    """Every value of every text-like column of every table, as one string."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type = ANY(%s)",
            [list(TEXT_TYPES)],
        )
        columns = cursor.fetchall()
        values = []
        for table, column, data_type in columns:
            value = (
                f"encode({connection.ops.quote_name(column)}, 'escape')"
                if data_type == "bytea"
                else f"{connection.ops.quote_name(column)}::text"
            )
            cursor.execute(
                f"SELECT {value} FROM {connection.ops.quote_name(table)}"  # noqa: S608
            )
            values.extend(str(row[0]) for row in cursor.fetchall() if row[0] is not None)
    assert len(columns) > 50  # the query found the schema's columns
    return "\n".join(values)


def test_no_link_token_or_reset_path_is_stored_by_the_queue_and_its_worker(
    client, settings, tmp_path, team_member
):
    settings.TASKS = {"default": {"BACKEND": "imhs.task_queue.DatabaseBackend"}}
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()

    # A referral sent with a secure link by email: the acknowledgement and the parent's link.
    draft = ReferralFactory(parent_views_method="secure_link", with_carer=False)
    carer_of(draft, email="parenttest.submitted@example.org")
    referral = workflow.submit(draft, by=draft.referrer)
    # The team makes a link for another parent: shown once on the page, and emailed.
    mother = carer_of(referral, email="parenttest.mother@example.org")
    sign_in(client, team_member)
    response = client.post(
        reverse("referrals:team_invite", args=[referral.reference]), {"carer": mother.pk}
    )
    [shown_token] = set(PARENT_LINK.findall(response.content.decode()))
    # Someone asks for a password reset.
    client.logout()
    forgetful = ReferrerFactory(email="forgetful.test@example.org", password="Synthetic pass 2026")
    client.post(reverse("password_reset"), {"email": forgetful.email})

    queued = list(DBTaskResult.objects.all())
    assert len(queued) == 4
    for result in queued:
        assert result.args_kwargs["args"] == []
        assert set(result.args_kwargs["kwargs"]) <= ALLOWED_ARGUMENTS

    run_worker(mail_dir)

    assert {r.status for r in DBTaskResult.objects.all()} == {TaskResultStatus.SUCCESSFUL}
    by_recipient = {}
    for to, body in sent_emails(mail_dir):
        by_recipient.setdefault(to, []).append(body)
    [acknowledgement] = by_recipient.pop(draft.referrer.email)
    assert referral.reference in acknowledgement
    [reset] = by_recipient.pop(forgetful.email)
    [(reset_uid, reset_token)] = RESET_PATH.findall(reset)
    [submitted_body] = by_recipient.pop("parenttest.submitted@example.org")
    [mother_body] = by_recipient.pop("parenttest.mother@example.org")
    assert by_recipient == {}
    [submitted_token] = PARENT_LINK.findall(submitted_body)
    [mother_token] = PARENT_LINK.findall(mother_body)
    assert len({shown_token, submitted_token, mother_token}) == 3
    assert ParentInvitation.objects.filter(email_token_hash__isnull=False).count() == 2

    stored = every_text_value()

    assert stored  # the dump is not empty
    assert str(referral.reference) in stored  # and really holds the data
    for secret in (
        shown_token,
        submitted_token,
        mother_token,
        reset_token,
        f"/accounts/reset/{reset_uid}/{reset_token}/",
    ):
        assert secret not in stored
    assert "/accounts/reset/" not in stored
    assert "/views/" not in stored
