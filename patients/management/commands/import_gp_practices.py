"""Import Public Health Scotland's "GP Practice Contact Details and List Sizes" CSV."""

from django.core.management.base import BaseCommand, CommandError

from patients.importers import ImportFileError, import_gp_practices


class Command(BaseCommand):
    help = (
        "Import GP practices (all boards) from PHS's \"GP Practice Contact Details and List "
        'Sizes" CSV. Upserts by practice code; practices missing from the file become inactive.'
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the CSV file.")

    def handle(self, *args, **options):
        try:
            with open(options["file"], encoding="utf-8-sig", newline="") as file:
                result = import_gp_practices(file)
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}") from error
        except ImportFileError as error:
            raise CommandError(error.message) from error
        self.stdout.write(result.summary)
