"""A referrer with many referrals, two tabs and a family outside Lanarkshire's GP practices
(issue 12, points 18-20), in a real browser: "Your referrals" is searched, filtered and cleared of
empty drafts; a stale tab's refused save keeps what was typed beside the saved answers; the
override on "Check your answers" is one question whose error links to its box.

Every page visited passes axe (WCAG 2.x A/AA), and nothing is logged to the console.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals.drafts import start_draft
from referrals.models import Referral, Status
from tests.browser.conftest import check_accessible, watch_console
from tests.browser.test_referral_journey import PASSWORD, heading, sign_in
from tests.factories import InfantFactory, ReferralFactory, ReferrerFactory

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "lists.and.tabs@example.org"
NEWER = "Synthetic: saved first, in the first tab."
TYPED = "Synthetic: typed in the second tab, and kept."
REASON = "Synthetic: the family moved last week; registering with a Coatbridge practice."


def test_a_referrer_finds_referrals_keeps_a_stale_tabs_text_and_gives_an_override_reason(
    page, live_server, assert_accessible, console_errors
):
    referrer = ReferrerFactory(email=EMAIL, password=PASSWORD)
    ailsa = ReferralFactory(
        referrer=referrer,
        infant=InfantFactory(given_name="Ailsa", family_name="Testwood"),
        section_states={"baby": "completed", "carers": "completed", "concerns": "completed"},
        concerns_duration="Synthetic: about 3 months.",
        support_tried="Synthetic: weekly visits.",
        family_hopes="Synthetic hopes.",
    )
    for number in range(3):
        ReferralFactory(
            referrer=referrer,
            submitted=True,
            infant=InfantFactory(given_name=f"Sentbaby{number}", family_name="Example"),
        )
    outside = ReferralFactory(
        referrer=referrer,
        infant=InfantFactory(
            given_name="Glenna", family_name="Testfar", gp_practice__health_board_code="S08000031"
        ),
    )
    empty = [start_draft(by=referrer) for _ in range(2)]
    day_ago = timezone.now() - datetime.timedelta(days=2)
    Referral.objects.filter(pk__in=[d.pk for d in empty]).update(updated_at=day_ago)

    # --- Your referrals: names, progress, search, filter, empty drafts (point 20) ---------
    sign_in(page, live_server, assert_accessible, EMAIL)
    table = page.get_by_role("table")
    ailsa_row = page.get_by_role("row").filter(has_text="Ailsa Testwood")
    expect(ailsa_row).to_contain_text("14 Feb 2025")
    expect(ailsa_row).to_contain_text("3 of 6 sections done")
    expect(page.get_by_role("row").filter(has_text="Sentbaby1 Example")).to_contain_text("Sent ")

    page.get_by_label("Search by baby's name or reference").fill("ailsa")
    page.get_by_role("button", name="Search").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Ailsa Testwood")
    # Posted: the name is in no address, only the search's key (which a reload keeps).
    assert "ailsa" not in page.url.lower()
    assert "?s=" in page.url
    assert_accessible()
    page.get_by_role("link", name="Clear search").click()
    page.get_by_label("Status").select_option(label="Submitted")
    page.get_by_role("button", name="Search").click()
    expect(table.locator("tbody tr")).to_have_count(3)
    assert_accessible()
    page.get_by_role("link", name="Clear search").click()

    page.get_by_role("button", name="Delete 2 empty drafts").click()
    expect(heading(page)).to_have_text("Are you sure you want to delete 2 empty drafts?")
    assert_accessible()
    page.get_by_role("button", name="Delete 2 empty drafts").click()
    expect(heading(page)).to_have_text("Your referrals")
    expect(page.get_by_text("2 empty drafts deleted.")).to_be_visible()
    expect(page.get_by_role("button", name="Delete 2 empty drafts")).to_have_count(0)
    assert not Referral.objects.filter(pk__in=[d.pk for d in empty]).exists()
    assert_accessible()

    # --- Two tabs on one section: the second tab's text is not lost (point 18) -------------
    concerns = f"{live_server.url}/referrals/{ailsa.pk}/concerns/"
    second = page.context.new_page()
    second_errors = watch_console(second)
    page.goto(concerns)
    second.goto(concerns)
    page.get_by_label("Why are you referring now?").fill(NEWER)
    page.get_by_role("button", name="Save and continue").click()
    expect(heading(page)).to_have_text("Request for Assistance")

    second.get_by_label("Why are you referring now?").fill(TYPED)
    second.get_by_role("button", name="Save and continue").click()
    expect(second.get_by_text("Your changes have not been saved yet")).to_be_visible()
    expect(second.get_by_label("Why are you referring now?")).to_have_value(TYPED)
    expect(second.locator("#saved-meanwhile")).to_contain_text(NEWER)
    check_accessible(second)
    ailsa.refresh_from_db()
    assert ailsa.why_now == NEWER  # nothing newer overwritten
    second.get_by_role("button", name="Save and continue").click()  # knowingly, this time
    expect(heading(second)).to_have_text("Request for Assistance")
    ailsa.refresh_from_db()
    assert ailsa.why_now == TYPED
    assert second_errors == []
    second.close()

    # --- The override on Check your answers: one clear question (point 19) ----------------
    page.goto(f"{live_server.url}/referrals/{outside.pk}/check/")
    panel = page.locator(".nhsuk-warning-callout").filter(has_text="only with a reason")
    expect(panel).to_contain_text("This referral can be sent only with a reason")
    expect(page.get_by_text("This referral cannot be sent")).to_have_count(0)
    reason_box = page.get_by_label(
        "Why should the team consider this referral although the baby's GP practice is not "
        "in Lanarkshire?",
        exact=True,
    )
    expect(reason_box).to_be_visible()  # its label is not marked "(optional)"
    assert_accessible()
    page.get_by_role("button", name="Send referral").click()
    summary = page.locator(".nhsuk-error-summary")
    error_link = summary.get_by_role("link", name="Enter why the team should consider this")
    expect(error_link).to_have_attribute("href", "#id_gp_practice_override_reason")
    assert_accessible()
    error_link.click()
    expect(reason_box).to_be_focused()
    expect(reason_box).to_be_in_viewport()
    reason_box.fill(REASON)
    page.get_by_role("button", name="Send referral").click()
    expect(heading(page)).to_have_text("Referral sent")
    outside.refresh_from_db()
    assert outside.status == Status.SUBMITTED
    assert outside.gp_practice_override_reason == REASON
    assert_accessible()
    assert console_errors == []
