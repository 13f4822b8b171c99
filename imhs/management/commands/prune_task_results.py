"""Delete the task queue's finished results: a queue is not an archive.

The queued arguments are ids only (ADR 0010), but a finished row still says who was emailed
when; a failed one is kept longer, for someone to look into.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from imhs.nhsuk.text import plural


class Command(BaseCommand):
    help = (
        "Delete finished task results: successful ones after TASK_RESULT_RETENTION_DAYS "
        "(default 1), failed ones after TASK_FAILED_RESULT_RETENTION_DAYS (default 14)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.TASK_RESULT_RETENTION_DAYS,
            help="Delete successful results finished this many days ago (default: %(default)s).",
        )
        parser.add_argument(
            "--failed-days",
            type=int,
            default=settings.TASK_FAILED_RESULT_RETENTION_DAYS,
            help="Delete failed results finished this many days ago (default: %(default)s).",
        )

    def handle(self, *args, days, failed_days, **options):
        if days < 0 or failed_days < 0:
            raise CommandError("--days and --failed-days must be 0 or more.")
        now = timezone.now()
        deleted, _ = (
            DBTaskResult.objects.finished()
            .filter(
                Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lte=now - _days(days))
                | Q(status=TaskResultStatus.FAILED, finished_at__lte=now - _days(failed_days))
            )
            .delete()
        )
        kept = f"successful after {plural(days, 'day')}, failed after {plural(failed_days, 'day')}"
        self.stdout.write(f"Deleted {plural(deleted, 'finished task result')} ({kept}).")


def _days(number):
    return datetime.timedelta(days=number)
