"""The team's dashboard at /team/: access, queues and counts, filters, search, order, pages,
row content, and a constant number of queries however many referrals there are."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from imhs.models import Profession
from patients.catchment import CATCHMENT
from referrals.models import InformationRequest, Referral
from referrals.team import dashboard as board
from referrals.team.dashboard import PAGE_SIZE
from tests.factories import (
    GPPracticeFactory,
    InfantFactory,
    PostcodeFactory,
    ReferralFactory,
    ReferrerFactory,
    ServiceLeadFactory,
    TeamMemberFactory,
)
from tests.sign_in import DASHBOARD_QUERIES, sign_in

pytestmark = pytest.mark.django_db

URL = "/team/"


def days_ago(days, hour=12):
    """Noon local time `days` ago: whole days, whatever the clocks did in between."""
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def submitted(**kwargs):
    return ReferralFactory(submitted=True, with_carer=False, **kwargs)


def in_review(by, **kwargs):
    return submitted(
        status="in_review", review_started_by=by, review_started_at=days_ago(1), **kwargs
    )


def information_requested(by, asked_at, **kwargs):
    referral = submitted(status="information_requested", **kwargs)
    InformationRequest.objects.create(
        referral=referral, question="Synthetic question?", asked_by=by, asked_at=asked_at
    )
    return referral


def accepted(by, allocated_to=None, **kwargs):
    kwargs.setdefault("status", "accepted")
    kwargs.setdefault("priority", "routine")
    return submitted(
        decided_at=days_ago(1),
        decided_by=by,
        allocated_to=allocated_to,
        allocated_at=days_ago(1) if allocated_to else None,
        **kwargs,
    )


def page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def references(response):
    return [row.reference for row in response.context["rows"]]


def counts(response):
    return {queue.key: queue.count for queue in response.context["queues"]}


@pytest.fixture
def team_client(client, team_member):
    sign_in(client, team_member)
    return client


# --- access ---------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={URL}"


def test_referrer_gets_403(client, referrer):
    sign_in(client, referrer)
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("factory", [TeamMemberFactory, ServiceLeadFactory])
def test_team_members_and_service_leads_see_the_dashboard(client, factory):
    sign_in(client, factory())
    response = client.get(URL)
    assert response.status_code == 200
    assert "Referrals dashboard" in response.content.decode()


# --- queues ---------------------------------------------------------------------------------


@pytest.fixture
def one_in_each_queue(team_member):
    colleague = TeamMemberFactory()
    return {
        "new": submitted(),
        "in_review": in_review(team_member),
        "information_requested": information_requested(team_member, days_ago(3)),
        "awaiting_allocation": accepted(team_member),
        "accepted": accepted(team_member, allocated_to=colleague),
        "declined": ReferralFactory(declined=True, with_carer=False, decided_at=days_ago(89)),
        "declined_long_ago": ReferralFactory(
            declined=True, with_carer=False, decided_at=days_ago(91)
        ),
        "withdrawn": submitted(status="withdrawn", withdraw_reason="Synthetic reason."),
        "closed": accepted(
            team_member,
            allocated_to=colleague,
            status="closed",
            closed_on=timezone.localdate(),
        ),
        "draft": ReferralFactory(with_carer=False),
    }


@pytest.mark.parametrize(
    ("queue", "members"),
    [
        ("new", ["new"]),
        ("in_review", ["in_review"]),
        ("information_requested", ["information_requested"]),
        ("awaiting_allocation", ["awaiting_allocation"]),
        ("accepted", ["accepted"]),
        ("declined", ["declined"]),
        ("closed", ["withdrawn", "closed"]),
    ],
)
def test_each_queue_holds_its_referrals(team_client, one_in_each_queue, queue, members):
    response = page(team_client, queue=queue)
    expected = {one_in_each_queue[name].reference for name in members}
    assert set(references(response)) == expected
    assert counts(response)[queue] == len(expected)


def test_the_queue_counts_come_together(team_client, one_in_each_queue):
    assert counts(page(team_client)) == {
        "new": 1,
        "in_review": 1,
        "information_requested": 1,
        "awaiting_allocation": 1,
        "accepted": 1,
        "declined": 1,
        "closed": 2,
        "all": 9,  # every referral but the draft, including the one declined long ago
    }


def test_the_new_queue_is_the_default(team_client, one_in_each_queue):
    response = page(team_client)
    assert references(response) == [one_in_each_queue["new"].reference]
    assert "New (1)" in response.content.decode()


def test_drafts_are_never_shown_or_counted(team_client):
    ReferralFactory(with_carer=False, infant__given_name="Draftbaby")
    sent = submitted()

    everything = page(team_client, queue="all")
    searched = page(team_client, queue="all", q="Draftbaby")

    assert references(everything) == [sent.reference]
    assert counts(everything)["all"] == 1
    assert references(searched) == []
    assert counts(searched)["all"] == 0


def test_an_unknown_queue_or_filter_value_falls_back_to_the_defaults(team_client):
    referral = submitted()
    response = page(team_client, queue="nonsense", priority="nonsense", allocated_to="x")
    assert references(response) == [referral.reference]


# --- filters --------------------------------------------------------------------------------


def test_status_filter_narrows(team_client):
    withdrawn = submitted(status="withdrawn", withdraw_reason="Synthetic reason.")
    submitted(status="closed", decided_at=days_ago(1), decided_by=TeamMemberFactory())
    assert references(page(team_client, queue="all", status="withdrawn")) == [withdrawn.reference]


def test_referrer_profession_filter_narrows(team_client):
    nurse = submitted(referrer=ReferrerFactory(profession=Profession.FAMILY_NURSE))
    submitted(referrer=ReferrerFactory(profession=Profession.HEALTH_VISITOR))
    response = page(team_client, referrer_profession=Profession.FAMILY_NURSE)
    assert references(response) == [nurse.reference]


@pytest.fixture
def north_south_elsewhere():
    PostcodeFactory(postcode="ML5 1AB", council_area_code=CATCHMENT.council_codes[0])
    PostcodeFactory(postcode="G72 1AB", council_area_code=CATCHMENT.council_codes[1])
    return {
        "north": submitted(infant__postcode="ML5 1AB"),
        "south": submitted(infant__postcode="G72 1AB"),
        "elsewhere": submitted(infant__postcode="ML5 9ZZ"),  # no full-postcode record
    }


@pytest.mark.parametrize("area", ["north", "south", "elsewhere"])
def test_area_filter_narrows(team_client, north_south_elsewhere, area):
    response = page(team_client, area=area)
    assert references(response) == [north_south_elsewhere[area].reference]


def test_allocated_to_filter_narrows(team_client, team_member):
    colleague = TeamMemberFactory()
    theirs = accepted(team_member, allocated_to=colleague)
    accepted(team_member, allocated_to=team_member)
    unallocated = accepted(team_member)

    response = page(team_client, queue="all", allocated_to=str(colleague.pk))
    assert references(response) == [theirs.reference]
    assert references(page(team_client, queue="all", allocated_to="none")) == [
        unallocated.reference
    ]


def test_priority_filter_narrows(team_client):
    urgent = submitted(priority="urgent")
    submitted(priority="routine")
    not_set = submitted()
    assert references(page(team_client, priority="urgent")) == [urgent.reference]
    assert references(page(team_client, priority="none")) == [not_set.reference]


def test_eligibility_outcome_filter_narrows(team_client):
    review = submitted(eligibility_outcome="needs_review")
    submitted(eligibility_outcome="eligible")
    assert references(page(team_client, eligibility_outcome="needs_review")) == [review.reference]


def test_filters_combine_with_the_queue_and_each_other(team_client, team_member):
    wanted = accepted(team_member, priority="urgent")
    submitted(priority="urgent")  # New, not awaiting allocation
    accepted(team_member)  # routine
    response = page(team_client, queue="awaiting_allocation", priority="urgent")
    assert references(response) == [wanted.reference]
    assert counts(response)["new"] == 1  # counts follow the filters too


# --- search ---------------------------------------------------------------------------------


@pytest.fixture
def searchable():
    return {
        "wanted": submitted(
            reference="IMH-2026-00042",
            infant=InfantFactory(
                given_name="Searchable",
                family_name="Testbaby",
                chi_number="0101011237",
                postcode="ML5 3BJ",
            ),
        ),
        "other": submitted(
            reference="IMH-2026-00077",
            infant=InfantFactory(given_name="Otherbaby", family_name="Example", postcode="G72 9ZZ"),
        ),
    }


@pytest.mark.parametrize(
    "text",
    [
        "IMH-2026-00042",  # reference, exactly
        "imh-2026-00042",  # any case
        "00042",  # part of the reference
        "searchable",  # given name, any case
        "TESTBABY",  # family name
        "Searchable Testbaby",  # both
        "010 101 1237",  # CHI as printed
        "0101011237",  # CHI as typed
        "ml53bj",  # postcode, not normalised
        " ML5 3BJ ",
    ],
)
def test_search_narrows(team_client, searchable, text):
    assert references(page(team_client, q=text)) == [searchable["wanted"].reference]


def test_a_whole_reference_is_looked_up_by_its_index(searchable):
    """Point 8: a whole reference, in any case, is one lookup in the unique index on
    `reference`; a part of one, the trigram index's (issue 18; sequential scans off, so the
    plan shows whether an index can serve it)."""

    def plan(text):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        return Referral.objects.search(text).explain()

    assert "Index Cond: ((reference)::text = 'IMH-2026-00042'::text)" in plan("imh-2026-00042")
    assert "Index Cond: ((reference)::text ~~ '%2026-0004%'::text)" in plan("2026-0004")
    assert list(Referral.objects.search("imh-2026-00042")) == [searchable["wanted"]]


def test_search_finding_nothing_says_so(team_client, searchable):
    response = page(team_client, q="Nobodyofthatname")
    assert references(response) == []
    assert "No referrals match the search and filters" in response.content.decode()


def test_search_looks_in_every_queue_and_counts_the_matches_in_each(team_client, one_in_each_queue):
    """Issue 12, point 8: a referral that left "New" is still found, with its status."""
    wanted = one_in_each_queue["awaiting_allocation"]
    Referral.objects.filter(pk=wanted.pk).update(reference="IMH-2026-00007")

    response = page(team_client, q="IMH-2026-00007")

    assert response.context["filters"].queue == "all"
    [row] = response.context["rows"]
    assert (row.reference, row.status) == ("IMH-2026-00007", "Accepted")
    assert counts(response) == {
        "new": 0,
        "in_review": 0,
        "information_requested": 0,
        "awaiting_allocation": 1,
        "accepted": 0,
        "declined": 0,
        "closed": 0,
        "all": 1,
    }
    html = response.content.decode()
    assert '<strong class="nhsuk-tag nhsuk-tag--green">Accepted</strong>' in html
    assert "Matches in every queue: 1 to 1 of 1 referral" in html
    assert "Accepted, awaiting allocation (1)" in html


def test_a_search_shows_every_status_it_matches(team_client, one_in_each_queue):
    for referral in one_in_each_queue.values():
        referral.infant.family_name = "Everywhere"
        referral.infant.save()

    response = page(team_client, q="everywhere")

    statuses = {row.status for row in response.context["rows"]}
    assert statuses == {
        "Submitted",
        "In review",
        "Information requested",
        "Accepted",
        "Declined",
        "Withdrawn",
        "Closed",
    }
    assert len(response.context["rows"]) == 9  # never the draft
    assert counts(response)["all"] == 9


def test_the_search_form_does_not_send_the_queue_but_keeps_the_filters(team_client):
    submitted(priority="urgent")
    html = page(team_client, queue="in_review", priority="urgent", sort="newest").content.decode()
    search_form = html.split('role="search"')[1].split("</form>")[0]
    assert 'name="queue"' not in search_form
    assert '<input type="hidden" name="priority" value="urgent">' in search_form
    assert '<input type="hidden" name="sort" value="newest">' in search_form


def search(client, text, **params):
    """The search form's POST, then the page it leads to: (response, the search's key)."""
    posted = client.post(URL, {"q": text, **params})
    assert posted.status_code == 302
    key = re.search(r"[?&]s=([^&]+)", posted["Location"]).group(1)
    return page(client, **{"s": key, **params}), key


def test_a_search_within_a_chosen_queue_points_to_the_other_queues(team_client, one_in_each_queue):
    wanted = one_in_each_queue["accepted"]
    _, key = search(team_client, wanted.reference)
    response = page(team_client, queue="new", s=key)
    assert references(response) == []
    html = response.content.decode()
    assert "No referrals in this queue match the search and filters." in html
    assert f'href="?s={key}&amp;queue=all">See the 1 in other queues</a>' in html


def test_the_queue_links_keep_the_search(team_client, one_in_each_queue):
    wanted = one_in_each_queue["in_review"]
    response, key = search(team_client, wanted.reference)
    links = {queue.key: queue.href for queue in response.context["queues"]}
    assert links["in_review"] == f"?s={key}&queue=in_review"
    assert references(page(team_client, queue="in_review", s=key)) == [wanted.reference]


def test_what_was_searched_for_never_appears_in_an_address(team_client, one_in_each_queue):
    """A name or CHI number searched for stays in the session: the form posts, and the
    redirect, the queue links, the pagination and the filters carry only a random key."""
    wanted = one_in_each_queue["accepted"]
    name = wanted.infant.family_name
    posted = team_client.post(URL, {"q": name, "priority": "routine", "queue": "new"})
    assert posted.status_code == 302
    assert name not in posted["Location"]
    assert "priority=routine" in posted["Location"]  # the filters are kept
    assert "queue=" not in posted["Location"]  # a search looks in every queue
    response = team_client.get(posted["Location"])
    assert wanted.reference in references(response) or not references(response)
    html = response.content.decode()
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs
    assert not [href for href in hrefs if name in href]
    # The search box shows the text (from the session), and the filters' form keeps the key.
    assert f'value="{name}"' in html
    key = re.search(r"[?&]s=([^&]+)", posted["Location"]).group(1)
    assert f'<input type="hidden" name="s" value="{key}">' in html
    assert 'name="q"' not in html.split("imhs-dashboard-filters")[1]
    # The key means nothing in another session.
    other = Client()
    sign_in(other, TeamMemberFactory())
    assert f'value="{name}"' not in other.get(URL, {"s": key}).content.decode()


def test_an_address_typed_with_the_text_still_searches_and_its_links_carry_a_key(
    team_client, one_in_each_queue
):
    wanted = one_in_each_queue["in_review"]
    response = page(team_client, q=wanted.reference)
    assert references(response) == [wanted.reference]
    links = [queue.href for queue in response.context["queues"]]
    assert all("s=" in href and wanted.reference not in href for href in links)


# --- the filters' summary -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "summary"),
    [
        ({}, "Filters"),
        ({"q": "anything", "sort": "newest", "queue": "all"}, "Filters"),
        ({"priority": "urgent"}, "Filters (1 active)"),
        ({"priority": "urgent", "area": "north"}, "Filters (2 active)"),
        ({"priority": "nonsense", "area": "north"}, "Filters (1 active)"),
    ],
)
def test_the_folded_filters_say_how_many_are_active(team_client, params, summary):
    html = page(team_client, **params).content.decode()
    assert f'<span class="nhsuk-details__summary-text">{summary}</span>' in html


# --- order and pages ------------------------------------------------------------------------


def test_oldest_received_first_ties_by_reference(team_client):
    newest = submitted(reference="IMH-2026-00001", submitted_at=days_ago(1))
    oldest = submitted(reference="IMH-2026-00003", submitted_at=days_ago(10))
    tie_b = submitted(reference="IMH-2026-00005", submitted_at=days_ago(5))
    tie_a = submitted(reference="IMH-2026-00004", submitted_at=tie_b.submitted_at)

    expected = [oldest.reference, tie_a.reference, tie_b.reference, newest.reference]
    assert references(page(team_client)) == expected
    assert references(page(team_client, sort="newest")) == expected[::-1]


def test_pages_of_25_keep_the_filters(team_client):
    practice = GPPracticeFactory()
    referrer = ReferrerFactory()
    ReferralFactory.create_batch(
        PAGE_SIZE + 5,
        submitted=True,
        with_carer=False,
        referrer=referrer,
        infant__gp_practice=practice,
        priority="urgent",
    )
    first = page(team_client, priority="urgent")
    links = first.context["pagination"]
    last_row = references(first)[-1]
    assert links.next == f"?priority=urgent&after={last_row}&at={PAGE_SIZE + 1}"
    second = team_client.get(URL + links.next)

    assert len(first.context["rows"]) == PAGE_SIZE
    assert len(second.context["rows"]) == 5
    assert not set(references(first)) & set(references(second))
    assert f"?priority=urgent&amp;after={last_row}&amp;at=26" in first.content.decode()
    assert f"1 to {PAGE_SIZE} of {PAGE_SIZE + 5} referrals" in first.content.decode()
    assert f"26 to {PAGE_SIZE + 5} of {PAGE_SIZE + 5} referrals" in second.content.decode()
    assert not second.context["pagination"].next
    assert second.context["pagination"].previous.startswith("?priority=urgent&before=")


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(board, "PAGE_SIZE", 3)
    return 3


@pytest.fixture
def ten_with_ties():
    """Ten referrals received on four days, three and four on the same second: the order's
    ties are broken by the reference, whatever order they were made in."""
    days = [days_ago(9), days_ago(5), days_ago(5), days_ago(5), days_ago(2)]
    days += [days_ago(2), days_ago(2), days_ago(2), days_ago(1), days_ago(1)]
    numbers = [3, 8, 1, 6, 9, 2, 10, 4, 7, 5]
    made = [
        submitted(reference=f"IMH-2026-{number:05d}", submitted_at=day)
        for number, day in zip(numbers, days, strict=True)
    ]
    return sorted(made, key=lambda referral: (referral.submitted_at, referral.reference))


def walk(client, response, direction):
    """Every row from `response` on, following the `direction` link ("next" or "previous")
    to the end, and the captions on the way."""
    seen, captions = [], []
    while True:
        assert response.status_code == 200
        rows = references(response)
        seen = [*seen, *rows] if direction == "next" else [*rows, *seen]
        captions.append(response.context["caption"])
        link = response.context["pagination"] and getattr(response.context["pagination"], direction)
        if not link:
            return seen, captions
        response = client.get(URL + link)


@pytest.mark.parametrize("sort", ["oldest", "newest"])
def test_next_and_previous_walk_the_whole_list_once(team_client, small_pages, ten_with_ties, sort):
    """Issue 18, point 3: keyset pages, first to last by "next" and last to first by
    "previous", with ties on the received time: every referral once, in order, no gaps."""
    expected = [referral.reference for referral in ten_with_ties]
    if sort == "newest":
        expected.reverse()

    forwards, captions = walk(team_client, page(team_client, queue="all", sort=sort), "next")
    last = team_client.get(
        URL + page(team_client, queue="all", sort=sort).context["pagination"].last
    )
    backwards, back_captions = walk(team_client, last, "previous")

    assert forwards == expected
    assert backwards == expected
    order = f"{sort} received first"
    assert captions == [
        f"All referrals: 1 to 3 of 10 referrals, {order}",
        f"All referrals: 4 to 6 of 10 referrals, {order}",
        f"All referrals: 7 to 9 of 10 referrals, {order}",
        f"All referrals: 10 to 10 of 10 referrals, {order}",
    ]
    # From the end, the pages are counted back from the count (exact under the cap).
    assert back_captions[0] == f"All referrals: 8 to 10 of 10 referrals, {order}"
    assert back_captions[-1] == f"All referrals: 1 to 1 of 10 referrals, {order}"


def test_the_first_and_last_links(team_client, small_pages, ten_with_ties):
    first = page(team_client, queue="all")
    links = first.context["pagination"]
    assert (links.first, links.previous) == ("", "")  # already on the first page
    last = team_client.get(URL + links.last)
    assert references(last) == [referral.reference for referral in ten_with_ties[-3:]]
    assert (last.context["pagination"].next, last.context["pagination"].last) == ("", "")
    back = team_client.get(URL + last.context["pagination"].first)
    assert references(back) == references(first)
    html = last.content.decode()
    assert 'rel="prev"' in html
    assert ">First<" in html
    assert "8 to 10 of 10 referrals" in html


def test_a_page_keeps_its_place_when_the_referral_it_follows_moves_queue(
    team_client, small_pages, ten_with_ties
):
    """The key is the row's reference, and its place in the order comes from the referral
    itself: a referral that left the queue still marks where the next page starts."""
    first = page(team_client, queue="new")
    Referral.objects.filter(reference=references(first)[-1]).update(status="withdrawn")
    second = team_client.get(URL + first.context["pagination"].next)
    assert references(second) == [referral.reference for referral in ten_with_ties[3:6]]


@pytest.mark.parametrize(
    "params",
    [
        {"after": "IMH-2026-99999"},  # no such referral: the first page
        {"after": "nonsense"},
        {"before": "'; DROP TABLE x; --"},
        {"after": "IMH-2026-00003", "before": "IMH-2026-00005"},
        {"last": "yes"},
        {"after": "IMH-2026-00003", "at": "-4"},
        {"page": "99"},  # an address from before keyset pages
    ],
)
def test_a_cursor_that_is_not_valid_shows_the_first_page(
    team_client, small_pages, ten_with_ties, params
):
    response = page(team_client, queue="all", **params)
    if params.get("at") == "-4":  # a valid key, a position that is not: the page, unplaced
        assert references(response) == [r.reference for r in ten_with_ties[1:4]]
        return
    assert references(response) == [referral.reference for referral in ten_with_ties[:3]]


# --- rows -----------------------------------------------------------------------------------


def test_a_row_shows_what_the_team_needs(team_client):
    today = timezone.localdate()
    referrer = ReferrerFactory(
        given_name="Refertest", family_name="Nurse", profession=Profession.FAMILY_NURSE
    )
    referral = submitted(
        referrer=referrer,
        submitted_at=days_ago(20),
        infant=InfantFactory(
            given_name="Rowbaby",
            family_name="Example",
            date_of_birth=datetime.date(today.year - 1, today.month, 1),
        ),
        eligibility_outcome="needs_review",
        possible_duplicate=True,
        parent_views_method="secure_link",
    )

    response = page(team_client)
    [row] = response.context["rows"]
    html = response.content.decode()

    assert row.reference == referral.reference
    assert row.baby_name == "Rowbaby Example"
    assert row.age == "12 months"
    assert (row.referrer_name, row.referrer_profession) == (
        "Refertest Nurse",
        "Family nurse (Family Nurse Partnership)",
    )
    assert row.received_on == today - datetime.timedelta(days=20)
    assert (row.days_waiting, row.week_of_18, row.over_18_weeks) == (
        "20 days",
        "3 of 18 weeks",
        False,
    )
    for text in [
        "12 months",
        "Refertest Nurse",
        "Family nurse (Family Nurse Partnership)",
        "3 of 18 weeks",
        "For the team to look at",
        "Secure link to be sent",
        "Possible duplicate",
        "Not allocated",
        reverse("referrals:team_referral", args=[referral.reference]),
    ]:
        assert text in html


def test_a_referral_past_18_weeks_is_flagged(team_client):
    # 126 days is 18 weeks to the day: the 127th day is the first over.
    submitted(submitted_at=days_ago(7 * 18 + 1))
    response = page(team_client)
    [row] = response.context["rows"]
    assert (row.week_of_18, row.over_18_weeks) == ("19 of 18 weeks", True)
    assert "Over 18 weeks" in response.content.decode()


def test_rows_say_who_is_reviewing_and_since_when_information_was_asked(team_client):
    reviewer = TeamMemberFactory(given_name="Reviewtest", family_name="Person")
    in_review(reviewer)
    asked = days_ago(4)
    information_requested(reviewer, asked)

    [reviewing] = page(team_client, queue="in_review").context["rows"]
    [waiting] = page(team_client, queue="information_requested").context["rows"]

    assert reviewing.status_detail == "by Reviewtest Person"
    day = timezone.localdate(asked)
    assert waiting.status_detail == f"waiting since {day.day} {day:%B %Y}"


def test_rows_show_priority_and_who_the_referral_is_allocated_to(team_client, team_member):
    colleague = TeamMemberFactory(given_name="Allocatedtest", family_name="Person")
    accepted(team_member, allocated_to=colleague, priority="urgent")
    [row] = page(team_client, queue="accepted").context["rows"]
    assert (row.priority, row.urgent, row.allocated_to) == ("Urgent", True, "Allocatedtest Person")


# --- queries --------------------------------------------------------------------------------


def make_referrals(count, team_member):
    """`count` referrals in every queue, with everything a row can show, made in bulk."""
    practice = GPPracticeFactory()
    referrer = ReferrerFactory()
    referrals = ReferralFactory.create_batch(
        count,
        submitted=True,
        with_carer=False,
        referrer=referrer,
        infant__gp_practice=practice,
        possible_duplicate=True,
    )
    now = timezone.now()
    pks = [r.pk for r in referrals]
    Referral.objects.filter(pk__in=pks[0::4]).update(
        status="in_review", review_started_by=team_member, review_started_at=now
    )
    Referral.objects.filter(pk__in=pks[1::4]).update(status="information_requested")
    InformationRequest.objects.bulk_create(
        InformationRequest(
            referral_id=pk, question="Synthetic?", asked_by=team_member, asked_at=now
        )
        for pk in pks[1::4]
    )
    Referral.objects.filter(pk__in=pks[2::4]).update(
        status="accepted",
        decided_at=now,
        decided_by=team_member,
        priority="urgent",
        allocated_to=team_member,
        allocated_at=now,
    )


@pytest.mark.parametrize("count", [5, 200])
@pytest.mark.parametrize(
    "params",
    [
        {"queue": "all"},
        {"queue": "all", "area": "north", "q": "exam"},
        {"q": "IMH"},  # a search, across every queue
        {"queue": "all", "last": "1"},  # the last page (keyset: read backwards)
    ],
)
def test_queries_are_constant_whatever_the_number_of_referrals(
    client, team_member, django_assert_max_num_queries, count, params
):
    PostcodeFactory(postcode="ML5 9ZZ", council_area_code=CATCHMENT.council_codes[0])
    make_referrals(count, team_member)
    sign_in(client, team_member)
    if "q" in params:  # searched as the form does: posted, then the page with the key
        params = dict(params)
        posted = client.post(URL, {"q": params.pop("q")})
        params["s"] = re.search(r"[?&]s=([^&]+)", posted["Location"]).group(1)

    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get(URL, params)

    assert response.status_code == 200
    assert len(response.context["rows"]) == min(count, PAGE_SIZE)


def test_the_accepted_queues_include_referrals_in_treatment(team_client, team_member):
    colleague = TeamMemberFactory()
    treated = accepted(team_member, allocated_to=colleague, status="in_treatment")
    unallocated = accepted(team_member, status="in_treatment")

    assert references(page(team_client, queue="accepted")) == [treated.reference]
    assert references(page(team_client, queue="awaiting_allocation")) == [unallocated.reference]
    [row] = page(team_client, queue="accepted").context["rows"]
    assert (row.status, row.days_waiting) == ("In treatment", "Not waiting")
