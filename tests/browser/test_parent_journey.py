"""A parent's secure link in a real browser, on a phone-sized screen (issue 7): the parent opens
the link, gives a wrong date of birth then the right one, writes their views, saves, comes back
later (the link and the date again), and sends them; the team member then reads them on the
referral's page.

Every page visited passes axe (WCAG 2.x A/AA), and nothing is logged to the console.
"""

import re

import pytest
from playwright.sync_api import expect

from referrals import invitations
from tests.browser.conftest import check_accessible, enter_security_code
from tests.factories import ReferralFactory, TeamMemberFactory
from tests.sign_in import authenticator_for

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}
PASSWORD = "browser parent passphrase"
GOING_WELL = "She smiles when I sing to her, and bath time is fun."
WORRIES = "She cries a lot in the evenings and I feel tired and on my own."
HELP_WANTED = "Someone to talk to about how to settle her."


@pytest.fixture
def browser_context_args(browser_context_args):
    """Every context in this module is a phone: 375 by 740 CSS pixels."""
    return {**browser_context_args, "viewport": PHONE}


def heading(page):
    return page.get_by_role("heading", level=1)


def give_date_of_birth(page, date):
    question = page.get_by_role("group", name="What is your baby's date of birth?")
    question.get_by_label("Day").fill(str(date.day))
    question.get_by_label("Month").fill(str(date.month))
    question.get_by_label("Year").fill(str(date.year))
    page.get_by_role("button", name="Continue").click()


def open_link(page, url, date):
    page.goto(url)
    expect(heading(page)).to_have_text("Tell us about your baby")
    check_accessible(page)
    give_date_of_birth(page, date)
    expect(heading(page)).to_have_text("Your views about your baby")
    check_accessible(page)


def radio(page, question, answer):
    return page.get_by_role("group", name=question).get_by_role("radio", name=answer, exact=True)


def test_a_parent_sends_their_views_and_the_team_reads_them(
    page, new_context, live_server, console_errors, settings
):
    # The demo's relaxed second factor shows staff a banner; parents must never see it.
    settings.SECOND_FACTOR_RELAXED = True
    team_member = TeamMemberFactory(email="parents.team@example.org", password=PASSWORD)
    authenticator_for(team_member)
    referral = ReferralFactory(submitted=True, parent_views_method="secure_link")
    infant = referral.infant
    carer = infant.care_relationships.get().carer
    _invitation, token = invitations.create(referral, carer=carer, by=team_member, send_email=False)
    link = f"{live_server.url}/views/{token}/"
    views_url = f"{live_server.url}/views/your-views/"
    born = infant.date_of_birth
    posts = []
    page.on(
        "request",
        lambda r: posts.append(r.headers.get("origin")) if r.method == "POST" else None,
    )

    # The link shows one question and nothing about the family.
    page.goto(link)
    assert page.viewport_size == PHONE
    expect(heading(page)).to_have_text("Tell us about your baby")
    main = page.get_by_role("main")
    for personal in (infant.given_name, carer.given_name, referral.reference, f"{born:%B}"):
        expect(main).not_to_contain_text(personal)
    expect(page.locator(".nhsuk-header__account")).to_have_count(0)
    expect(page.get_by_text("Second factor disabled")).to_have_count(0)
    check_accessible(page)

    # A wrong date: told how many tries are left, with the date kept.
    wrong = born.replace(day=born.day % 28 + 1)
    give_date_of_birth(page, wrong)
    message = "That date of birth does not match our records. You have 4 more tries."
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(message)
    expect(page.locator(".nhsuk-error-message")).to_contain_text(message)
    expect(page.get_by_label("Day")).to_have_value(str(wrong.day))
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_accessible(page)

    # The right date: a page without the token in its address.
    give_date_of_birth(page, born)
    expect(heading(page)).to_have_text("Your views about your baby")
    assert page.url == views_url
    check_accessible(page)
    # The page's own posts carry "Origin: null" under no-referrer, and are accepted.
    assert posts
    assert set(posts) == {"null"}

    expect(page.get_by_text("Second factor disabled")).to_have_count(0)
    # One rule, said once; the five boxes are not marked "(optional)".
    expect(page.get_by_role("main")).to_contain_text(
        "Write something in at least one of the first 5 boxes"
    )
    # Only the 4 "Getting in touch" questions are optional, and say so.
    expect(page.get_by_text("(optional)")).to_have_count(4)
    # On a phone the main button comes first, above "Save and come back later".
    continue_box = page.get_by_role("button", name="Continue").bounding_box()
    save_box = page.get_by_role("button", name="Save and come back later").bounding_box()
    assert continue_box["y"] < save_box["y"]
    # Nothing written: the summary says so and its link goes to the first box.
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name=re.compile("at least one of the first 5 boxes")).click()
    expect(page.get_by_label("What is going well with your baby?")).to_be_focused()
    check_accessible(page)

    page.get_by_label("What is going well with your baby?").fill(GOING_WELL)
    page.get_by_label("What worries you?").fill(WORRIES)
    radio(page, "Do you need an interpreter? (optional)", "Yes").check()
    expect(page.get_by_text("What language do you speak? (optional)")).to_have_count(0)
    page.get_by_label("What language do you speak?").fill("Polish")
    radio(page, "Would a video call (Near Me) suit you? (optional)", "Not sure").check()
    check_accessible(page)  # with the follow-up question showing
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_role("alert").filter(has_text="Success")).to_contain_text("Saved.")
    expect(page.get_by_label("What is going well with your baby?")).to_have_value(GOING_WELL)
    check_accessible(page)

    # Later, in a new browser: the link and the date of birth again; the answers are there.
    later = new_context().new_page()
    later_posts = []
    later.on("request", lambda r: later_posts.append(r.url) if r.method == "POST" else None)
    open_link(later, link, born)
    expect(later.get_by_label("What worries you?")).to_have_value(WORRIES)
    expect(later.get_by_label("What language do you speak?")).to_have_value("Polish")
    later.get_by_label("What would you like help with?").fill(HELP_WANTED)
    later.get_by_role("button", name="Continue").click()
    # Sending cannot be undone: the answers are shown to check first, each with a Change link.
    expect(heading(later)).to_have_text("Check your answers before sending")
    answers = later.locator(".nhsuk-summary-list")
    for words in (GOING_WELL, WORRIES, HELP_WANTED, "Yes, Polish", "Not sure"):
        expect(answers).to_contain_text(words)
    expect(later.get_by_text("Second factor disabled")).to_have_count(0)
    check_accessible(later)
    later.get_by_role("link", name="Change your answer to: What worries you?").click()
    expect(later.get_by_label("What worries you?")).to_have_value(WORRIES)
    later.get_by_role("button", name="Continue").click()
    later.get_by_role("button", name="Send to the team").click()
    expect(later.get_by_role("heading", level=1)).to_have_text("Your views have been sent")
    expect(later.get_by_role("main")).to_contain_text("What happens next")
    expect(later.get_by_role("main")).to_contain_text("01698 754609")
    # (A fragment from the "Change" link stays in the address, as browsers keep it.)
    assert later.url.split("#")[0] == f"{live_server.url}/views/sent/"
    check_accessible(later)
    # Only the first page's form was posted to the link; nothing after it carries the token.
    assert [url for url in later_posts if token in url] == [link]

    assert console_errors == []
    # Sent: the link no longer opens the answers.
    page.goto(link)
    expect(heading(page)).to_have_text("This link does not work")
    expect(page.get_by_role("main")).not_to_contain_text(GOING_WELL)
    check_accessible(page)
    assert all("404" in error for error in console_errors), console_errors

    # The team member reads the views on the referral's page (on a phone too).
    settings.SECOND_FACTOR_RELAXED = False
    team = new_context().new_page()
    team.goto(live_server.url + "/accounts/login/")
    team.get_by_label("Email address").fill("parents.team@example.org")
    team.get_by_label("Password").fill(PASSWORD)
    team.get_by_role("button", name="Sign in").click()
    enter_security_code(team, "parents.team@example.org")
    expect(heading(team)).to_have_text("Referrals dashboard")
    team.goto(f"{live_server.url}/team/referrals/{referral.reference}/")
    main = team.get_by_role("main")
    for words in (GOING_WELL, WORRIES, HELP_WANTED, "Polish"):
        expect(main).to_contain_text(words)
    check_accessible(team)
