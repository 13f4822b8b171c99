"""The reports area on the hand-worked October 2026 dataset (tests/integration/referrals/
reports/dataset.py): every table and its hint on the page, the month picker (and bad months),
who may open what, the files streamed and read back, the national codes page, the extract
refused with gaps and given without, and an audit event for each view and download."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from imhs.models import AuditAction, AuditEvent
from referrals.models import NationalCode
from referrals.reports.extract import COLUMNS as EXTRACT_COLUMNS
from referrals.reports.extract import MAPPED
from referrals.reports.figures import Month, MonthReport
from referrals.reports.national import COLUMNS as NATIONAL_COLUMNS
from referrals.team.forms.reports import CODE_MESSAGE, default_month
from referrals.team.reports import figure
from tests.factories import (
    ReferralFactory,
    ReferrerFactory,
    ServiceLeadFactory,
    TeamMemberFactory,
)
from tests.integration.referrals.reports.dataset import OCTOBER, build_october, make_staff
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

REPORTS = reverse("referrals:team_reports")
TRENDS = reverse("referrals:team_report_trends")
CODES = reverse("referrals:team_national_codes")
DOWNLOADS = {
    kind: reverse(f"referrals:team_report_{kind}")
    for kind in ("csv", "xlsx", "national", "extract")
}
# A signed-in staff request's three queries, the report's own (a fixed number whatever the
# rows), the audit event and a savepoint or two.
REPORT_QUERIES = 40


@pytest.fixture
def october(db):
    return build_october(make_staff())


@pytest.fixture
def lead(db):
    return sign_in(Client(), ServiceLeadFactory())


@pytest.fixture
def member(db):
    return sign_in(Client(), TeamMemberFactory())


def text(response):
    return response.content.decode()


def map_everything(except_for=()):
    NationalCode.objects.bulk_create(
        NationalCode(field=column, value=value, code=f"N{number}")
        for column, (_title, labels) in MAPPED.items()
        for number, value in enumerate(labels)
        if (column, value) not in except_for
    )


def events(action, report=None):
    found = AuditEvent.objects.filter(action=action, object_type="report")
    return [e for e in found if report is None or e.detail.get("report") == report]


# --- the month's page -----------------------------------------------------------------------


def test_the_page_shows_every_table_with_its_hint_and_figures(october, member):
    response = member.get(REPORTS, {"month": "2026-10"})
    assert response.status_code == 200
    page = text(response)
    assert "Monthly report: October 2026" in page
    report = MonthReport.build(OCTOBER)
    for table in report.tables:
        assert f'id="{table.key}-table"' in page
        assert table.title.replace("'", "&#x27;") in page
        assert table.hint.replace("'", "&#x27;") in page
    # Figures in words: a whole number, a percentage to one place, nothing to show.
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric" data-value="5">5</td>' in page
    assert 'data-value="50.0">50.0</td>' in page  # seen within 18 weeks, adjusted
    # The contents list and a section per group of tables.
    for anchor in ("received", "decisions", "waits", "appointments-section", "downloads"):
        assert f'href="#{anchor}"' in page


def test_figures_in_words():
    assert figure(None) == "Not applicable"
    assert figure(1234) == "1,234"
    assert figure(66.66) == "66.7"
    assert figure("Route a") == "Route a"


def test_without_a_month_the_last_complete_month_is_shown(member):
    response = member.get(REPORTS)
    assert response.status_code == 200
    assert f"Monthly report: {default_month().label}" in text(response)
    assert f'<option value="{default_month().key}" selected>' in text(response)


@pytest.mark.parametrize(
    "bad", ["2026-13", "October", "", "2026-1", "2999-01", "\uff11\uff19\uff19\uff19-01", "1999-12"]
)
def test_a_bad_month_is_a_message_never_an_error(member, bad):
    response = member.get(REPORTS, {"month": bad})
    assert response.status_code == 200
    page = text(response)
    assert "Select a month from the list" in page
    assert "nhsuk-error-summary" in page
    assert 'id="received-table"' not in page
    assert not events(AuditAction.VIEW)


def test_an_older_month_asked_for_by_address_is_shown(member):
    response = member.get(REPORTS, {"month": "2019-03"})
    assert response.status_code == 200
    page = text(response)
    assert "Monthly report: March 2019" in page
    # Nothing received: no acceptance rate, in words.
    assert 'data-value="">Not applicable</td>' in page


def test_the_report_is_audited(october, member):
    member.get(REPORTS, {"month": "2026-10"})
    member.get(TRENDS, {"month": "2026-10"})
    [month] = events(AuditAction.VIEW, "month")
    [trends] = events(AuditAction.VIEW, "trends")
    assert month.object_id == trends.object_id == "2026-10"
    assert month.detail == {"report": "month", "month": "2026-10"}


def test_the_page_costs_a_constant_number_of_queries(
    member, lead, django_assert_max_num_queries, settings
):
    staff = make_staff()
    build_october(staff)
    for client in (member, lead):
        with django_assert_max_num_queries(REPORT_QUERIES) as few:
            client.get(REPORTS, {"month": "2026-10"})
    # Many more referrals in the month: not one query more.
    for _ in range(15):
        ReferralFactory(submitted=True, submitted_at=Month(2026, 10).starts_at())
    with django_assert_max_num_queries(len(few.captured_queries)):
        lead.get(REPORTS, {"month": "2026-10"})


def test_the_trends_page_draws_each_chart_from_its_table(october, member):
    page = text(member.get(TRENDS, {"month": "2026-10"}))
    assert "Trends: the 13 months to October 2026" in page
    for key in ("trend-received", "trend-seen", "trend-waiting"):
        assert f'data-table="{key}-table"' in page
        assert f'id="{key}-table"' in page
    assert page.count('<canvas class="imhs-chart__canvas" role="img"') == 3
    assert "with the 90% standard as a dashed line, October 2025 to October 2026" in page
    assert "chart.js/chart.umd.min.js" in page
    assert "js/charts.js" in page


# --- who may open what ------------------------------------------------------------------------


def test_a_referrer_is_refused_everything(october):
    referrer = sign_in(Client(), ReferrerFactory())
    for url in (REPORTS, TRENDS, CODES):
        assert referrer.get(url).status_code == 403
    for url in DOWNLOADS.values():
        assert referrer.post(url, {"month": "2026-10"}).status_code == 403


def test_a_team_member_has_no_extract_and_no_codes(october, member):
    page = text(member.get(REPORTS, {"month": "2026-10"}))
    assert "Patient-level extract" not in page
    assert "National codes" not in page
    assert member.get(CODES).status_code == 403
    assert member.post(DOWNLOADS["extract"], {"month": "2026-10"}).status_code == 403
    assert not events(AuditAction.EXPORT)


# --- the files ---------------------------------------------------------------------------------


def download(client, kind, month="2026-10"):
    response = client.post(DOWNLOADS[kind], {"month": month})
    assert response.status_code == 200
    assert response.streaming
    return response, b"".join(response.streaming_content)


def test_the_tables_as_csv(october, member):
    response, body = download(member, "csv")
    assert response["Content-Disposition"] == 'attachment; filename="imhs-report-2026-10.csv"'
    lines = list(csv.reader(io.StringIO(body.decode())))
    assert lines[0] == ["Table", "Row", "Column", "Value"]
    assert ["Referrals received", "Received", "Number", "5"] in lines
    [event] = events(AuditAction.EXPORT)
    assert event.detail == {"report": "csv", "month": "2026-10"}


def test_the_workbook_with_the_trends(october, member):
    response, body = download(member, "xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="imhs-report-2026-10.xlsx"'
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames[0] == "About"
    assert {"received", "patients-seen", "trend-received", "trend-seen"} <= set(book.sheetnames)
    assert book["received"]["A5"].value == "Received"
    assert book["received"]["B5"].value == 5
    assert events(AuditAction.EXPORT, "xlsx")


def test_the_national_row(october, member):
    response, body = download(member, "national")
    assert response["Content-Disposition"] == 'attachment; filename="imhs-national-2026-10.csv"'
    lines = list(csv.reader(io.StringIO(body.decode())))
    assert lines[0] == list(NATIONAL_COLUMNS)
    row = dict(zip(lines[0], lines[1], strict=True))
    assert (row["HB"], row["Month"], row["ReferralsReceived"]) == ("S08000032", "202610", "5")
    assert events(AuditAction.EXPORT, "national")


def test_a_get_of_a_download_goes_to_the_report(member, lead):
    for kind, url in DOWNLOADS.items():
        client = lead if kind == "extract" else member
        response = client.get(url)
        assert (response.status_code, response.url) == (302, REPORTS)
    assert not events(AuditAction.EXPORT)


def test_a_download_of_a_bad_month_says_so(member):
    response = member.post(DOWNLOADS["csv"], {"month": "2026-13"}, follow=True)
    assert "No file was made: select a month from the list" in text(response)
    assert not events(AuditAction.EXPORT)


# --- the extract -------------------------------------------------------------------------------


def test_the_extract_is_refused_while_values_have_no_code(october, lead):
    map_everything(except_for={("sex", "male")})
    page = text(lead.get(REPORTS, {"month": "2026-10"}))
    assert "1 value has no national code" in page
    assert "Sex: Male" in page
    assert "Download the extract (CSV)" not in page

    response = lead.post(DOWNLOADS["extract"], {"month": "2026-10"})
    assert response.status_code == 200
    assert not response.streaming
    page = text(response)
    assert "The extract for October 2026 cannot be downloaded yet" in page
    assert "Sex: Male" in page
    assert CODES in page
    assert not events(AuditAction.EXPORT)
    assert events(AuditAction.VIEW, "extract-refused")


def test_the_extract_is_given_when_every_value_has_a_code(october, lead):
    map_everything()
    assert "Download the extract (CSV)" in text(lead.get(REPORTS, {"month": "2026-10"}))
    response, body = download(lead, "extract")
    assert response["Content-Disposition"] == 'attachment; filename="imhs-extract-2026-10.csv"'
    lines = list(csv.reader(io.StringIO(body.decode())))
    assert lines[0] == list(EXTRACT_COLUMNS)
    assert october["r2"].reference in {line[1] for line in lines[1:]}
    [event] = events(AuditAction.EXPORT)
    assert event.detail == {"report": "extract", "month": "2026-10"}
    # Nothing about a person in the address, the file's name or the audit trail.
    assert october["r2"].infant.chi_number not in response["Content-Disposition"]
    assert october["r2"].infant.chi_number not in str(event.detail)


# --- the national codes -----------------------------------------------------------------------


def field_name(column, value):
    return f"{column}-{list(MAPPED[column][1]).index(value)}"


def test_the_codes_page_lists_each_value_with_its_code(lead):
    NationalCode.objects.create(field="sex", value="male", code="M1")
    response = lead.get(CODES)
    page = text(response)
    assert response.status_code == 200
    for title, labels in MAPPED.values():
        assert title in page
        for words in labels.values():
            assert words.replace("'", "&#x27;") in page
    assert f'name="{field_name("sex", "male")}" value="M1"' in page
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="referrals.nationalcode"
    ).exists()


def test_saving_codes_creates_changes_and_clears_each_audited(lead):
    NationalCode.objects.create(field="sex", value="male", code="M1")
    NationalCode.objects.create(field="sex", value="female", code="F1")
    data = {
        field_name("sex", "male"): "M2",  # changed
        field_name("sex", "female"): "",  # cleared
        field_name("att_status", "attended"): "ATT_01",  # new
    }
    response = lead.post(CODES, data, follow=True)
    assert "National codes saved: 3 changed." in text(response)
    assert set(NationalCode.objects.values_list("field", "value", "code")) == {
        ("sex", "male", "M2"),
        ("att_status", "attended", "ATT_01"),
    }
    changes = {
        (e.action, e.detail["value"], e.detail["old"], e.detail["new"])
        for e in AuditEvent.objects.filter(object_type="referrals.nationalcode").exclude(
            action=AuditAction.VIEW
        )
    }
    assert changes == {
        (AuditAction.CHANGE, "male", "M1", "M2"),
        (AuditAction.DELETE, "female", "F1", ""),
        (AuditAction.CREATE, "attended", "", "ATT_01"),
    }


@pytest.mark.parametrize("bad", ["has space", "x" * 21, "semi;colon", "=SUM(A1)"])
def test_an_invalid_code_is_refused_and_nothing_typed_is_lost(lead, bad):
    data = {field_name("sex", "male"): bad, field_name("sex", "female"): "F9"}
    response = lead.post(CODES, data)
    assert response.status_code == 200
    page = text(response)
    assert CODE_MESSAGE.replace("(-)", "(-)") in page
    assert "nhsuk-error-summary" in page
    assert page.count(CODE_MESSAGE) == 2  # in the summary and at the field
    assert 'value="F9"' in page
    assert not NationalCode.objects.exists()
