"""The health endpoints (issue 17, point 1): /healthz/ answers without the database; /readyz/
says whether the database answers, the schema is migrated and the email queue is worked."""

import datetime

import pytest
from django.db import OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from imhs.models import AuditEvent
from tests.factories import TeamMemberFactory

pytestmark = pytest.mark.django_db


def queued(*, minutes_ago, run_after=None, status=TaskResultStatus.READY):
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"user_id": 1}},
        task_path="imhs.tasks.send_password_reset",
        backend_name="default",
        run_after=run_after or datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC),
        status=status,
    )
    # enqueued_at is auto_now_add: set afterwards.
    enqueued = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=enqueued)
    return task


def test_healthz_answers_ok_without_a_database_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"ok\n"


def test_readyz_is_ok_when_the_database_is_migrated_and_the_queue_is_worked(client):
    queued(minutes_ago=2)

    response = client.get(reverse("readyz"))

    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_readyz_fails_when_the_database_does_not_answer(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert response.content == b"database unreachable\n"


def test_readyz_fails_with_an_unapplied_migration(client, monkeypatch):
    monkeypatch.setattr(
        MigrationExecutor, "migration_plan", lambda self, targets: [("migration", False)]
    )

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert response.content == b"unapplied migrations: 1\n"


def test_readyz_fails_when_the_oldest_waiting_email_is_too_old(client, settings):
    settings.READY_MAX_QUEUE_AGE_SECONDS = 600
    queued(minutes_ago=11)

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert response.content == b"email queue: a task has waited more than 600s\n"


def test_readyz_ignores_finished_tasks_and_tasks_scheduled_for_later(client, settings):
    settings.READY_MAX_QUEUE_AGE_SECONDS = 600
    queued(minutes_ago=60, status=TaskResultStatus.SUCCESSFUL)
    queued(minutes_ago=60, status=TaskResultStatus.FAILED)
    # Queued an hour ago to run five minutes ago: it has waited five minutes.
    queued(minutes_ago=60, run_after=timezone.now() - datetime.timedelta(minutes=5))

    assert client.get(reverse("readyz")).status_code == 200


def test_both_failures_are_listed(client, settings, monkeypatch):
    settings.READY_MAX_QUEUE_AGE_SECONDS = 60
    queued(minutes_ago=2)
    monkeypatch.setattr(
        MigrationExecutor, "migration_plan", lambda self, targets: [("a", False), ("b", False)]
    )

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert response.content.decode().splitlines() == [
        "unapplied migrations: 2",
        "email queue: a task has waited more than 60s",
    ]


@pytest.mark.parametrize("name", ["healthz", "readyz"])
def test_open_to_a_staff_member_owing_a_second_factor_and_not_audited(client, name):
    client.force_login(TeamMemberFactory())  # no second factor yet: every page is refused
    events = AuditEvent.objects.count()

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("name", ["healthz", "readyz"])
def test_answered_over_plain_http_when_https_is_enforced(client, settings, name):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("start")).status_code == 301  # the rest of the site redirects


@pytest.mark.parametrize("name", ["healthz", "readyz"])
def test_only_read_methods(client, name):
    assert client.post(reverse(name)).status_code == 405
