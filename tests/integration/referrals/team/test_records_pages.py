"""The service lead's records pages (issue 16): retention rules, the review queue (destroy or keep
longer), the destruction register and a referral's legal hold."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from imhs.models import AuditEvent
from referrals import retention
from referrals.models import DestructionRecord, LegalHold, Referral, RetentionReview, RetentionRule
from tests.factories import ReferralFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rules(db):
    retention.ensure_default_rules()


def due_review():
    decided = timezone.now() - datetime.timedelta(days=4 * 366)
    referral = ReferralFactory(declined=True, decided_at=decided)
    retention.apply()
    return RetentionReview.objects.get(referral=referral)


def test_a_rule_is_changed_and_the_change_audited_with_old_and_new(lead_client):
    url = reverse("referrals:team_retention_rule", args=["declined_or_withdrawn"])
    response = lead_client.post(url, {"period": "5", "unit": "years", "action": "review"})
    assert response.status_code == 302
    rule = RetentionRule.objects.get(kind="declined_or_withdrawn")
    assert (rule.period, rule.unit, rule.updated_by.role) == (5, "years", "service_lead")
    event = AuditEvent.objects.filter(object_type="referrals.retentionrule", action="change").get()
    assert event.detail["old"]["period"] == 3
    assert event.detail["new"]["period"] == 5
    page = lead_client.get(reverse("referrals:team_retention_rules")).content.decode()
    assert "5 years" in page


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        (
            "sessions",
            {"period": "0", "unit": "days", "action": "review"},
            "not reviewed one by one",
        ),
        ("audit_events", {"period": "6", "unit": "years", "action": "delete"}, "append-only"),
        ("draft", {"period": "ninety", "unit": "days", "action": "delete"}, "whole number"),
        ("draft", {"period": "", "unit": "", "action": ""}, "Select days, months or years"),
    ],
)
def test_a_bad_rule_shows_its_error_at_the_field_and_in_the_summary(
    lead_client, kind, data, message
):
    url = reverse("referrals:team_retention_rule", args=[kind])
    response = lead_client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count(message) == 2  # the summary and the field
    assert "nhsuk-error-summary" in page


def test_an_unknown_kind_is_404(lead_client):
    assert lead_client.get("/team/records/retention/nonsense/").status_code == 404


def test_the_queue_lists_due_records_and_a_lead_keeps_one_longer(lead_client):
    review = due_review()
    page = lead_client.get(reverse("referrals:team_retention_reviews")).content.decode()
    assert review.reference in page
    url = reverse("referrals:team_retention_keep", args=[review.pk])
    missing = lead_client.post(
        url, {"reason": "", "keep_until_day": "", "keep_until_month": "", "keep_until_year": ""}
    )
    assert "Enter why the record is being kept longer" in missing.content.decode()
    later = timezone.localdate() + datetime.timedelta(days=30)
    response = lead_client.post(
        url,
        {
            "reason": "Complaint pending",
            "keep_until_day": later.day,
            "keep_until_month": later.month,
            "keep_until_year": later.year,
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.keep_until) == ("kept", later)


def test_destroy_needs_confirming_then_destroys_and_registers(lead_client, service_lead):
    review = due_review()
    url = reverse("referrals:team_retention_destroy", args=[review.pk])
    unconfirmed = lead_client.post(url, {})
    assert "Confirm that this record may be destroyed now" in unconfirmed.content.decode()
    assert Referral.objects.filter(pk=review.referral_id).exists()
    response = lead_client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    assert not Referral.objects.filter(pk=review.referral_id).exists()
    assert DestructionRecord.objects.get().authorised_by == service_lead
    register = lead_client.get(reverse("referrals:team_destruction_register")).content.decode()
    assert review.reference in register
    assert service_lead.full_name in register
    assert (
        lead_client.get(reverse("referrals:team_retention_review", args=[review.pk])).status_code
        == 404
    )


def test_a_held_referral_says_why_on_the_queue_and_is_not_destroyed(lead_client):
    review = due_review()
    hold_url = reverse("referrals:team_legal_hold", args=[review.reference])
    assert (
        lead_client.post(hold_url, {"reason": "complaint", "note": "Ref C-12"}).status_code == 302
    )
    assert LegalHold.objects.filter(referral_id=review.referral_id, lifted_at=None).exists()
    queue = lead_client.get(reverse("referrals:team_retention_reviews")).content.decode()
    assert "On hold" in queue
    assert "A complaint" in queue
    response = lead_client.post(
        reverse("referrals:team_retention_destroy", args=[review.pk]), {"confirm": "yes"}
    )
    assert "legal hold" in response.content.decode()
    assert Referral.objects.filter(pk=review.referral_id).exists()
    lift = reverse("referrals:team_lift_legal_hold", args=[review.reference])
    assert lead_client.post(lift).status_code == 302
    assert not LegalHold.objects.filter(lifted_at=None).exists()


def test_the_queue_takes_the_same_queries_however_many_are_due(
    lead_client, django_assert_max_num_queries
):
    for _ in range(2):
        due_review()
    url = reverse("referrals:team_retention_reviews")
    with django_assert_max_num_queries(12) as few:
        lead_client.get(url)
    for _ in range(5):
        due_review()
    with django_assert_max_num_queries(len(few.captured_queries)):
        lead_client.get(url)


def test_team_members_and_referrers_may_not_open_them(client, team_member):
    sign_in(client, team_member)
    assert client.get(reverse("referrals:team_retention_reviews")).status_code == 403
