"""A subject access request in a real browser: a service lead finds the baby by CHI number (the
address never holds it), starts the request, produces the bundle, withholds a team note,
releases it, prints it and downloads the zip. Every page passes axe; nothing on the console."""

import io
import json
import zipfile

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals.models import TeamNote
from tests.browser.conftest import check_accessible, sign_in_to_the_dashboard
from tests.factories import InfantFactory, ReferralFactory, ServiceLeadFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "browser subject access passphrase"


def test_a_lead_finds_the_baby_produces_withholds_releases_and_downloads(
    page, live_server, console_errors
):
    lead = ServiceLeadFactory(email="sar.lead@example.org", password=PASSWORD)
    member = TeamMemberFactory()
    referral = ReferralFactory(
        accepted=True, infant=InfantFactory(given_name="Sarbaby", family_name="Testsubject")
    )
    TeamNote.objects.create(
        referral=referral, text="Synthetic note to withhold.", by=member, at=timezone.now()
    )
    chi = referral.infant.chi_number
    sign_in_to_the_dashboard(page, live_server, lead, PASSWORD)

    page.get_by_role("navigation", name="Team pages").get_by_role(
        "link", name="Subject access"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject access requests")
    check_accessible(page)
    page.get_by_label("CHI number or referral reference").fill(chi)
    page.get_by_role("button", name="Find the baby").click()
    expect(page.get_by_role("heading", name="Referrals found")).to_be_visible()
    assert chi not in page.url
    check_accessible(page)

    page.get_by_role("link", name="Start a request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Start a request for Sarbaby Testsubject"
    )
    check_accessible(page)
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Start the request").click()
    expect(page.get_by_text("Subject access request started")).to_be_visible()
    check_accessible(page)

    page.get_by_role("button", name="Produce the bundle").click()
    expect(page.get_by_text("Bundle produced")).to_be_visible()
    expect(page.get_by_text("Synthetic note to withhold.")).to_be_visible()
    check_accessible(page)
    # A tick without a reason is refused, the tick kept.
    note_box = page.locator("tr", has_text="Synthetic note to withhold.").get_by_role("checkbox")
    note_box.check()
    page.get_by_role("button", name="Save the items to withhold").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter why the ticked items are withheld"
    )
    expect(note_box).to_be_checked()
    check_accessible(page)
    page.get_by_label("Reason for withholding the newly ticked items").fill("a team note")
    page.get_by_role("button", name="Save the items to withhold").click()
    expect(page.get_by_text("Items to withhold saved")).to_be_visible()
    expect(page.get_by_text("[withheld: a team note]")).to_be_visible()

    page.get_by_role("button", name="Release the bundle").click()
    expect(page.get_by_text("Bundle released")).to_be_visible()
    check_accessible(page)

    page.get_by_role("link", name="Print the bundle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Information held about Sarbaby Testsubject"
    )
    expect(page.get_by_text("[withheld: a team note]")).to_be_visible()
    check_accessible(page)
    page.get_by_role("link", name="Back to the request").click()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the bundle").click()
    download = download_info.value
    assert download.suggested_filename.startswith("subject-access-")
    with open(download.path(), "rb") as file:
        archive = zipfile.ZipFile(io.BytesIO(file.read()))
    bundle = json.loads(archive.read("bundle.json"))
    assert bundle["subject"]["name"] == "Sarbaby Testsubject"
    assert "Synthetic note to withhold." not in archive.read("bundle.html").decode()
    assert console_errors == []
