"""The month's report as files: its tables as CSV and as an Excel workbook, and the national
aggregate row as CSV. The pages stream them; `manage.py monthly_report` writes them.

Every text cell goes through the one safe writer's rule (imhs.audit.csv_export.safe_cell): a
cell a spreadsheet would read as a formula is written as text. Numbers stay numbers."""

import io

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Font

from imhs.audit.csv_export import csv_chunks, safe_cell
from referrals.reports.national import COLUMNS, national_row

CSV_HEADER = ("Table", "Row", "Column", "Value")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _long_rows(tables):
    """One line per figure: (table, row, column, value). A tidy shape that a spreadsheet can
    pivot and a program can read whatever the tables' widths."""
    for table in tables:
        for row in table.rows:
            for column, value in zip(table.columns[1:], row[1:], strict=True):
                yield (table.title, row[0], column, "" if value is None else value)


def tables_csv(report):
    """The month's tables, as CSV text chunks."""
    return csv_chunks(CSV_HEADER, _long_rows(report.tables))


def national_csv(report):
    row = national_row(report)
    return csv_chunks(COLUMNS, [[row[column] for column in COLUMNS]])


def _cell(value):
    return safe_cell(value) if isinstance(value, str) else value


def _sheet_name(table, used):
    """Excel's limit is 31 characters, unique in the workbook."""
    name = table.key[:31]
    number = 2
    while name in used:
        suffix = f"-{number}"
        name, number = table.key[: 31 - len(suffix)] + suffix, number + 1
    used.add(name)
    return name


def workbook_bytes(report, *, trends=()):
    """An .xlsx: a cover sheet saying what each sheet counts, then one sheet per table."""
    book = Workbook()
    cover = book.active
    cover.title = "About"
    team = settings.SERVICE["team"]
    cover.append([_cell(f"{team}: figures for {report.month.label}")])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append([])
    cover.append(["Sheet", "Table", "What it counts"])
    for cell in cover[3]:
        cell.font = Font(bold=True)
    used = {cover.title}
    for table in (*report.tables, *trends):
        name = _sheet_name(table, used)
        cover.append([name, _cell(table.title), _cell(table.hint)])
        sheet = book.create_sheet(name)
        sheet.append([_cell(table.title)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([_cell(table.hint)])
        sheet.append([])
        sheet.append([_cell(column) for column in table.columns])
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_cell("" if value is None else value) for value in row])
        sheet.column_dimensions["A"].width = 48
    cover.column_dimensions["A"].width = 28
    cover.column_dimensions["B"].width = 48
    cover.column_dimensions["C"].width = 100
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
