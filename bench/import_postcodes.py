"""Benchmark: import a synthetic 250,000-row Scottish Postcode Directory into the dev database.

    make bench        (or: DEBUG=true .venv/bin/python -m bench.import_postcodes)

Writes a CSV in the NRS layout (with a BOM and a dozen columns the importer ignores), times
`import_postcodes` on it twice (a first import, then the idempotent re-import), and prints the
rows per second and the process's peak memory. Exits 1 if the first import takes 60 s or more.

The postcodes are synthetic: districts ZX1 to ZX63, which do not exist. They are deleted again
afterwards (and before, should an interrupted run have left any). The two audit events the
imports write stay: the audit trail is append-only.
"""

import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROWS = 250_000
LIMIT_SECONDS = 60
SYNTHETIC_PREFIX = "ZX"  # no ZX district exists: these can never be real postcodes
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters an inward code may use
HEADER = [
    "Postcode",
    "PostcodeDistrict",
    "PostcodeSector",
    "DateOfIntroduction",
    "DateOfDeletion",
    "GridReferenceEasting",
    "GridReferenceNorthing",
    "Latitude",
    "Longitude",
    "SplitIndicator",
    "HealthBoardArea2019Code",
    "HSCP2019Code",
    "CouncilArea2019Code",
    "ScottishParliamentaryConstituency2021Code",
    "UKParliamentaryConstituency2024Code",
    "DataZone2011Code",
    "IntermediateZone2011Code",
    "UrbanRural8Fold2020Code",
]
# (health board, council area) pairs: the catchment's two councils (patients.catchment) first.
AREAS = [
    ("S08000032", "S12000050"),
    ("S08000032", "S12000029"),
    ("S08000031", "S12000049"),
    ("S08000024", "S12000036"),
    ("S08000020", "S12000033"),
    ("S08000030", "S12000042"),
]


def synthetic_postcode(n):
    """The n-th synthetic postcode: ZX1 0AA, ZX1 0AB, ... (4,000 per district)."""
    district, unit = divmod(n, 4000)
    digit, pair = divmod(unit, 400)
    first, second = divmod(pair, 20)
    return f"{SYNTHETIC_PREFIX}{district + 1} {digit}{UNIT_LETTERS[first]}{UNIT_LETTERS[second]}"


def write_directory(path, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow(HEADER)
        for n in range(rows):
            postcode = synthetic_postcode(n)
            board, council = AREAS[n % len(AREAS)]
            writer.writerow(
                [
                    postcode,
                    postcode.split()[0],
                    postcode[:-2],
                    "19800101",
                    "",
                    str(260_000 + n % 10_000),
                    str(650_000 + n % 7_000),
                    f"{55.8 + (n % 1000) / 10_000:.6f}",
                    f"{-4.0 - (n % 1000) / 10_000:.6f}",
                    "N",
                    board,
                    "S37000000",
                    council,
                    "S16000000",
                    "S14000000",
                    "S01000000",
                    "S02000000",
                    str(1 + n % 8),
                ]
            )


def peak_memory_mb():
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imhs.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.db import connection

    from patients.importers import import_postcodes

    def delete_synthetic():
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM patients_postcode WHERE postcode LIKE %s", [f"{SYNTHETIC_PREFIX}%"]
            )
            return cursor.rowcount

    leftover = delete_synthetic()
    if leftover:
        print(f"Deleted {leftover} synthetic postcodes left by an earlier run.")

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "synthetic_postcode_directory.csv"
        write_directory(path, ROWS)
        size_mb = path.stat().st_size / 1024 / 1024
        print(f"Synthetic directory: {ROWS:,} rows, {len(HEADER)} columns, {size_mb:.1f} MB")
        memory_before = peak_memory_mb()
        timings = []
        try:
            for label in ("first import", "re-import"):
                with open(path, encoding="utf-8-sig", newline="") as file:
                    started = time.perf_counter()
                    result = import_postcodes(file)
                    seconds = time.perf_counter() - started
                timings.append(seconds)
                print(
                    f"{label:>12}: {seconds:6.2f} s, {ROWS / seconds:>9,.0f} rows/s  "
                    f"| {result.summary}"
                )
        finally:
            deleted = delete_synthetic()
            print(f"Cleaned up: deleted {deleted:,} synthetic postcodes.")
    print(
        f"Peak memory (ru_maxrss): {peak_memory_mb():.0f} MB "
        f"({memory_before:.0f} MB before the imports)"
    )
    if timings[0] >= LIMIT_SECONDS:
        print(f"FAIL: the first import took {timings[0]:.1f} s (limit {LIMIT_SECONDS} s).")
        return 1
    print(f"OK: the first import took under {LIMIT_SECONDS} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
