"""Import the National Records of Scotland "Scottish Postcode Directory" CSV."""

from django.core.management.base import BaseCommand, CommandError

from patients.importers import ImportFileError, import_postcodes


class Command(BaseCommand):
    help = (
        'Import postcodes from NRS\'s "Scottish Postcode Directory" CSV (Postcode, '
        "HealthBoardArea2019Code, CouncilArea2019Code). Postcodes missing from the file are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the CSV file.")

    def handle(self, *args, **options):
        try:
            with open(options["file"], encoding="utf-8-sig", newline="") as file:
                result = import_postcodes(file)
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}") from error
        except ImportFileError as error:
            raise CommandError(error.message) from error
        self.stdout.write(result.summary)
