"""The dashboard's presenter and helpers, on unsaved objects: no database."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from referrals.models import COUNT_CAP, Referral
from referrals.pagination import Cursor, KeysetPage
from referrals.team import dashboard

TODAY = datetime.date(2026, 11, 20)


def at_noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


NOW = at_noon(TODAY)


def referral(**fields):
    """A referral's row values as the dashboard reads them (dashboard.ROW_FIELDS), with no
    appointments and no unavailability; `infant` and `referrer` as (given, family) names."""
    people = {
        "infant": ("Unitbaby", "Example"),
        "referrer": ("Refertest", "Visitor"),
        **{person: fields.pop(person) for person in PEOPLE if person in fields},
    }
    values = dict.fromkeys(dashboard.ROW_FIELDS)
    values.update(
        {
            "reference": "IMH-2026-00001",
            "status": "submitted",
            "submitted_at": at_noon(TODAY - datetime.timedelta(days=20)),
            "referrer_name": "Refertest Visitor",
            "referrer_profession": "health_visitor",
            "parent_views_method": "not_now",
            "eligibility_outcome": "eligible",
            "possible_duplicate": False,
            "priority": "",
            "infant__date_of_birth": datetime.date(2025, 2, 14),
            "parent_links": [],
            "clock_appointments": [],
            "clock_unavailability": [],
            **{
                f"{person}__{part}": name
                for person, names in people.items()
                for part, name in zip(("given_name", "family_name"), names, strict=True)
            },
            **fields,
        }
    )
    return values


PEOPLE = ("infant", "referrer")
# The staff's names by id, as dashboard.staff_names gives them.
NAMES = {7: "Reviewtest Person", 8: "Allocatedtest Person"}


def test_row_shows_age_in_months_waiting_and_referrer():
    row = dashboard.row(referral(), NOW, NAMES)
    assert row.baby_name == "Unitbaby Example"
    assert row.age == "21 months"  # 14 February 2025 to 20 November 2026
    assert (row.days_waiting, row.week_of_18, row.over_18_weeks) == (
        "20 days",
        "3 of 18 weeks",
        False,
    )
    assert (row.referrer_name, row.referrer_profession) == ("Refertest Visitor", "Health visitor")
    assert row.received_on == TODAY - datetime.timedelta(days=20)
    assert (row.status, row.status_class) == ("Submitted", "nhsuk-tag--blue")
    assert (row.priority, row.urgent, row.allocated_to) == ("Not set", False, "Not allocated")


@pytest.mark.parametrize(
    ("days", "week", "over"),
    # Adjusted weeks, rounded up; day 126 ends the 18th week, day 127 is the first over it.
    [
        (1, "1 of 18 weeks", False),
        (126, "18 of 18 weeks", False),
        (127, "19 of 18 weeks", True),
    ],
)
def test_row_flags_a_wait_past_18_weeks(days, week, over):
    received = at_noon(TODAY - datetime.timedelta(days))
    row = dashboard.row(referral(submitted_at=received), NOW, NAMES)
    assert (row.week_of_18, row.over_18_weeks) == (week, over)


@pytest.mark.parametrize("status", ["declined", "withdrawn", "closed"])
def test_row_of_a_decided_or_ended_referral_is_not_waiting(status):
    row = dashboard.row(referral(status=status), NOW, NAMES)
    assert (row.days_waiting, row.week_of_18, row.over_18_weeks) == ("Not waiting", "", False)


def test_row_stops_waiting_once_treatment_has_started():
    row = dashboard.row(referral(status="in_treatment"), NOW, NAMES)
    assert row.days_waiting == "Not waiting"


@pytest.mark.parametrize(
    ("method", "text"),
    [
        ("secure_link", "Secure link to be sent"),
        ("written_here", "Written in the referral"),
        ("not_now", "Not now"),
        ("", "Not given"),
    ],
)
def test_row_parents_views_status(method, text):
    assert dashboard.row(referral(parent_views_method=method), NOW, NAMES).parent_views == text


def link(*, expires_in_days=20, **set_at):
    """A secure link as the rows' query reads it: its times as JSON text."""
    return {
        "revoked": None,
        "locked": None,
        "opened": None,
        **dict.fromkeys(set_at, "2026-11-01T09:00:00+00:00"),
        "expires": (NOW + datetime.timedelta(days=expires_in_days)).isoformat(),
    }


@pytest.mark.parametrize(
    ("links", "text"),
    [
        ([link()], "Link sent"),
        ([link(opened=True)], "Link opened"),
        ([link(expires_in_days=0)], "Link expired"),  # expires this moment: expired
        ([link(expires_in_days=-1, opened=True)], "Link expired"),
        ([link(revoked=True)], "Link revoked"),
        # Several links: the most telling, whatever the order.
        ([link(revoked=True), link(expires_in_days=-3), link()], "Link sent"),
        ([link(), link(locked=True, opened=True)], "Link locked"),
        ([link(revoked=True), link(expires_in_days=-3)], "Link expired"),
    ],
)
def test_row_says_the_most_telling_state_of_the_secure_links_at_its_moment(links, text):
    shown = dashboard.row(
        referral(parent_views_method="secure_link", parent_links=links), NOW, NAMES
    )
    assert shown.parent_views == text


def test_row_says_views_received_before_any_link():
    received = referral(parent_views_received=3, parent_links=[link(locked=True)])
    assert dashboard.row(received, NOW, NAMES).parent_views == "Views received"


@pytest.mark.parametrize(
    ("outcome", "label"),
    [
        ("eligible", "Eligible"),
        ("needs_review", "For the team to look at"),
        ("ineligible", "Not eligible"),
        ("", "Not assessed"),
    ],
)
def test_row_eligibility_label(outcome, label):
    assert dashboard.row(referral(eligibility_outcome=outcome), NOW, NAMES).eligibility == label


def test_row_says_who_is_reviewing():
    row = dashboard.row(referral(status="in_review", review_started_by_id=7), NOW, NAMES)
    assert row.status_detail == "by Reviewtest Person"


def test_row_says_since_when_information_was_asked_for():
    waiting = referral(
        status="information_requested", information_requested_at=at_noon(datetime.date(2026, 11, 3))
    )
    assert dashboard.row(waiting, NOW, NAMES).status_detail == "waiting since 3 November 2026"


def test_row_shows_priority_allocation_and_duplicate_flag():
    row = dashboard.row(
        referral(status="accepted", priority="urgent", allocated_to_id=8, possible_duplicate=True),
        NOW,
        NAMES,
    )
    assert (row.priority, row.urgent, row.allocated_to) == ("Urgent", True, "Allocatedtest Person")
    assert row.possible_duplicate


def test_age_is_not_known_without_a_date_of_birth():
    unborn = referral(infant__date_of_birth=None)
    assert dashboard.row(unborn, NOW, NAMES).age == "Not known"


def test_one_month_is_singular():
    one = referral(infant__date_of_birth=datetime.date(2026, 10, 20))
    assert dashboard.row(one, NOW, NAMES).age == "1 month"


def test_queue_links_keep_the_filters_and_drop_the_page():
    params = QueryDict("priority=urgent&page=3&queue=new")
    counts = {queue.key: 2 for queue in dashboard.QUEUES}
    links = dashboard.queue_links(params, dashboard.Filters(queue="new"), counts)
    in_review = next(link for link in links if link.key == "in_review")
    assert in_review.href == "?priority=urgent&queue=in_review"
    assert in_review.count == 2
    assert [link.key for link in links if link.current] == ["new"]


def keyset_page(rows, start, **cursor):
    return KeysetPage(
        rows=list(range(rows)),
        size=25,
        cursor=Cursor(**cursor),
        has_previous=start != 1,
        has_next=False,
        start=start,
    )


def test_caption_names_the_queue_and_the_range():
    page = keyset_page(5, 26, after="IMH-2026-00025")
    assert dashboard.caption(dashboard.Filters(queue="in_review"), page, 30) == (
        "In review: 26 to 30 of 30 referrals, oldest received first"
    )


def test_caption_past_the_cap_says_more_than_and_where_it_is_when_not_known():
    """ADR 0014: "All" counted to COUNT_CAP; a page reached from the last has no position."""
    capped = COUNT_CAP + 1
    filters = dashboard.Filters(queue="all", sort="newest")
    assert dashboard.caption(filters, keyset_page(25, 26, after="IMH-2026-00025"), capped) == (
        f"All referrals: 26 to 50 of more than {COUNT_CAP:,} referrals, newest received first"
    )
    assert dashboard.caption(filters, keyset_page(25, None, last=True), capped) == (
        f"All referrals: 25 referrals, the last of more than {COUNT_CAP:,} referrals, "
        "newest received first"
    )
    assert dashboard.caption(filters, keyset_page(25, None, before="IMH-2026-00025"), capped) == (
        f"All referrals: 25 referrals of more than {COUNT_CAP:,} referrals, newest received first"
    )


def test_filters_narrowing_ignores_queue_and_order():
    assert not dashboard.Filters(queue="all", sort="newest").narrowing
    assert dashboard.Filters(area="north").narrowing


def test_filters_summary_counts_the_active_filters_only():
    assert dashboard.Filters(queue="all", search="Example", sort="newest").summary == "Filters"
    assert dashboard.Filters(area="north").summary == "Filters (1 active)"
    assert dashboard.Filters(area="north", priority="none").summary == "Filters (2 active)"


def test_the_search_form_keeps_the_filters_and_order_but_not_the_queue():
    filters = dashboard.Filters(queue="accepted", search="x", priority="urgent", sort="newest")
    assert dashboard.search_keeps(filters) == [("priority", "urgent"), ("sort", "newest")]
    assert dashboard.search_keeps(dashboard.Filters(queue="accepted")) == []


def test_clearing_the_filters_keeps_the_queue_and_the_search():
    filters = dashboard.Filters(queue="all", search="IMH-2026", area="north")
    # The search is kept as its key (imhs.search_terms), never as its text.
    assert dashboard.clear_filters_href(filters, "k3y") == "?queue=all&s=k3y"
    assert dashboard.clear_filters_href(dashboard.Filters(area="north")) == "?queue=new"


def test_caption_of_a_search_in_every_queue():
    page = keyset_page(3, 1)
    assert dashboard.caption(dashboard.Filters(queue="all", search="Example"), page, 3) == (
        "Matches in every queue: 1 to 3 of 3 referrals, oldest received first"
    )


@pytest.mark.parametrize(
    ("current", "counts", "pointed"),
    [
        ("new", {"new": 0, "all": 2}, True),  # nothing here, something elsewhere
        ("new", {"new": 1, "all": 2}, False),  # matches here
        ("new", {"new": 0, "all": 0}, False),  # nothing anywhere
        ("all", {"new": 0, "all": 0}, False),
    ],
)
def test_an_empty_queue_points_to_matches_in_other_queues(current, counts, pointed):
    counts = {queue.key: 0 for queue in dashboard.QUEUES} | counts
    filters = dashboard.Filters(queue=current, search="Example")
    links = dashboard.queue_links(QueryDict("q=Example"), filters, counts)
    elsewhere = dashboard.matches_elsewhere(links, filters)
    assert (elsewhere is not None) == pointed
    if pointed:
        assert (elsewhere.href, elsewhere.count) == ("?q=Example&queue=all", 2)


def test_every_queue_of_the_dashboard_is_a_queue_of_the_referrals():
    for queue in dashboard.QUEUES:
        Referral.objects.in_queue(queue.key, timezone.now())  # lazy: no query, KeyError if unknown
