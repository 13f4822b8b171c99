"""The service lead's security pages in a real browser: the second-factor code at sign-in, a
referral's access log, the audit export (with its errors), and the account page; a team member
without their phone signs in with a backup code and gets new ones. Accessible, no console or CSP
errors."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import check_accessible, enter_security_code
from tests.factories import ReferralFactory, ServiceLeadFactory, TeamMemberFactory
from tests.sign_in import authenticator_for, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "browser test passphrase for the lead"


def heading(page):
    return page.get_by_role("heading", level=1)


def test_a_service_lead_checks_who_opened_a_referral_and_exports_the_audit_trail(
    page, live_server, console_errors
):
    lead = ServiceLeadFactory(email="security.lead@example.org", password=PASSWORD)
    authenticator_for(lead)
    colleague = TeamMemberFactory(given_name="Rowan", family_name="Testcolleague")
    referral = ReferralFactory(submitted=True)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(lead.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(heading(page)).to_have_text("Enter your security code")
    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("The code is not right")
    check_accessible(page)
    page.wait_for_timeout(1100)  # after a wrong code django-otp makes the next wait a second
    enter_security_code(page, lead.email)
    expect(heading(page)).to_have_text("Referrals dashboard")

    # A colleague opened the referral; the lead sees who and when.
    other = page.context.browser.new_context().new_page()
    authenticator_for(colleague)
    colleague.set_password(PASSWORD)
    colleague.save(update_fields=["password"])
    other.goto(live_server.url + "/accounts/login/")
    other.get_by_label("Email address").fill(colleague.email)
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_role("button", name="Sign in").click()
    enter_security_code(other, colleague.email)
    other.goto(f"{live_server.url}/team/referrals/{referral.reference}/")
    other.context.close()

    page.goto(f"{live_server.url}/team/referrals/{referral.reference}/")
    access_log = page.get_by_role("table", name="Who has accessed this referral")
    expect(access_log).to_contain_text("Rowan Testcolleague")
    check_accessible(page)

    # The audit export: a wrong date range is explained at the fields and in the summary.
    page.goto(live_server.url + "/team/")
    page.get_by_role("link", name="Export audit events").click()
    expect(heading(page)).to_have_text("Export audit events")
    check_accessible(page)
    page.get_by_role("button", name="Download CSV").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    check_accessible(page)
    today = datetime.date.today()
    for legend in ("From", "To"):
        group = page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(str(today.day))
        group.get_by_label("Month").fill(str(today.month))
        group.get_by_label("Year").fill(str(today.year))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    csv = download.value.path().read_text()
    assert colleague.email in csv
    assert referral.infant.given_name not in csv

    # The account page: the app is set up, backup codes can be renewed.
    page.goto(live_server.url + "/accounts/")
    expect(heading(page)).to_have_text("Your account")
    expect(page.get_by_role("main")).to_contain_text("Set up")
    check_accessible(page)
    assert console_errors == []


def test_without_their_phone_a_team_member_signs_in_with_a_backup_code_and_gets_new_ones(
    page, live_server, console_errors, settings, client
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 2  # the first wait: 2 seconds
    member = TeamMemberFactory(email="no.phone@example.org", password=PASSWORD)
    sign_in(client, member)
    codes = re.findall(
        r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}",
        client.post(reverse("second_factor_backup_codes")).content.decode(),
    )

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Security code").fill("WRONG-CODE")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("unused backup codes")
    # Straight away: one wait for both kinds of code, and the page says how long it is.
    page.get_by_label("Security code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        re.compile(r"too many wrong codes\. Wait [12] seconds?, then try again")
    )
    check_accessible(page)
    page.wait_for_timeout(2100)
    page.get_by_role("button", name="Continue").click()  # what was typed is kept
    expect(heading(page)).to_have_text("Referrals dashboard")

    page.goto(live_server.url + "/accounts/")
    expect(page.get_by_role("main")).to_contain_text("9 unused")
    page.get_by_role("button", name="Get new backup codes").click()
    expect(heading(page)).to_have_text("Save your backup codes")
    expect(page.locator(".imhs-backup-codes li")).to_have_count(10)
    check_accessible(page)
    # Still signed in with the second factor: no new code needed to carry on.
    page.get_by_role("link", name="I have saved my codes").click()
    expect(heading(page)).to_have_text("Referrals dashboard")
    page.goto(live_server.url + "/accounts/")
    expect(heading(page)).to_have_text("Your account")
    expect(page.get_by_role("main")).to_contain_text("10 unused")
    assert console_errors == []
