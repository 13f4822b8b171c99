"""The one way the service writes CSV for people to open: every export goes through here.

A spreadsheet reads a cell as a formula when its first character is `=`, `+`, `-` or `@`
(OWASP "CSV injection"), and several also when blanks come first (" =1+1", "\\n=1+1") or the
cell starts with a tab or a carriage return. Any text in an export can have been typed by
someone (an email address, an object id from a URL), so such a cell is prefixed with `'`,
which spreadsheets show as text and never run. (CSV written for PostgreSQL's COPY, as the
reference-data imports do, is data for a machine and must stay exact: not through here.)
"""

import csv

# The characters a formula starts with, and their full-width forms, which some spreadsheets
# read the same way.
FORMULA_CHARACTERS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
# A cell starting with one of these is neutralised whatever follows.
DANGEROUS_FIRST = ("\t", "\r")


def safe_cell(value):
    """`value` as text a spreadsheet shows and never evaluates."""
    text = "" if value is None else str(value)
    first = text.lstrip()[:1]
    if text.startswith(DANGEROUS_FIRST) or (first and first in FORMULA_CHARACTERS):
        return f"'{text}"
    return text


class _Lines:
    """A file-like target for csv.writer that hands back what was written."""

    def __init__(self):
        self.parts = []

    def write(self, text):
        self.parts.append(text)

    def take(self):
        text, self.parts = "".join(self.parts), []
        return text


def csv_chunks(header, rows, *, rows_per_chunk=500):
    """The CSV text of `header` then `rows` (iterables of cells), every cell made safe, a chunk
    of rows at a time: for a StreamingHttpResponse, so a long export is never held whole."""
    lines = _Lines()
    writer = csv.writer(lines)
    writer.writerow([safe_cell(cell) for cell in header])
    yield lines.take()
    for number, cells in enumerate(rows, start=1):
        writer.writerow([safe_cell(cell) for cell in cells])
        if number % rows_per_chunk == 0:
            yield lines.take()
    yield lines.take()
