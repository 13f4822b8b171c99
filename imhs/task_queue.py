"""The email queue run for real: tasks that name the request that queued them, and tasks whose
worker died put back to be sent.

The queue is django-tasks-db's table, worked by `manage.py db_worker` (this project's version of
the command, imhs/management/commands/db_worker.py). Two things the library leaves to us:

1. **A request id on task logs.** A task queued while answering a request carries that
   request's id (an opaque random hex string, the one on the request's log line and its audit
   events: not personal data, ADR 0010) as the keyword argument `request_id`. The worker binds
   it while the task runs, so the task's own audit lines name it, and logs one JSON line when
   the task starts and one when it ends.

2. **Tasks abandoned by a dead worker.** The library marks a claimed task RUNNING and never
   looks at it again: a worker killed mid-batch leaves that email unsent for ever. A worker
   therefore holds a PostgreSQL advisory lock, keyed by the task's id, for as long as it runs
   the task. The lock belongs to the worker's database connection, so the server drops it the
   moment that connection goes, however the worker died. `requeue_abandoned()` puts back every
   RUNNING task whose lock is free: nobody is running it. No timeout guesses whether a slow
   worker is dead, so a live worker's task is never sent a second time by another.

   The grace period (TASK_ORPHAN_GRACE_SECONDS) covers only the instant between the library
   committing its claim and the worker taking the lock, and a database restart, which drops
   every lock while the workers that held them reconnect and finish.

   What no queue can promise is delivered-exactly-once across a crash *during* the SMTP
   conversation: a worker killed after the mail server accepted the message and before the
   task was marked done has its task put back, and it is sent again (RFC 1047's duplicate).
   The window is the time between the server's "250 OK" and the database commit, a
   millisecond or two; the parents' link task already makes such a second email harmless (its
   first link never worked). docs/operations.md says so.
"""

import contextlib
import datetime
import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task
from django_tasks.signals import task_finished, task_started
from django_tasks_db import DatabaseBackend as QueueBackend
from django_tasks_db.models import DBTaskResult

from imhs.logging import current_request_id, end_request, json_line, start_request

logger = logging.getLogger("imhs.task_queue")

REQUEST_ID = "request_id"


# --- the request id, queued with the task ----------------------------------------------------


class TracedTask(Task):
    """A task that carries the id of the request that queued it (module docstring, 1)."""

    __slots__ = ()

    def enqueue(self, *args, **kwargs):
        request_id = current_request_id()
        if request_id:
            kwargs[REQUEST_ID] = request_id
        return super().enqueue(*args, **kwargs)

    def call(self, *args, **kwargs):
        marker = start_request(kwargs.pop(REQUEST_ID, None))
        try:
            return super().call(*args, **kwargs)
        finally:
            end_request(marker)


class DatabaseBackend(QueueBackend):
    """The production queue: a table in PostgreSQL (django-tasks-db)."""

    task_class = TracedTask


class InProcessBackend(ImmediateBackend):
    """Development and tests: the task runs at once, in the request."""

    task_class = TracedTask


def _log_task(event, task_result, **fields):
    logger.info(
        json_line(
            event,
            task=task_result.task.name,
            task_id=task_result.id,
            request_id=task_result.kwargs.get(REQUEST_ID),
            **fields,
        )
    )


def log_started(sender, task_result, **kwargs):
    _log_task("task_started", task_result)


def log_finished(sender, task_result, **kwargs):
    _log_task("task_finished", task_result, status=task_result.status)


def connect_signals():
    """Called from the app's ready(): the task lines, in the worker and in-process alike."""
    task_started.connect(log_started, dispatch_uid="imhs.task_queue.started")
    task_finished.connect(log_finished, dispatch_uid="imhs.task_queue.finished")


# --- abandoned tasks (module docstring, 2) ---------------------------------------------------

# The advisory lock's key: a 64-bit hash of the task's id, made by the server on both sides.
_KEY = "hashtextextended(%s::text, 0)"


@contextlib.contextmanager
def running(task_id):
    """Hold the task's advisory lock while the worker runs it (session level: it outlives the
    task's own transactions, and dies with the connection)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_advisory_lock({_KEY})", [str(task_id)])
    try:
        yield
    finally:
        # A lost connection has dropped the lock already.
        with contextlib.suppress(Exception), connection.cursor() as cursor:
            cursor.execute(f"SELECT pg_advisory_unlock({_KEY})", [str(task_id)])


def requeue_abandoned(*, now=None):
    """Put back every RUNNING task nobody is running; returns their ids. Safe to run in many
    workers at once: each row is locked while it is looked at, and a lock taken to test a task
    is released at commit."""
    now = now or timezone.now()
    grace = datetime.timedelta(seconds=settings.TASK_ORPHAN_GRACE_SECONDS)
    requeued = []
    with transaction.atomic():
        candidates = (
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(status=TaskResultStatus.RUNNING, started_at__lt=now - grace)
            .only("id", "worker_ids")
        )
        for task in candidates:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT pg_try_advisory_xact_lock({_KEY})", [str(task.id)])
                (free,) = cursor.fetchone()
            if free:
                requeued.append(str(task.id))
                logger.warning(
                    json_line(
                        "task_requeued",
                        task_id=task.id,
                        abandoned_by=(task.worker_ids or ["?"])[-1],
                    )
                )
        DBTaskResult.objects.filter(pk__in=requeued).update(
            status=TaskResultStatus.READY, started_at=None
        )
    return requeued
