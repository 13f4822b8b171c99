"""Audit events hold no passwords, tokens or form contents (issue 8, point 7).

A realistic run through the pages (sign in, a failed sign-in, a referral written and sent,
triage with a question and its answer, a note, a letter, a parent's secure link and views, a
password change and a password reset, the audit export), then every AuditEvent is searched for
each secret and each distinctive thing typed into a form. None may be there.
"""

import json
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from imhs import audit
from imhs.models import AuditAction, AuditEvent
from referrals.models import Referral
from tests.factories import ReferralFactory, ReferrerFactory, ServiceLeadFactory, TeamMemberFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse audit 7731"
WRONG_PASSWORD = "wrong battery staple 9120"
NEW_PASSWORD = "another passphrase audit 4242"
RESET_PASSWORD = "reset passphrase audit 5858"
TYPED = {
    "concerns": "Zebrafinch concern 4417",
    "unsaved": "Marmoset draft 1290",
    "safety": "Quokka safety 5521",
    "question": "Narwhal question 8810",
    "answer": "Axolotl answer 6634",
    "note": "Pangolin note 7723",
    "accept_note": "Okapi decision 3345",
    "parent": "Capybara worry 9902",
}
TOKEN = re.compile(r"/views/([A-Za-z0-9_-]{43})/")


def everything_recorded():
    """Each audit event as the text of all its fields."""
    return [
        " ".join(
            [
                event.action,
                event.object_type,
                event.object_id,
                str(event.ip_address or ""),
                json.dumps(event.detail, ensure_ascii=False),
            ]
        )
        for event in AuditEvent.objects.all()
    ]


def version(referral):
    return Referral.objects.get(pk=referral.pk).version


def team_action(client, referral, action, **data):
    url = reverse("referrals:team_action", args=[referral.reference, action])
    response = client.post(url, {"version": version(referral), **data})
    assert response.status_code == 302
    return response


def test_no_audit_event_holds_a_password_a_token_or_what_was_typed(
    django_capture_on_commit_callbacks,
):
    referrer = ReferrerFactory(email="audit.referrer@example.org", password=PASSWORD)
    member, lead = TeamMemberFactory(), ServiceLeadFactory()
    staff = Client()
    sign_in(staff, member)
    secrets = [PASSWORD, WRONG_PASSWORD, NEW_PASSWORD, RESET_PASSWORD, *TYPED.values()]

    # The referrer signs in through the form, after one wrong password.
    browser = Client()
    login = reverse("login")
    browser.post(login, {"username": referrer.email, "password": WRONG_PASSWORD})
    assert (
        browser.post(login, {"username": referrer.email, "password": PASSWORD}).status_code == 302
    )

    # A new draft, with an answer typed into a page that cannot be saved yet (it is kept).
    new = browser.post(reverse("referrals:new"))
    unsaved = Referral.objects.get(pk=new.url.rstrip("/").split("/")[-1])
    browser.post(
        reverse("referrals:section", args=[unsaved.pk, "concerns"]),
        {"why_now": TYPED["unsaved"], "version": version(unsaved)},
    )
    assert TYPED["unsaved"] in json.dumps(Referral.objects.get(pk=unsaved.pk).section_drafts)

    # A complete draft: concerns and safety typed through the pages, then sent.
    referral = ReferralFactory(referrer=referrer)
    concerns = {
        f"{domain}_{suffix}": value
        for domain in ("relationship", "emotional", "cognitive")
        for suffix, value in (("indicators", "5"), ("observed", TYPED["concerns"]))
    }
    concerns.update(
        sense_of_self_indicators="0",
        social_interaction_indicators="0",
        why_now=TYPED["concerns"],
        concerns_duration=TYPED["concerns"],
        support_tried=TYPED["concerns"],
        family_hopes=TYPED["concerns"],
        version=version(referral),
    )
    response = browser.post(reverse("referrals:section", args=[referral.pk, "concerns"]), concerns)
    assert response.status_code == 302, response.context["form"].errors
    browser.post(
        reverse("referrals:section", args=[referral.pk, "safety"]),
        {
            "child_protection_concerns": "yes",
            "child_protection_plan": "no",
            "child_protection_details": TYPED["safety"],
            "version": version(referral),
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = browser.post(
            reverse("referrals:check", args=[referral.pk]), {"version": version(referral)}
        )
    assert sent.url == reverse("referrals:submitted", args=[referral.pk])
    referral.refresh_from_db()
    assert TYPED["concerns"] in referral.why_now

    # Triage: a question, its answer, a note, a secure link, acceptance and a letter.
    with django_capture_on_commit_callbacks(execute=True):
        staff.get(reverse("referrals:team_referral", args=[referral.reference]))
        team_action(staff, referral, "start_review")
        team_action(staff, referral, "request_information", question=TYPED["question"])
        browser.post(
            reverse("referrals:answer_question", args=[referral.pk]), {"answer": TYPED["answer"]}
        )
        staff.post(
            reverse("referrals:team_note", args=[referral.reference]), {"text": TYPED["note"]}
        )
        carer = referral.infant.care_relationships.get().carer
        link_page = staff.post(
            reverse("referrals:team_invite", args=[referral.reference]),
            {"carer": carer.pk, "seen": 0},
        )
        team_action(staff, referral, "start_review")
        team_action(staff, referral, "accept", priority="routine", note=TYPED["accept_note"])
    assert Referral.objects.get(pk=referral.pk).status == "accepted"
    token = TOKEN.search(link_page.content.decode()).group(1)
    secrets.append(token)
    assert staff.get(
        reverse("referrals:team_letter", args=[referral.reference, "referrer"])
    ).status_code == 200  # fmt: skip

    # The parent: the link, a wrong date of birth, the right one, their views saved and sent.
    parent = Client()
    parent.get(reverse("parents:open", args=[token]))
    born = referral.infant.date_of_birth

    def date_of_birth(day):
        return {
            "date_of_birth_day": str(day),
            "date_of_birth_month": str(born.month),
            "date_of_birth_year": str(born.year),
        }

    parent.post(reverse("parents:open", args=[token]), date_of_birth(born.day % 28 + 1))
    parent.post(reverse("parents:open", args=[token]), date_of_birth(born.day))
    views = {"worries": TYPED["parent"], "going_well": TYPED["parent"]}
    parent.post(reverse("parents:views"), {**views, "save": ""})
    assert parent.post(reverse("parents:views"), {**views, "check": ""}).url == "/views/check/"
    check = parent.get("/views/check/").content.decode()
    seen = re.search(r'name="version" value="([^"]+)"', check).group(1)
    assert parent.post("/views/check/", {"version": seen, "send": ""}).url == "/views/sent/"

    # The referrer changes their password; then forgets it and resets it by email.
    changed = browser.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    forgetful = Client()
    with django_capture_on_commit_callbacks(execute=True):
        forgetful.post(reverse("password_reset"), {"email": referrer.email})
    reset_link = re.search(
        re.escape(settings.SITE_URL) + r"(/accounts/reset/\S+/)", mail.outbox[-1].body
    ).group(1)
    secrets.append(reset_link.rstrip("/").split("/")[-1])  # the reset token
    form_page = forgetful.get(reset_link, follow=True)
    done = forgetful.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": RESET_PASSWORD, "new_password2": RESET_PASSWORD},
    )
    assert done.url == reverse("password_reset_complete")

    # The service lead exports the day's audit events.
    sign_in(staff, lead)
    today = timezone.localdate()
    export = staff.post(
        reverse("audit_export"),
        {
            f"date_{end}_{part}": str(getattr(today, part))
            for end in ("from", "to")
            for part in ("day", "month", "year")
        },
    )
    exported = b"".join(export.streaming_content).decode()

    # Everything happened, and was recorded...
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        AuditAction.SIGN_IN,
        AuditAction.SIGN_IN_FAILED,
        AuditAction.CREATE,
        AuditAction.CHANGE,
        AuditAction.VIEW,
        AuditAction.EXPORT,
        AuditAction.PASSWORD_CHANGED,
        AuditAction.PASSWORD_RESET_REQUESTED,
        AuditAction.PASSWORD_RESET_COMPLETED,
    } <= actions
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).exists()  # wrong birthday
    # ...and no event holds a secret, or anything typed into a form, or the baby's details.
    infant = referral.infant
    personal = [infant.given_name, infant.chi_number, carer.email, str(carer.phone)]
    for recorded in everything_recorded():
        for secret in secrets + personal:
            assert secret not in recorded
    for secret in secrets + personal:
        assert secret not in exported
    # The copy of each event logged to imhs.audit holds no secret nor personal data either.
    for event in AuditEvent.objects.all():
        line = audit.log_line(event)
        for secret in [*secrets, *personal, referrer.email, referrer.family_name]:
            assert secret not in line
