"""Drafts: started from the account, saved section by section, never overwritten by a stale tab,
visible only to their owner, deleted on request or after 90 untouched days."""

import datetime
import html
import io

import pytest
from django import forms
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from imhs.models import AuditAction, AuditEvent
from patients.models import Carer, Infant
from referrals import drafts
from referrals.models import Referral, Status
from referrals.referrer.forms.base import SectionForm
from tests.factories import ReferralFactory, ReferrerFactory, TeamMemberFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


class WhyNowForm(SectionForm):
    """A one-field section, to exercise save_section without any real section's rules."""

    why_now = forms.CharField(error_messages={"required": "Enter why now"})

    def save(self):
        self.referral.why_now = self.cleaned_data["why_now"]
        self.referral.save(update_fields=["why_now"])


def test_start_draft_prefills_about_you_from_the_account():
    user = ReferrerFactory(job_title="Health Visitor", base="Test Base", work_phone="01698 000001")

    referral = drafts.start_draft(by=user)

    assert referral.status == Status.DRAFT
    assert (referral.referrer_name, referral.referrer_profession) == (
        user.full_name,
        user.profession,
    )
    assert (referral.referrer_base, referral.referrer_phone) == ("Test Base", "01698 000001")
    assert referral.referrer_email == user.email
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(referral.pk)).exists()


def test_a_clean_save_completes_the_section_and_bumps_the_version():
    referral = drafts.start_draft(by=ReferrerFactory())
    form = WhyNowForm({"why_now": "Worries since the move"}, referral=referral)

    saved = drafts.save_section(
        referral, key="concerns", form=form, by=referral.referrer, version=referral.version
    )

    referral.refresh_from_db()
    assert saved is True
    assert referral.why_now == "Worries since the move"
    assert referral.section_states == {"concerns": "completed"}
    assert referral.version == 2


def test_an_invalid_save_keeps_what_was_typed_and_marks_the_section_in_progress():
    referral = drafts.start_draft(by=ReferrerFactory())
    form = WhyNowForm({"why_now": "", "other": "typed text"}, referral=referral)

    saved = drafts.save_section(
        referral, key="concerns", form=form, by=referral.referrer, version=referral.version
    )

    referral.refresh_from_db()
    assert saved is False
    assert referral.section_states == {"concerns": "in_progress"}
    assert referral.section_drafts["concerns"] == {"why_now": [""], "other": ["typed text"]}


def test_a_save_from_a_stale_tab_is_refused_and_overwrites_nothing():
    referral = drafts.start_draft(by=ReferrerFactory())
    opened_at = referral.version
    first = WhyNowForm({"why_now": "Newer answer"}, referral=referral)
    drafts.save_section(
        referral, key="concerns", form=first, by=referral.referrer, version=opened_at
    )

    stale = WhyNowForm({"why_now": "Older answer"}, referral=referral)
    with pytest.raises(drafts.StaleDraft):
        drafts.save_section(
            referral, key="concerns", form=stale, by=referral.referrer, version=opened_at
        )

    assert Referral.objects.get(pk=referral.pk).why_now == "Newer answer"


def test_a_save_without_a_version_is_treated_as_stale():
    referral = drafts.start_draft(by=ReferrerFactory())
    form = WhyNowForm({"why_now": "x"}, referral=referral)
    with pytest.raises(drafts.StaleDraft):
        drafts.save_section(referral, key="concerns", form=form, by=referral.referrer, version=None)


def test_delete_draft_removes_the_referral_baby_and_carers():
    referral = ReferralFactory()
    infant_id = referral.infant_id

    drafts.delete_draft(referral, by=referral.referrer)

    assert not Referral.objects.filter(pk=referral.pk).exists()
    assert not Infant.objects.filter(pk=infant_id).exists()
    assert not Carer.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, object_id=str(referral.pk)).exists()


def test_a_submitted_referral_cannot_be_deleted_as_a_draft():
    referral = ReferralFactory(submitted=True)
    with pytest.raises(drafts.NotADraft):
        drafts.delete_draft(referral, by=referral.referrer)


def test_purge_deletes_only_drafts_untouched_for_the_retention_period():
    old = ReferralFactory()
    recent = ReferralFactory()
    sent_long_ago = ReferralFactory(submitted=True)
    long_ago = timezone.now() - datetime.timedelta(days=91)
    Referral.objects.filter(pk__in=[old.pk, sent_long_ago.pk]).update(updated_at=long_ago)
    Referral.objects.filter(pk=recent.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=89)
    )

    output = io.StringIO()
    call_command("purge_stale_drafts", stdout=output)

    assert output.getvalue().strip() == "Deleted 1 draft referral untouched for 90 days."
    assert set(Referral.objects.values_list("pk", flat=True)) == {recent.pk, sent_long_ago.pk}


def test_purge_retention_is_configurable(settings):
    referral = ReferralFactory()
    Referral.objects.filter(pk=referral.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=31)
    )
    output = io.StringIO()

    call_command("purge_stale_drafts", "--days", "30", stdout=output)

    assert "Deleted 1 draft referral untouched for 30 days." in output.getvalue()
    assert not Referral.objects.exists()


# --- through the pages --------------------------------------------------------------------


def test_starting_a_referral_is_a_post_that_opens_the_task_list(client):
    user = ReferrerFactory()
    sign_in(client, user)

    assert client.get(reverse("referrals:new")).status_code == 200
    assert not Referral.objects.exists()
    response = client.post(reverse("referrals:new"))

    referral = Referral.objects.get()
    assert response.url == reverse("referrals:detail", args=[referral.pk])
    page = html.unescape(client.get(response.url).content.decode())
    assert "Request for Assistance" in page
    assert page.count("Not started") == 6
    assert "Still needed: the baby's date of birth." in page


def test_another_referrers_draft_is_not_found(client):
    referral = ReferralFactory()
    sign_in(client, ReferrerFactory())

    for name in ("referrals:detail", "referrals:check", "referrals:delete"):
        assert client.get(reverse(name, args=[referral.pk])).status_code == 404, name
    assert client.post(reverse("referrals:delete", args=[referral.pk])).status_code == 404
    assert Referral.objects.filter(pk=referral.pk).exists()


def test_a_team_member_cannot_open_or_edit_a_referrers_draft(client):
    referral = ReferralFactory()
    sign_in(client, TeamMemberFactory())

    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 403
    response = client.post(reverse("referrals:delete", args=[referral.pk]))
    assert response.status_code == 403
    assert Referral.objects.filter(pk=referral.pk).exists()


def test_deleting_a_draft_asks_first_then_deletes_on_post(client):
    referral = ReferralFactory()
    sign_in(client, referral.referrer)
    url = reverse("referrals:delete", args=[referral.pk])

    assert "Are you sure you want to delete this draft?" in client.get(url).content.decode()
    assert Referral.objects.filter(pk=referral.pk).exists()
    response = client.post(url)

    assert response.url == reverse("referrals:mine")
    assert not Referral.objects.filter(pk=referral.pk).exists()


def test_viewing_a_referral_is_audited(client):
    referral = ReferralFactory()
    sign_in(client, referral.referrer)

    client.get(reverse("referrals:detail", args=[referral.pk]))

    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="referrals.referral")
    assert (event.actor, event.object_id) == (referral.referrer, str(referral.pk))


def test_task_list_shows_each_sections_state(client):
    referral = ReferralFactory(
        section_states={"baby": "completed", "concerns": "in_progress"}, with_carer=False
    )
    sign_in(client, referral.referrer)

    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()

    assert page.count("Completed") == 1
    assert page.count("In progress") == 1
    assert page.count("Not started") == 4
    assert "You have completed 1 of 6 sections." in page


def test_task_list_eligibility_summary_changes_as_answers_are_saved(client):
    referral = ReferralFactory(consent_given=None)
    sign_in(client, referral.referrer)
    url = reverse("referrals:detail", args=[referral.pk])
    assert "Still needed: whether a parent or carer" in html.unescape(
        client.get(url).content.decode()
    )

    referral.consent_given = False
    referral.save(update_fields=["consent_given"])
    page = html.unescape(client.get(url).content.decode())

    assert "does not meet the service's criteria" in page
    assert "must agree to the referral" in page
    assert "14 February 2028" in page  # the 3rd birthday, once the date of birth is known


def test_your_referrals_lists_own_referrals_with_names_in_constant_queries(
    client, django_assert_max_num_queries
):
    user = ReferrerFactory()
    ReferralFactory(referrer=ReferrerFactory())  # someone else's
    sign_in(client, user)
    url = reverse("referrals:mine")

    for total in (3, 25):
        while Referral.objects.filter(referrer=user).count() < total:
            ReferralFactory(referrer=user, with_carer=False)
        with django_assert_max_num_queries(8):
            page = client.get(url).content.decode()
        assert page.count("Continue<span") == total

    sent = ReferralFactory(referrer=user, submitted=True, with_carer=False)
    page = client.get(url).content.decode()
    assert sent.reference in page
    assert sent.infant.full_name in page  # the referrer wrote it (issue 12, point 20)
