"""Synthetic reference data and families for the demo (seed_demo). Nothing here is real.

Practice codes start 99 (PHS does not issue them); phone numbers are in Ofcom's range for
drama (07700 900xxx); postcodes use unit codes invented for the demo; addresses are
@example.org.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from patients.catchment import CATCHMENT
from patients.chi import make_chi
from patients.models import (
    Carer,
    CareRelationship,
    DataSet,
    GPPractice,
    GPRegistration,
    Infant,
    LivesWith,
    Postcode,
    ReferenceImport,
    Relationship,
    Sex,
)

BOARD = CATCHMENT.board_code
NORTH_COUNCIL, SOUTH_COUNCIL = CATCHMENT.council_codes
GREATER_GLASGOW_AND_CLYDE = "S08000031"
GLASGOW_CITY_COUNCIL = "S12000049"

PRACTICES = [
    # code (999xx: apart from the test fixtures' 99xxx), name, town, postcode, board
    ("99901", "Demo Coatbridge Health Centre", "Coatbridge", "ML5 9XA", BOARD),
    ("99902", "Demo Hamilton Medical Practice", "Hamilton", "ML3 9XA", BOARD),
    ("99903", "Demo Cumbernauld Surgery", "Cumbernauld", "G67 9XA", BOARD),
    ("99904", "Demo Glasgow East Practice", "Glasgow", "G33 9XB", GREATER_GLASGOW_AND_CLYDE),
]

POSTCODES = [
    # postcode, board, council. G33 straddles the boundary: one of each, resolved by the table.
    ("ML5 9XA", BOARD, NORTH_COUNCIL),
    ("ML3 9XA", BOARD, SOUTH_COUNCIL),
    ("G67 9XA", BOARD, NORTH_COUNCIL),
    ("G33 9XA", BOARD, NORTH_COUNCIL),
    ("G33 9XB", GREATER_GLASGOW_AND_CLYDE, GLASGOW_CITY_COUNCIL),
    ("G1 9XA", GREATER_GLASGOW_AND_CLYDE, GLASGOW_CITY_COUNCIL),
]

# The day the demo babies' ages below were written for: each is born as many days before the
# day the demo is seeded as it was before this one, so none ages out of the service (under 3)
# however late a new database is seeded.
AGES_AS_OF = datetime.date(2026, 12, 2)

# given, family, born (as of AGES_AS_OF), sex, postcode, practice code (None: not registered),
# lives with
INFANTS = [
    ("Isla", "Brightwater", datetime.date(2025, 6, 10), Sex.FEMALE, "ML5 9XA", "99901",
     LivesWith.PARENTS),
    ("Rory", "Heatherbank", datetime.date(2024, 12, 3), Sex.MALE, "ML3 9XA", "99902",
     LivesWith.PARENTS),
    ("Eilidh", "Heatherbank", datetime.date(2024, 12, 3), Sex.FEMALE, "ML3 9XA", "99902",
     LivesWith.PARENTS),
    ("Callum", "Stonebyres", datetime.date(2024, 2, 29), Sex.MALE, "G33 9XB", "99904",
     LivesWith.KINSHIP_CARERS),
    ("Ava", "Lochmill", datetime.date(2026, 3, 18), Sex.FEMALE, "G33 9XA", None,
     LivesWith.PARENTS),
    ("Finn", "Larchwood", datetime.date(2025, 9, 2), Sex.MALE, "ML5 9XA", "99901",
     LivesWith.PARENTS),
    ("Mia", "Rowanlea", datetime.date(2025, 1, 20), Sex.FEMALE, "G67 9XA", "99903",
     LivesWith.KINSHIP_CARERS),
    # Accepted cases with appointments (referrals.demo): waiting, in treatment and closed.
    ("Lewis", "Burnside", datetime.date(2025, 3, 14), Sex.MALE, "ML5 9XA", "99901",
     LivesWith.PARENTS),
    ("Orla", "Fernielea", datetime.date(2025, 5, 22), Sex.FEMALE, "ML3 9XA", "99902",
     LivesWith.PARENTS),
    ("Hamish", "Braeburn", datetime.date(2024, 11, 8), Sex.MALE, "G67 9XA", "99903",
     LivesWith.PARENTS),
    ("Ailsa", "Corriemoss", datetime.date(2025, 8, 30), Sex.FEMALE, "ML5 9XA", "99901",
     LivesWith.PARENTS),
    ("Euan", "Whinfield", datetime.date(2024, 10, 15), Sex.MALE, "ML3 9XA", "99902",
     LivesWith.PARENTS),
    ("Freya", "Hollybrae", datetime.date(2024, 7, 19), Sex.FEMALE, "G67 9XA", "99903",
     LivesWith.KINSHIP_CARERS),
    ("Kyle", "Ashbrae", datetime.date(2025, 2, 11), Sex.MALE, "ML5 9XA", "99901",
     LivesWith.PARENTS),
]  # fmt: skip

# given, family, phone, babies (given names) with relationship, main carer, parental resp.
CARERS = [
    ("Morag", "Brightwater", "07700 900101", [("Isla", Relationship.MOTHER, True, True)]),
    ("Duncan", "Brightwater", "07700 900102", [("Isla", Relationship.FATHER, False, True)]),
    # The twins' mother: one carer, two relationships.
    ("Kirsty", "Heatherbank", "07700 900103",
     [("Rory", Relationship.MOTHER, True, True), ("Eilidh", Relationship.MOTHER, True, True)]),
    ("Jean", "Stonebyres", "07700 900104", [("Callum", Relationship.KINSHIP_CARER, True, True)]),
    ("Leanne", "Lochmill", "07700 900105", [("Ava", Relationship.MOTHER, True, True)]),
    ("Sam", "Larchwood", "07700 900106", [("Finn", Relationship.FATHER, True, True)]),
    ("Agnes", "Rowanlea", "07700 900107", [("Mia", Relationship.KINSHIP_CARER, True, True)]),
    ("Carly", "Burnside", "07700 900108", [("Lewis", Relationship.MOTHER, True, True)]),
    ("Niamh", "Fernielea", "07700 900109", [("Orla", Relationship.MOTHER, True, True)]),
    ("Graham", "Braeburn", "07700 900110", [("Hamish", Relationship.FATHER, True, True)]),
    ("Rachel", "Corriemoss", "07700 900111", [("Ailsa", Relationship.MOTHER, True, True)]),
    ("Lauren", "Whinfield", "07700 900112", [("Euan", Relationship.MOTHER, True, True)]),
    ("Margaret", "Hollybrae", "07700 900113",
     [("Freya", Relationship.KINSHIP_CARER, True, True)]),
    ("Stacey", "Ashbrae", "07700 900114", [("Kyle", Relationship.MOTHER, True, True)]),
]  # fmt: skip


def birthday(born, today):
    """A demo baby's birthday when seeded `today`: as old that day as on AGES_AS_OF."""
    return born + (today - AGES_AS_OF)


@transaction.atomic
def seed():
    """Create or refresh the demo's practices, postcodes and families. Idempotent."""
    for code, name, town, postcode, board in PRACTICES:
        GPPractice.objects.update_or_create(
            code=code,
            defaults={"name": name, "address_line_1": "1 Demo Street", "address_line_3": town,
                      "postcode": postcode, "health_board_code": board, "active": True},
        )  # fmt: skip
    for postcode, board, council in POSTCODES:
        Postcode.objects.update_or_create(
            postcode=postcode,
            defaults={"health_board_code": board, "council_area_code": council},
        )
    # The demo's practices and postcodes stand for files imported today.
    for data_set in DataSet:
        ReferenceImport.objects.create(
            data_set=data_set, imported_at=timezone.now(), counts={"demo": True}
        )
    infants = {}
    today = timezone.localdate()
    for given, family, born, sex, postcode, practice_code, lives_with in INFANTS:
        practice = GPPractice.objects.get(code=practice_code) if practice_code else None
        born = birthday(born, today)
        # By name: a baby seeded on an earlier day keeps the birthday (and CHI) it was given.
        infants[given], _ = Infant.objects.update_or_create(
            given_name=given, family_name=family,
            defaults={
                "sex": sex, "address_line_1": "2 Demo Road", "postcode": postcode,
                "lives_with": lives_with, "gp_practice": practice,
                "gp_registration": GPRegistration.LISTED if practice
                else GPRegistration.NOT_REGISTERED,
            },
            create_defaults={
                "chi_number": make_chi(born, female=sex != Sex.MALE, serial="99"),  # the demo's
                "date_of_birth": born, "given_name": given, "family_name": family, "sex": sex,
                "address_line_1": "2 Demo Road", "postcode": postcode, "lives_with": lives_with,
                "gp_practice": practice,
                "gp_registration": GPRegistration.LISTED if practice
                else GPRegistration.NOT_REGISTERED,
            },
        )  # fmt: skip
    for given, family, phone, babies in CARERS:
        carer, _ = Carer.objects.update_or_create(
            email=f"{given}.{family}@example.org".lower(),
            defaults={"given_name": given, "family_name": family, "phone": phone,
                      "preferred_contact_method": "phone"},
        )  # fmt: skip
        for baby, relationship, main, responsibility in babies:
            CareRelationship.objects.update_or_create(
                infant=infants[baby],
                carer=carer,
                defaults={"relationship": relationship, "is_main_carer": main,
                          "has_parental_responsibility": responsibility},
            )  # fmt: skip
    return {"practices": len(PRACTICES), "postcodes": len(POSTCODES), "infants": len(INFANTS)}
