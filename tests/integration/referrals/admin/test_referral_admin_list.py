"""The referral admin's list at any number of referrals (issue 18, point 5): the same queries
for 5 referrals as for 50, no query that reads every referral (no full COUNT, no date
hierarchy, no filter that finds its choices among the referrals), a count that stops at its cap,
filters listing their choices from the model and the staff, newest first."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from referrals.admin.referral import CappedCountPaginator, ReferralAdmin
from referrals.labels import ELIGIBILITY_LABELS
from referrals.models import Status
from tests.factories import (
    InfantFactory,
    ReferralFactory,
    ReferrerFactory,
    ServiceLeadFactory,
    TeamMemberFactory,
)
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:referrals_referral_changelist")


def referrals(count, **kwargs):
    """`count` sent referrals, every other one allocated (the list shows who to)."""
    colleague = TeamMemberFactory()
    return [
        allocated(colleague, **kwargs) if n % 2 else ReferralFactory(submitted=True, **kwargs)
        for n in range(count)
    ]


def allocated(person, **kwargs):
    return ReferralFactory(
        accepted=True, allocated_to=person, allocated_at=timezone.now(), **kwargs
    )


def shown(page, *wanted):
    """The references of `wanted` the page lists (not merely mentions: the search box may)."""
    text = page.content.decode()
    return {
        r.reference
        for r in wanted
        if re.search(rf'class="field-reference"><a [^>]*>{re.escape(r.reference)}<', text)
    }


def changelist_queries(client, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(CHANGELIST, params or {})
    assert response.status_code == 200
    return response, [query["sql"] for query in captured.captured_queries]


def test_the_list_makes_the_same_queries_for_5_referrals_as_for_50(client, team_member):
    sign_in(client, team_member)
    referrals(5)
    _page, few = changelist_queries(client)
    referrals(45)
    page, many = changelist_queries(client)

    assert page.content.decode().count('class="field-reference"') == 50
    assert len(many) == len(few)


def test_no_query_reads_every_referral(client, team_member, monkeypatch):
    """Before issue 18 the list counted every referral twice, read the first and last dates
    and the years (date hierarchy) and every referral's allocated person (the staff filter):
    now every query on the referrals table stops at a LIMIT."""
    # More than a page: a list that fits on one page is read whole, without a LIMIT.
    monkeypatch.setattr(ReferralAdmin, "list_per_page", 2)
    sign_in(client, team_member)
    referrals(3)

    _page, queries = changelist_queries(client)

    on_referrals = [sql for sql in queries if '"referrals_referral"' in sql]
    assert on_referrals  # the page's rows and its count
    unbounded = [sql for sql in on_referrals if "LIMIT" not in sql]
    assert unbounded == []
    counts = [sql for sql in on_referrals if "COUNT(" in sql.upper()]
    assert len(counts) == 1  # the page's own, capped: no second count of the whole list
    assert "ORDER BY" not in counts[0]  # an ordered count would sort every row first
    assert not any(re.search(r"\b(MIN|MAX|DISTINCT)\b", sql) for sql in on_referrals)


def test_facet_counts_are_never_offered(client, team_member):
    # ?_facets would count every filter choice over the whole list.
    sign_in(client, team_member)
    referrals(2)

    _page, queries = changelist_queries(client, {"_facets": "True"})

    assert [sql for sql in queries if "COUNT(" in sql.upper()] == [
        sql for sql in queries if "COUNT(" in sql.upper() and "LIMIT" in sql
    ]
    assert len([sql for sql in queries if "COUNT(" in sql.upper()]) == 1


def test_a_filter_and_a_search_together(client, team_member):
    sign_in(client, team_member)
    wanted = ReferralFactory(
        submitted=True, infant=InfantFactory(given_name="Findme", postcode="ML5 3BJ")
    )
    same_name_other_status = ReferralFactory(
        submitted=True, status=Status.IN_REVIEW, infant=InfantFactory(given_name="Findme")
    )
    other = ReferralFactory(submitted=True, infant=InfantFactory(given_name="Someoneelse"))

    def listed(params):
        page, _queries = changelist_queries(client, params)
        return shown(page, wanted, same_name_other_status, other)

    assert listed({"q": "Findme"}) == {wanted.reference, same_name_other_status.reference}
    assert listed({"q": "Findme", "status": "submitted"}) == {wanted.reference}
    assert listed({"q": "ml5 3bj", "status": "submitted"}) == {wanted.reference}
    assert listed({"q": wanted.reference, "status": "in_review"}) == set()
    _page, few = changelist_queries(client, {"q": "Findme", "status": "submitted"})
    referrals(10)
    _page, many = changelist_queries(client, {"q": "Findme", "status": "submitted"})
    assert len(many) == len(few)


def filter_choices(page, title):
    """The links of the filter headed `title`, as (text, query string)."""
    html = page.content.decode()
    section = re.search(
        rf"<summary>\s*By {re.escape(title)}\s*</summary>(.*?)</details>", html, re.S
    )
    assert section, f"no filter {title!r}"
    return [
        (re.sub(r"\s+", " ", text).strip(), href)
        for href, text in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', section.group(1), re.S)
    ]


def test_the_filters_list_their_choices_from_the_model_and_the_staff(client, team_member):
    lead = ServiceLeadFactory(given_name="Leadwithnocases", family_name="Aaron")
    left = TeamMemberFactory(given_name="Formercolleague", is_active=False)
    referrer = ReferrerFactory(given_name="Referrernotstaff")
    sign_in(client, team_member)
    to_member = allocated(team_member)
    unallocated = ReferralFactory(submitted=True)

    page, _queries = changelist_queries(client)

    staff = [text for text, _href in filter_choices(page, "allocated to")]
    # Every member of staff, with referrals allocated or not, those who left marked; nobody else.
    assert lead.full_name in staff
    assert team_member.full_name in staff
    assert f"{left.full_name} (left)" in staff
    assert referrer.full_name not in staff
    assert "Not allocated" in staff
    outcomes = [text for text, _href in filter_choices(page, "eligibility outcome")]
    assert outcomes == ["All", *(label for label, _tag in ELIGIBILITY_LABELS.values())]
    statuses = [text for text, _href in filter_choices(page, "status")]
    assert statuses == ["All", *(label for value, label in Status.choices if value != "draft")]

    def listed(params):
        return shown(changelist_queries(client, params)[0], to_member, unallocated)

    assert listed({"allocated_to__id__exact": team_member.pk}) == {to_member.reference}
    assert listed({"allocated_to__id__exact": "none"}) == {unallocated.reference}
    assert listed({"allocated_to__id__exact": lead.pk}) == set()
    # Not a person's id: Django's "the filter was wrong" redirect, not an error.
    assert client.get(CHANGELIST, {"allocated_to__id__exact": "x"}).status_code == 302


def test_the_count_stops_at_its_cap_and_says_more_than(client, team_member, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "CAP", 4)
    monkeypatch.setattr(ReferralAdmin, "list_per_page", 2)
    sign_in(client, team_member)
    referrals(5)

    page, queries = changelist_queries(client)

    text = page.content.decode()
    assert "More than 4 referrals" in text
    assert "5 referrals" not in text
    counts = [sql for sql in queries if "COUNT(" in sql.upper()]
    assert len(counts) == 1
    assert "LIMIT 5" in counts[0]
    assert (
        changelist_queries(client, {"p": 2})[0].content.decode().count('class="field-reference"')
        == 2
    )
    assert client.get(CHANGELIST, {"p": 3}).status_code == 302  # past the pages counted
    # Under the cap, the exact number.
    narrowed = changelist_queries(client, {"allocated_to__id__exact": "none"})[0]
    assert "3 referrals" in narrowed.content.decode()
    assert "More than" not in narrowed.content.decode()


def test_newest_first_then_by_reference(client, team_member):
    sign_in(client, team_member)
    same_moment = timezone.now() - datetime.timedelta(days=1)
    older = ReferralFactory(submitted=True, reference="IMH-2026-00001")
    older.submitted_at = same_moment - datetime.timedelta(days=3)
    older.save(update_fields=["submitted_at"])
    # The higher reference saved first: the order is by reference, not by when rows were made.
    second = ReferralFactory(submitted=True, reference="IMH-2026-00003", submitted_at=same_moment)
    first = ReferralFactory(submitted=True, reference="IMH-2026-00002", submitted_at=same_moment)
    newest = ReferralFactory(submitted=True, reference="IMH-2026-00004")

    text = changelist_queries(client)[0].content.decode()

    order = sorted((newest, second, first, older), key=lambda r: text.index(f">{r.reference}<"))
    assert order == [newest, second, first, older]
