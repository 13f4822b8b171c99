"""The month's patient-level extract on the hand-worked dataset: which rows are the month's,
what each carries, the national codes from the service lead's mapping, and every unmapped
value named as a gap (no file until there are none)."""

import csv
import io

import pytest

from referrals.models import NationalCode, Unavailability
from referrals.reports.extract import COLUMNS, MAPPED, GapsRemain, build_extract, extract_csv
from tests.integration.referrals.reports.dataset import OCTOBER, at, day

pytestmark = pytest.mark.django_db


def map_everything(except_for=()):
    NationalCode.objects.bulk_create(
        NationalCode(field=column, value=value, code=f"N-{column}-{value}"[:20])
        for column, (_title, labels) in MAPPED.items()
        for value in labels
        if (column, value) not in except_for
    )


@pytest.fixture
def extract(october):
    # A period of unavailability running into October, and one wholly in September.
    for start, end in ((day(9, 25), day(10, 3)), (day(9, 1), day(9, 5))):
        Unavailability.objects.create(
            referral=october["w2"],
            start=start,
            end=end,
            reason="Synthetic",
            recorded_by=october["w2"].decided_by,
            recorded_at=at(day(9, 1)),
        )
    return build_extract(OCTOBER)


def of_type(extract, record_type):
    return [row for row in extract.rows if row["record_type"] == record_type]


def test_the_months_rows(october, extract):
    referrals = {row["UCPN"] for row in of_type(extract, "referral")}
    # Received (r1-r5), decided (r6, w6) or closed (p3, w4) in October.
    names = ("r1", "r2", "r3", "r4", "r5", "r6", "w6", "p3", "w4")
    assert referrals == {october[name].reference for name in names}
    assert len(of_type(extract, "appointment")) == 7
    (period,) = of_type(extract, "unavailability")
    assert (period["unav_date_start"], period["unav_date_end"]) == ("2026-09-25", "2026-10-03")


def test_each_row_carries_the_referral_and_its_event(october, extract):
    r2 = next(row for row in extract.rows if row["UCPN"] == october["r2"].reference)
    infant = october["r2"].infant
    assert (r2["CHI"], r2["postcode"], r2["sex"]) == (infant.chi_number, "G72 1AA", "male")
    assert (r2["ref_rec_date"], r2["ref_source"]) == ("2026-10-05", "family_nurse")
    assert (r2["ref_acc"], r2["ref_acc_date"]) == ("not_accepted", "2026-10-06")
    assert (r2["ref_rej_reason"], r2["ref_rej_act"]) == ("another_service", "signposted")
    missed = next(
        row
        for row in of_type(extract, "appointment")
        if row["UCPN"] == october["p2"].reference and row["att_status"] == "did_not_attend"
    )
    assert (missed["app_date"], missed["location"], missed["app_purpose"]) == (
        "2026-10-10",
        "home_visit",
        "assessment",
    )
    assert missed["prof_group"] == "Psychology"  # the first listed: the psychologist
    cancelled = next(
        row for row in of_type(extract, "appointment") if row["UCPN"] == october["w1"].reference
    )
    assert (cancelled["att_status"], cancelled["cancellation_date"]) == (
        "patient_cancelled",
        "2026-10-08",
    )
    closed = next(
        row for row in of_type(extract, "referral") if row["UCPN"] == october["p3"].reference
    )
    assert closed["case_closed_date"] == "2026-10-15"


def test_every_unmapped_value_is_a_gap_and_no_file_is_written(extract):
    map_everything(except_for={("sex", "not_known"), ("att_status", "did_not_attend")})
    gaps = build_extract(OCTOBER).gaps

    assert [(gap.column, gap.value) for gap in gaps] == [
        ("att_status", "did_not_attend"),
        ("sex", "not_known"),
    ]
    assert gaps[0].words == "Attendance: Did not attend"
    with pytest.raises(GapsRemain):
        extract_csv(build_extract(OCTOBER))


def test_values_the_month_does_not_use_are_not_gaps(extract):
    used = {(gap.column, gap.value) for gap in extract.gaps}
    assert ("ref_rej_reason", "duplicate") not in used  # nobody was declined as a duplicate
    assert ("sex", "female") in used


def test_with_every_value_mapped_the_file_carries_the_national_codes(october, extract):
    map_everything()
    lines = list(csv.reader(io.StringIO("".join(extract_csv(build_extract(OCTOBER))))))

    assert lines[0] == list(COLUMNS)
    rows = [dict(zip(COLUMNS, line, strict=True)) for line in lines[1:]]
    r2 = next(row for row in rows if row["UCPN"] == october["r2"].reference)
    assert (r2["sex"], r2["ref_acc"]) == ("N-sex-male", "N-ref_acc-not_accept")  # 20 at most
    assert r2["CHI"] == october["r2"].infant.chi_number  # not a mapped column: as it is
    assert all(row["app_purpose"] == "" for row in rows if row["record_type"] == "referral")


def test_the_extract_takes_a_fixed_number_of_queries(extract, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        build_extract(OCTOBER)
