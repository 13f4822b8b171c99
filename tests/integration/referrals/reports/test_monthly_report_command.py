"""manage.py monthly_report: the same files as the page, for scheduled jobs; audited."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from imhs.models import AuditEvent
from tests.integration.referrals.reports.test_extract import map_everything

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("monthly_report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_national_row_to_standard_output(october):
    lines = list(csv.reader(io.StringIO(run("--month", "2026-10", "--format", "national"))))
    assert lines[0][:3] == ["HB", "Month", "ReferralsReceived"]
    assert lines[1][:3] == ["S08000032", "202610", "5"]
    event = AuditEvent.objects.get(action="export")
    assert (event.object_type, event.object_id, event.actor) == ("report", "2026-10", None)
    assert event.detail == {"report": "national", "command": "monthly_report"}


def test_the_tables_and_the_workbook_to_files(october, tmp_path):
    run("--month", "2026-10", "--output", str(tmp_path / "tables.csv"))
    run("--month", "2026-10", "--format", "xlsx", "--output", str(tmp_path / "report.xlsx"))

    with open(tmp_path / "tables.csv", newline="", encoding="utf-8") as file:
        assert ["Referrals received", "Received", "Number", "5"] in list(csv.reader(file))
    book = load_workbook(tmp_path / "report.xlsx")
    assert {"About", "received", "trend-seen"} <= set(book.sheetnames)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--month", "2026-13"), "There is no month"),
        (("--month", "October"), "written YYYY-MM"),
        (("--month", "2026-10", "--format", "xlsx"), "give --output"),
    ],
)
def test_bad_arguments_are_one_clear_sentence(db, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_the_extract_is_refused_while_values_have_no_national_code(october):
    first_gap = r"no national code yet \(Appointment purpose: Assessment; "
    with pytest.raises(CommandError, match=first_gap):
        run("--month", "2026-10", "--format", "extract")
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_extract_once_every_value_is_mapped(october):
    map_everything()
    lines = list(csv.reader(io.StringIO(run("--month", "2026-10", "--format", "extract"))))
    assert lines[0][:3] == ["record_type", "UCPN", "CHI"]
    assert len(lines) == 1 + 9 + 7  # nine referrals' rows, seven appointments
    assert AuditEvent.objects.get(action="export").detail["report"] == "extract"
