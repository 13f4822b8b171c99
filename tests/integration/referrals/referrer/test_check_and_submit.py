"""Check your answers and send: through the pages."""

import datetime
import html

import pytest
from django.core import mail
from django.urls import reverse

from referrals.models import Referral, ReferralEvent, Status
from referrals.sections import SECTIONS
from tests.factories import InfantFactory, ReferralFactory, ReferrerFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


def page(response):
    return html.unescape(response.content.decode())


def send(client, referral, **data):
    referral.refresh_from_db()
    return client.post(
        reverse("referrals:check", args=[referral.pk]), {"version": referral.version, **data}
    )


@pytest.fixture
def referral(client):
    referral = ReferralFactory()
    sign_in(client, referral.referrer)
    return referral


def test_check_page_shows_every_section_with_change_links_and_the_assessment(client, referral):
    text = page(client.get(reverse("referrals:check", args=[referral.pk])))

    for section in SECTIONS:
        assert section.title in text
    assert text.count(">Change<span") >= 6
    assert referral.infant.given_name in text
    assert "From your answers so far, the baby meets the service's criteria." in text
    assert "Send referral" in text


def test_sending_a_complete_eligible_referral_shows_the_confirmation_with_its_reference(
    client, referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, referral)

    assert response.url == reverse("referrals:submitted", args=[referral.pk])
    referral.refresh_from_db()
    confirmation = page(client.get(response.url))
    assert referral.reference in confirmation
    assert "What happens next" in confirmation
    assert "01698 754609" in confirmation
    assert len(mail.outbox) == 1


def test_a_repeated_post_makes_one_referral_and_lands_on_the_same_confirmation(client, referral):
    first = send(client, referral)
    again = client.post(
        reverse("referrals:check", args=[referral.pk]), {"version": referral.version}
    )

    assert first.url == reverse("referrals:submitted", args=[referral.pk])
    assert again.url == reverse("referrals:submitted", args=[referral.pk])
    assert ReferralEvent.objects.filter(referral=referral).count() == 1


def test_sending_is_refused_with_reasons_while_a_section_is_incomplete(client):
    referral = ReferralFactory(section_states={"baby": "completed"})
    sign_in(client, referral.referrer)

    text = page(send(client, referral))

    assert "The referral has not been sent" in text
    assert "Complete the section “Your concerns”." in text
    assert Referral.objects.get(pk=referral.pk).status == Status.DRAFT


def test_an_over_3_baby_gets_the_explanation_and_no_send_button(client):
    referral = ReferralFactory(infant=InfantFactory(date_of_birth=datetime.date(2020, 1, 1)))
    sign_in(client, referral.referrer)

    text = page(client.get(reverse("referrals:check", args=[referral.pk])))

    assert "This referral cannot be sent" in text
    assert "3rd birthday was on 1 January 2023" in text
    assert "CAMHS" in text
    assert "Send referral" not in text
    send(client, referral)
    assert Referral.objects.get(pk=referral.pk).status == Status.DRAFT


def test_a_failed_gp_check_can_be_overridden_with_a_reason_on_the_check_page(client):
    referral = ReferralFactory(infant__gp_practice__health_board_code="S08000031")
    sign_in(client, referral.referrer)
    text = page(client.get(reverse("referrals:check", args=[referral.pk])))
    assert "although the baby's GP practice is not in Lanarkshire?" in text
    assert "(optional)" not in text
    assert "Send referral" in text

    refused = page(send(client, referral))
    assert "There is a problem" in refused

    reason = "Family moved last week; registering with a Coatbridge practice"
    response = send(client, referral, gp_practice_override_reason=reason)

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    assert referral.gp_practice_override_reason == reason


def test_the_override_is_one_clear_question_whose_error_links_to_the_reason_box(client):
    """Issue 12, point 19: the summary links to the box and says what to enter (also for a
    reason of blanks), the label is not "optional", the panel says a reason lets it be sent."""
    referral = ReferralFactory(infant__gp_practice__health_board_code="S08000031")
    sign_in(client, referral.referrer)

    text = page(client.get(reverse("referrals:check", args=[referral.pk])))
    assert "This referral can be sent only with a reason" in text
    assert "This referral cannot be sent" not in text
    assert "If you know that the baby's GP practice is different" in text
    assert '<a href="#id_gp_practice_override_reason">' in text
    assert "(optional)" not in text
    assert "If you know that Where" not in text

    message = (
        "Enter why the team should consider this referral although the baby's GP practice "
        "is not in Lanarkshire"
    )
    for reason in ("", "   "):
        refused = page(send(client, referral, gp_practice_override_reason=reason))
        summary = refused[refused.index("There is a problem") :]
        assert f'<a href="#id_gp_practice_override_reason">{message}</a>' in summary
        assert "does not meet the service's criteria (see below)" not in refused
        assert 'id="id_gp_practice_override_reason"' in refused
    assert Referral.objects.get(pk=referral.pk).status == Status.DRAFT


def test_possible_duplicate_is_flagged_without_revealing_the_other_referral(client):
    other_referrer = ReferrerFactory(given_name="Otherperson", family_name="Elsewhere")
    earlier = ReferralFactory(submitted=True, referrer=other_referrer)
    referral = ReferralFactory(infant=InfantFactory(chi_number=earlier.infant.chi_number))
    sign_in(client, referral.referrer)

    text = page(client.get(reverse("referrals:check", args=[referral.pk])))

    assert "A referral for this baby may already be with the team" in text
    for secret in (earlier.reference, "Otherperson", "Elsewhere", earlier.infant.given_name):
        assert secret not in text
    refused = page(send(client, referral))
    assert "Confirm that you still want to send this referral." in refused

    send(client, referral, confirm_duplicate="on")
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    assert referral.possible_duplicate is True


def test_a_submitted_referral_reads_back_without_change_links_and_with_its_timeline(client):
    referral = ReferralFactory()
    sign_in(client, referral.referrer)
    send(client, referral)

    text = page(client.get(reverse("referrals:detail", args=[referral.pk])))

    assert "Sent to the team" in text
    assert ">Change<span" not in text
    assert referral.infant.given_name in text
    # Its draft pages are closed now.
    section = reverse("referrals:section", args=[referral.pk, "concerns"])
    assert client.get(section).status_code == 404
    assert client.get(reverse("referrals:check", args=[referral.pk])).url == reverse(
        "referrals:submitted", args=[referral.pk]
    )
