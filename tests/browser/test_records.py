"""Records governance in a real browser (issue 16): a service lead opens the review queue from
the team's pages, keeps one record longer (an error first: nothing typed is lost), puts another
on legal hold (the queue says why), lifts it and destroys it after confirming, then finds it in
the destruction register. Every page passes axe; nothing on the console."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals import retention
from referrals.models import Referral
from tests.browser.conftest import check_accessible, sign_in_to_the_dashboard
from tests.factories import ReferralFactory, ServiceLeadFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "browser records passphrase"  # pragma: allowlist secret


def declined_long_ago():
    return ReferralFactory(
        declined=True, decided_at=timezone.now() - datetime.timedelta(days=4 * 366)
    )


def test_the_review_queue_keep_longer_legal_hold_and_destroy(page, live_server, console_errors):
    lead = ServiceLeadFactory(email="records.lead@example.org", password=PASSWORD)
    kept, destroyed = declined_long_ago(), declined_long_ago()
    retention.apply()
    sign_in_to_the_dashboard(page, live_server, lead, PASSWORD)

    page.get_by_role("navigation", name="Team pages").get_by_role("link", name="Records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Records due for review")
    check_accessible(page)

    page.get_by_role("link", name=kept.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(kept.reference)
    check_accessible(page)
    page.get_by_label("Why keep it longer").fill("A complaint is expected")
    page.get_by_role("button", name="Keep it longer").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the date to review it")
    expect(page.get_by_label("Why keep it longer")).to_have_value("A complaint is expected")
    check_accessible(page)
    later = timezone.localdate() + datetime.timedelta(days=90)
    page.get_by_label("Day").fill(str(later.day))
    page.get_by_label("Month").fill(str(later.month))
    page.get_by_label("Year").fill(str(later.year))
    page.get_by_role("button", name="Keep it longer").click()
    expect(page.get_by_text(f"{kept.reference} kept")).to_be_visible()
    expect(page.get_by_role("link", name=kept.reference)).to_have_count(0)

    page.get_by_role("link", name=destroyed.reference).click()
    page.get_by_role("link", name="Legal hold").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Legal hold")
    check_accessible(page)
    page.get_by_label("A subject access request in progress").check()
    page.get_by_role("button", name="Place a legal hold").click()
    expect(page.get_by_text("is on legal hold: it will not be destroyed")).to_be_visible()
    page.goto(f"{live_server.url}/team/records/reviews/")
    expect(page.locator("tbody tr")).to_contain_text("A subject access request in progress")
    page.goto(f"{live_server.url}/team/referrals/{destroyed.reference}/legal-hold/")
    page.get_by_role("button", name="Lift the legal hold").click()
    expect(page.get_by_text("The legal hold")).to_be_visible()

    page.goto(f"{live_server.url}/team/records/reviews/")
    page.get_by_role("link", name=destroyed.reference).click()
    page.get_by_role("button", name="Destroy the record").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Confirm that this record")
    check_accessible(page)
    page.get_by_label("I confirm that this record may be destroyed now").check()
    page.get_by_role("button", name="Destroy the record").click()
    expect(page.get_by_text(f"{destroyed.reference} destroyed")).to_be_visible()
    assert not Referral.objects.filter(pk=destroyed.pk).exists()

    page.get_by_role("navigation", name="Records pages").get_by_role(
        "link", name="Destruction register"
    ).click()
    expect(page.locator("tbody tr")).to_contain_text(destroyed.reference)
    expect(page.locator("tbody tr")).to_contain_text(lead.full_name)
    check_accessible(page)
    page.get_by_role("navigation", name="Records pages").get_by_role(
        "link", name="Retention rules"
    ).click()
    check_accessible(page)
    page.get_by_role("link", name="Declined or withdrawn referrals").click()
    check_accessible(page)
    assert console_errors == []
