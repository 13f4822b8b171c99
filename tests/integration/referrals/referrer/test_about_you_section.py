"""About you, through the generic section page: prefilled, saved, errors kept, and scoped."""

import html

import pytest
from django.urls import reverse

from imhs.models import Profession
from referrals import drafts
from referrals.assessment import assessment_for
from referrals.models import Referral
from tests.factories import ReferrerFactory, TeamMemberFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

ANSWERS = {
    "referrer_name": "Testgiven Testfamily",
    "referrer_profession": "nursery",
    "referrer_job_title": "Early Years Practitioner",
    "referrer_base": "Test Nursery",
    "referrer_phone": "07700 900301",
    "referrer_email": "testgiven@example.org",
    "discussed_with_health_visitor": "yes",
    "health_visitor_name": "Hvtest Example",
}


@pytest.fixture
def referrer():
    return ReferrerFactory(
        given_name="Testgiven",
        family_name="Testfamily",
        profession=Profession.HEALTH_VISITOR,
        base="Test Health Visiting Team",
        work_phone="01698 754609",
    )


@pytest.fixture
def referral(referrer):
    return drafts.start_draft(by=referrer)


@pytest.fixture
def signed_in(client, referrer):
    sign_in(client, referrer)
    return client


def url(referral):
    return reverse("referrals:section", args=[referral.pk, "about-you"])


def latest(referral):
    return Referral.objects.get(pk=referral.pk)


def post(client, referral, data):
    return client.post(url(referral), {**data, "version": latest(referral).version})


def page(response):
    return html.unescape(response.content.decode())


def test_the_page_is_prefilled_from_the_account(signed_in, referral):
    response = signed_in.get(url(referral))

    assert response.status_code == 200
    content = page(response)
    assert "About you" in content
    assert 'value="Testgiven Testfamily"' in content
    assert 'value="Test Health Visiting Team"' in content
    assert 'value="01698 754609"' in content
    assert 'value="health_visitor" checked' in content


def test_saving_writes_the_details_and_completes_the_section(signed_in, referral):
    response = post(signed_in, referral, ANSWERS)

    assert response.status_code == 302
    assert response.url == reverse("referrals:detail", args=[referral.pk])
    referral = latest(referral)
    assert referral.section_states == {"about-you": "completed"}
    assert (referral.referrer_profession, referral.referrer_phone) == ("nursery", "07700 900301")
    assert referral.discussed_with_health_visitor is True
    assert referral.health_visitor_name == "Hvtest Example"


def test_the_profession_is_the_referrer_type_the_eligibility_check_reads(signed_in, referral):
    post(signed_in, referral, {**ANSWERS, "discussed_with_health_visitor": "no"})

    check = next(c for c in assessment_for(latest(referral)).checks if c.rule == "referrer_type")

    assert check.outcome == "review"


def test_errors_keep_what_was_typed_and_mark_the_section_in_progress(signed_in, referral):
    typed = {**ANSWERS, "referrer_phone": "12345", "health_visitor_name": ""}

    response = post(signed_in, referral, typed)

    assert response.status_code == 200
    content = page(response)
    assert "There is a problem" in content
    assert (
        '<a href="#id_referrer_phone">Enter a UK phone number, like 07700 900 123 or 01698 '
        "754609</a>" in content
    )
    assert "Enter the name of the Health Visitor or Family Nurse you discussed it with" in content
    assert 'value="12345"' in content
    assert 'value="Test Nursery"' in content
    referral = latest(referral)
    assert referral.section_states == {"about-you": "in_progress"}
    assert referral.section_drafts["about-you"]["referrer_phone"] == ["12345"]
    assert referral.referrer_base == "Test Health Visiting Team"  # nothing saved

    content = page(signed_in.get(url(referral)))
    assert 'value="12345"' in content


def test_a_stale_version_is_refused(signed_in, referral):
    opened_at = referral.version
    post(signed_in, referral, ANSWERS)

    response = signed_in.post(
        url(referral), {**ANSWERS, "referrer_base": "Stale", "version": opened_at}
    )

    # Refused, but what was typed stays on the page (issue 12, point 18).
    assert response.status_code == 200
    assert 'value="Stale"' in response.content.decode()
    assert latest(referral).referrer_base == "Test Nursery"


def test_another_referrers_draft_is_not_found(client, referral):
    sign_in(client, ReferrerFactory())
    assert client.get(url(referral)).status_code == 404
    assert post(client, referral, ANSWERS).status_code == 404
    assert latest(referral).referrer_base == "Test Health Visiting Team"


def test_a_team_member_is_refused(client, referral):
    sign_in(client, TeamMemberFactory())
    assert client.get(url(referral)).status_code == 403
