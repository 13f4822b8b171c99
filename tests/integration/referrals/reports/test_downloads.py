"""The month's files open and say what the page says: the tables' CSV parsed back, the
workbook loaded back with openpyxl, the national row's CSV with its fixed columns; and text a
spreadsheet would run as a formula (a service's name the team typed) is only ever text."""

import csv
import io

import pytest
from openpyxl import load_workbook

from referrals.models import SignpostService
from referrals.reports.downloads import national_csv, tables_csv, workbook_bytes
from referrals.reports.figures import MonthReport
from referrals.reports.national import COLUMNS
from referrals.reports.trends import trend_tables
from tests.integration.referrals.reports.dataset import OCTOBER

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.invalid","Synthetic")'


@pytest.fixture
def report(october):
    # A service named like a formula: the signposting table shows its name.
    SignpostService.objects.filter(name="Synthetic Family Support Service").update(name=FORMULA)
    return MonthReport.build(OCTOBER)


def parsed(chunks):
    return list(csv.reader(io.StringIO("".join(chunks))))


def test_the_tables_csv_has_one_line_per_figure(report):
    lines = parsed(tables_csv(report))

    assert lines[0] == ["Table", "Row", "Column", "Value"]
    assert ["Referrals received", "Received", "Number", "5"] in lines
    assert ["Patients seen: waits to start treatment", "Median weeks", "Adjusted", "16"] in lines
    assert ["Patients seen: waits to start treatment", "Median weeks", "Unadjusted", "23"] in lines
    figures = sum(len(table.rows) * (len(table.columns) - 1) for table in report.tables)
    assert len(lines) == 1 + figures


def test_a_formula_in_the_data_is_text_in_the_csv(report):
    lines = parsed(tables_csv(report))
    signposted = [line for line in lines if line[0].startswith("Not accepted, by where")]
    assert signposted == [[signposted[0][0], f"'{FORMULA}", "Number", "1"]]


def test_the_national_csv_is_one_row_under_the_fixed_columns(report):
    lines = parsed(national_csv(report))
    assert lines[0] == list(COLUMNS)
    assert len(lines) == 2
    row = dict(zip(lines[0], lines[1], strict=True))
    assert (row["HB"], row["Month"], row["ReferralsReceived"]) == ("S08000032", "202610", "5")
    assert row["MedianWeeksPatientsSeen"] == "16"


def test_the_workbook_has_a_cover_and_a_sheet_per_table(report):
    trends = trend_tables(OCTOBER)
    book = load_workbook(io.BytesIO(workbook_bytes(report, trends=trends)))

    tables = [*report.tables, *trends]
    assert book.sheetnames[0] == "About"
    assert len(book.sheetnames) == 1 + len(tables)
    cover = list(book["About"].iter_rows(min_row=4, values_only=True))
    assert [(sheet, title) for sheet, title, _hint in cover] == [
        (table.key[:31], table.title) for table in tables
    ]
    assert all(hint for _sheet, _title, hint in cover)
    received = list(book["received"].iter_rows(values_only=True))
    assert received[0] == ("Referrals received", None)
    assert received[3] == ("Measure", "Number")
    assert ("Received", 5) in received  # a number, not text
    assert ("Acceptance rate (%)", 66.7) in received


def test_a_formula_in_the_data_is_text_in_the_workbook(report):
    book = load_workbook(io.BytesIO(workbook_bytes(report)))
    cell = book["not-accepted-signposting"]["A5"]
    assert cell.value == f"'{FORMULA}"
    assert cell.data_type == "s"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
