"""The team's referral page in a real browser (issue 12, point 12): named once, in the team's
words, a summary at a glance in the first screen at 1280 px, the details below with a contents
list beside them whose links all work; axe and no console or CSP errors throughout."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from referrals import workflow
from tests.browser.conftest import check_accessible, sign_in_to_the_dashboard
from tests.factories import ReferralFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "browser page passphrase"
# Where to keep the screenshots for a person to look at (set IMHS_SCREENSHOTS to a folder).
SCREENSHOTS = os.environ.get("IMHS_SCREENSHOTS")
GLANCE = ["Status", "Waiting", "Eligibility", "Parents' views", "Allocated to", "Next step"]


def screenshot(page, name, **options):
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), **options)


def sign_in(page, live_server, user):
    sign_in_to_the_dashboard(page, live_server, user, PASSWORD)


def test_the_team_walks_the_referral_page(page, live_server, console_errors):
    member = TeamMemberFactory(email="page.team@example.org", password=PASSWORD)
    referral = ReferralFactory(submitted=True)
    workflow.start_review(referral, by=member, version=referral.version)
    workflow.add_note(referral, by=member, text="Synthetic note: discussed at triage.")
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server, member)

    page.goto(f"{live_server.url}/team/referrals/{referral.reference}/")

    # Named once: the reference as the caption, the baby's name as the one heading.
    name = referral.infant.full_name
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.locator(".nhsuk-caption-l")).to_have_text(f"Referral {referral.reference}")
    expect(page.get_by_role("main")).not_to_contain_text(f"{referral.reference}: {name}")
    main = page.get_by_role("main")
    for referrers_words in ("Your concerns", "About you"):
        expect(main.get_by_role("heading", name=referrers_words, exact=True)).to_have_count(0)
    for teams_words in ("Concerns", "Referrer"):
        expect(main.get_by_role("heading", name=teams_words, exact=True)).to_be_visible()

    # The summary at a glance, whole, in the first screen; the contents list beside it.
    glance = page.locator(".imhs-glance")
    keys = glance.locator(".nhsuk-summary-list__key")
    expect(keys).to_have_text(GLANCE)
    box = glance.bounding_box()
    assert box["y"] + box["height"] <= 800, box
    contents = page.get_by_role("navigation", name="On this page")
    expect(contents).to_be_in_viewport()
    aside, summary = contents.bounding_box(), glance.bounding_box()
    assert aside["x"] > summary["x"] + summary["width"]  # in the right third, not below
    screenshot(page, "team-referral-first-screen")
    screenshot(page, "team-referral-full", full_page=True)
    check_accessible(page)

    # Every in-page link lands on its section, with the contents list still in view.
    links = contents.get_by_role("link")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert "#actions" in hrefs
    assert "#form-about-you" in hrefs
    for href in hrefs:
        contents.locator(f'a[href="{href}"]').click()
        expect(page).to_have_url(f"{live_server.url}/team/referrals/{referral.reference}/{href}")
        expect(page.locator(href)).to_be_in_viewport()
        expect(contents).to_be_in_viewport()
    screenshot(page, "team-referral-scrolled")

    # "Details" in the summary go to the sections too.
    glance.get_by_role("link", name="Details about eligibility").click()
    expect(page.locator("#eligibility")).to_be_in_viewport()

    # On a phone: one column, the summary first, then the contents list.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/team/referrals/{referral.reference}/")
    assert glance.bounding_box()["y"] < contents.bounding_box()["y"]
    screenshot(page, "team-referral-phone")
    check_accessible(page)

    assert console_errors == []
