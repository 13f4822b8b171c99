"""`db_worker`, django-tasks-db's email worker, made safe to kill and to run beside others.

What the library does on its own (django-tasks-db 0.13): a worker claims a task by locking its
row with SELECT … FOR UPDATE SKIP LOCKED and marking it RUNNING in one transaction, so two
workers never take the same task. But a worker that dies (SIGKILL, a host lost) leaves its task
RUNNING for ever: nothing puts it back, so that email is never sent. And a database that goes
away (a restart, a failover) makes the worker's loop raise and the process exit.

What this adds (imhs.task_queue has the reasons at length):
- While it runs a task, the worker holds a PostgreSQL advisory lock named after the task. The
  lock lives in the worker's connection, so it goes when the worker dies, whatever killed it.
- Every few seconds a thread puts back (READY) each RUNNING task whose lock nobody holds and
  which started more than TASK_ORPHAN_GRACE_SECONDS ago: its worker is gone. Another worker,
  or this one, then sends it.
- A lost database connection is waited out and the loop starts again, instead of exiting.
"""

import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django_tasks_db.management.commands import db_worker

from imhs import task_queue
from imhs.logging import json_line


class Worker(db_worker.Worker):
    def run_task(self, db_task_result):
        with task_queue.running(db_task_result.pk):
            super().run_task(db_task_result)

    def run(self):
        while True:
            try:
                return super().run()
            except (OperationalError, InterfaceError) as exc:
                # The database went away (a restart, a failover). Wait and connect again; a
                # task it was running when the connection dropped is put back by the sweeper.
                task_queue.logger.warning(
                    json_line("worker_database_unavailable", error=type(exc).__name__)
                )
                self._drop_connection()
                time.sleep(max(self.interval, 1))

    @staticmethod
    def _drop_connection():
        try:
            connection.close()
        except (OperationalError, InterfaceError):
            connection.connection = None


def sweep_forever(every, stop):
    """Put back abandoned tasks every `every` seconds until `stop` is set (its own thread, so
    its own database connection)."""
    while not stop.wait(every):
        try:
            close_old_connections()
            task_queue.requeue_abandoned()
        except (OperationalError, InterfaceError):
            Worker._drop_connection()  # the next round connects again


class Command(db_worker.Command):
    help = db_worker.Command.help + " (abandoned tasks put back; waits out database restarts)"

    def handle(self, *args, **options):
        original = db_worker.Worker
        db_worker.Worker = Worker  # the library's handle() builds its Worker by this name
        stop = threading.Event()
        sweeper = threading.Thread(
            target=sweep_forever,
            args=(settings.TASK_ORPHAN_SWEEP_SECONDS, stop),
            name="requeue-abandoned-tasks",
            daemon=True,
        )
        sweeper.start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
            db_worker.Worker = original
