"""The safety controls in a real browser (docs/safety/hazard-log.md): the team's alerts open
and link to the referral, the reference data warning beside the eligibility, and the blank
paper form; each passes axe, nothing on the console."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import check_accessible, sign_in_to_the_dashboard
from tests.factories import InfantFactory, ReferralFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "browser safety passphrase"


def test_the_alerts_the_stale_reference_data_and_the_paper_form(page, live_server, console_errors):
    member = TeamMemberFactory(password=PASSWORD)
    waiting = ReferralFactory(
        accepted=True,
        with_carer=False,
        decided_at=timezone.now() - datetime.timedelta(days=30),
        infant=InfantFactory(given_name="Alertina", family_name="Testbaby"),
    )
    ReferralFactory(
        submitted=True, with_carer=False, submitted_at=timezone.now() - datetime.timedelta(days=9)
    )
    sign_in_to_the_dashboard(page, live_server, member, PASSWORD)

    alerts = page.get_by_role("region", name="Alerts")
    expect(alerts).to_contain_text("with no appointment booked: 1")
    expect(alerts).to_contain_text("not yet reviewed: 1")
    check_accessible(page)
    alerts.locator("summary", has_text="with no appointment booked").click()
    expect(alerts.get_by_role("cell", name="Alertina Testbaby")).to_be_visible()
    check_accessible(page)
    alerts.get_by_role("link", name=waiting.reference).click()
    expect(page.get_by_role("heading", name="Appointments")).to_be_visible()
    # Nothing imported in this database: the eligibility section warns.
    expect(page.get_by_text("The area and GP practice checks may be out of date")).to_be_visible()
    check_accessible(page)

    page.goto(live_server.url + "/team/")
    page.get_by_role("link", name="Paper form for outages").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request for Assistance: paper form")
    expect(page.get_by_role("heading", name="1. About the baby")).to_be_visible()
    check_accessible(page)
    assert console_errors == []
