"""The 13 months' trends on the hand-worked dataset (dataset.py): each month's row worked out
in the comments."""

import pytest

from referrals.reports.figures import Month
from referrals.reports.trends import months_ending, trend_tables
from tests.integration.referrals.reports.dataset import OCTOBER

pytestmark = pytest.mark.django_db


@pytest.fixture
def trends(october):
    return {table.key: {row[0]: row[1:] for row in table.rows} for table in trend_tables(OCTOBER)}


def test_thirteen_months_ending_with_the_chosen_one():
    months = months_ending(OCTOBER)
    assert (len(months), months[0], months[-1]) == (13, Month(2025, 10), OCTOBER)


def test_received_and_accepted_each_month(trends):
    received = trends["trend-received"]
    assert next(iter(received)) == "October 2025"
    assert received["October 2026"] == (5, 2)
    assert received["September 2026"] == (4, 3)  # r6 declined; w1, w5, w6 accepted
    assert received["June 2026"] == (2, 2)  # p3 and w4: closed, but accepted first
    assert received["February 2026"] == (0, 0)


def test_seen_within_18_weeks_against_the_standard(trends):
    seen = trends["trend-seen"]
    assert seen["October 2026"] == (2, 1, 50.0, 90)  # p1 16 weeks, p2 40
    assert seen["September 2026"] == (1, 1, 100.0, 90)  # p3: 121 days, 18 weeks
    assert seen["August 2026"] == (1, 0, 0.0, 90)  # p4: 153 days, 22 weeks
    assert seen["July 2026"] == (0, 0, None, 90)


def test_waiting_at_each_months_end_by_band(trends):
    waiting = trends["trend-waiting"]
    # 31 October: w1 4 weeks, w6 6, r1 4 | w2 35, w3 31.
    assert waiting["October 2026"] == (3, 2, 0, 0, 5)
    # 30 September: w1 5 weeks (its cancellation came later), w4 18, p1 16 (reset, paused) |
    # w2 31, w3 26 | p2 37. p3 started treatment that day.
    assert waiting["September 2026"] == (3, 2, 1, 0, 6)


def test_the_trends_take_a_fixed_number_of_queries(october, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        trend_tables(OCTOBER)
