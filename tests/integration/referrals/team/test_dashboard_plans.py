"""Issue 18: the dashboard's queries use indexes, whatever the page, the queue or the search.

On a table large enough for the planner to prefer an index (thousands of referrals, most of
them history, as the service will hold), with fresh statistics, every query the page makes is
EXPLAINed: none may read the whole of a table that grows with referrals. Timings are the
benchmark's (`make bench-dashboard`), never a test's.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imhs import database_roles
from patients.models import Carer, Infant
from referrals.models import InformationRequest, ParentInvitation, ParentViews, Referral
from referrals.team import unchanged
from tests.factories import ReferrerFactory, TeamMemberFactory, make_chi
from tests.sign_in import sign_in

# Committed, so the owner's connection can ANALYZE what was made (the app role may not).
pytestmark = pytest.mark.django_db(transaction=True)

REFERRALS = 10000
GROWING = ("referrals_referral", "patients_infant", "referrals_parentviews")
GIVEN = ["Amelia", "Isla", "Olivia", "Rory", "Finlay", "Harris", "Ivy", "Lewis"]
# 400 family names, each a few dozen babies: a name searched for is a few rows, as in life.
STARTS = "Mac Camp Stew Rob Thom Pat Rei You Mor Hen Gra Bu Fer Dou Ken Mur Wal Sin Cra Dun"
ENDS = "bell art ertson son leod erson d ng rison derson ham chan guson glas nedy ray lace ig"
FAMILY = [start + end for start in STARTS.split() for end in ENDS.split()]
# Ten years of history, mostly closed or declined, and the open queues of today.
CHI = make_chi(datetime.date(2025, 1, 1), female=True, serial="00")
KINDS = ["closed"] * 12 + ["declined"] * 4 + ["withdrawn", "submitted", "in_review", "accepted"]


def reference(n):
    return f"IMH-20{16 + n * 10 // REFERRALS}-{n:05d}"


def noon(days_ago):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def seed(member):
    """REFERRALS referrals with babies, half with a parent's views and link, in bulk."""
    referrer = ReferrerFactory()
    infants = Infant.objects.bulk_create(
        Infant(
            given_name=f"{GIVEN[n % 8]}{n}",
            family_name=FAMILY[n // 8 % len(FAMILY)],
            date_of_birth=datetime.date(2025, 1, 1),
            chi_number=make_chi(
                datetime.date(2025, 1, 1), female=True, serial=f"{n // 100 % 100:02d}"
            )
            if n % 100 == 7
            else "",
            postcode=f"ML{n % 9 + 1} {n % 10}{'ABDEFGHJ'[n % 8]}{'LNPQRSTU'[n // 8 % 8]}",
        )
        for n in range(REFERRALS)
    )
    referrals = []
    for n, infant in enumerate(infants):
        kind = KINDS[n % len(KINDS)]
        decided = kind in ("closed", "declined", "accepted")
        allocated = kind in ("closed", "accepted") and n % 3
        reviewing = kind == "in_review"
        referrals.append(
            Referral(
                reference=reference(n),
                status=kind,
                infant=infant,
                referrer=referrer,
                submitted_by=referrer,
                referrer_profession="health_visitor" if n % 4 else "family_nurse",
                submitted_at=noon(3650 - n * 3650 // REFERRALS),
                decided_at=noon(1) if decided else None,
                decided_by=member if decided else None,
                allocated_to=member if allocated else None,
                allocated_at=noon(1) if allocated else None,
                review_started_by=member if reviewing else None,
                review_started_at=noon(1) if reviewing else None,
                decline_reason="another_service" if kind == "declined" else "",
                signposted_other="Synthetic service" if kind == "declined" else "",
                decision_explanation="Synthetic." if kind == "declined" else "",
                withdraw_reason="Synthetic." if kind == "withdrawn" else "",
                parent_views_method="secure_link",
            )
        )
    Referral.objects.bulk_create(referrals)
    carers = Carer.objects.bulk_create(
        Carer(given_name="Parent", family_name="Example") for _ in referrals[::2]
    )
    pairs = list(zip(referrals[::2], carers, strict=True))
    ParentViews.objects.bulk_create(
        ParentViews(referral=r, carer=c, submitted_at=r.submitted_at) for r, c in pairs
    )
    ParentInvitation.objects.bulk_create(
        ParentInvitation(
            referral=r,
            carer=c,
            created_at=r.submitted_at,
            created_by=member,
            expires_at=r.submitted_at + datetime.timedelta(days=28),
        )
        for r, c in pairs
    )
    InformationRequest.objects.bulk_create(
        InformationRequest(referral=r, question="Synthetic?", asked_by=member, asked_at=noon(1))
        for r in referrals[::3]
    )
    analyze()


def analyze():
    """Fresh statistics and a vacuumed table, as autovacuum would soon give them (VACUUM also
    moves the trigram indexes' pending entries into the index): only the tables' owner may."""
    owner = connection.copy()
    if settings.DATABASE_APP_ROLE:
        database_roles.log_in(owner, database_roles.credentials(settings.DATABASE_OWNER))
    try:
        with owner.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    finally:
        owner.close()


def plans(client, params):
    """The plan of every query the page made that reads a table growing with referrals. What
    the dashboard keeps while the data is unchanged is forgotten first, so the page makes them
    all (the queue counts, the alerts)."""
    unchanged.forget()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/team/", params)
    assert response.status_code == 200
    found = {}
    for query in queries.captured_queries:
        sql = query["sql"]
        if sql.startswith("SELECT") and any(f'"{table}"' in sql for table in GROWING):
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN {sql}")
                found[sql] = "\n".join(row[0] for row in cursor.fetchall())
    return response, found


# A sequential scan right under a LIMIT stops when it has the rows it needs: the capped count of
# a filtered "All" (ADR 0014), where the planner expects the cap's rows among the first it reads.
SEQ_SCAN = re.compile(r"^(?P<indent> *)(->  )?Seq Scan on (?P<table>\w+)")


def parent_node(lines, number, indent):
    """The plan node above line `number` (a node's line is "->  Node", or the top one's)."""
    for above in reversed(lines[:number]):
        if not above.startswith(" "):
            return above
        if "->" in above and len(above) - len(above.lstrip()) < len(indent):
            return above
    return ""


def whole_table_reads(found):
    reads = {}
    for sql, plan in found.items():
        lines = plan.splitlines()
        for number, line in enumerate(lines):
            scan = SEQ_SCAN.match(line)
            if not scan or scan["table"] not in GROWING:
                continue
            if "Limit" not in parent_node(lines, number, scan["indent"]):
                reads.setdefault(sql[:120], []).append(scan["table"])
    return reads


PAGES = {
    "the default queue": {},
    "in review": {"queue": "in_review"},
    "accepted": {"queue": "accepted"},
    "declined": {"queue": "declined"},
    "withdrawn or closed": {"queue": "closed"},
    "withdrawn or closed, last page": {"queue": "closed", "last": "1"},
    "all, first page": {"queue": "all"},
    "all, next page": {"queue": "all", "after": reference(100), "at": "26"},
    "all, last page": {"queue": "all", "last": "1"},
    "all, newest first": {"queue": "all", "sort": "newest"},
    "all, newest first, last page": {"queue": "all", "sort": "newest", "last": "1"},
    "all, a page before": {"queue": "all", "before": reference(1500)},
    "all, filtered": {"queue": "all", "priority": "none", "referrer_profession": "family_nurse"},
    "search: a whole reference": {"q": reference(1500).lower()},
    "search: a reference's start": {"q": reference(1500)[:-2]},
    "search: a part of a reference": {"q": "01500"},
    "search: a CHI number": {"q": f"{CHI[:3]} {CHI[3:6]} {CHI[6:]}"},
    "search: a postcode": {"q": "ml2 1bl"},
    "search: a name": {"q": "Patleod"},
    "search: names": {"q": "isla paterson"},
    "search: a name and a name's start": {"q": "amelia pa"},
    "search: a name, last page": {"q": "Patleod", "last": "1"},
}


def test_no_dashboard_query_reads_a_whole_table(client):
    """Issue 18: every query of every kind of dashboard page (queue counts, the page of rows,
    first and last, each kind of search) is served by indexes: no sequential scan of the
    referrals, the babies or the parents' views. And the indexes are the ones meant: the
    queue counts stop "All" at the cap in the order of (submitted_at, reference), the last
    page reads that index backwards, a name is looked up in the trigram index."""
    member = TeamMemberFactory()
    seed(member)
    sign_in(client, member)

    reads, every_plan = {}, {}
    for name, params in PAGES.items():
        response, found = plans(client, params)
        assert response.context["rows"], name  # each page shows something: a real plan
        assert any("COUNT(" in sql for sql in found), name  # the queue counts are among them
        every_plan[name] = "\n".join(found.values())
        if scans := whole_table_reads(found):
            reads[name] = scans

    assert reads == {}
    assert "Scan using referrals_received_idx" in every_plan["all, first page"]
    assert "Index Scan Backward using referrals_received_idx" in every_plan["all, last page"]
    assert "Index Scan Backward" in every_plan["withdrawn or closed, last page"]
    assert "patients_infant_name_trgm_idx" in every_plan["search: a name"]
    assert "referrals_reference_trgm_idx" in every_plan["search: a part of a reference"]
