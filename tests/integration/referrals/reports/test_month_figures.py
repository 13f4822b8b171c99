"""One month's figures (October 2026) against a dataset built so every expected value is known
by hand: receipts on the month's first and last evenings, declines and overrides, decisions made
in the month for referrals received before it, clock resets (a did-not-attend that applies, one
that comes too late to), a pause, treatment starting after the month's end, and closures within
it. Each expected value is worked out in the comment beside it."""

import pytest

from referrals.models import (
    Referral,
)
from referrals.reports.figures import Month, MonthReport, nearest_rank
from referrals.reports.national import COLUMNS, national_row
from tests.integration.referrals.reports.dataset import OCTOBER, appointment, day

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(october):
    return MonthReport.build(OCTOBER)


def rows(report, key):
    return {row[0]: row[1:] if len(row) > 2 else row[1] for row in report.table(key).rows}


def test_received_and_what_happened_to_them(report):
    assert rows(report, "received") == {
        "Received": 5,  # r1-r5: r5 at 23:30 on 31 October counts, r6 on 30 September does not
        "Accepted": 2,  # r1, r5
        "Not accepted": 1,  # r2
        "Withdrawn before a decision": 1,  # r4
        "Pending (not yet decided)": 1,  # r3
        "Acceptance rate (%)": 66.7,  # 2 of the 3 decided
    }


def test_received_by_profession_council_age_and_sex(report):
    profession = rows(report, "received-by-profession")
    assert profession["Health visitor"] == 3
    assert profession["Family nurse (Family Nurse Partnership)"] == 1
    assert profession["Nursery or early learning centre practitioner"] == 1
    assert sum(profession.values()) == 5
    assert rows(report, "received-by-council") == {
        "North Lanarkshire": 2,  # r1, r4
        "South Lanarkshire": 2,  # r2, r5
        "Elsewhere or not known": 1,  # r3: a postcode the directory does not hold
    }
    assert rows(report, "received-by-age") == {
        "0 to 5 months": 1,
        "6 to 11 months": 1,
        "12 to 23 months": 1,
        "24 to 35 months": 1,
        "36 months or older": 1,
        "Not known": 0,
    }
    assert rows(report, "received-by-sex") == {"Female": 3, "Male": 1, "Not known": 1}


def test_not_accepted_overrides_and_threshold_routes(report):
    reasons = rows(report, "not-accepted-reasons")
    assert reasons["Needs better met by another service"] == 1  # r2 (r6 is September's)
    assert sum(reasons.values()) == 1
    assert rows(report, "not-accepted-signposting") == {"Synthetic Family Support Service": 1}
    assert rows(report, "overrides") == {
        "Where the family lives": 1,  # r2
        "GP practice": 1,  # r5
        "Either": 2,
    }
    routes = list(report.table("threshold-routes").rows)
    assert [n for _words, n in routes] == [1, 1, 0, 0]  # r1 route a, r5 route b


def test_time_to_decision_counts_the_months_decisions(report):
    # Decided in October: r6 1 day, r2 1, r1 7, w6 11 -> nearest rank: median the 2nd, 90th
    # percentile the 4th. r5's November decision is not October's.
    assert rows(report, "time-to-decision") == {"Decisions": 4, "Median": 1, "90th percentile": 11}


def test_patients_seen_with_their_adjusted_and_unadjusted_waits(report):
    assert rows(report, "patients-seen") == {
        "Patients seen": (2, 2),  # p1, p2 (p3 started on 30 September, w3 in November)
        "0 to 18 weeks": (1, 0),  # p1: 16 adjusted, 23 unadjusted
        "19 to 35 weeks": (0, 1),
        "36 to 52 weeks": (1, 1),  # p2: 40 either way
        "Over 52 weeks": (0, 0),
        "Median weeks": (16, 23),
        "90th percentile weeks": (40, 40),
        "Seen within 18 weeks (%)": (50.0, 0.0),
    }


def test_patients_waiting_at_the_months_end(report):
    assert rows(report, "patients-waiting") == {
        "All waiting": 5,  # w1, w2, w3, w6, r1
        "0 to 18 weeks": 3,  # w1 4 weeks (the family's cancellation), w6 6, r1 4
        "19 to 35 weeks": 2,  # w2 35, w3 31
        "36 to 52 weeks": 0,
        "Over 52 weeks": 0,
    }


def test_open_and_closed_cases(report):
    cases = rows(report, "cases")
    assert cases["Open cases at the start of the month"] == 2  # p3, p4
    assert cases["Closed: Treatment completed"] == 1  # p3
    assert cases["Closed: Not brought to appointments"] == 1  # w4
    assert cases["Closed: Other"] == 0


def test_appointments_and_did_not_attend_rates(report):
    assert rows(report, "appointments") == {
        "Appointments": 7,
        "Did not attend": 1,  # p2 on 10 October
        "Did-not-attend rate (%)": 20.0,  # 1 of 5 due (4 attended, 1 not; cancellations out)
        "First contacts due to happen": 2,  # p2's on 10 October, r1's on 15 October
        "First contacts not attended": 1,
        "First-contact did-not-attend rate (%)": 50.0,
    }
    assert rows(report, "appointments-by-mode") == {
        "At a clinic": 3,
        "Home visit": 1,
        "At nursery or early learning centre": 1,
        "Near Me video call": 1,
        "Telephone": 1,
    }
    groups = rows(report, "appointments-by-group")
    # p2's home visit had both: once in each group.
    assert (groups["Psychology"], groups["Psychotherapy"]) == (4, 4)


def test_the_local_4_week_measure(report):
    assert rows(report, "first-appointment-4-weeks") == {
        "Accepted": 2,  # r1 (seen 5 days after acceptance), w6 (never seen)
        "Within 4 weeks": 1,
        "Not within 4 weeks": 1,
        "Not known yet (4 weeks not over)": 0,
        "Within 4 weeks (%)": 50.0,
    }


def test_parents_links_and_views(report):
    assert rows(report, "parents-views") == {"Links sent": 2, "Views received": 1}


def test_the_national_row_reads_the_same_figures(report):
    row = national_row(report)
    assert list(row) == list(COLUMNS)
    assert row == {
        "HB": "S08000032",
        "Month": "202610",
        "ReferralsReceived": 5,
        "ReferralsAccepted": 2,
        "TotalPatientsSeen": 2,
        "NumberOfPatientsSeen0To18Weeks": 1,
        "NumberOfPatientsSeen19To35Weeks": 0,
        "NumberOfPatientsSeen36To52Weeks": 1,
        "NumberOfPatientsSeenOver52Weeks": 0,
        "MedianWeeksPatientsSeen": 16,
        "90thPercentileWeeksPatientsSeen": 40,
        "TotalPatientsWaiting": 5,
        "NumberOfPatientsWaiting0To18Weeks": 3,
        "NumberOfPatientsWaiting19To35Weeks": 2,
        "NumberOfPatientsWaiting36To52Weeks": 0,
        "NumberOfPatientsWaitingOver52Weeks": 0,
        "OpenCases": 2,
        "DidNotAttends": 1,
        "TotalAppointments": 7,
    }


def test_a_month_with_nothing_has_zeros_and_empty_percentiles(db):
    row = national_row(MonthReport.build(Month(2020, 1)))
    assert row["ReferralsReceived"] == 0
    assert row["MedianWeeksPatientsSeen"] == ""


def test_the_queries_do_not_grow_with_the_rows(october, django_assert_max_num_queries):
    with django_assert_max_num_queries(26):
        MonthReport.build(OCTOBER)
    extra = Referral.objects.get(pk=october["p2"].pk)
    for n in range(5):
        appointment(extra, day(10, 21 + n), "attended", staff=[extra.decided_by])
    with django_assert_max_num_queries(26):
        MonthReport.build(OCTOBER)


@pytest.mark.parametrize(
    ("values", "percent", "expected"),
    [
        ([], 50, None),
        ([7], 90, 7),
        ([3, 1, 2], 50, 2),
        ([1, 2, 3, 4], 50, 2),  # ceil(2) = 2nd
        ([1, 2, 3, 4], 90, 4),  # ceil(3.6) = 4th
        (list(range(1, 11)), 90, 9),  # ceil(9) = 9th
        (list(range(1, 11)), 91, 10),
    ],
)
def test_percentiles_are_nearest_rank(values, percent, expected):
    assert nearest_rank(values, percent) == expected


def test_a_month_is_read_only_as_yyyy_mm():
    assert Month.parse("2026-10") == OCTOBER
    assert (OCTOBER.first, OCTOBER.last, OCTOBER.yyyymm) == (day(10, 1), day(10, 31), "202610")
    assert Month(2026, 12).next() == Month(2027, 1)
    assert Month(2027, 1).previous() == Month(2026, 12)
    for bad in (
        "2026-13",
        "2026-1",
        "26-10",
        "2026/10",
        "",
        "1999-12",
        "\uff12\uff10\uff12\uff16-10",
    ):
        with pytest.raises(ValueError, match="month"):
            Month.parse(bad)
