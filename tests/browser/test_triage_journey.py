"""Triage in a real browser (issue 6): a team member finds a new referral on the dashboard,
starts review and asks the referrer a question; the referrer answers; the team member accepts
and allocates it and prints the letter. A second referral is declined with a reason, a service
signposted to and an explanation, which the referrer then reads on their referral's page.

Two people, two browser contexts. Every page visited passes axe (WCAG 2.x A/AA), and neither
page logs anything to the console.
"""

import re

import pytest
from playwright.sync_api import expect

from imhs.models import User
from referrals.models import SignpostService
from tests.browser.conftest import check_accessible, enter_security_code, watch_console
from tests.factories import ReferralFactory, ReferrerFactory, TeamMemberFactory
from tests.sign_in import authenticator_for

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "browser triage passphrase"
QUESTION = "Has the family been offered any parenting support since the baby was born?"
ANSWER = "Not yet: the family would welcome it and are happy to be contacted by phone."
EXPLANATION = "The family's needs would be better met by a local family support service."
SERVICE_NAME = "Test Family Support Service"
SERVICE_CONTACT = "01698 000300"


def heading(page):
    return page.get_by_role("heading", level=1)


def sign_in(page, live_server, email, landing_heading):
    user = User.objects.get(email=email)
    if user.is_team:
        authenticator_for(user)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if user.is_team:
        expect(heading(page)).to_have_text("Enter your security code")
        check_accessible(page)
        enter_security_code(page, email)
    expect(heading(page)).to_have_text(landing_heading)
    check_accessible(page)


def status_tag(page):
    """The status: on the team's page in its summary at a glance, on the referrer's in a line."""
    team = page.locator(".imhs-glance .nhsuk-summary-list__row").filter(
        has=page.locator("dt", has_text="Status")
    )
    return team.or_(page.locator("main p", has_text="Status:")).locator(".nhsuk-tag").first


def success_banner(page):
    return page.get_by_role("alert").filter(has_text="Success")


def action_panel(page, title):
    """An action's NHS.UK details element, expanded: its form."""
    summary = page.locator("summary").filter(has=page.get_by_text(title, exact=True))
    details = page.locator("details").filter(has=summary)
    summary.click()
    expect(details).to_have_attribute("open", "")
    return details.locator("form")


def summary_row(page, key):
    """A row of a summary list, by its key (the details' row where the summary at the top of
    the team's page has one too)."""
    return (
        page.locator(".nhsuk-summary-list__row")
        .filter(has=page.locator("dt").filter(has=page.get_by_text(key, exact=True)))
        .last
    )


def history(page):
    return page.get_by_role("table", name="What has happened to the referral, oldest first")


def start_review(page):
    page.get_by_role("button", name="Start review").click()
    expect(success_banner(page)).to_contain_text("You are reviewing this referral.")
    expect(status_tag(page)).to_have_text("In review")
    check_accessible(page)


def open_own_referral(page, live_server, reference):
    page.goto(live_server.url + "/referrals/")
    expect(heading(page)).to_have_text("Your referrals")
    page.get_by_role("link", name=f"View {reference}", exact=True).click()
    expect(page.locator(".nhsuk-caption-l")).to_have_text(f"Referral {reference}")


def test_team_member_triages_two_referrals_with_the_referrer(
    page, new_context, live_server, console_errors
):
    referrer = ReferrerFactory(
        email="triage.hv@example.org",
        password=PASSWORD,
        given_name="Triagetest",
        family_name="Visitor",
    )
    team_member = TeamMemberFactory(
        email="triage.team@example.org",
        password=PASSWORD,
        given_name="Teamtest",
        family_name="Psychologist",
    )
    first = ReferralFactory(submitted=True, referrer=referrer)
    second = ReferralFactory(submitted=True, referrer=referrer)
    SignpostService.objects.create(name=SERVICE_NAME, contact=SERVICE_CONTACT)
    team_page = page
    team_url = f"{live_server.url}/team/referrals/{first.reference}/"

    # The team member lands on the dashboard and finds the first referral in the New queue.
    sign_in(team_page, live_server, "triage.team@example.org", "Referrals dashboard")
    assert team_page.url == live_server.url + "/team/"
    new_queue = team_page.get_by_role("table", name=re.compile(r"^New: "))
    expect(new_queue).to_be_visible()
    expect(new_queue.get_by_role("link", name=second.reference)).to_be_visible()
    new_queue.get_by_role("link", name=first.reference, exact=True).click()
    expect(team_page).to_have_url(team_url)
    expect(heading(team_page)).to_contain_text(first.infant.full_name)
    expect(status_tag(team_page)).to_have_text("Submitted")
    check_accessible(team_page)

    start_review(team_page)

    form = action_panel(team_page, "Ask the referrer for more information")
    check_accessible(team_page)  # with the panel open
    form.get_by_label("Your question to the referrer").fill(QUESTION)
    form.get_by_role("button", name="Send question").click()
    expect(success_banner(team_page)).to_contain_text("Your question has been sent.")
    expect(status_tag(team_page)).to_have_text("Information requested")
    asked = team_page.locator(".nhsuk-card").filter(has_text=QUESTION)
    expect(asked).to_contain_text("Not answered yet")
    check_accessible(team_page)

    # The referrer, in a browser of their own, answers the question.
    # pytest-playwright's `new_context`: the same options as `page`'s, closed after the test.
    referrer_page = new_context().new_page()
    referrer_errors = watch_console(referrer_page)
    sign_in(referrer_page, live_server, "triage.hv@example.org", "Your referrals")
    open_own_referral(referrer_page, live_server, first.reference)
    expect(status_tag(referrer_page)).to_have_text("Information requested")
    question_card = referrer_page.locator("#question")
    expect(question_card).to_contain_text("The team has a question for you")
    expect(question_card).to_contain_text(QUESTION)
    check_accessible(referrer_page)
    question_card.get_by_label("Your answer").fill(ANSWER)
    question_card.get_by_role("button", name="Send your answer").click()
    expect(success_banner(referrer_page)).to_contain_text("Your answer has been sent to the team.")
    expect(status_tag(referrer_page)).to_have_text("In review")
    expect(referrer_page.locator("#question")).to_have_count(0)
    expect(referrer_page.get_by_role("main")).to_contain_text(ANSWER)
    check_accessible(referrer_page)

    # Back with the team: the referral is back in review with the same reviewer, marked
    # "Answer received" on the dashboard until the reviewer opens it.
    in_review_queue = f"{live_server.url}/team/?queue=in_review"
    team_page.goto(in_review_queue)
    row = team_page.get_by_role("row").filter(
        has=team_page.get_by_role("link", name=first.reference, exact=True)
    )
    expect(row).to_contain_text("Answer received")
    expect(row).to_contain_text(f"by {team_member.full_name}")
    check_accessible(team_page)
    row.get_by_role("link", name=first.reference, exact=True).click()
    expect(status_tag(team_page)).to_have_text("In review")
    for text in ("Information asked for", QUESTION, "The referrer answered", ANSWER):
        expect(history(team_page)).to_contain_text(text)
    check_accessible(team_page)
    team_page.goto(in_review_queue)
    expect(row).to_be_visible()
    expect(row).not_to_contain_text("Answer received")
    team_page.goto(team_url)

    form = action_panel(team_page, "Accept the referral")
    check_accessible(team_page)
    form.get_by_role("group", name="Priority").get_by_role("radio", name="Urgent").check()
    form.get_by_label("Allocate to").select_option(
        label=f"{team_member.full_name}, {team_member.job_title}"
    )
    form.get_by_role("button", name="Accept referral").click()
    expect(success_banner(team_page)).to_contain_text("Referral accepted.")
    expect(status_tag(team_page)).to_have_text("Accepted")
    expect(summary_row(team_page, "Priority")).to_contain_text("Urgent")
    expect(summary_row(team_page, "Allocated to")).to_contain_text(team_member.full_name)
    check_accessible(team_page)

    # The letter to the referrer, ready to print.
    team_page.get_by_role("link", name="Letter to the referrer").click()
    expect(team_page).to_have_url(re.compile(r"/letter/referrer/$"))
    letter_url = team_page.url
    infant = first.infant
    for personal in (infant.given_name, infant.family_name, infant.chi_number):
        assert personal.lower() not in letter_url.lower()
    letter = team_page.get_by_role("main")
    sender = letter.locator("address").first
    for line in ("Infant Mental Health Team", "Buchanan Centre", "126-130 Main Street"):
        expect(sender).to_contain_text(line)
    expect(sender).to_contain_text("ML5 3BJ")
    expect(sender).to_contain_text("Telephone 01698 754609")
    expect(letter).to_contain_text(f"Our reference: {first.reference}")
    expect(letter).to_contain_text(f"Dear {referrer.full_name}")
    expect(letter).to_contain_text(f"Re: {infant.full_name}")
    expect(letter.get_by_role("heading", level=1)).to_have_text("The referral has been accepted")
    expect(letter).to_contain_text("as an urgent referral")
    expect(letter).to_contain_text(f"{team_member.full_name}, {team_member.job_title}, will work")
    expect(team_page.get_by_role("button", name="Print this letter")).to_be_visible()
    check_accessible(team_page)

    # The second referral is declined, with a reason, a service and an explanation.
    team_page.goto(f"{live_server.url}/team/referrals/{second.reference}/")
    expect(status_tag(team_page)).to_have_text("Submitted")
    check_accessible(team_page)
    start_review(team_page)
    form = action_panel(team_page, "Decline the referral")
    check_accessible(team_page)
    # Sent without an explanation: refused, at the action's URL. Enter in the address bar (a
    # GET) or a reload shows the referral again with the decline form open, never a blank 405.
    form.get_by_role("button", name="Decline referral").click()
    expect(team_page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    decline_url = f"{live_server.url}/team/referrals/{second.reference}/decline/"
    expect(team_page).to_have_url(decline_url)
    check_accessible(team_page)
    for reload in (team_page.reload, lambda: team_page.goto(decline_url)):
        response = reload()
        assert response.status == 200
        expect(heading(team_page)).to_have_text(second.infant.full_name)
        expect(team_page.locator("#action-decline")).to_have_attribute("open", "")
        check_accessible(team_page)
    # The GET went to the referral's page, scrolled to the open form.
    expect(team_page).to_have_url(
        f"{live_server.url}/team/referrals/{second.reference}/?open=decline#action-decline"
    )
    expect(team_page.locator("#action-decline")).to_be_in_viewport()
    form = team_page.locator("#action-decline form")
    form.get_by_role("group", name="Why is the referral being declined?").get_by_role(
        "radio", name="Needs better met by another service"
    ).check()
    form.get_by_role("group", name="Which service have you signposted the family to?").get_by_role(
        "radio", name=SERVICE_NAME
    ).check()
    form.get_by_label("Explanation").fill(EXPLANATION)
    form.get_by_role("button", name="Decline referral").click()
    expect(success_banner(team_page)).to_contain_text("Referral declined.")
    expect(status_tag(team_page)).to_have_text("Declined")
    reason = summary_row(team_page, "Reason declined")
    expect(reason).to_contain_text("Needs better met by another service")
    expect(summary_row(team_page, "Signposted to")).to_contain_text(SERVICE_NAME)
    explanation = summary_row(team_page, "Explanation for the family and referrer")
    expect(explanation).to_contain_text(EXPLANATION)
    check_accessible(team_page)

    # The referrer reads the decision, the explanation and where the family can get help.
    open_own_referral(referrer_page, live_server, second.reference)
    expect(status_tag(referrer_page)).to_have_text("Declined")
    expect(referrer_page.get_by_role("heading", name="The team's decision")).to_be_visible()
    expect(summary_row(referrer_page, "Decision")).to_contain_text("Not accepted")
    expect(summary_row(referrer_page, "Why")).to_contain_text(EXPLANATION)
    help_instead = summary_row(referrer_page, "Where the family can get help instead")
    expect(help_instead).to_contain_text(SERVICE_NAME)
    expect(help_instead).to_contain_text(SERVICE_CONTACT)
    check_accessible(referrer_page)

    assert console_errors == []
    assert referrer_errors == []
