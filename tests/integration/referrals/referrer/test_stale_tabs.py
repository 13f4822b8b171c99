"""Two tabs on one draft (issue 12, point 18): a stale tab's save is refused, so that nothing
newer is overwritten, and what it typed is not lost: the page comes back with it in the form,
the answers saved in the other tab beside it, and the latest version, so saving again keeps it.
"""

import html

import pytest
from django.urls import reverse

from imhs.models import AuditAction, AuditEvent
from referrals.drafts import start_draft
from referrals.models import Referral, Status
from tests.factories import ReferralFactory
from tests.integration.referrals.referrer.test_concerns_safety_consent_sections import concerns_data
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

NEWER = "Synthetic: saved first, in the other tab."
TYPED = "Synthetic: typed in the stale tab, never to be lost."


def section_url(referral, slug):
    return reverse("referrals:section", args=[referral.pk, slug])


def text(response):
    return html.unescape(response.content.decode())


def test_a_stale_tab_keeps_what_was_typed_beside_the_saved_answers(client, referrer):
    sign_in(client, referrer)
    draft = start_draft(by=referrer)
    opened = draft.version  # both tabs open the concerns page at this version
    url = section_url(draft, "concerns")
    client.post(url, {**concerns_data(why_now=NEWER), "version": opened})  # tab A saves

    refused = client.post(url, {**concerns_data(why_now=TYPED), "version": opened})  # tab B

    assert refused.status_code == 200
    page = text(refused)
    assert "Your changes have not been saved yet" in page
    assert "was changed in another tab or window" in page
    assert f">\n{TYPED}</textarea>" in page  # still in the form, to be saved again
    saved = page[page.index("Saved in the other tab") :]
    assert NEWER in saved[: saved.index("</dl>")]  # the newer answers, beside it
    draft.refresh_from_db()
    assert draft.why_now == NEWER  # nothing newer overwritten
    assert f'name="version" value="{draft.version}"' in page
    last = AuditEvent.objects.filter(object_id=str(draft.pk)).latest("pk")
    assert last.action == AuditAction.VIEW  # the page drawn again: seen, nothing written

    # "Save and continue" from the redrawn page keeps what was typed, knowingly.
    again = client.post(url, {**concerns_data(why_now=TYPED), "version": draft.version})
    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.why_now == TYPED


def test_a_stale_check_page_is_not_sent_and_keeps_the_reason_typed(client):
    referral = ReferralFactory(infant__gp_practice__health_board_code="S08000031")
    sign_in(client, referral.referrer)
    opened = referral.version
    referral.version += 1  # another tab saved a section meanwhile
    referral.save(update_fields=["version", "updated_at"])
    reason = "Synthetic: the family moved last week."

    response = client.post(
        reverse("referrals:check", args=[referral.pk]),
        {"version": opened, "gp_practice_override_reason": reason},
    )

    assert response.status_code == 200
    page = text(response)
    assert "so it has not been sent: check the latest answers below" in page
    assert f">\n{reason}</textarea>" in page
    assert f'name="version" value="{referral.version}"' in page
    assert Referral.objects.get(pk=referral.pk).status == Status.DRAFT
