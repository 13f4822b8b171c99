"""The reports in a real browser: a service lead opens the reports from the dashboard, changes
the month, reads the figures, downloads each file, is told which values lack a national code,
adds it on the codes page and downloads the extract; the trends page draws each chart from its
table (the canvas has pixels), under the CSP with nothing on the console, and prints its charts
at a fixed width with the tables. Axe on every page."""

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from referrals.models import NationalCode
from referrals.reports.extract import MAPPED
from tests.browser.conftest import check_accessible, sign_in_to_the_dashboard
from tests.factories import ServiceLeadFactory
from tests.integration.referrals.reports.dataset import build_october, make_staff

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "browser reports passphrase"
MISSING = ("sex", "male")  # r2's baby: in October's extract


def map_all_but_one():
    NationalCode.objects.bulk_create(
        NationalCode(field=column, value=value, code=f"C{number}")
        for column, (_title, labels) in MAPPED.items()
        for number, value in enumerate(labels)
        if (column, value) != MISSING
    )


def download(page, button):
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def cell(page, table, row, column=1):
    line = page.locator(f"#{table}-table tbody tr").filter(
        has=page.get_by_role("rowheader", name=row, exact=True)
    )
    return line.locator("td").nth(column - 1)


def test_reports_journey(page, live_server, console_errors):
    build_october(make_staff())
    map_all_but_one()
    lead = ServiceLeadFactory(email="reports.lead@example.org", password=PASSWORD)
    sign_in_to_the_dashboard(page, live_server, lead, PASSWORD)

    team_pages = page.get_by_role("navigation", name="Team pages")
    team_pages.get_by_role("link", name="Monthly reports").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Monthly report:")
    check_accessible(page)

    # The month picker.
    page.get_by_label("Month").select_option("2026-10")
    page.get_by_role("button", name="Show this month").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Monthly report: October 2026")
    assert "month=2026-10" in page.url
    expect(cell(page, "received", "Received")).to_have_text("5")
    expect(page.get_by_text("Referrals sent to the team in October 2026")).to_be_visible()
    check_accessible(page)

    # The files.
    name, body = download(page, "Download the tables (CSV)")
    assert name == "imhs-report-2026-10.csv"
    assert ["Referrals received", "Received", "Number", "5"] in list(
        csv.reader(io.StringIO(body.decode()))
    )
    name, body = download(page, "Download the workbook (Excel, with the trends)")
    assert name == "imhs-report-2026-10.xlsx"
    assert "trend-seen" in load_workbook(io.BytesIO(body)).sheetnames
    name, body = download(page, "Download the national row (CSV)")
    assert name == "imhs-national-2026-10.csv"
    assert body.decode().startswith("HB,Month,ReferralsReceived")

    # The extract waits for the one value with no national code.
    expect(page.get_by_text("1 value has no national code")).to_be_visible()
    expect(page.get_by_text("Sex: Male")).to_be_visible()
    expect(page.get_by_role("button", name="Download the extract (CSV)")).to_have_count(0)
    page.get_by_role("link", name="Add the missing national codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("National codes")
    check_accessible(page)
    box = page.locator(f"#code-sex-{list(MAPPED['sex'][1]).index('male')}")
    box.fill("not valid!")
    page.get_by_role("button", name="Save national codes").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    check_accessible(page)
    box.fill("M")
    page.get_by_role("button", name="Save national codes").click()
    expect(page.get_by_text("National codes saved: 1 changed.")).to_be_visible()

    page.goto(live_server.url + "/team/reports/?month=2026-10")
    name, body = download(page, "Download the extract (CSV)")
    assert name == "imhs-extract-2026-10.csv"
    assert body.decode().startswith("record_type,UCPN,CHI")

    # The trends: each chart drawn from its table, which stays beside it.
    page.get_by_role("link", name="Trends over 13 months").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Trends: the 13 months to October 2026"
    )
    canvases = page.locator("canvas[data-imhs-chart]")
    expect(canvases).to_have_count(3)
    for index in range(3):
        canvas = canvases.nth(index)
        expect(canvas).to_have_attribute("data-drawn", "true")
        expect(canvas).to_be_visible()
        painted = canvas.evaluate(
            "c => c.getContext('2d').getImageData(0, 0, c.width, c.height).data"
            ".some((value, i) => i % 4 === 3 && value > 0)"
        )
        assert painted
    expect(cell(page, "trend-received", "October 2026", 1)).to_have_text("5")
    expect(cell(page, "trend-seen", "October 2026", 3)).to_have_text("50.0")
    expect(cell(page, "trend-seen", "October 2026", 4)).to_have_text("90")
    check_accessible(page)

    # On paper: the charts at a fixed width, the tables printed under them.
    page.emulate_media(media="print")
    width = canvases.first.evaluate("c => c.getBoundingClientRect().width")
    assert 600 < width < 700  # 17 cm
    expect(page.locator("#trend-seen-table")).to_be_visible()
    page.emulate_media(media="screen")

    assert console_errors == []
