"""Write the blank paper Request for Assistance as one self-contained HTML file (no styles,
scripts or images fetched), to keep where the team and referrers can reach it when the service
is down (docs/safety/paper-referrals.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.template.loader import render_to_string
from django.utils import timezone

from imhs.nhsuk.text import nhs_date
from referrals import blank_form


class Command(BaseCommand):
    help = "Write the blank paper Request for Assistance as a standalone HTML file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the HTML file.")

    def handle(self, *args, path, **options):
        html = render_to_string(
            "referrals/paper/standalone.html",
            {
                "sections": blank_form.sections(),
                "service": settings.SERVICE,
                "made_on": nhs_date(timezone.localdate()),
            },
        )
        with open(path, "w", encoding="utf-8") as file:
            file.write(html)
        self.stdout.write(f"Wrote the paper form to {path}.")
