"""The email queue run for real (issue 17): a task names the request that queued it, and a task
whose worker was killed is put back and sent once (imhs.task_queue, imhs db_worker)."""

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from imhs import task_queue
from imhs.tasks import send_password_reset
from tests.factories import ReferrerFactory
from tests.processes import free_port, listening, wait_until

ROOT = Path(django_settings.BASE_DIR)
PASSWORD = "Synthetic pass 2026"  # pragma: allowlist secret (invented)


@pytest.fixture
def queue_lines(caplog):
    """imhs.task_queue does not propagate to the root logger, where caplog listens."""
    logger = logging.getLogger("imhs.task_queue")
    logger.addHandler(caplog.handler)
    yield lambda: [
        json.loads(r.getMessage()) for r in caplog.records if r.name == "imhs.task_queue"
    ]
    logger.removeHandler(caplog.handler)


# Real commits: the task is queued when the request's transaction commits, inside the request.
@pytest.mark.django_db(transaction=True)
def test_a_task_queued_by_a_request_logs_that_requests_id(client, queue_lines):
    referrer = ReferrerFactory(email="queued.by.request@example.org", password=PASSWORD)

    response = client.post(reverse("password_reset"), {"email": referrer.email})

    started, finished = queue_lines()
    assert (started["event"], finished["event"]) == ("task_started", "task_finished")
    for line in (started, finished):
        assert line["task"] == "send_password_reset"
        assert line["request_id"] == response["X-Request-ID"]
    assert finished["status"] == "SUCCESSFUL"
    assert "queued.by.request" not in json.dumps([started, finished])


# --- a worker killed mid-task -----------------------------------------------------------------


def wait_for(condition, *, seconds=30, what="it"):
    if not wait_until(condition, seconds):
        pytest.fail(f"Waited {seconds} s for {what}.")


@pytest.fixture
def sink(tmp_path):
    """scripts/smtp_sink.py on a free port, holding new connections while `hold` exists."""
    port, mail, hold = free_port(), tmp_path / "mail", tmp_path / "hold"
    hold.touch()
    process = subprocess.Popen(
        [sys.executable, ROOT / "scripts" / "smtp_sink.py", str(port), mail, "--hold", hold]
    )
    wait_for(lambda: listening(port), what="the sink")
    yield port, mail, hold
    process.kill()
    process.wait()


def start_worker(port):
    url = urlsplit(os.environ.get("DATABASE_URL", "postgres:///imhs"))
    environment = {
        **os.environ,
        "DATABASE_URL": urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"])),
        "DEBUG": "true",
        "TASKS_BACKEND": "database",
        "EMAIL_BACKEND": "smtp",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false",
        "TASK_ORPHAN_GRACE_SECONDS": "0",
        "TASK_ORPHAN_SWEEP_SECONDS": "1",
    }
    command = ["db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"]
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *command],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def statuses():
    return sorted(DBTaskResult.objects.values_list("status", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_was_killed_is_put_back_and_sent_once(settings, sink):
    settings.TASKS = {"default": {"BACKEND": "imhs.task_queue.DatabaseBackend"}}
    port, mail, hold = sink
    users = [
        ReferrerFactory(email=f"killed.worker.{n}@example.org", password=PASSWORD) for n in range(3)
    ]
    for user in users:
        send_password_reset.enqueue(user_id=user.pk)

    first = start_worker(port)
    # It took a task and is stuck before the mail server's greeting: nothing sent yet.
    wait_for(lambda: TaskResultStatus.RUNNING in statuses(), what="a task to be taken")
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    [abandoned] = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    time.sleep(1.5)
    # Left alone, the library would leave it RUNNING for ever.
    assert DBTaskResult.objects.get(pk=abandoned.pk).status == TaskResultStatus.RUNNING

    hold.unlink()
    second = start_worker(port)
    try:
        wait_for(
            lambda: statuses() == [TaskResultStatus.SUCCESSFUL] * 3,
            what="every email to be sent",
        )
    finally:
        second.terminate()
        second.wait(timeout=30)

    sent = sorted(
        path.read_text().split("To: ", 1)[1].split("\n", 1)[0] for path in mail.glob("*.eml")
    )
    assert sent == sorted(user.email for user in users)  # each once: none lost, none twice
    assert len(DBTaskResult.objects.get(pk=abandoned.pk).worker_ids) == 2


@pytest.mark.django_db(transaction=True)
def test_a_task_someone_is_running_is_never_put_back(settings):
    settings.TASKS = {"default": {"BACKEND": "imhs.task_queue.DatabaseBackend"}}
    settings.TASK_ORPHAN_GRACE_SECONDS = 0
    user = ReferrerFactory()
    result = send_password_reset.enqueue(user_id=user.pk)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now()
    )
    holding, release = threading.Event(), threading.Event()

    def live_worker():  # its own connection, as another process's would be
        with task_queue.running(result.id):
            holding.set()
            release.wait(10)
        connections.close_all()

    thread = threading.Thread(target=live_worker)
    thread.start()
    holding.wait(10)
    try:
        assert task_queue.requeue_abandoned() == []
    finally:
        release.set()
        thread.join()
    assert task_queue.requeue_abandoned() == [result.id]
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.READY


@pytest.mark.django_db(transaction=True)
def test_a_task_taken_a_moment_ago_is_left_for_its_worker(settings):
    settings.TASKS = {"default": {"BACKEND": "imhs.task_queue.DatabaseBackend"}}
    settings.TASK_ORPHAN_GRACE_SECONDS = 30
    result = send_password_reset.enqueue(user_id=ReferrerFactory().pk)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now()
    )
    assert task_queue.requeue_abandoned() == []
