"""The reference-data importers: PHS GP practices and the NRS postcode directory."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from imhs.models import AuditAction, AuditEvent
from patients.catchment import CATCHMENT
from patients.importers import (
    GP_PRACTICE_COLUMNS,
    ImportFileError,
    import_gp_practices,
    import_postcodes,
)
from patients.models import GPPractice, Postcode
from tests.factories import GPPracticeFactory, PostcodeFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PRACTICE_HEADER = [
    "PracticeCode",
    "GPPracticeName",
    "PracticeListSize",
    "AddressLine1",
    "AddressLine2",
    "AddressLine3",
    "AddressLine4",
    "Postcode",
    "TelephoneNumber",
    "PracticeType",
    "Dispensing",
    "HB",
    "HSCP",
    "DataZone",
    "GPCluster",
]
POSTCODE_HEADER = ["Postcode", "PostcodeDistrict", "HealthBoardArea2019Code"]
POSTCODE_HEADER += ["HSCP2019Code", "CouncilArea2019Code", "Latitude", "Longitude"]


def fixture(name):
    return open(FIXTURES / name, encoding="utf-8-sig", newline="")


def import_practices_file(name, **kwargs):
    with fixture(name) as file:
        return import_gp_practices(file, **kwargs)


def import_postcodes_file(name, **kwargs):
    with fixture(name) as file:
        return import_postcodes(file, **kwargs)


def csv_text(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    buffer.seek(0)
    return buffer


def practice_row(code, name="Sample Practice", postcode="ZX1 0AA", board=CATCHMENT.board_code):
    return [
        code,
        name,
        "1000",
        "1 Sample Street",
        "",
        "Sampleton",
        "",
        postcode,
        "01698 0000",
        board,
    ]


def practice_rows(*rows):
    """Rows padded to the PHS header (PracticeType ... GPCluster)."""
    padded = []
    for row in rows:
        padded.append([*row[:9], "17J", "No", row[9], "S37000035", "S01000000", "Cluster"])
    return csv_text(PRACTICE_HEADER, padded)


def snapshot(model):
    return list(model.objects.order_by("pk").values())


# --- GP practices ------------------------------------------------------------------------


def test_first_import_adds_every_practice_of_every_board():
    result = import_practices_file("gp_practices.csv")

    assert (result.added, result.updated, result.deactivated) == (6, 0, 0)
    assert result.summary.startswith("GP practices: 6 added, 0 updated, 0 deactivated (6 in the")
    assert GPPractice.objects.count() == 6
    boards = set(GPPractice.objects.values_list("health_board_code", flat=True))
    assert boards == {"S08000032", "S08000031", "S08000024", "S08000020"}

    practice = GPPractice.objects.get(code="99001")
    assert practice.name == "Testville Medical Practice"
    assert practice.list_size == 5123
    assert practice.address_line_1 == "Testville Health Centre"
    assert practice.address_line_3 == "Testville"
    assert practice.telephone == "01698 000001"
    assert practice.hscp_code == "S37000035"
    assert practice.active
    assert practice.imported_at is not None
    # Postcodes normalised; a blank list size is no list size.
    assert GPPractice.objects.get(code="99002").postcode == "ZX1 0AB"
    assert GPPractice.objects.get(code="99003").postcode == "ZX1 0AD"
    assert GPPractice.objects.get(code="99003").list_size is None


def test_reimporting_the_same_file_changes_nothing():
    import_practices_file("gp_practices.csv")
    before = snapshot(GPPractice)

    result = import_practices_file("gp_practices.csv")

    assert (result.added, result.updated, result.deactivated) == (0, 0, 0)
    assert "0 added, 0 updated, 0 deactivated" in result.summary
    assert snapshot(GPPractice) == before


def test_newer_file_adds_updates_and_deactivates():
    import_practices_file("gp_practices.csv")
    unchanged_before = GPPractice.objects.get(code="99001")

    result = import_practices_file("gp_practices_newer.csv")

    # 99007 is new, 99002's list size changed, 99005 has gone; the other four are unchanged.
    assert (result.added, result.updated, result.deactivated) == (1, 1, 1)
    assert result.summary.startswith("GP practices: 1 added, 1 updated, 1 deactivated (6 in the")
    assert GPPractice.objects.get(code="99002").list_size == 3300
    gone = GPPractice.objects.get(code="99005")  # kept, never deleted
    assert not gone.active
    assert GPPractice.objects.filter(active=True).count() == 6
    unchanged = GPPractice.objects.get(code="99001")
    assert unchanged.imported_at == unchanged_before.imported_at


def test_a_practice_back_in_the_file_is_reactivated():
    import_practices_file("gp_practices.csv")
    import_practices_file("gp_practices_newer.csv")

    result = import_practices_file("gp_practices.csv")

    # 99005 back (reactivated = updated), 99002's list size back, 99007 gone.
    assert (result.added, result.updated, result.deactivated) == (0, 2, 1)
    assert GPPractice.objects.get(code="99005").active
    assert not GPPractice.objects.get(code="99007").active


def test_a_practice_changed_by_hand_is_restored_and_counted():
    import_practices_file("gp_practices.csv")
    GPPractice.objects.filter(code="99004").update(name="Renamed By Hand")

    result = import_practices_file("gp_practices.csv")

    assert (result.added, result.updated, result.deactivated) == (0, 1, 0)
    assert GPPractice.objects.get(code="99004").name == "Placeholder Medical Group"


def test_practices_not_in_the_file_are_deactivated_not_deleted():
    old = GPPracticeFactory(code="99900", name="Closed Sample Practice")
    import_practices_file("gp_practices.csv")

    old.refresh_from_db()
    assert not old.active


def test_short_codes_are_zero_padded_and_bad_codes_reported():
    file = practice_rows(
        practice_row("999"),
        practice_row("99X01", name="Bad Code Practice"),
        practice_row("123456", name="Too Long Code Practice"),
        practice_row("99010"),
    )

    result = import_gp_practices(file)

    assert sorted(GPPractice.objects.values_list("code", flat=True)) == ["00999", "99010"]
    assert result.added == 2
    assert result.skipped == 2
    assert "2 rows refused" in result.summary
    assert "line 3 (practice code '99X01' is not 1-5 digits)" in result.summary
    assert "line 4" in result.summary


def test_an_unparseable_postcode_is_kept_as_given_and_noted():
    file = practice_rows(
        practice_row("99011", postcode=" n/k "),
        practice_row("99012", postcode="not known at all"),
    )

    result = import_gp_practices(file)

    assert GPPractice.objects.get(code="99011").postcode == "N/K"
    assert GPPractice.objects.get(code="99012").postcode == ""  # too long to keep
    assert result.added == 2
    assert (
        "Postcode kept as given (not a UK postcode) for 2 practices: 99011, 99012."
        in result.summary
    )


def test_practice_file_missing_columns_is_refused_and_nothing_written():
    existing = GPPracticeFactory(code="99901")
    before = snapshot(GPPractice)

    with pytest.raises(ImportFileError) as error:
        import_practices_file("gp_practices_bad_header.csv")

    assert error.value.message == "The file is missing these columns: HB, PracticeCode"
    assert snapshot(GPPractice) == before
    existing.refresh_from_db()
    assert existing.active
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()


def test_an_empty_practice_file_does_not_deactivate_everything():
    GPPracticeFactory(code="99902")

    with pytest.raises(ImportFileError, match="The file has no practices"):
        import_gp_practices(csv_text(PRACTICE_HEADER, []))
    with pytest.raises(ImportFileError, match="no header row"):
        import_gp_practices(io.StringIO(""))

    assert GPPractice.objects.get(code="99902").active


def test_a_failure_part_way_writes_nothing(monkeypatch):
    GPPracticeFactory(code="99903")
    before = snapshot(GPPractice)

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("patients.importers.audit.record", fail)
    with pytest.raises(RuntimeError):
        import_practices_file("gp_practices.csv")

    assert snapshot(GPPractice) == before


def test_a_file_that_is_not_utf8_is_refused():
    upload = io.TextIOWrapper(
        io.BytesIO(",".join(GP_PRACTICE_COLUMNS).encode() + b"\n99001,Caf\xe9,1\n"),
        encoding="utf-8-sig",
        newline="",
    )
    with pytest.raises(ImportFileError, match="not UTF-8"):
        import_gp_practices(upload)
    assert not GPPractice.objects.exists()


def test_practice_import_takes_a_constant_number_of_queries(django_assert_max_num_queries):
    # Savepoint, LOCK, SELECT, INSERT, UPDATE, deactivating UPDATE, the import's record, audit
    # event, release.
    GPPracticeFactory(code="99990", name="Old One")
    small = practice_rows(*(practice_row(f"99{n:03d}") for n in range(5)))
    with django_assert_max_num_queries(9):
        result = import_gp_practices(small)
    assert (result.added, result.updated, result.deactivated) == (5, 0, 1)

    GPPracticeFactory(code="99991", name="Another Old One")
    large = practice_rows(*(practice_row(f"99{n:03d}", name=f"Practice {n}") for n in range(800)))
    with django_assert_max_num_queries(9):
        result = import_gp_practices(large)
    assert (result.added, result.updated, result.deactivated) == (795, 5, 1)
    assert GPPractice.objects.get(code="99003").name == "Practice 3"


def test_practice_import_is_audited_with_counts(service_lead):
    import_practices_file("gp_practices.csv", by=service_lead)

    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert event.actor == service_lead
    assert event.object_type == "patients.gppractice"
    assert event.detail["added"] == 6
    assert event.detail["updated"] == 0
    assert event.detail["deactivated"] == 0
    assert event.detail["in_file"] == 6
    assert "Testville" not in str(event.detail)  # counts, not contents


# --- Postcodes ---------------------------------------------------------------------------


def test_postcode_import_normalises_dedupes_and_skips():
    result = import_postcodes_file("postcodes.csv")

    assert (result.added, result.updated, result.skipped) == (6, 0, 2)
    assert result.summary == (
        "Postcodes: 6 added, 0 updated, 2 skipped (not a postcode); 9 rows in the file. "
        "1 duplicate row (the last one was kept)."
    )
    assert sorted(Postcode.objects.values_list("postcode", flat=True)) == [
        "ML5 9ZZ",
        "ZX1 0AA",
        "ZX1 0AB",
        "ZX1 0AD",
        "ZY2 1AA",
        "ZY3 2AB",
    ]
    # Listed twice: the last row wins.
    assert Postcode.objects.get(postcode="ZX1 0AA").council_area_code == "S12000029"
    glasgow = Postcode.objects.get(postcode="ZY2 1AA")
    assert (glasgow.health_board_code, glasgow.council_area_code) == ("S08000031", "S12000049")


def test_postcode_reimport_changes_nothing():
    import_postcodes_file("postcodes.csv")
    before = snapshot(Postcode)

    result = import_postcodes_file("postcodes.csv")

    assert (result.added, result.updated) == (0, 0)
    assert result.summary.startswith("Postcodes: 0 added, 0 updated, 2 skipped")
    assert snapshot(Postcode) == before


def test_changed_postcodes_are_updated_and_missing_ones_kept():
    kept = PostcodeFactory(postcode="ZY9 9ZZ")
    PostcodeFactory(postcode="ZX1 0AB", council_area_code="S12000050")
    PostcodeFactory(postcode="ZX1 0AD", council_area_code="S12000029")  # as in the file

    result = import_postcodes_file("postcodes.csv")

    assert (result.added, result.updated) == (4, 1)
    assert Postcode.objects.get(postcode="ZX1 0AB").council_area_code == "S12000029"
    assert Postcode.objects.filter(pk=kept.pk).exists()


def test_rows_without_valid_area_codes_are_skipped():
    file = csv_text(
        POSTCODE_HEADER,
        [
            ["ZX2 0AA", "ZX2", "S08000032", "", "S12000050", "", ""],
            ["ZX2 0AB", "ZX2", "", "", "S12000050", "", ""],
            ["ZX2 0AD", "ZX2", "S08000032", "", "far too long a code", "", ""],
            ["bad", "", "S08000032", "", "S12000050", "", ""],
        ],
    )

    result = import_postcodes(file)

    assert list(Postcode.objects.values_list("postcode", flat=True)) == ["ZX2 0AA"]
    assert result.skipped == 3
    assert "3 skipped (1 not a postcode, 2 without valid area codes)" in result.summary


def test_postcode_file_missing_columns_is_refused_and_nothing_written():
    PostcodeFactory(postcode="ZY9 9ZY")
    before = snapshot(Postcode)

    with pytest.raises(ImportFileError) as error:
        import_postcodes_file("postcodes_bad_header.csv")

    assert error.value.message == "The file is missing these columns: HealthBoardArea2019Code"
    assert snapshot(Postcode) == before
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()


def test_a_postcode_file_with_no_postcodes_is_refused():
    file = csv_text(POSTCODE_HEADER, [["not one", "", "S08000032", "", "S12000050", "", ""]])
    with pytest.raises(ImportFileError, match="The file has no postcodes"):
        import_postcodes(file)
    assert not Postcode.objects.exists()


def test_a_postcode_failure_part_way_writes_nothing(monkeypatch):
    # Many small batches are COPYed before the undecodable byte near the end is read.
    monkeypatch.setattr("patients.importers.POSTCODE_BATCH_SIZE", 2)
    good = csv_text(
        POSTCODE_HEADER,
        [
            [f"ZX3 {n % 10}A{'ABD'[n // 10]}", "", "S08000032", "", "S12000050", "", ""]
            for n in range(30)
        ],
    )
    content = good.getvalue().encode() * 100 + b"ZX3 9ZZ,\xff\n"
    with pytest.raises(ImportFileError, match="not UTF-8"):
        import_postcodes(io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline=""))
    assert not Postcode.objects.exists()
    # The temporary table went with the failed transaction: the next import still works.
    import_postcodes_file("postcodes.csv")
    assert Postcode.objects.count() == 6


def write_postcode_csv(path, count):
    """`count` unique synthetic postcodes (ZX/ZY districts, which do not exist)."""
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(POSTCODE_HEADER)
        for n in range(count):
            district, unit = divmod(n, 4000)
            digit, pair = divmod(unit, 400)
            postcode = f"ZX{district + 1} {digit}{letters[pair // 20]}{letters[pair % 20]}"
            writer.writerow([postcode, "", "S08000032", "", "S12000050", "", ""])


@pytest.mark.parametrize("size", [100, 10_000])
def test_postcode_import_takes_a_constant_number_of_queries(
    size, tmp_path, django_assert_max_num_queries
):
    path = tmp_path / "postcodes.csv"
    write_postcode_csv(path, size)

    # LOCK, DROP, CREATE, the upsert, DROP, the import's record and the audit event (COPY is
    # not counted).
    with django_assert_max_num_queries(9), open(path, encoding="utf-8-sig", newline="") as file:
        result = import_postcodes(file)

    assert result.added == size
    assert Postcode.objects.count() == size


def test_postcode_import_is_audited_with_counts(service_lead):
    import_postcodes_file("postcodes.csv", by=service_lead)

    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert event.actor == service_lead
    assert event.object_type == "patients.postcode"
    assert event.detail == {
        "added": 6,
        "updated": 0,
        "deactivated": 0,
        "skipped": 2,
        "in_file": 9,
        "duplicates": 1,
    }
    assert event.at > timezone.now() - datetime.timedelta(minutes=1)


def test_temporary_table_is_gone_after_an_import():
    import_postcodes_file("postcodes.csv")
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('pg_temp.patients_postcode_import')")
        assert cursor.fetchone() == (None,)
