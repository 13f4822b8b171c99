"""The service lead's "Who has accessed this referral" on the team's referral page."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from imhs.models import AuditAction
from referrals import invitations, workflow
from referrals.team import access_log
from tests.factories import (
    AuditEventFactory,
    ReferralFactory,
    ReferrerFactory,
    TeamMemberFactory,
)
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

HEADING = "Who has accessed this referral"


def flat(response):
    text = html.unescape(response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


def page_url(referral):
    return reverse("referrals:team_referral", args=[referral.reference])


@pytest.fixture
def referral():
    return ReferralFactory(submitted=True)


def test_a_service_lead_sees_who_did_what_and_when_newest_first(client, service_lead):
    referral = ReferralFactory(declined=True)
    member = TeamMemberFactory(given_name="Viewertest", family_name="Example")
    sign_in(client, member)
    client.get(page_url(referral))
    client.get(reverse("referrals:team_letter", args=[referral.reference, "referrer"]))
    workflow.add_note(referral, by=member, text="Synthetic note.")
    _invitation, token = invitations.create(
        referral,
        carer=referral.infant.care_relationships.get().carer,
        by=member,
        send_email=False,
    )
    client.get(reverse("parents:open", args=[token]))  # a parent (no account) opens the link
    AuditEventFactory(  # someone else's referral: not listed
        actor=member, object_type="referrals.referral", object_id=str(referral.pk + 1000)
    )
    sign_in(client, service_lead)

    response = client.get(page_url(referral))

    text = flat(response)
    assert HEADING in text
    rows = response.context["access_log"]["rows"]
    assert [row.what for row in rows] == [
        "Viewed",  # the lead, just now
        "Viewed: a parent's secure link",
        "Created: a parent's secure link",
        "Created: a team note",
        "Exported or printed: letter to the referrer",
        "Viewed",
    ]
    assert rows[0].who == f"{service_lead.full_name} (service lead)"
    assert rows[1].who == "A parent or carer, through a secure link"
    assert rows[-1].who == "Viewertest Example (team member)"
    assert [row.at for row in rows] == sorted((row.at for row in rows), reverse=True)
    assert "Viewertest Example (team member)" in text
    assert response.context["access_log"]["total"] == 6


def test_team_members_who_are_not_service_leads_do_not_see_it(client, team_member, referral):
    sign_in(client, team_member)

    response = client.get(page_url(referral))

    assert response.context["access_log"] is None
    assert HEADING not in flat(response)


def test_a_refused_access_is_listed(client, service_lead):
    owner = ReferrerFactory()
    referral = ReferralFactory(submitted=True, referrer=owner)
    snooper = ReferrerFactory(given_name="Snoopertest", family_name="Example")
    sign_in(client, snooper)
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    sign_in(client, service_lead)

    rows = client.get(page_url(referral)).context["access_log"]["rows"]

    assert (rows[1].who, rows[1].what) == ("Snoopertest Example (referrer)", "Access denied")


def test_the_latest_fifty_are_shown_with_the_count_in_constant_queries(
    client, service_lead, referral, django_assert_max_num_queries
):
    sign_in(client, service_lead)
    now = timezone.now()
    url = page_url(referral)
    client.get(url)  # warm up: the first request of a session loads more than later ones
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    baseline = len(few.captured_queries)

    AuditEventFactory.create_batch(
        120,
        actor=TeamMemberFactory(),
        object_type="referrals.referral",
        object_id=str(referral.pk),
        at=now - datetime.timedelta(hours=1),
    )
    with django_assert_max_num_queries(baseline):
        response = client.get(url)

    log = response.context["access_log"]
    assert len(log["rows"]) == access_log.LIMIT
    assert log["total"] == 120 + 3  # and the lead's three views
    assert log["limited"]
    assert f"The latest {access_log.LIMIT} of {log['total']} are shown" in flat(response)


def test_actions_are_named_in_words(service_lead, referral):
    member = TeamMemberFactory()
    workflow.start_review(referral, by=member, version=referral.version)
    AuditEventFactory(
        actor=None, action=AuditAction.DELETE, object_type="patients.infant",
        object_id=str(referral.infant_id),
    )  # fmt: skip

    rows = access_log.section(referral, service_lead)["rows"]

    assert rows[0].what == "Deleted: the baby's record"
    assert rows[0].who == "The system, or someone not signed in"
    assert rows[1].what == "Changed: start review"
