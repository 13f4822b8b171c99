"""Delete drafts nobody has touched for a long time: personal data is not kept without a use."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from referrals.drafts import purge_stale_drafts


class Command(BaseCommand):
    help = "Delete draft referrals untouched for DRAFT_RETENTION_DAYS (default 90) days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.DRAFT_RETENTION_DAYS,
            help="Delete drafts untouched for this many days (default: %(default)s).",
        )

    def handle(self, *args, days, **options):
        if days < 1:
            raise CommandError("--days must be 1 or more.")
        count = purge_stale_drafts(older_than_days=days)
        self.stdout.write(
            f"Deleted {count} draft referral{'' if count == 1 else 's'} untouched for {days} days."
        )
