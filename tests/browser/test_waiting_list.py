"""The waiting list and caseloads in a real browser: a service lead goes from the dashboard to
the waiting list (breached and soon-to-breach rows marked), fits it at 1280 px, filters it, then
reassigns two referrals from a member's caseload. Every page passes axe; nothing on the
console."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import check_accessible, sign_in_to_the_dashboard
from tests.factories import InfantFactory, ReferralFactory, ServiceLeadFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "browser waiting list passphrase"


def waiting(days, member, lead, name):
    received = timezone.now() - datetime.timedelta(days=days)
    return ReferralFactory(
        submitted=True,
        with_carer=False,
        status="accepted",
        priority="routine",
        submitted_at=received,
        decided_at=received + datetime.timedelta(days=1),
        decided_by=lead,
        allocated_to=member,
        allocated_at=received + datetime.timedelta(days=1),
        infant=InfantFactory(given_name=name, family_name="Testbaby-Fitzgerald"),
    )


def test_the_waiting_list_and_reassigning_from_a_caseload(page, live_server, console_errors):
    lead = ServiceLeadFactory(email="waiting.lead@example.org", password=PASSWORD)
    member = TeamMemberFactory(given_name="Caseloadtest", family_name="Holder")
    other = TeamMemberFactory(given_name="Receivertest", family_name="Person")
    waiting(140, member, lead, "Breachedbaby")
    waiting(110, member, lead, "Soonbaby")
    for n in range(4):
        waiting(10 + n, member, lead, f"Recentbaby{n}")
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_to_the_dashboard(page, live_server, lead, PASSWORD)

    page.get_by_role("navigation", name="Team pages").get_by_role(
        "link", name="Waiting list"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Waiting list")
    expect(page.get_by_text("1 breached, 1 within 4 weeks of breaching")).to_be_visible()
    expect(page.locator("tr.imhs-waiting-row--breached")).to_have_count(1)
    expect(page.locator("tbody tr").first).to_contain_text("Breachedbaby")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280
    check_accessible(page)

    page.get_by_label("Adjusted wait").select_option("19-35")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    assert "band=19-35" in page.url

    page.get_by_role("link", name="Caseloads").click()
    check_accessible(page)
    page.get_by_role("link", name="Caseloadtest Holder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload of Caseloadtest Holder")
    check_accessible(page)
    page.get_by_label("Select Recentbaby0", exact=False).check()
    page.get_by_label("Select Recentbaby1", exact=False).check()
    page.get_by_label("Reassign selected to").select_option(
        label=other.full_name + ", Clinical Psychologist"
    )
    page.get_by_role("button", name="Reassign selected").click()

    expect(page.get_by_text("2 referrals reassigned to Receivertest Person.")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(4)
    check_accessible(page)
    assert console_errors == []
