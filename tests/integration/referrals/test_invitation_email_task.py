"""The task that emails a parent their secure link makes the link itself (ADR 0010): only its
hash is stored, and a task run twice, or retried after a failure, never leaves two live
emailed links for one invitation."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from imhs.models import AuditAction, AuditEvent
from imhs.tasks import EmailNotSent
from referrals import invitations, notifications, workflow
from referrals.models import ParentInvitation
from referrals.notifications import REFERRAL_EMAILS, send_parent_invitation, send_referral_email
from tests.factories import (
    CareRelationshipFactory,
    CarerFactory,
    ReferralFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"/views/([A-Za-z0-9_-]{43})/")


@pytest.fixture
def referral():
    return ReferralFactory(submitted=True, with_carer=False)


@pytest.fixture
def mother(referral):
    carer = CarerFactory(email="parenttest.mother@example.org")
    CareRelationshipFactory(
        infant=referral.infant, carer=carer, has_parental_responsibility=True, is_main_carer=False
    )
    return carer


@pytest.fixture
def invitation(referral, mother, team_member, django_capture_on_commit_callbacks):
    # Queued but not run: the callbacks are dropped.
    with django_capture_on_commit_callbacks(execute=False):
        invitation, _token = invitations.create(referral, carer=mother, by=team_member)
    return invitation


def emailed_tokens():
    return [token for message in mail.outbox for token in TOKEN.findall(message.body)]


def test_the_task_makes_the_link_and_stores_only_its_hash(invitation, referral):
    send_parent_invitation.call(invitation_id=invitation.pk)

    [token] = emailed_tokens()
    invitation.refresh_from_db()
    assert invitation.email_token_hash == invitations.hash_token(token)
    assert token not in str(ParentInvitation.objects.filter(pk=invitation.pk).values().get())
    assert invitations.find(token) == invitation
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGE, object_id=str(invitation.pk), detail={"action": "emailed"}
    ).exists()


def test_a_task_run_twice_sends_one_link(invitation):
    send_parent_invitation.call(invitation_id=invitation.pk)
    invitation.refresh_from_db()
    first_hash = invitation.email_token_hash

    send_parent_invitation.call(invitation_id=invitation.pk)

    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.email_token_hash == first_hash


def test_a_failed_send_leaves_no_live_link_and_the_retry_sends_one(invitation, monkeypatch):
    def refused(**message):
        mail.outbox.append(mail.EmailMessage(message["subject"], message["body"], to=message["to"]))
        raise EmailNotSent("SMTPServerDisconnected")  # the worker lost the server mid-send

    monkeypatch.setattr(notifications, "deliver", refused)
    with pytest.raises(EmailNotSent):
        send_parent_invitation.call(invitation_id=invitation.pk)
    [lost] = emailed_tokens()
    invitation.refresh_from_db()
    assert invitation.email_token_hash is None
    assert invitations.find(lost) is None  # had it arrived, it would not open

    monkeypatch.undo()
    send_parent_invitation.call(invitation_id=invitation.pk)

    lost_again, token = emailed_tokens()
    assert lost_again == lost
    assert invitations.find(token) == invitation


def test_no_email_for_a_link_revoked_before_the_worker_ran(invitation, team_member):
    invitations.revoke(invitation, by=team_member)

    send_parent_invitation.call(invitation_id=invitation.pk)

    assert mail.outbox == []
    invitation.refresh_from_db()
    assert invitation.email_token_hash is None


def test_a_new_link_is_emailed_fresh_and_the_old_emailed_link_stops_working(
    invitation, team_member, django_capture_on_commit_callbacks
):
    send_parent_invitation.call(invitation_id=invitation.pk)
    [old_token] = emailed_tokens()

    with django_capture_on_commit_callbacks(execute=True):
        new, _shown = invitations.resend(invitation, by=team_member)

    old_again, new_token = emailed_tokens()
    assert old_again == old_token
    assert not invitations.find(old_token).usable(timezone.now())
    assert invitations.find(new_token) == new
    assert new.pk != invitation.pk


def test_every_referral_email_is_built_from_the_id_and_kind_alone(referral):
    # Someone is reviewing it: "answer_received" goes to them, every other email to the referrer.
    reviewer = TeamMemberFactory()
    workflow.start_review(referral, by=reviewer, version=referral.version)
    for kind in REFERRAL_EMAILS:
        send_referral_email.call(referral_id=referral.pk, kind=kind)

    assert len(mail.outbox) == len(REFERRAL_EMAILS)
    for kind, message in zip(REFERRAL_EMAILS, mail.outbox, strict=True):
        to = reviewer if kind == "answer_received" else referral.referrer
        assert message.to == [to.email]
        assert referral.reference in message.subject
        assert referral.infant.given_name not in message.body


def test_an_unknown_kind_is_refused_when_queued(referral):
    with pytest.raises(ValueError, match="No email of kind"):
        notifications.queue_referral_email(referral_id=referral.pk, kind="nonsense")
