"""What the two reference-data import commands share: open the file, import, report."""

from django.core.management.base import BaseCommand, CommandError

from patients.importers import ImportFileError


class ImportCommand(BaseCommand):
    """Subclasses set `help` and `importer` (a function of patients.importers)."""

    importer = None

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the CSV file.")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            # utf-8-sig: the published files sometimes start with a byte-order mark.
            with open(path, encoding="utf-8-sig", newline="") as file:
                result = type(self).importer(file)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        except ImportFileError as error:
            raise CommandError(error.message) from error
        self.stdout.write(result.summary)
