"""Import Public Health Scotland's "GP Practice Contact Details and List Sizes" CSV."""

from patients.importers import import_gp_practices
from patients.management.import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import GP practices (all boards) from PHS's \"GP Practice Contact Details and List "
        'Sizes" CSV. Upserts by practice code; practices missing from the file become inactive.'
    )
    importer = import_gp_practices
