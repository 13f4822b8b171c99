"""After acceptance, in a real browser (issue 14): a team member books, rebooks, cancels and
records every outcome of a family's appointments, records and removes a period the family is
away, prints an appointment letter and emails it to a carer, sees the clock restart and
treatment start, and closes the case with its closing letter; the same steps in the admin.

Every page passes axe (WCAG 2.x A/AA) and logs nothing to the console (no CSP violation).
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from imhs.models import Profession
from referrals import workflow
from referrals.models import Priority, Referral, Status
from tests.browser.conftest import check_accessible, enter_security_code, sign_in_to_the_dashboard
from tests.factories import (
    CareRelationshipFactory,
    CarerFactory,
    ReferralFactory,
    TeamMemberFactory,
)
from tests.sign_in import authenticator_for

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "browser pathway passphrase"
DAY = datetime.timedelta(days=1)


def heading(page):
    return page.get_by_role("heading", level=1)


def check_page(page, console_errors):
    page.wait_for_load_state("networkidle")
    assert console_errors == [], page.url
    check_accessible(page)
    assert console_errors == [], page.url


def fill_date(scope, day):
    scope.get_by_label("Day").fill(str(day.day))
    scope.get_by_label("Month").fill(str(day.month))
    scope.get_by_label("Year").fill(str(day.year))


def summary_value(page, key):
    row = page.locator(".nhsuk-summary-list__row").filter(
        has=page.locator("dt").filter(has=page.get_by_text(key, exact=True))
    )
    return row.last.locator("dd").first


def panel(page, title):
    """An NHS.UK details element, opened: its form."""
    summary = page.locator("summary").filter(has=page.get_by_text(title, exact=True))
    summary.click()
    return page.locator("details").filter(has=summary).locator("form").first


@pytest.fixture
def case(db):
    clinician = TeamMemberFactory(
        given_name="Pathwayclinician",
        family_name="Synthetic",
        email="pathway.clinician@example.org",
        password=PASSWORD,
        profession=Profession.CLINICAL_PSYCHOLOGIST,
    )
    referral = ReferralFactory(
        submitted=True, submitted_at=timezone.now() - 60 * DAY, with_carer=False
    )
    CareRelationshipFactory(
        infant=referral.infant, carer=CarerFactory(email="synthetic.carer@example.org")
    )
    workflow.start_review(referral, by=clinician, version=referral.version)
    workflow.accept(
        referral,
        by=clinician,
        version=referral.version,
        priority=Priority.ROUTINE,
        allocate_to=clinician,
    )
    return referral, clinician


def book(page, console_errors, *, on, time, purpose, mode, who):
    page.get_by_role("link", name="Book an appointment").click()
    expect(heading(page)).to_have_text("Book an appointment")
    check_page(page, console_errors)
    fill_date(page.get_by_role("group", name="Date"), on)
    page.get_by_label("Time", exact=True).fill(time)
    page.get_by_label(purpose, exact=True).check()
    page.get_by_label(mode, exact=True).check()
    page.get_by_label(re.compile(re.escape(who))).check()
    page.get_by_role("button", name="Book appointment").click()
    expect(page.get_by_role("alert").filter(has_text="Appointment booked")).to_be_visible()


def open_appointment(page, console_errors, purpose, *, last=True):
    links = page.locator("#appointments ~ table").first.get_by_role(
        "link", name=re.compile(f", {re.escape(purpose)}$")
    )
    (links.last if last else links.first).click()
    expect(heading(page)).to_contain_text(purpose)
    check_page(page, console_errors)


def record(page, console_errors, outcome):
    form = panel(page, "Record what happened")
    form.get_by_label(outcome, exact=True).check()
    form.get_by_role("button", name="Save what happened").click()
    expect(page.get_by_role("alert").filter(has_text="recorded")).to_be_visible()
    check_page(page, console_errors)


def test_a_team_member_takes_a_family_from_waiting_to_closed(
    page, live_server, console_errors, case
):
    referral, clinician = case
    today = timezone.localdate()
    sign_in_to_the_dashboard(page, live_server, clinician, PASSWORD)
    page.goto(f"{live_server.url}/team/referrals/{referral.reference}/")
    check_page(page, console_errors)
    expect(summary_value(page, "Clock started")).to_contain_text("received")

    # An assessment the family did not come to: the clock starts again that day.
    page.get_by_role("link", name="Book an appointment").click()
    page.get_by_role("button", name="Book appointment").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the time")
    check_page(page, console_errors)
    page.goto(f"{live_server.url}/team/referrals/{referral.reference}/")
    who = "Pathwayclinician Synthetic"
    book(
        page,
        console_errors,
        on=today - DAY,
        time="09:30",
        purpose="Assessment",
        mode="Home visit",
        who=who,
    )
    page.goto(f"{live_server.url}/team/referrals/{referral.reference}/")
    open_appointment(page, console_errors, "Assessment")
    record(page, console_errors, "Did not attend")
    page.goto(f"{live_server.url}/team/referrals/{referral.reference}/")
    expect(summary_value(page, "Clock started")).to_contain_text("did not attend")

    # A call they could not wait for, and a review nobody knows the outcome of.
    for purpose, mode, outcome in (
        ("Consultation", "Telephone", "Could not wait"),
        ("Review", "At a clinic", "Not known"),
    ):
        book(page, console_errors, on=today, time="08:00", purpose=purpose, mode=mode, who=who)
        page.goto(f"{live_server.url}/team/referrals/{referral.reference}/")
        open_appointment(page, console_errors, purpose)
        record(page, console_errors, outcome)
        page.goto(f"{live_server.url}/team/referrals/{referral.reference}/")

    # A holiday the family told the team about, added, then taken back.
    form = panel(page, "Add a period when the family cannot come")
    fill_date(form.get_by_role("group", name="First day"), today + 3 * DAY)
    fill_date(form.get_by_role("group", name="Last day"), today + 5 * DAY)
    form.get_by_label("Why can they not come?").fill("Synthetic: family holiday")
    form.get_by_role("button", name="Add period").click()
    expect(page.locator("#unavailability ~ dl").first).to_contain_text("Synthetic: family holiday")
    check_page(page, console_errors)
    page.get_by_role("button", name=re.compile("^Remove")).click()
    expect(page.get_by_text("None recorded.")).to_be_visible()

    # The first treatment session: the family moves it, then comes.
    book(
        page,
        console_errors,
        on=today,
        time="10:00",
        purpose="First treatment session",
        mode="At a clinic",
        who=who,
    )
    page.goto(f"{live_server.url}/team/referrals/{referral.reference}/")
    open_appointment(page, console_errors, "First treatment session")
    form = panel(page, "Rebook the appointment")
    fill_date(form.get_by_role("group", name="New date"), today)
    form.get_by_label("New time").fill("16:00")
    form.get_by_label("The family", exact=True).check()
    form.get_by_role("button", name="Rebook appointment").click()
    expect(page.get_by_role("alert").filter(has_text="rebooked")).to_be_visible()
    page.goto(f"{live_server.url}/team/referrals/{referral.reference}/")
    expect(page.locator("#appointments ~ table").first).to_contain_text("Cancelled by the family")
    open_appointment(page, console_errors, "First treatment session")
    record(page, console_errors, "Attended")
    page.goto(f"{live_server.url}/team/referrals/{referral.reference}/")
    expect(summary_value(page, "Treatment started").first).to_contain_text(str(today.year))
    assert Referral.objects.get(pk=referral.pk).status == Status.IN_TREATMENT

    # The next session by Near Me: its letter printed, emailed to the mother, then cancelled.
    book(
        page,
        console_errors,
        on=today + 7 * DAY,
        time="11:15",
        purpose="Treatment session (ongoing)",
        mode="Near Me video call",
        who=who,
    )
    page.goto(f"{live_server.url}/team/referrals/{referral.reference}/")
    open_appointment(page, console_errors, "Treatment session (ongoing)")
    expect(
        page.get_by_text("You can record what happened at this appointment from")
    ).to_be_visible()
    page.get_by_role("link", name="Appointment letter to the family").click()
    letter = page.get_by_role("main")
    expect(letter).to_contain_text("Near Me")
    expect(letter).to_contain_text("11:15")
    check_page(page, console_errors)
    page.go_back()
    form = panel(page, "Email the appointment to a parent or carer")
    form.get_by_role("radio").first.check()
    form.get_by_role("button", name="Send email").click()
    expect(page.get_by_role("alert").filter(has_text="mail")).to_be_visible()
    form = panel(page, "Cancel the appointment")
    form.get_by_label("The service", exact=True).check()
    form.get_by_role("button", name="Cancel appointment").click()
    expect(page.get_by_role("alert").filter(has_text="cancelled")).to_be_visible()
    check_page(page, console_errors)

    # The work is done: the case closes, and the referrer gets a closing letter.
    page.goto(f"{live_server.url}/team/referrals/{referral.reference}/")
    form = panel(page, "Close the case")
    form.get_by_label("Treatment completed").check()
    fill_date(form, today)
    form.get_by_role("button", name="Close case").click()
    expect(page.get_by_role("alert").filter(has_text="Case closed")).to_be_visible()
    check_page(page, console_errors)
    page.goto(f"{live_server.url}/team/referrals/{referral.reference}/letter/referrer/")
    expect(page.get_by_role("main")).to_contain_text("closed")
    check_page(page, console_errors)
    assert Referral.objects.get(pk=referral.pk).close_reason == "treatment_completed"


def test_the_same_steps_in_the_admin(page, live_server, console_errors, case):
    referral, clinician = case
    today = timezone.localdate()
    authenticator_for(clinician)
    page.goto(f"{live_server.url}/admin/referrals/referral/{referral.pk}/change/")
    page.get_by_label("Email address").fill(clinician.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    enter_security_code(page, clinician.email)
    check_page(page, console_errors)

    page.get_by_role("link", name="Book an appointment").click()
    check_page(page, console_errors)
    fill_date(page.locator(".field-on"), today)
    page.locator(".field-time input").fill("09:00")
    page.get_by_label("First treatment session", exact=True).check()
    page.get_by_label("At a clinic", exact=True).check()
    page.get_by_label(re.compile("Pathwayclinician")).check()
    page.get_by_role("button", name="Book appointment").click()
    expect(page.locator("#appointments-group")).to_contain_text("First treatment session")
    check_page(page, console_errors)

    page.locator("#appointments-group").get_by_role("link", name="Record what happened").click()
    check_page(page, console_errors)
    page.get_by_label("Attended", exact=True).check()
    page.get_by_role("button", name="Save what happened").click()
    expect(page.locator(".field-status")).to_contain_text("In treatment")

    page.get_by_role("link", name="Add a period when the family cannot come").click()
    fill_date(page.locator(".field-start"), today + 2 * DAY)
    fill_date(page.locator(".field-end"), today + 4 * DAY)
    page.locator(".field-reason textarea, .field-reason input").first.fill("Synthetic: away")
    page.get_by_role("button", name="Add period").click()
    expect(page.locator("#unavailability-group")).to_contain_text("Synthetic: away")
    check_page(page, console_errors)
