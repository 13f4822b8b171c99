"""manage.py import_gp_practices / import_postcodes."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from imhs.models import AuditAction, AuditEvent
from patients.models import GPPractice, Postcode

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_gp_practices_prints_the_summary():
    output = run("import_gp_practices", str(FIXTURES / "gp_practices.csv"))

    assert output == "GP practices: 6 added, 0 updated, 0 deactivated (6 in the file).\n"
    assert GPPractice.objects.count() == 6
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert event.actor is None
    assert event.object_type == "patients.gppractice"

    again = run("import_gp_practices", str(FIXTURES / "gp_practices.csv"))
    assert again.startswith("GP practices: 0 added, 0 updated, 0 deactivated")


def test_import_gp_practices_refuses_a_bad_file():
    with pytest.raises(CommandError, match="The file is missing these columns: HB, PracticeCode"):
        run("import_gp_practices", str(FIXTURES / "gp_practices_bad_header.csv"))
    assert not GPPractice.objects.exists()


def test_import_gp_practices_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_gp_practices", str(tmp_path / "nowhere.csv"))


def test_import_postcodes_prints_the_summary():
    output = run("import_postcodes", str(FIXTURES / "postcodes.csv"))

    assert output.startswith("Postcodes: 6 added, 0 updated, 2 skipped (not a postcode)")
    assert Postcode.objects.count() == 6


def test_import_postcodes_refuses_a_bad_file():
    with pytest.raises(
        CommandError, match="The file is missing these columns: HealthBoardArea2019Code"
    ):
        run("import_postcodes", str(FIXTURES / "postcodes_bad_header.csv"))
    assert not Postcode.objects.exists()
