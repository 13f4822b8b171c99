"""Apply the retention rules (referrals.retention; ADR 0013). Run it daily."""

from django.core.management.base import BaseCommand

from referrals import retention


class Command(BaseCommand):
    help = (
        "Apply the retention rules: delete what may simply go, destroy referrals whose rule says "
        "delete, and put referrals due for review on the service leads' review queue. "
        "--dry-run lists what would happen and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would happen; change nothing."
        )

    def handle(self, *args, dry_run, **options):
        outcome = retention.apply(dry_run=dry_run)
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        for line in outcome.lines:
            self.stdout.write(line)
