"""Benchmark: 10,000 eligibility assessments over varied facts, against a populated table.

    make bench-eligibility     (or: DEBUG=true .venv/bin/python -m bench.eligibility)

Loads the synthetic 250,000-row postcode directory of `bench.import_postcodes` (districts ZX1 to
ZX63, which do not exist) and 40 synthetic GP practices (codes 98xxx) in several boards, some
inactive; then times `assess` on 10,000 sets of facts drawn with a fixed seed: postcodes in the
table, postcodes decided by the district rules, unparseable and missing ones; known, inactive,
other-board, unknown and missing practices; every referrer type and living arrangement; random
indicator counts. Prints the time and the outcomes; exits 1 past the 5 s target. Everything it
added is deleted afterwards (and before, should an interrupted run have left any).
"""

import datetime
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.import_postcodes import AREAS, SYNTHETIC_PREFIX, synthetic_postcode, write_directory

ASSESSMENTS = 10_000
POSTCODES_IN_TABLE = 250_000
TARGET_SECONDS = 5
PRACTICE_PREFIX = "98"
BOARDS = [board for board, _council in AREAS]  # [0] and [1]: the catchment's board
DISTRICT_RULE_POSTCODES = ["ML5 9QQ", "G75 9QQ", "G33 9QQ", "EH47 9QQ", "KA1 9QQ", "AB10 9QQ"]
ACCEPTED = ["health_visitor", "family_nurse", "nursery", "mnpi", "pmht"]
DOMAINS = ["relationship", "emotional", "cognitive", "sense_of_self", "social_interaction"]


def random_facts(rng, referral_date, ReferralFacts):
    """Facts weighted like real referrals (most complete and eligible), with every rule's
    other outcomes and missing facts mixed in."""
    kind = rng.random()
    if kind < 0.7:
        # Row n of the synthetic directory is in AREAS[n % 6]; 0 and 1 are the catchment's.
        area = rng.choice([0, 0, 0, 0, 1, 1, 1, 2, 3, 4])
        n = rng.randrange(POSTCODES_IN_TABLE // len(AREAS)) * len(AREAS) + area
        postcode = synthetic_postcode(n).lower().replace(" ", "")
    elif kind < 0.9:
        postcode = rng.choice(DISTRICT_RULE_POSTCODES)
    else:
        postcode = rng.choice([None, "", "not a postcode"])
    practices = [f"{PRACTICE_PREFIX}{n:03d}" for n in range(40)]
    practice = rng.choice(practices) if rng.random() < 0.9 else rng.choice(["97999", None])
    counts = {domain: rng.randint(1, 7) for domain in DOMAINS if rng.random() < 0.97}
    born = referral_date - datetime.timedelta(rng.randint(-5, 1200))
    return ReferralFacts(
        date_of_birth=born if rng.random() < 0.95 else None,
        referral_date=referral_date,
        postcode=postcode,
        gp_practice_code=practice,
        referrer_type=rng.choice(ACCEPTED * 6 + ["other", None]),
        discussed_with_health_visitor=rng.choice([True, True, True, False, None]),
        lives_with=rng.choice(["parents"] * 6 + ["kinship_carers", "foster_carers", "other", None]),
        indicator_counts=counts if rng.random() < 0.95 else None,
        consent_given=rng.choice([True] * 8 + [False, None]),
    )


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imhs.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.db import connection

    from patients.importers import import_postcodes
    from patients.models import GPPractice
    from referrals.eligibility import ReferralFacts, assess

    def clean_up():
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM patients_postcode WHERE postcode LIKE %s", [f"{SYNTHETIC_PREFIX}%"]
            )
        GPPractice.objects.filter(code__startswith=PRACTICE_PREFIX, infants__isnull=True).delete()

    clean_up()
    try:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "postcodes.csv"
            write_directory(path, POSTCODES_IN_TABLE)
            with open(path, encoding="utf-8-sig", newline="") as file:
                import_postcodes(file)
        GPPractice.objects.bulk_create(
            GPPractice(
                code=f"{PRACTICE_PREFIX}{n:03d}",
                name=f"Benchmark Practice {n}",
                # Four in five in the catchment; the rest spread over other boards.
                health_board_code=BOARDS[0] if n % 5 else BOARDS[2 + n % 4],
                active=n % 7 != 0,
            )
            for n in range(40)
        )
        rng = random.Random(2026)  # noqa: S311 - a fixed seed, so runs compare like with like
        referral_date = datetime.date(2026, 11, 22)
        facts = [random_facts(rng, referral_date, ReferralFacts) for _ in range(ASSESSMENTS)]

        started = time.perf_counter()
        outcomes = Counter(assess(f).outcome for f in facts)
        elapsed = time.perf_counter() - started
    finally:
        clean_up()

    print(
        f"{ASSESSMENTS:,} assessments in {elapsed:.2f} s "
        f"({elapsed / ASSESSMENTS * 1000:.3f} ms each), postcode table of "
        f"{POSTCODES_IN_TABLE:,} rows"
    )
    print("Outcomes: " + ", ".join(f"{k} {v:,}" for k, v in sorted(outcomes.items())))
    if elapsed >= TARGET_SECONDS:
        print(f"SLOW: over the {TARGET_SECONDS} s target.")
        return 1
    print(f"OK: under the {TARGET_SECONDS} s target.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
