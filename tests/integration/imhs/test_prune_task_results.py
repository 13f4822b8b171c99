"""`manage.py prune_task_results` deletes the task queue's finished results (ADR 0010):
successful ones after TASK_RESULT_RETENTION_DAYS, failed ones after
TASK_FAILED_RESULT_RETENTION_DAYS; queued and running tasks are never touched."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db


def result(status, *, days_ago):
    now = timezone.now()
    finished = now - datetime.timedelta(days=days_ago)
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"user_id": 1}},
        task_path="imhs.tasks.send_password_reset",
        backend_name="default",
        run_after=now,
        status=status,
        finished_at=finished if status in {"SUCCESSFUL", "FAILED"} else None,
    )


def remaining():
    return set(DBTaskResult.objects.values_list("pk", flat=True))


def prune(*args):
    output = io.StringIO()
    call_command("prune_task_results", *args, stdout=output)
    return output.getvalue().strip()


def test_finished_results_are_pruned_failed_ones_kept_longer(settings):
    settings.TASK_RESULT_RETENTION_DAYS = 1
    settings.TASK_FAILED_RESULT_RETENTION_DAYS = 14
    old_success = result(TaskResultStatus.SUCCESSFUL, days_ago=2)
    new_success = result(TaskResultStatus.SUCCESSFUL, days_ago=0)
    failed_recently = result(TaskResultStatus.FAILED, days_ago=2)
    failed_long_ago = result(TaskResultStatus.FAILED, days_ago=15)
    queued = result(TaskResultStatus.READY, days_ago=30)
    running = result(TaskResultStatus.RUNNING, days_ago=30)

    message = prune()

    assert message == (
        "Deleted 2 finished task results (successful after 1 day, failed after 14 days)."
    )
    assert remaining() == {new_success.pk, failed_recently.pk, queued.pk, running.pk}
    assert old_success.pk not in remaining()
    assert failed_long_ago.pk not in remaining()


def test_the_retention_can_be_given_on_the_command_line():
    success = result(TaskResultStatus.SUCCESSFUL, days_ago=0)
    failed = result(TaskResultStatus.FAILED, days_ago=3)

    assert prune("--days", "0", "--failed-days", "2").startswith("Deleted 2 finished task results")
    assert remaining() == set()
    assert success.pk not in remaining()
    assert failed.pk not in remaining()


def test_a_negative_retention_is_refused():
    with pytest.raises(CommandError, match="0 or more"):
        prune("--days", "-1")
