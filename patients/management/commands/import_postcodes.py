"""Import the National Records of Scotland "Scottish Postcode Directory" CSV."""

from patients.importers import import_postcodes
from patients.management.import_command import ImportCommand


class Command(ImportCommand):
    help = (
        'Import postcodes from NRS\'s "Scottish Postcode Directory" CSV (Postcode, '
        "HealthBoardArea2019Code, CouncilArea2019Code). Postcodes missing from the file are kept."
    )
    importer = import_postcodes
