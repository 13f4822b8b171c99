"""The admin in a real browser (issue 12, points 13-17): a service lead goes from the admin's
index to the referrals list and its filters, a referral's page and its workflow buttons, a
decline refused because a colleague acted first (what was typed is kept), and the babies' and
carers' records, and a new care relationship's form.

Every page passes axe (WCAG 2.x A/AA) and logs nothing to the console: no CSP violation,
script error or failed request, before axe runs or after.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals import workflow
from referrals.models import DeclineReason, SignpostService
from tests.browser.conftest import check_accessible, enter_security_code
from tests.factories import ReferralFactory, ServiceLeadFactory, TeamMemberFactory
from tests.sign_in import authenticator_for

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "browser admin passphrase"
EXPLANATION = "A long synthetic explanation for the family, typed while a colleague asked."
SERVICE_NAME = "Test Family Support Service"


def heading(page):
    return page.get_by_role("heading", level=1)


def check_page(page, console_errors):
    """axe clean, and nothing in the console, before axe runs and after."""
    page.wait_for_load_state("networkidle")
    assert console_errors == [], page.url
    check_accessible(page)
    assert console_errors == [], page.url


def below(locator, other):
    """Every box of `locator` starts below the bottom of `other`'s box."""
    bottom = other.bounding_box()
    return all(box.bounding_box()["y"] >= bottom["y"] + bottom["height"] for box in locator.all())


def test_a_service_lead_triages_in_the_admin_accessibly_and_within_the_csp(
    page, live_server, console_errors
):
    lead = ServiceLeadFactory(email="lead.admin@example.org", password=PASSWORD)
    authenticator_for(lead)
    colleague = TeamMemberFactory(given_name="Askingcolleague")
    SignpostService.objects.create(name=SERVICE_NAME, contact="01698 000300", active=True)
    draft = ReferralFactory(appointment_places=["home"])
    referral = workflow.submit(draft, by=draft.referrer)
    workflow.start_review(referral, by=colleague, version=referral.version)
    carer = referral.infant.care_relationships.get().carer

    page.goto(live_server.url + "/admin/")
    expect(heading(page)).to_have_text("Sign in")
    page.get_by_label("Email address").fill(lead.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    enter_security_code(page, lead.email)
    expect(heading(page)).to_have_text("Administration")
    check_page(page, console_errors)

    # The list, in the service's words, and its filters (24 px targets).
    page.get_by_role("rowheader", name="Referrals").get_by_role("link").first.click()
    results = page.locator("#result_list")
    expect(results).to_contain_text(referral.reference)
    expect(results).to_contain_text("Eligible")
    check_page(page, console_errors)
    filters = page.locator("#changelist-filter")
    filters.get_by_role("link", name="In review").click()
    expect(results).to_contain_text(referral.reference)
    filters.get_by_role("link", name="For the team to look at").click()
    expect(page.get_by_text("0 referrals")).to_be_visible()
    check_page(page, console_errors)
    filters.get_by_role("link", name="Eligible", exact=True).click()
    results.get_by_role("link", name=referral.reference).click()

    # The change page: four workflow buttons and History, all below the headings.
    expect(page.get_by_role("heading", level=2, name=referral.reference)).to_be_visible()
    buttons = page.locator(".object-tools a")
    expect(buttons).to_have_count(5)
    assert below(buttons, page.get_by_role("heading", level=2, name=referral.reference))
    expect(page.locator(".field-profession")).to_contain_text("Health visitor")
    expect(page.locator(".field-eligibility_checks")).to_contain_text("Age (Met)")
    expect(page.get_by_role("textbox", name="Team note")).to_be_visible()
    check_page(page, console_errors)

    # Each action's page names the referral in its breadcrumbs (underlined links).
    page.get_by_role("link", name="Ask the referrer for more information").click()
    expect(heading(page)).to_contain_text("Ask the referrer for more information")
    check_page(page, console_errors)
    page.get_by_role("link", name="Cancel").click()

    # A decline typed while a colleague asks the referrer a question: refused, in the same
    # words as the team's page, with everything typed still there.
    page.get_by_role("link", name="Decline the referral").click()
    expect(heading(page)).to_contain_text("Decline the referral")
    check_page(page, console_errors)
    page.get_by_label(DeclineReason.ANOTHER_SERVICE.label).check()
    page.get_by_label(SERVICE_NAME).check()
    page.get_by_label("Explanation").fill(EXPLANATION)
    referral.refresh_from_db()
    workflow.request_information(
        referral, by=colleague, version=referral.version, question="Synthetic question?"
    )
    page.get_by_role("button", name="Decline referral").click()
    expect(page.locator(".errornote")).to_contain_text(
        "You cannot decline this referral now: its status is Information requested "
        "(last changed by Askingcolleague"
    )
    expect(page.get_by_label("Explanation")).to_have_value(EXPLANATION)
    expect(page.get_by_label(DeclineReason.ANOTHER_SERVICE.label)).to_be_checked()
    expect(page.get_by_role("button", name="Decline referral")).to_have_count(0)
    check_page(page, console_errors)
    page.get_by_role("link", name="Back to the referral").click()
    expect(page.locator(".object-tools")).not_to_contain_text("Decline the referral")

    # The family's records.
    for model, name, record in [
        ("infant", "Infants", referral.infant),
        ("carer", "Carers", carer),
    ]:
        page.goto(f"{live_server.url}/admin/patients/{model}/")
        expect(heading(page)).to_contain_text(name[:-1].lower())
        check_page(page, console_errors)
        page.get_by_role("link", name=record.full_name, exact=True).first.click()
        expect(page.get_by_role("heading", level=2, name=str(record))).to_be_visible()
        check_page(page, console_errors)

    # A new care relationship: the empty autocomplete boxes are named by their labels.
    page.goto(f"{live_server.url}/admin/patients/carerelationship/add/")
    expect(page.get_by_role("combobox", name="Carer:")).to_be_visible()
    expect(page.get_by_role("combobox", name="Infant:")).to_be_visible()
    check_page(page, console_errors)


def test_a_case_in_treatment_reads_and_closes_in_the_admin_accessibly(
    page, live_server, console_errors
):
    """Issue 14: the appointments, the family's unavailability and the clock on a referral's
    admin page, and closing it with a coded reason, axe clean and within the CSP."""
    lead = ServiceLeadFactory(email="lead.cases@example.org", password=PASSWORD)
    authenticator_for(lead)
    clinician = TeamMemberFactory(given_name="Treatingclinician")
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    referral = ReferralFactory(submitted=True, submitted_at=timezone.now() - 70 * day)
    workflow.start_review(referral, by=clinician, version=referral.version)
    workflow.accept(referral, by=clinician, version=referral.version, priority="routine")
    for on, purpose, mode in [
        (-40, "assessment", "home_visit"),
        (-20, "first_treatment", "nursery"),
    ]:
        appointment = workflow.book_appointment(
            referral,
            by=clinician,
            version=referral.version,
            on=today + on * day,
            time=datetime.time(10, 0),
            purpose=purpose,
            mode=mode,
            staff=[clinician],
        )
        workflow.record_attendance(
            referral,
            appointment=appointment,
            by=clinician,
            version=referral.version,
            attendance="attended",
        )
    workflow.record_unavailability(
        referral,
        by=clinician,
        version=referral.version,
        start=today + 2 * day,
        end=today + 6 * day,
        reason="Synthetic: away for a week",
    )
    workflow.book_appointment(
        referral,
        by=clinician,
        version=referral.version,
        on=today + 10 * day,
        time=datetime.time(14, 0),
        purpose="treatment",
        mode="near_me",
        staff=[clinician],
    )

    page.goto(f"{live_server.url}/admin/referrals/referral/{referral.pk}/change/")
    page.get_by_label("Email address").fill(lead.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    enter_security_code(page, lead.email)
    expect(page.locator(".field-status")).to_contain_text("In treatment")
    expect(page.locator(".field-waiting")).to_contain_text("Treatment started:")
    appointments = page.locator("#appointments-group")
    expect(appointments).to_contain_text("Near Me video call")
    expect(appointments).to_contain_text("Treatingclinician")
    expect(page.locator("#unavailability-group")).to_contain_text("Synthetic: away for a week")
    check_page(page, console_errors)

    page.get_by_role("link", name="Close the case").click()
    expect(heading(page)).to_contain_text("Close the case")
    check_page(page, console_errors)
    page.get_by_label("Treatment completed").check()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Close case").click()
    expect(page.locator(".field-status")).to_contain_text("Closed")
    expect(page.locator("#appointments-group")).to_contain_text("Cancelled by the service")
    check_page(page, console_errors)
