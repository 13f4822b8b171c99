"""The Request for Assistance in a real browser (issue 5): a health visitor signs in, completes
every section (meeting an error and correcting it), checks the answers and sends them; a section
completed with the keyboard alone; an over-3 baby's referral explained, with nothing to send.

Every page visited passes axe (WCAG 2.x A/AA), and nothing is logged to the console.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from patients import ages
from patients.chi import make_chi, modulus_10_check_digit, modulus_11_check_digit
from referrals.drafts import start_draft
from tests.factories import GPPracticeFactory, InfantFactory, ReferralFactory, ReferrerFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "browser journey passphrase"
CHI_CHECK_DIGIT_MESSAGE = "This is not a valid CHI number: check it has been copied correctly"
GP_QUESTION = "Is the baby registered with a GP practice?"
REGISTERED = "Registered with a GP practice"
MEETS_CRITERIA = "From your answers so far, the baby meets the service's criteria."
REFERENCE = re.compile(r"IMH-\d{4}-\d{5}")
SECTION_TITLES = (
    "About the baby",
    "Parents and carers",
    "Your concerns",
    "Safety and other support",
    "Consent and the family's views",
    "About you",
)


def long_date(value):
    """14 February 2025, as the pages write dates."""
    return f"{value.day} {value:%B %Y}"


def grouped_chi(chi):
    return f"{chi[:3]} {chi[3:6]} {chi[6:]}"


def wrong_check_digit(chi):
    """`chi` with a last digit that passes neither the modulus 11 nor the modulus 10 check."""
    first_nine = chi[:9]
    valid = {modulus_11_check_digit(first_nine), modulus_10_check_digit(first_nine)}
    return first_nine + next(str(digit) for digit in range(10) if digit not in valid)


def sign_in(page, live_server, assert_accessible, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your referrals")
    assert_accessible()


def heading(page):
    return page.get_by_role("heading", level=1)


def group(page, name, *, exact=True):
    """A fieldset, by its legend."""
    return page.get_by_role("group", name=name, exact=exact)


def radio(page, question, answer, *, exact=True):
    """One answer of a radio question. By role, so the hidden radios of a follow-up question
    not revealed (a nested "Yes"/"No") are not matched."""
    return group(page, question, exact=exact).get_by_role("radio", name=answer, exact=True)


def task(page, title):
    """The task list's row for one section: its link and its state."""
    return page.get_by_role("listitem").filter(has=page.get_by_role("link", name=title, exact=True))


def save_and_continue(page):
    page.get_by_role("button", name="Save and continue").click()


def expect_completed(page, title):
    expect(heading(page)).to_have_text("Request for Assistance")
    expect(task(page, title)).to_contain_text("Completed")


def open_section(page, title):
    page.get_by_role("link", name=title, exact=True).click()
    expect(heading(page)).to_have_text(title)


def test_health_visitor_completes_and_sends_a_referral(
    page, live_server, assert_accessible, console_errors
):
    ReferrerFactory(
        email="journey.hv@example.org",
        password=PASSWORD,
        given_name="Journeytest",
        family_name="Visitor",
    )
    practice = GPPracticeFactory(
        code="99417",
        name="Glenburnie Test Health Centre",
        address_line_1="4 Example Street",
        address_line_3="Coatbridge",
        postcode="ML5 4ZZ",
    )
    GPPracticeFactory(code="99418", name="Testville Other Surgery", postcode="ML6 9ZZ")
    today = timezone.localdate()
    born = today - datetime.timedelta(days=200)
    chi = make_chi(born, female=True, serial="31")
    mistyped_chi = wrong_check_digit(chi)

    # Your referrals → start a referral.
    sign_in(page, live_server, assert_accessible, "journey.hv@example.org")
    expect(page.get_by_text("You have not started any referrals yet.")).to_be_visible()
    page.get_by_role("button", name="Start a new referral").click()
    expect(heading(page)).to_have_text("Start a Request for Assistance")
    assert_accessible()
    page.get_by_role("button", name="Start now").click()
    expect(heading(page)).to_have_text("Request for Assistance")
    expect(page.get_by_text("You have completed 0 of 6 sections.")).to_be_visible()
    for title in SECTION_TITLES:
        expect(task(page, title)).to_contain_text("Not started")
    assert_accessible()

    # About the baby, with a mistyped CHI number and no practice chosen yet.
    open_section(page, "About the baby")
    assert_accessible()
    page.get_by_label("First name").fill("Journeybaby")
    page.get_by_label("Last name").fill("Example")
    date_of_birth = group(page, "Date of birth")
    date_of_birth.get_by_label("Day").fill(str(born.day))
    date_of_birth.get_by_label("Month").fill(str(born.month))
    date_of_birth.get_by_label("Year").fill(str(born.year))
    page.get_by_label("CHI number").fill(mistyped_chi)
    radio(page, "Sex", "Female").check()
    page.get_by_label("Address line 1").fill("2 Example Road")
    page.get_by_label("Town or city").fill("Coatbridge")
    page.get_by_label("Postcode").fill("ml5 4zz")
    radio(page, GP_QUESTION, REGISTERED).check()
    radio(page, "Who does the baby live with?", "Parents").check()
    page.get_by_label("Main language spoken at home").fill("English")
    radio(page, "Does the family need an interpreter?", "No").check()
    save_and_continue(page)

    # The errors, in the summary and at their fields; everything typed is still there.
    expect(heading(page)).to_have_text("About the baby")
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name=CHI_CHECK_DIGIT_MESSAGE)).to_be_visible()
    choose_practice = "Find and choose the baby's GP practice"
    expect(summary.get_by_role("link", name=choose_practice)).to_be_visible()
    chi_box = page.get_by_label("CHI number")
    expect(page.locator(".nhsuk-form-group--error").filter(has=chi_box)).to_contain_text(
        f"Error: {CHI_CHECK_DIGIT_MESSAGE}"
    )
    expect(chi_box).to_have_value(mistyped_chi)
    expect(page.get_by_label("First name")).to_have_value("Journeybaby")
    expect(date_of_birth.get_by_label("Year")).to_have_value(str(born.year))
    expect(page.get_by_label("Postcode")).to_have_value("ml5 4zz")
    expect(radio(page, "Sex", "Female")).to_be_checked()
    expect(radio(page, GP_QUESTION, REGISTERED)).to_be_checked()
    assert_accessible()

    # Find and choose the practice: the answers typed survive the trip to the search.
    page.get_by_role("button", name="Find the GP practice").click()
    expect(heading(page)).to_have_text("Find the baby's GP practice")
    assert_accessible()
    page.get_by_label("Practice name, town, postcode or practice code").fill("glenburnie")
    page.get_by_role("button", name="Search").click()
    results = group(page, "Choose the baby's GP practice")
    expect(results).to_contain_text("1 practice found for “glenburnie”")
    expect(results.get_by_role("radio")).to_have_count(1)
    expect(results).to_contain_text("Practice code 99417")
    assert_accessible()
    results.get_by_role("radio", name=practice.name).check()
    page.get_by_role("button", name="Choose this practice").click()

    expect(heading(page)).to_have_text("About the baby")
    expect(page.get_by_text(f"GP practice chosen: {practice.name}")).to_be_visible()
    expect(page.get_by_text("Practice code 99417")).to_be_visible()
    expect(page.get_by_role("button", name="Change the GP practice")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("Journeybaby")
    expect(page.get_by_label("CHI number")).to_have_value(mistyped_chi)
    assert_accessible()

    # Corrected, and saved.
    page.get_by_label("CHI number").fill(grouped_chi(chi))
    save_and_continue(page)
    expect_completed(page, "About the baby")
    expect(page.get_by_text("You have completed 1 of 6 sections.")).to_be_visible()
    assert_accessible()

    # Parents and carers: one carer with parental responsibility, then the list's button.
    open_section(page, "Parents and carers")
    expect(page.get_by_text("No parents or carers have been added yet.")).to_be_visible()
    assert_accessible()
    page.get_by_role("button", name="Add a parent or carer").click()
    expect(heading(page)).to_have_text("Add a parent or carer")
    assert_accessible()
    page.get_by_label("First name").fill("Testina")
    page.get_by_label("Last name").fill("Example")
    radio(page, "What is their relationship to the baby?", "Mother").check()
    radio(page, "Do they have parental responsibility for the baby?", "Yes").check()
    radio(page, "Do they live with the baby?", "Yes").check()
    radio(page, "Are they the baby's main carer?", "Yes").check()
    page.get_by_label("Phone number").fill("07700 900123")
    radio(page, "How would they like the team to contact them?", "Phone call").check()
    radio(page, "Do they need an interpreter?", "No").check()
    radio(page, "Do they live at the baby's address?", "Yes").check()
    save_and_continue(page)

    expect(heading(page)).to_have_text("Parents and carers")
    expect(page.get_by_text("Testina Example added")).to_be_visible()
    carers = page.locator(".nhsuk-summary-list")
    expect(carers).to_contain_text("Testina Example")
    expect(carers).to_contain_text("Main carer")
    expect(carers).to_contain_text("Parental responsibility: Yes")
    assert_accessible()
    save_and_continue(page)
    expect_completed(page, "Parents and carers")
    assert_accessible()

    # Your concerns: 5, 5 and 5 indicators meet the threshold (5 or more in each of 3 domains).
    open_section(page, "Your concerns")
    assert_accessible()
    for domain, count in [
        ("Relationship with main carer", "5"),
        ("Emotional", "5"),
        ("Cognitive", "5"),
        ("Sense of self", "0"),
        ("Social interaction", "0"),
    ]:
        fieldset = group(page, domain)
        fieldset.get_by_label("How many indicators did you observe?").fill(count)
        if count != "0":
            fieldset.get_by_label("What did you observe?").fill(
                f"Synthetic {domain.lower()} observation at a home visit."
            )
    page.get_by_label("How long have you had these concerns?").fill("About 3 months")
    page.get_by_label("Why are you referring now?").fill("Synthetic: the concerns are growing.")
    page.get_by_label("What support has been tried so far?").fill("Synthetic: extra visits.")
    page.get_by_label("What does the family hope for from the service?").fill("Synthetic hopes.")
    save_and_continue(page)
    expect_completed(page, "Your concerns")
    assert_accessible()

    # Safety and other support, naming one other professional.
    open_section(page, "Safety and other support")
    assert_accessible()
    radio(page, "Are there any child protection concerns about the baby?", "No").check()
    professional = group(page, "Professional or agency 1")
    professional.get_by_label("Name").fill("Socialtest Worker")
    professional.get_by_label("Role or agency").fill("Social worker, North Lanarkshire Council")
    save_and_continue(page)
    expect_completed(page, "Safety and other support")
    assert_accessible()

    # Consent and the family's views.
    open_section(page, "Consent and the family's views")
    assert_accessible()
    radio(
        page, "Has a parent or carer with parental responsibility agreed to this referral?", "Yes"
    ).check()
    page.get_by_label("Who agreed?").fill("Mother, Testina Example")
    agreed_on = group(page, "When did they agree?")
    agreed_on.get_by_label("Day").fill(str(today.day))
    agreed_on.get_by_label("Month").fill(str(today.month))
    agreed_on.get_by_label("Year").fill(str(today.year))
    radio(page, "Do they agree to the team sharing information", "Yes", exact=False).check()
    radio(page, "How will the parents give their own views?", "Not now").check()
    page.get_by_role("checkbox", name="At home").check()
    save_and_continue(page)
    expect_completed(page, "Consent and the family's views")
    assert_accessible()

    # About you: prefilled from the account; the phone number is added.
    open_section(page, "About you")
    expect(page.get_by_label("Your full name")).to_have_value("Journeytest Visitor")
    expect(radio(page, "What is your profession?", "Health visitor")).to_be_checked()
    assert_accessible()
    page.get_by_label("Phone number").fill("01632 960123")
    save_and_continue(page)

    # Every section completed, and the baby meets the criteria.
    expect_completed(page, "About you")
    expect(page.get_by_text("You have completed 6 of 6 sections.")).to_be_visible()
    for title in SECTION_TITLES:
        expect(task(page, title)).to_contain_text("Completed")
    criteria = page.get_by_role("region", name="Does the baby meet the service's criteria?")
    expect(criteria).to_contain_text(MEETS_CRITERIA)
    expect(criteria).to_contain_text(
        f"The baby's 3rd birthday is on {long_date(ages.third_birthday(born))}."
    )
    expect(criteria.locator(".nhsuk-tag").filter(has_text=re.compile(r"^Met$"))).to_have_count(7)
    assert_accessible()

    # Check your answers, and send.
    page.get_by_role("link", name="Check your answers").click()
    expect(heading(page)).to_have_text("Check your answers before sending the referral")
    answers = page.get_by_role("main")
    for answer in (
        "Journeybaby Example",
        long_date(born),
        grouped_chi(chi),
        "Glenburnie Test Health Centre (practice code 99417)",
        "Testina Example",
        "5 indicators",
        "Synthetic emotional observation at a home visit.",
        "Socialtest Worker, Social worker, North Lanarkshire Council",
        "Mother, Testina Example",
        "Journeytest Visitor",
        "01632 960123",
    ):
        expect(answers).to_contain_text(answer)
    expect(answers).to_contain_text(MEETS_CRITERIA)
    assert_accessible()
    page.get_by_role("button", name="Send referral").click()

    expect(heading(page)).to_have_text("Referral sent")
    panel = page.locator(".nhsuk-panel")
    expect(panel).to_contain_text(REFERENCE)
    reference = REFERENCE.search(panel.inner_text()).group()
    assert reference.startswith(f"IMH-{timezone.localdate().year}-")
    assert_accessible()

    page.get_by_role("link", name="Go to your referrals").click()
    expect(heading(page)).to_have_text("Your referrals")
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Submitted")
    expect(row).to_contain_text("Journeybaby Example")  # the name the referrer wrote
    assert_accessible()
    assert console_errors == []


def is_focused(locator):
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page, target, *, key="Tab", limit=60):
    """Press Tab (or Shift+Tab) until `target` has the focus; fail if it is never reached."""
    for _ in range(limit):
        if is_focused(target):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{target} was not reached with {key} in {limit} presses")


def test_a_section_can_be_completed_with_the_keyboard_only(
    page, live_server, assert_accessible, console_errors
):
    user = ReferrerFactory(email="keyboard.hv@example.org", password=PASSWORD)
    referral = start_draft(by=user)
    today = timezone.localdate()
    sign_in(page, live_server, assert_accessible, "keyboard.hv@example.org")
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    expect(heading(page)).to_have_text("Request for Assistance")
    assert_accessible()

    # From the top of the task list to the section's link, and in. No clicks or fills below.
    tab_to(page, page.get_by_role("link", name="Consent and the family's views"))
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Consent and the family's views")
    assert_accessible()

    # A radio group is one tab stop: Tab reaches its first radio, Space chooses it, and the
    # question it reveals is the next stop.
    agreed = "Has a parent or carer with parental responsibility agreed to this referral?"
    tab_to(page, radio(page, agreed, "Yes"))
    page.keyboard.press("Space")
    expect(radio(page, agreed, "Yes")).to_be_checked()
    who = page.get_by_label("Who agreed?")
    page.keyboard.press("Tab")
    expect(who).to_be_focused()
    page.keyboard.type("Mother, Testina Exmple")
    agreed_on = group(page, "When did they agree?")
    for part, value in (("Day", today.day), ("Month", today.month), ("Year", today.year)):
        page.keyboard.press("Tab")
        expect(agreed_on.get_by_label(part)).to_be_focused()
        page.keyboard.type(str(value))

    # Back (Shift+Tab) to correct a slip, then on again.
    tab_to(page, who, key="Shift+Tab")
    page.keyboard.press("End")
    for _ in "Exmple":
        page.keyboard.press("Backspace")
    page.keyboard.type("Example")
    expect(who).to_have_value("Mother, Testina Example")

    # Arrow keys move the choice within a group.
    sharing = "Do they agree to the team sharing information"
    tab_to(page, radio(page, sharing, "Yes", exact=False))
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    expect(radio(page, sharing, "No", exact=False)).to_be_checked()
    page.keyboard.press("ArrowLeft")
    expect(radio(page, sharing, "Yes", exact=False)).to_be_checked()

    views = group(page, "How will the parents give their own views?")
    page.keyboard.press("Tab")
    expect(views.get_by_role("radio").first).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(views.get_by_role("radio", name="Not now")).to_be_checked()
    expect(views.get_by_role("radio", name="Not now")).to_be_focused()

    # Checkboxes: each is a tab stop of its own.
    page.keyboard.press("Tab")
    expect(page.get_by_role("checkbox", name="At home")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("checkbox", name="By video call (Near Me)")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="At home")).to_be_checked()
    expect(page.get_by_role("checkbox", name="At a clinic")).not_to_be_checked()
    expect(page.get_by_role("checkbox", name="By video call (Near Me)")).to_be_checked()

    page.keyboard.press("Tab")
    expect(page.get_by_label("Days or times to avoid")).to_be_focused()
    page.keyboard.type("Wednesdays")

    tab_to(page, page.get_by_role("button", name="Save and continue"))
    page.keyboard.press("Enter")

    expect_completed(page, "Consent and the family's views")
    expect(page.get_by_text("You have completed 1 of 6 sections.")).to_be_visible()
    assert_accessible()
    referral.refresh_from_db()
    assert referral.consent_given is True
    assert referral.consent_given_by == "Mother, Testina Example"
    assert referral.consent_given_on == today
    assert referral.consent_to_share is True
    assert referral.parent_views_method == "not_now"
    assert referral.appointment_places == ["home", "near_me"]
    assert referral.times_to_avoid == "Wednesdays"
    assert console_errors == []


def test_an_over_3_baby_shows_the_explanation_and_no_send_button(
    page, live_server, assert_accessible, console_errors
):
    user = ReferrerFactory(email="over3.hv@example.org", password=PASSWORD)
    today = timezone.localdate()
    born = datetime.date(today.year - 3, today.month, 1) - datetime.timedelta(days=30)
    referral = ReferralFactory(referrer=user, infant=InfantFactory(date_of_birth=born))
    third_birthday = ages.third_birthday(born)
    assert third_birthday < today

    sign_in(page, live_server, assert_accessible, "over3.hv@example.org")
    page.goto(f"{live_server.url}/referrals/{referral.pk}/check/")
    expect(heading(page)).to_have_text("Check your answers before sending the referral")
    main = page.get_by_role("main")
    expect(main).to_contain_text(
        "From your answers, the baby does not meet the service's criteria."
    )
    expect(main).to_contain_text(f"The baby's 3rd birthday was on {long_date(third_birthday)}.")
    expect(main).to_contain_text("Child and Adolescent Mental Health Services (CAMHS)")
    expect(main).to_contain_text("This referral cannot be sent")
    expect(page.get_by_role("button", name="Send referral")).to_have_count(0)
    expect(page.get_by_role("heading", name="Send the referral")).to_have_count(0)
    expect(main.get_by_role("link", name="Back to the task list")).to_be_visible()
    assert_accessible()
    assert console_errors == []
