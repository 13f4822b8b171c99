"""The one CSV writer of the exports (issue 12, point 5): no cell a spreadsheet would run."""

import csv
import io
from pathlib import Path

import pytest

from imhs.audit.csv_export import csv_chunks, safe_cell

RUNNABLE = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    " =1+1",
    "   +1",
    "\n=1+1",
    "\r\n=1+1",
    "\t=1+1",
    "\tplain",
    "\rplain",
    "\u00a0=1+1",  # a no-break space first
    "\u3000@x",  # an ideographic space first
    "\uff1d1+1",  # a full-width equals sign
]
HARMLESS = ["", "plain", "a=1", "test@example.org", "1-2", " plain", "\nplain", "IMH-2026-00007"]


@pytest.mark.parametrize("value", RUNNABLE)
def test_a_cell_a_spreadsheet_would_run_is_made_text(value):
    assert safe_cell(value) == f"'{value}"


@pytest.mark.parametrize("value", HARMLESS)
def test_other_cells_are_kept_as_they_are(value):
    assert safe_cell(value) == value


def test_none_and_numbers():
    assert safe_cell(None) == ""
    assert safe_cell(-1) == "'-1"
    assert safe_cell(7) == "7"


def test_every_cell_of_the_file_header_included_goes_through_safe_cell():
    rows = [[value, "ok"] for value in RUNNABLE]
    text = "".join(csv_chunks(["=header", "name"], iter(rows), rows_per_chunk=3))

    read = list(csv.reader(io.StringIO(text)))
    assert read[0] == ["'=header", "name"]
    assert read[1:] == [[f"'{value}", "ok"] for value in RUNNABLE]


def test_rows_come_in_chunks():
    chunks = list(csv_chunks(["a"], ([str(n)] for n in range(5)), rows_per_chunk=2))
    assert chunks == ["a\r\n", "0\r\n1\r\n", "2\r\n3\r\n", "4\r\n"]


def test_no_other_module_writes_csv():
    """Every export goes through this writer. The reference-data import's CSV is for
    PostgreSQL's COPY (exact data for a machine), and bench/ writes synthetic input files."""
    root = Path(__file__).resolve().parents[4]
    writers = {
        str(path.relative_to(root))
        for package in ("imhs", "patients", "referrals", "scripts")
        for path in (root / package).rglob("*.py")
        if "csv.writer(" in path.read_text() or "csv.DictWriter(" in path.read_text()
    }
    assert writers == {"imhs/audit/csv_export.py", "patients/importers.py"}
