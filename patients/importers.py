"""Importers for the reference data: GP practices (Public Health Scotland) and postcodes (NRS).

Both take an open text file (commands open paths with encoding "utf-8-sig" and newline="";
the admin wraps the upload the same way), read it as CSV, and write in one transaction: a file
that is refused, or an import that fails part-way, writes nothing. Extra columns are ignored.
Each successful import appends one audit event with its counts (never the file's contents).
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from imhs import audit
from imhs.models import AuditAction
from imhs.nhsuk.text import plural
from patients import postcodes
from patients.models import DataSet, GPPractice, Postcode, ReferenceImport

GP_PRACTICE_COLUMNS = (
    "PracticeCode",
    "GPPracticeName",
    "PracticeListSize",
    "AddressLine1",
    "AddressLine2",
    "AddressLine3",
    "AddressLine4",
    "Postcode",
    "TelephoneNumber",
    "HB",
    "HSCP",
)
POSTCODE_COLUMNS = ("Postcode", "HealthBoardArea2019Code", "CouncilArea2019Code")

# Rows sent to PostgreSQL per COPY: big enough to be quick, small enough to keep memory flat.
POSTCODE_BATCH_SIZE = 20_000
# How many refused rows a summary names before it just counts them.
MAX_LISTED = 5

_PRACTICE_CODE = re.compile(r"[0-9]{1,5}")
_LIST_SIZE = re.compile(r"[0-9]{1,9}")
_GSS_CODE = re.compile(r"[A-Z][0-9]{8}")
# The practice fields an import compares and writes (not `active`, `imported_at`).
_PRACTICE_FIELDS = (
    "name",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "address_line_4",
    "postcode",
    "telephone",
    "health_board_code",
    "hscp_code",
    "list_size",
)
_PRACTICE_TEXT_FIELDS = {
    name: GPPractice._meta.get_field(name).max_length
    for name in _PRACTICE_FIELDS
    if name != "list_size"
}


class ImportFileError(Exception):
    """The file cannot be imported (a missing column, no rows, not a CSV). Nothing was written."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ImportResult:
    """What an import did. `summary` is the one line shown to the person who ran it."""

    added: int = 0
    updated: int = 0
    deactivated: int = 0
    skipped: int = 0
    in_file: int = 0
    summary: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def counts(self):
        return {
            "added": self.added,
            "updated": self.updated,
            "deactivated": self.deactivated,
            "skipped": self.skipped,
            "in_file": self.in_file,
        }


# --- Reading -------------------------------------------------------------------------------


def _rows(file):
    """(line number, row) for each CSV row of `file`; decoding and CSV errors become
    ImportFileError."""
    reader = csv.reader(file)
    try:
        for row in reader:
            yield reader.line_num, row
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"The file is not UTF-8 text (line {reader.line_num + 1}): save it as a CSV file "
            "(UTF-8) and try again."
        ) from error
    except csv.Error as error:
        raise ImportFileError(f"The file is not a valid CSV file (line {reader.line_num}).") from (
            error
        )


def _column_indexes(rows, required):
    """Read the header row: {column: index} for the required columns, or ImportFileError."""
    _, header = next(rows, (0, None))
    if not header:
        raise ImportFileError("The file is empty: it has no header row.")
    names = [name.strip().lstrip("\ufeff") for name in header]
    missing = [column for column in required if column not in names]
    if missing:
        raise ImportFileError(f"The file is missing these columns: {', '.join(sorted(missing))}")
    return {column: names.index(column) for column in required}


def _listed(items):
    shown = ", ".join(items[:MAX_LISTED])
    return f"{shown} and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else shown


def _record_import(data_set, result, *, by, at):
    """The import's row in ReferenceImport, in the import's transaction: the date pages give
    as the data set's age is the date the data changed, never one of a refused file."""
    user = by if by is not None and by.is_authenticated else None
    ReferenceImport.objects.create(
        data_set=data_set, imported_at=at, imported_by=user, counts=result.counts()
    )


# --- GP practices --------------------------------------------------------------------------


def _practice_code(value):
    """The 5-digit code ("1234" -> "01234": spreadsheets drop the leading zero), or None."""
    value = value.strip()
    return value.zfill(5) if _PRACTICE_CODE.fullmatch(value) else None


def _list_size(value):
    value = value.strip().replace(",", "")
    return int(value) if _LIST_SIZE.fullmatch(value) else None


def _read_practices(file):
    """{code: field values} from the PHS file (a code listed twice: the last row wins), the
    refused rows as "line N (reason)", and the codes whose postcode was kept as given."""
    rows = _rows(file)
    index = _column_indexes(rows, GP_PRACTICE_COLUMNS)
    practices, refused, odd_postcodes = {}, [], []
    for line_number, row in rows:
        if not any(cell.strip() for cell in row):
            continue  # a blank line, as spreadsheets leave at the end

        def cell(column, row=row):
            position = index[column]
            return row[position].strip() if position < len(row) else ""

        line = f"line {line_number}"
        code = _practice_code(cell("PracticeCode"))
        if code is None:
            refused.append(f"{line} (practice code {cell('PracticeCode')!r} is not 1-5 digits)")
            continue
        given_postcode = cell("Postcode")
        odd_postcode = False
        try:
            postcode = postcodes.normalise(given_postcode) if given_postcode else ""
        except ValueError:
            # Kept as given (tidied) rather than losing the practice; blank if it won't fit.
            postcode = " ".join(given_postcode.upper().split())
            if len(postcode) > _PRACTICE_TEXT_FIELDS["postcode"]:
                postcode = ""
            odd_postcode = True
        values = {
            "name": cell("GPPracticeName"),
            "address_line_1": cell("AddressLine1"),
            "address_line_2": cell("AddressLine2"),
            "address_line_3": cell("AddressLine3"),
            "address_line_4": cell("AddressLine4"),
            "postcode": postcode,
            "telephone": cell("TelephoneNumber"),
            "health_board_code": cell("HB").upper(),
            "hscp_code": cell("HSCP").upper(),
            "list_size": _list_size(cell("PracticeListSize")),
        }
        if not values["name"] or not values["health_board_code"]:
            refused.append(f"{line} (practice {code} has no name or no HB)")
            continue
        too_long = [
            name
            for name, max_length in _PRACTICE_TEXT_FIELDS.items()
            if len(values[name]) > max_length
        ]
        if too_long:
            refused.append(f"{line} (practice {code}: {', '.join(too_long)} too long)")
            continue
        practices[code] = values
        if odd_postcode:
            odd_postcodes.append(code)
    return practices, refused, odd_postcodes


def _update_practices(practices, now):
    """Write the practices' fields, reactivating them, in one UPDATE ... FROM (VALUES ...).

    (bulk_update's CASE per field grows with the square of the rows: seconds for a quarter's
    changed list sizes, against milliseconds for this.)
    """
    columns = ", ".join(_PRACTICE_FIELDS)
    assignments = ", ".join(
        f"{name} = v.{name}::integer" if name == "list_size" else f"{name} = v.{name}"
        for name in _PRACTICE_FIELDS
    )
    row = "(" + ", ".join(["%s"] * (len(_PRACTICE_FIELDS) + 1)) + ")"
    params = [
        value
        for practice in practices
        for value in (practice.pk, *(getattr(practice, name) for name in _PRACTICE_FIELDS))
    ]
    with connection.cursor() as cursor:
        # Only column names (this module's own constant) and placeholders are formatted into
        # the SQL; every value is a query parameter. (ruff S608, bandit B608: checked.)
        sql = (
            f"UPDATE patients_gppractice AS p SET {assignments}, active = true,"  # noqa: S608 # nosec B608
            f" imported_at = %s FROM (VALUES {', '.join([row] * len(practices))})"
            f" AS v(id, {columns}) WHERE p.id = v.id::integer"
        )
        cursor.execute(sql, [now, *params])


def import_gp_practices(file, *, by=None, request=None):
    """Import PHS's "GP Practice Contact Details and List Sizes" CSV (all boards).

    Upserts by practice code: new practices are added; a practice whose details changed, or
    that was inactive and is back, is updated; an unchanged practice is left alone (so a
    re-import of the same file changes nothing). Practices missing from the file are made
    inactive, never deleted. Refuses (ImportFileError, nothing written) a file missing a
    required column or listing no practices. A constant number of queries, whatever the size.
    """
    practices, refused, odd_postcodes = _read_practices(file)
    if not practices:
        raise ImportFileError("The file has no practices.")

    now = timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Two imports at once would each count the other's work; let the second wait.
            cursor.execute("LOCK TABLE patients_gppractice IN SHARE ROW EXCLUSIVE MODE")
        existing = {practice.code: practice for practice in GPPractice.objects.all()}
        to_create, to_update = [], []
        for code, values in practices.items():
            practice = existing.get(code)
            if practice is None:
                to_create.append(GPPractice(code=code, active=True, imported_at=now, **values))
                continue
            changed = [name for name, value in values.items() if getattr(practice, name) != value]
            if changed or not practice.active:
                for name in changed:
                    setattr(practice, name, values[name])
                practice.active = True
                practice.imported_at = now
                to_update.append(practice)
        to_deactivate = [
            practice.pk
            for code, practice in existing.items()
            if practice.active and code not in practices
        ]
        if to_create:
            GPPractice.objects.bulk_create(to_create)
        if to_update:
            _update_practices(to_update, now)
        if to_deactivate:
            GPPractice.objects.filter(pk__in=to_deactivate).update(active=False, imported_at=now)

        notes = []
        if refused:
            notes.append(f"{plural(len(refused), 'row')} refused: {_listed(refused)}.")
        if odd_postcodes:
            notes.append(
                "Postcode kept as given (not a UK postcode) for "
                f"{plural(len(odd_postcodes), 'practice')}: {_listed(odd_postcodes)}."
            )
        summary = " ".join(
            [
                f"GP practices: {len(to_create)} added, {len(to_update)} updated, "
                f"{len(to_deactivate)} deactivated ({len(practices)} in the file).",
                *notes,
            ]
        )
        result = ImportResult(
            added=len(to_create),
            updated=len(to_update),
            deactivated=len(to_deactivate),
            skipped=len(refused),
            in_file=len(practices),
            summary=summary,
            notes=tuple(notes),
        )
        _record_import(DataSet.GP_PRACTICES, result, by=by, at=now)
        audit.record(
            AuditAction.IMPORT,
            by=by,
            object_type=GPPractice._meta.label_lower,
            request=request,
            detail={**result.counts(), "postcodes_kept_as_given": len(odd_postcodes)},
        )
    return result


# --- Postcodes -----------------------------------------------------------------------------


def _postcode_batches(rows, index, counts):
    """Batches of CSV text (seq, postcode, board, council) for COPY, read as the file streams
    (memory holds one batch at a time). Updates `counts` with the rows read and skipped."""
    postcode_at = index["Postcode"]
    board_at = index["HealthBoardArea2019Code"]
    council_at = index["CouncilArea2019Code"]
    needed = max(index.values())
    buffer, writer, in_batch = None, None, 0
    for _, row in rows:
        if len(row) <= needed:
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            counts["rows"] += 1
            counts["not_a_postcode"] += 1  # a short row: not a directory record
            continue
        counts["rows"] += 1
        try:
            postcode = postcodes.normalise(row[postcode_at])
        except ValueError:
            counts["not_a_postcode"] += 1
            continue
        board = row[board_at].strip().upper()
        council = row[council_at].strip().upper()
        if not (_GSS_CODE.fullmatch(board) and _GSS_CODE.fullmatch(council)):
            counts["no_area"] += 1
            continue
        if writer is None:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
        writer.writerow((counts["rows"], postcode, board, council))
        in_batch += 1
        if in_batch == POSTCODE_BATCH_SIZE:
            yield buffer
            buffer, writer, in_batch = None, None, 0
    if in_batch:
        yield buffer


def import_postcodes(file, *, by=None, request=None):
    """Import the National Records of Scotland "Scottish Postcode Directory" CSV.

    Uses the Postcode, HealthBoardArea2019Code and CouncilArea2019Code columns. Streams the file
    in batches COPYed into a temporary table, then upserts in one statement: new postcodes are
    added, changed ones updated, unchanged ones left alone (a re-import changes nothing). A
    postcode listed twice: the last row wins. Rows whose postcode cannot be normalised, or
    without valid area codes, are skipped and counted.

    Postcodes absent from the file are left as they are, never deleted: the directory also
    lists deleted postcodes, and an address recorded before a postcode was retired still needs
    its board. Refuses (ImportFileError, nothing written) a file missing a required column or
    with no usable postcodes.
    """
    rows = _rows(file)
    index = _column_indexes(rows, POSTCODE_COLUMNS)
    counts = {"rows": 0, "not_a_postcode": 0, "no_area": 0}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE patients_postcode IN SHARE ROW EXCLUSIVE MODE")
        # Dropped at the end as well as on commit: inside an outer transaction (tests, a
        # second import in one request) ON COMMIT alone would leave it for the next import.
        cursor.execute("DROP TABLE IF EXISTS pg_temp.patients_postcode_import")
        cursor.execute(
            "CREATE TEMP TABLE patients_postcode_import (seq bigint NOT NULL,"
            " postcode varchar(8) NOT NULL, health_board_code varchar(9) NOT NULL,"
            " council_area_code varchar(9) NOT NULL) ON COMMIT DROP"
        )
        copy = (
            "COPY patients_postcode_import (seq, postcode, health_board_code, council_area_code)"
            " FROM STDIN WITH (FORMAT csv)"
        )
        loaded = 0
        for batch in _postcode_batches(rows, index, counts):
            batch.seek(0)
            cursor.cursor.copy_expert(copy, batch)
            loaded += 1
        if not loaded:
            raise ImportFileError("The file has no postcodes.")
        cursor.execute(
            """
            WITH latest AS (
                SELECT DISTINCT ON (postcode) postcode, health_board_code, council_area_code
                FROM patients_postcode_import
                ORDER BY postcode, seq DESC
            ), upserted AS (
                INSERT INTO patients_postcode (postcode, health_board_code, council_area_code)
                SELECT postcode, health_board_code, council_area_code FROM latest
                ON CONFLICT (postcode) DO UPDATE SET
                    health_board_code = EXCLUDED.health_board_code,
                    council_area_code = EXCLUDED.council_area_code
                WHERE (patients_postcode.health_board_code, patients_postcode.council_area_code)
                    IS DISTINCT FROM (EXCLUDED.health_board_code, EXCLUDED.council_area_code)
                RETURNING (xmax = 0) AS inserted
            )
            SELECT
                (SELECT count(*) FROM upserted WHERE inserted),
                (SELECT count(*) FROM upserted WHERE NOT inserted),
                (SELECT count(*) FROM patients_postcode_import),
                (SELECT count(*) FROM latest)
            """
        )
        added, updated, loaded_rows, distinct = cursor.fetchone()
        cursor.execute("DROP TABLE pg_temp.patients_postcode_import")

        skipped = counts["not_a_postcode"] + counts["no_area"]
        reasons = {"not a postcode": counts["not_a_postcode"]}
        reasons["without valid area codes"] = counts["no_area"]
        given = [reason for reason, count in reasons.items() if count]
        if len(given) == 1:
            why = f" ({given[0]})"
        elif given:
            why = f" ({', '.join(f'{count} {reason}' for reason, count in reasons.items())})"
        else:
            why = ""
        notes = []
        if loaded_rows > distinct:
            notes.append(
                f"{plural(loaded_rows - distinct, 'duplicate row')} (the last one was kept)."
            )
        summary = " ".join(
            [
                f"Postcodes: {added} added, {updated} updated, {skipped} skipped{why}; "
                f"{counts['rows']} rows in the file.",
                *notes,
            ]
        )
        result = ImportResult(
            added=added,
            updated=updated,
            skipped=skipped,
            in_file=counts["rows"],
            summary=summary,
            notes=tuple(notes),
        )
        _record_import(DataSet.POSTCODES, result, by=by, at=timezone.now())
        audit.record(
            AuditAction.IMPORT,
            by=by,
            object_type=Postcode._meta.label_lower,
            request=request,
            detail={**result.counts(), "duplicates": loaded_rows - distinct},
        )
    return result
