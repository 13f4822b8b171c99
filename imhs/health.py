"""Health endpoints for a load balancer and monitoring (issue 17).

`/healthz/`: the process answers (liveness), without touching the database, so a database
outage does not make every app server look dead and get restarted.
`/readyz/`: this server can do its work: the database answers, its schema is the code's (no
unapplied migration), and the email queue is being worked (its oldest waiting task is younger
than READY_MAX_QUEUE_AGE_SECONDS).

Plain text, "ok" or what failed, one line each: nothing personal, not audited (a probe every
few seconds is not someone viewing a record), open without sign-in or a second factor.
"""

import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult, get_date_max


def _plain(failures):
    if failures:
        return HttpResponse("\n".join(failures) + "\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
def healthz(request):
    return _plain([])


@require_safe
def readyz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        # Nothing else can be checked without the database.
        return _plain(["database unreachable"])
    checks = (_unapplied_migrations, _queue_too_old)
    return _plain([failure for check in checks if (failure := _run(check))])


def _run(check):
    try:
        return check()
    except DatabaseError:
        return f"database error in {check.__name__.strip('_').replace('_', ' ')}"


def _unapplied_migrations():
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return f"unapplied migrations: {len(plan)}"
    return None


def _queue_too_old():
    now = timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.READY_MAX_QUEUE_AGE_SECONDS)
    # A task queued without a start time has run_after at the library's far-future marker; one
    # scheduled for later has been waiting only since its start time.
    stale = (
        DBTaskResult.objects.ready()
        .filter(enqueued_at__lt=cutoff)
        .filter(Q(run_after=get_date_max()) | Q(run_after__lt=cutoff))
    )
    if stale.exists():
        return f"email queue: a task has waited more than {settings.READY_MAX_QUEUE_AGE_SECONDS}s"
    return None
