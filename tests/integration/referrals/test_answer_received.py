"""An answered question (issue 12, point 9): back to the reviewer's In review queue, marked
"Answer received" on the dashboard until the reviewer opens the referral, and the reviewer
emailed; the dashboard's queries stay constant with the marker."""

import pytest
from django.core import mail
from django.urls import reverse

from referrals import workflow
from referrals.models import Referral, Status
from referrals.team.dashboard import PAGE_SIZE
from tests.factories import ReferralFactory, TeamMemberFactory
from tests.sign_in import DASHBOARD_QUERIES, sign_in

pytestmark = pytest.mark.django_db

MARKER = "Answer received"


def answered(*, reviewer=None):
    """A sent referral whose question (asked by `reviewer`, who started the review, if given)
    the referrer has answered."""
    referral = ReferralFactory(submitted=True, with_carer=False)
    asker = reviewer or TeamMemberFactory()
    if reviewer:
        workflow.start_review(referral, by=reviewer, version=referral.version)
    workflow.request_information(
        referral, by=asker, version=referral.version, question="Synthetic question?"
    )
    workflow.answer_information_request(
        Referral.objects.get(pk=referral.pk), by=referral.referrer, answer="Synthetic answer."
    )
    referral.refresh_from_db()
    return referral


def dashboard_row(client, referral, queue):
    response = client.get("/team/", {"queue": queue})
    assert response.status_code == 200
    [row] = [row for row in response.context["rows"] if row.reference == referral.reference]
    return row, response.content.decode()


def test_the_reviewer_sees_it_back_in_review_marked_until_they_open_it(client):
    reviewer, colleague = TeamMemberFactory(), TeamMemberFactory()
    referral = answered(reviewer=reviewer)
    assert referral.status == Status.IN_REVIEW

    sign_in(client, colleague)
    row, text = dashboard_row(client, referral, "in_review")
    assert row.answer_received
    assert MARKER in text
    assert f"by {reviewer.full_name}" in text
    client.get(reverse("referrals:team_referral", args=[referral.reference]))
    row, _ = dashboard_row(client, referral, "in_review")
    assert row.answer_received  # a colleague's visit does not count: it is not theirs

    client.logout()
    sign_in(client, reviewer)
    page_url = reverse("referrals:team_referral", args=[referral.reference])
    first_visit = client.get(page_url).content.decode()
    assert "Read the referrer&#x27;s answer, then decide" in first_visit  # still new this time
    assert "Answer received." in first_visit
    assert "Answer received." not in client.get(page_url).content.decode()
    row, text = dashboard_row(client, referral, "in_review")
    assert not row.answer_received
    assert MARKER not in text


def test_an_answer_nobody_was_reviewing_is_new_and_marked_until_anyone_opens_it(client):
    referral = answered()
    assert referral.status == Status.SUBMITTED

    sign_in(client, TeamMemberFactory())
    row, text = dashboard_row(client, referral, "new")
    assert row.answer_received
    assert MARKER in text
    client.get(reverse("referrals:team_referral", args=[referral.reference]))
    row, _ = dashboard_row(client, referral, "new")
    assert not row.answer_received


def test_the_reviewer_is_emailed_the_reference_and_a_link_only(
    django_capture_on_commit_callbacks,
):
    reviewer = TeamMemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        referral = answered(reviewer=reviewer)

    [message] = [m for m in mail.outbox if m.to == [reviewer.email]]
    assert message.subject == f"Referral {referral.reference}: the referrer has answered"
    assert reverse("referrals:team_referral", args=[referral.reference]) in message.body
    for private in ("Synthetic question?", "Synthetic answer.", referral.infant.family_name):
        assert private not in message.body


@pytest.mark.parametrize("count", [3, 30])
def test_the_marker_adds_no_dashboard_query(client, django_assert_max_num_queries, count):
    reviewer = TeamMemberFactory()
    for _ in range(count):
        answered(reviewer=reviewer)
    sign_in(client, TeamMemberFactory())

    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get("/team/", {"queue": "all"})

    assert response.content.decode().count(MARKER) == min(count, PAGE_SIZE)
