"""The team's dashboard in a real browser (issue 12, points 8 and 11): the list fits the page at
1280 and 1024 px with references on one line and starts on the first screen, the filters are
folded away and say how many are active, and a search finds a referral in any queue, with its
status and the matches counted in each queue. Every state passes axe; nothing on the console.

Set IMHS_SCREENSHOTS to a folder to keep a screenshot of each width there.
"""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from imhs.models import Profession
from referrals.models import InformationRequest
from tests.browser.conftest import check_accessible, sign_in_to_the_dashboard
from tests.factories import (
    InfantFactory,
    ReferralFactory,
    ReferrerFactory,
    ServiceLeadFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "browser dashboard passphrase"
WIDTHS = [(1280, 800), (1024, 768)]
FIRST_SCREEN = 600  # px from the top of the page


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def make_referrals(lead):
    """A realistic New queue (long names, every marker a row can carry) and one referral that
    has moved on to "Accepted, awaiting allocation"."""
    reviewer = TeamMemberFactory(given_name="Alexandrina", family_name="Testreviewer-Longname")
    nurse = ReferrerFactory(
        given_name="Bartholomew",
        family_name="Testreferrer-Montgomery",
        profession=Profession.FAMILY_NURSE,
    )
    for number in range(6):
        ReferralFactory(
            submitted=True,
            with_carer=False,
            referrer=nurse,
            submitted_at=days_ago(7 * 19 + number),
            infant=InfantFactory(
                given_name=f"Maximiliana{number}", family_name="Testbaby-Fitzgerald"
            ),
            eligibility_outcome="needs_review",
            possible_duplicate=True,
            parent_views_method="secure_link",
        )
    ReferralFactory(
        submitted=True,
        with_carer=False,
        priority="urgent",
        eligibility_outcome="eligible",
        infant=InfantFactory(given_name="Urgenttest", family_name="Eligible"),
    )
    ReferralFactory(
        submitted=True,
        with_carer=False,
        status="in_review",
        review_started_by=reviewer,
        review_started_at=days_ago(1),
    )
    asked = ReferralFactory(submitted=True, with_carer=False, status="information_requested")
    InformationRequest.objects.create(
        referral=asked, question="Synthetic question?", asked_by=reviewer, asked_at=days_ago(2)
    )
    return ReferralFactory(
        submitted=True,
        with_carer=False,
        reference="IMH-2026-00007",
        status="accepted",
        priority="routine",
        decided_at=days_ago(1),
        decided_by=lead,
        infant=InfantFactory(given_name="Movedon", family_name="Testbaby"),
    )


def sign_in(page, live_server, user):
    sign_in_to_the_dashboard(page, live_server, user, PASSWORD)


def layout(page):
    """Where the list sits, measured by the browser."""
    return page.evaluate(
        """() => {
            const table = document.querySelector('main table');
            const main = document.querySelector('main');
            const references = [...table.querySelectorAll('tbody td:first-child a')];
            return {
                tableRight: table.getBoundingClientRect().right,
                mainRight: main.getBoundingClientRect().right,
                tableTop: table.getBoundingClientRect().top + window.scrollY,
                scrollWidth: document.documentElement.scrollWidth,
                windowWidth: window.innerWidth,
                referenceLines: references.map(a => a.getClientRects().length),
                filtersOpen: document.querySelector('main details.imhs-dashboard-filters').open,
            };
        }"""
    )


def screenshot(page, name):
    if folder := os.environ.get("IMHS_SCREENSHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"]
        page.screenshot(path=f"{folder}/dashboard-{name}-{width}.png", full_page=True)


def check_the_list_fits(page, width, name):
    screenshot(page, name)
    box = layout(page)
    assert box["tableRight"] <= box["mainRight"], box
    assert box["scrollWidth"] <= box["windowWidth"] == width, box
    assert box["referenceLines"], box
    assert set(box["referenceLines"]) == {1}, box  # every reference on one line
    assert box["tableTop"] < FIRST_SCREEN, box
    assert not box["filtersOpen"], box


def test_the_dashboard_fits_and_a_search_looks_in_every_queue(page, live_server, console_errors):
    lead = ServiceLeadFactory(email="dashboard.lead@example.org", password=PASSWORD)
    moved_on = make_referrals(lead)
    sign_in(page, live_server, lead)
    filters = page.locator("main details.imhs-dashboard-filters")

    # The New queue fits at both widths, its references on one line, the filters folded.
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(live_server.url + "/team/")
        expect(page.get_by_role("table", name=re.compile(r"^New: "))).to_be_visible()
        expect(filters.locator("summary")).to_have_text("Filters")
        check_the_list_fits(page, width, "new")
        check_accessible(page)

    # Searching from "New" finds the referral that has moved on, with its status and the
    # matches in each queue.
    page.get_by_label("Search all queues").fill(moved_on.reference)
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.get_by_role("table", name=re.compile(r"^Matches in every queue: "))
    # The search posts: what was searched for is in no address, only the search's key.
    expect(page).to_have_url(re.compile(r"/team/\?s=[\w-]+$"))
    row = results.get_by_role("row").filter(has=page.get_by_role("link", name=moved_on.reference))
    expect(row.locator(".nhsuk-tag").first).to_have_text("Accepted")
    expect(results.locator("tbody tr")).to_have_count(1)
    queues = page.get_by_role("navigation", name=re.compile("^Queues"))
    expect(queues).to_contain_text("New (0)")
    expect(queues).to_contain_text("Accepted, awaiting allocation (1)")
    expect(queues).to_contain_text("All referrals (1)")
    check_the_list_fits(page, 1024, "search")
    check_accessible(page)

    # Narrowing to that queue keeps the search.
    queues.get_by_role("link", name="Accepted, awaiting allocation (1)").click()
    expect(
        page.get_by_role("table", name=re.compile(r"^Accepted, awaiting allocation: "))
    ).to_contain_text(moved_on.reference)

    # Two filters on the New queue: the folded summary counts them.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/team/")
    filters.locator("summary").click()
    expect(filters).to_have_attribute("open", "")
    screenshot(page, "filters-open")
    check_accessible(page)  # with the filters open
    filters.get_by_label("Priority").select_option(label="Urgent")
    filters.get_by_label("Eligibility outcome").select_option(label="Eligible")
    filters.get_by_role("button", name="Apply filters").click()
    expect(filters.locator("summary")).to_have_text("Filters (2 active)")
    table = page.get_by_role("table", name=re.compile(r"^New: "))
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Urgenttest Eligible")
    check_the_list_fits(page, 1280, "filtered")
    check_accessible(page)

    # On a phone the rows stack (NHS.UK responsive table) and nothing overflows either.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/team/")
    screenshot(page, "phone")
    box = layout(page)
    assert box["scrollWidth"] <= box["windowWidth"] == 390, box
    check_accessible(page)

    assert console_errors == []


def test_the_pages_of_a_long_queue_are_walked_by_their_links(page, live_server, console_errors):
    """Issue 18, point 3: keyset pages, with first, previous, next and last links a person can
    use, the caption saying where they are; the links fit and pass axe."""
    lead = ServiceLeadFactory(email="pages.lead@example.org", password=PASSWORD)
    referrer = ReferrerFactory()
    made = [
        ReferralFactory(
            submitted=True,
            with_carer=False,
            referrer=referrer,
            reference=f"IMH-2026-{number:05d}",
            submitted_at=days_ago(60 - number),
        )
        for number in range(1, 28)
    ]
    sign_in(page, live_server, lead)
    page.set_viewport_size({"width": 1024, "height": 768})
    pages = page.get_by_role("navigation", name="Pages of referrals")

    page.goto(live_server.url + "/team/")
    expect(page.get_by_role("table", name=re.compile(r"^New: 1 to 25 of 27 "))).to_be_visible()
    expect(pages.get_by_role("link", name=re.compile("^First"))).to_have_count(0)
    screenshot(page, "pages-first")
    check_accessible(page)

    pages.get_by_role("link", name=re.compile("^Next")).click()
    table = page.get_by_role("table", name=re.compile(r"^New: 26 to 27 of 27 "))
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).to_contain_text(made[-1].reference)
    expect(pages.get_by_role("link", name=re.compile("^Next"))).to_have_count(0)
    check_accessible(page)

    pages.get_by_role("link", name=re.compile("^Previous")).click()
    expect(page.get_by_role("table", name=re.compile(r"^New: 1 to 25 of 27 "))).to_be_visible()
    pages.get_by_role("link", name=re.compile("^Last")).click()
    expect(page.get_by_role("table", name=re.compile(r"^New: 3 to 27 of 27 "))).to_be_visible()
    pages.get_by_role("link", name=re.compile("^First")).click()
    expect(page.get_by_role("table", name=re.compile(r"^New: 1 to 25 of 27 "))).to_be_visible()
    box = layout(page)
    assert box["scrollWidth"] <= box["windowWidth"], box

    assert console_errors == []
