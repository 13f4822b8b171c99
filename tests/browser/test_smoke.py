"""The public pages and signing in, in a real browser: accessible, working, CSP-clean."""

import base64
import io
import re

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP
from playwright.sync_api import expect

from imhs.models import AuditAction, AuditEvent
from tests.factories import ReferrerFactory, ServiceLeadFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_public_pages_pass_axe_with_no_console_errors(
    page, live_server, assert_accessible, console_errors
):
    for path, heading in [
        ("/", "Refer a baby to the Infant Mental Health Service"),
        ("/accounts/login/", "Sign in"),
        ("/accessibility/", "Accessibility statement"),
        ("/privacy/", "Privacy statement"),
    ]:
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible()

    # The nonce'd inline script ran, and NHS.UK frontend's module loaded under the CSP and
    # started its components (each marks its root element as initialised).
    expect(page.locator("body")).to_have_class(
        re.compile(r"\bjs-enabled nhsuk-frontend-supported\b")
    )
    expect(page.locator(".nhsuk-header")).to_have_attribute("data-nhsuk-header-init", "")
    assert console_errors == []


def test_demo_referrer_signs_in_and_lands_on_their_referrals(
    page, live_server, settings, assert_accessible, console_errors
):
    settings.DEBUG = True  # seed_demo refuses otherwise
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email address").fill("health.visitor@example.org")
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your referrals")
    assert page.url == live_server.url + "/referrals/"
    expect(page.get_by_role("banner")).to_contain_text("Hazel Birchwood")
    assert_accessible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    signing = AuditEvent.objects.filter(action__in=[AuditAction.SIGN_IN, AuditAction.SIGN_OUT])
    assert list(signing.values_list("action", flat=True).order_by("id")) == [
        AuditAction.SIGN_IN,
        AuditAction.SIGN_OUT,
    ]
    assert console_errors == []


def test_wrong_password_shows_the_error_summary_and_keeps_the_email(
    page, live_server, assert_accessible, console_errors
):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(page.get_by_label("Email address")).to_have_value("nobody@example.org")
    assert_accessible()
    assert console_errors == []


def test_a_new_service_lead_sets_up_a_second_factor_and_uses_the_admin_under_the_csp(
    page, live_server, assert_accessible, console_errors
):
    ServiceLeadFactory(email="lead.browser@example.org", password="browser test passphrase")
    ReferrerFactory(given_name="Searchable", family_name="Testperson")

    page.goto(live_server.url + "/admin/")
    # The admin's own login form is replaced by the service's sign-in page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Email address").fill("lead.browser@example.org")
    page.get_by_label("Password").fill("browser test passphrase")
    page.get_by_role("button", name="Sign in").click()

    # First sign-in: the password alone opens nothing; set up an authenticator app.
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    qr_code = page.get_by_role("img", name="QR code to add the Infant Mental Health Service")
    expect(qr_code).to_be_visible()
    assert qr_code.evaluate("img => img.naturalWidth") > 0  # drawn, under the CSP
    assert_accessible()
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Security code").fill("123")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("The code is not right")
    page.wait_for_timeout(1100)  # after a wrong code django-otp makes the next wait a second
    page.get_by_label("Security code").fill(f"{TOTP(key).token():06d}")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Save your backup codes")
    expect(page.locator(".imhs-backup-codes li")).to_have_count(10)
    assert_accessible()
    page.get_by_role("link", name="I have saved my codes").click()

    expect(page).to_have_url(live_server.url + "/admin/")
    page.get_by_role("link", name="Users").first.click()
    page.get_by_role("textbox").first.fill("Searchable")
    page.keyboard.press("Enter")
    expect(page.locator("#result_list")).to_contain_text("Searchable Testperson")
    page.get_by_role("link", name="Referrer").first.click()  # the role filter
    expect(page.locator("#result_list")).to_contain_text("Searchable Testperson")
    assert console_errors == []
