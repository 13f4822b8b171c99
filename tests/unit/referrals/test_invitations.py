"""Parents' secure links (referrals.invitations): only the token's hash is stored, lookup by
hash, expiry at exactly 14 days, 4 wrong dates of birth then locked, the per-IP limit, revoke and
re-send, sending views once, and audit events that hold neither the token nor the date typed."""

import datetime
import hashlib
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection

from imhs.models import AuditAction, AuditEvent
from referrals import invitations
from referrals.models import DateOfBirthAttempt, ParentInvitation, ParentViews
from tests.factories import CareRelationshipFactory, ReferralFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

IP = "192.0.2.20"  # TEST-NET-1
OTHER_IP = "198.51.100.7"  # TEST-NET-2


def at(moment):
    """Time travel: `timezone.now()` answers `moment` inside the block."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def referral():
    return ReferralFactory(submitted=True)


@pytest.fixture
def carer(referral):
    return referral.infant.care_relationships.get().carer


@pytest.fixture
def link(referral, carer, team_member):
    """(invitation, token)."""
    return invitations.create(referral, carer=carer, by=team_member, send_email=False)


def right_date(invitation):
    return invitation.referral.infant.date_of_birth


def wrong_date(invitation):
    return right_date(invitation) + datetime.timedelta(days=1)


def check(token, date, ip=IP):
    return invitations.check_date_of_birth(token, date, ip=ip)


def table_text(model):
    """Every column of every row of `model`'s table, as PostgreSQL prints it."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{model._meta.db_table}"')  # noqa: S608 (model name)
        return " ".join(str(value) for row in cursor.fetchall() for value in row)


def date_spellings(date):
    return {
        date.isoformat(),
        f"{date.day}/{date.month}/{date.year}",
        f"{date:%d/%m/%Y}",
        f"{date.day} {date.month} {date.year}",
    }


# --- Storage and lookup -----------------------------------------------------------------


def test_the_token_is_256_random_bits_and_only_its_hash_is_stored(link):
    invitation, token = link
    assert len(token) >= 43  # token_urlsafe(32): 32 bytes, base64url
    invitation.refresh_from_db()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    text = table_text(ParentInvitation)
    assert invitation.token_hash in text
    assert token not in text


def test_no_table_holds_the_token_after_it_is_used(link, team_member):
    invitation, token = link
    check(token, wrong_date(invitation))
    check(token, right_date(invitation))
    invitations.save_views(invitation.pk, answers={"worries": "Sleep."}, submit=False)
    invitations.resend(invitation, by=team_member)
    for model in (ParentInvitation, ParentViews, DateOfBirthAttempt, AuditEvent):
        assert token not in table_text(model), model.__name__


def test_lookup_is_by_hash(link):
    invitation, token = link
    assert invitations.find(token) == invitation
    # The stored hash is not a key: only the token opens the link.
    assert invitations.find(invitation.token_hash) is None
    assert invitations.find(token[:-1]) is None
    assert invitations.find("") is None


def test_each_link_is_different(referral, carer, team_member):
    tokens = {
        invitations.create(referral, carer=carer, by=team_member, send_email=False)[1]
        for _ in range(5)
    }
    assert len(tokens) == 5


# --- Expiry -----------------------------------------------------------------------------


def test_a_link_lasts_exactly_14_days(link):
    invitation, token = link
    assert settings.PARENT_LINK_DAYS == 14
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=14)
    last_moment = invitation.created_at + datetime.timedelta(days=14, microseconds=-1)
    with at(last_moment):
        assert check(token, right_date(invitation)).outcome == "ok"
    with at(invitation.created_at + datetime.timedelta(days=14)):
        result = check(token, right_date(invitation))
    assert result.outcome == "closed"
    invitation.refresh_from_db()
    assert invitation.state(invitation.created_at + datetime.timedelta(days=14)) == "expired"


def test_views_cannot_be_saved_once_the_link_has_expired(link):
    invitation, _token = link
    with at(invitation.expires_at), pytest.raises(invitations.LinkClosed):
        invitations.save_views(invitation.pk, answers={"worries": "Sleep."}, submit=False)


# --- Wrong answers ----------------------------------------------------------------------


def test_four_wrong_answers_are_allowed_and_the_fifth_locks(link):
    invitation, token = link
    results = [check(token, wrong_date(invitation)) for _ in range(4)]
    assert [r.outcome for r in results] == ["wrong"] * 4
    assert [r.tries_left for r in results] == [4, 3, 2, 1]
    invitation.refresh_from_db()
    assert invitation.locked_at is None
    assert invitation.state(invitation.created_at) == "sent"

    fifth = check(token, wrong_date(invitation))
    assert fifth.outcome == "locked"
    invitation.refresh_from_db()
    assert invitation.failed_checks == 5
    assert invitation.locked_at is not None
    assert invitation.state(invitation.created_at) == "locked"


def test_the_right_answer_after_four_wrong_ones_opens_the_link(link):
    invitation, token = link
    for _ in range(4):
        check(token, wrong_date(invitation))
    assert check(token, right_date(invitation)).outcome == "ok"


def test_the_right_date_after_locking_is_refused(link):
    invitation, token = link
    for _ in range(5):
        check(token, wrong_date(invitation))
    result = check(token, right_date(invitation))
    assert result.outcome == "closed"
    invitation.refresh_from_db()
    assert invitation.first_opened_at is None


def test_the_right_date_marks_the_link_opened_once(link):
    invitation, token = link
    assert check(token, right_date(invitation)).outcome == "ok"
    invitation.refresh_from_db()
    first = invitation.first_opened_at
    assert first is not None
    assert check(token, right_date(invitation)).outcome == "ok"
    invitation.refresh_from_db()
    assert invitation.first_opened_at == first
    assert invitation.state(first) == "opened"


# --- The per-IP limit ---------------------------------------------------------------------


def test_the_per_ip_limit_allows_exactly_its_number_across_all_links(
    link, referral, carer, team_member
):
    invitation, token = link
    limit = settings.PARENT_LINK_IP_LIMIT
    assert limit == 20
    # A script trying many links: unknown tokens and wrong dates all count.
    for n in range(limit - 1):
        assert check(f"made-up-link-{n:04d}-xxxxxxxxxxxxxxxx", right_date(invitation)).outcome == (
            "closed"
        )
    # The limit-th answer is still checked (and right).
    assert check(token, right_date(invitation)).outcome == "ok"
    assert DateOfBirthAttempt.objects.filter(ip_address=IP).count() == limit

    # One more from that address, even with the right date for a fresh link, is refused...
    _other, other_token = invitations.create(
        referral, carer=carer, by=team_member, send_email=False
    )
    assert check(other_token, right_date(invitation)).outcome == "too_many"
    assert DateOfBirthAttempt.objects.filter(ip_address=IP).count() == limit
    # ...while another address is not limited by it.
    assert check(other_token, right_date(invitation), ip=OTHER_IP).outcome == "ok"
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCESS_DENIED, detail__reason="too_many_attempts_from_ip"
    ).exists()


def test_the_per_ip_limit_is_per_hour(link):
    invitation, token = link
    start = invitation.created_at
    with at(start):
        for _ in range(settings.PARENT_LINK_IP_LIMIT):
            check("made-up-link-xxxxxxxxxxxxxxxxxxxxx", right_date(invitation))
        assert check(token, right_date(invitation)).outcome == "too_many"
    with at(start + datetime.timedelta(minutes=59)):
        assert check(token, right_date(invitation)).outcome == "too_many"
    with at(start + datetime.timedelta(hours=1, seconds=1)):
        assert check(token, right_date(invitation)).outcome == "ok"


def test_refused_answers_do_not_count_against_the_link(link):
    invitation, token = link
    for _ in range(settings.PARENT_LINK_IP_LIMIT):
        check("made-up-link-xxxxxxxxxxxxxxxxxxxxx", right_date(invitation))
    for _ in range(10):
        assert check(token, wrong_date(invitation)).outcome == "too_many"
    invitation.refresh_from_db()
    assert invitation.failed_checks == 0
    assert invitation.locked_at is None


# --- Revoke and re-send -----------------------------------------------------------------


def test_a_revoked_link_is_refused(link, team_member):
    invitation, token = link
    invitations.revoke(invitation, by=team_member)
    assert check(token, right_date(invitation)).outcome == "closed"
    invitation.refresh_from_db()
    assert invitation.state(invitation.created_at) == "revoked"


def test_resending_replaces_the_old_link(link, team_member):
    invitation, old_token = link
    new_invitation, new_token = invitations.resend(invitation, by=team_member)
    assert new_token != old_token
    assert new_invitation.carer == invitation.carer
    assert check(old_token, right_date(invitation)).outcome == "closed"
    assert check(new_token, right_date(invitation)).outcome == "ok"


def test_resending_a_locked_link_gives_a_working_one(link, team_member):
    invitation, token = link
    for _ in range(5):
        check(token, wrong_date(invitation), ip=OTHER_IP)
    _new, new_token = invitations.resend(invitation, by=team_member)
    assert check(new_token, right_date(invitation)).outcome == "ok"


# --- Saving and sending -----------------------------------------------------------------


def test_saving_keeps_the_text_and_sending_happens_once(link):
    invitation, token = link
    views = invitations.save_views(
        invitation.pk, answers={"going_well": "  She smiles a lot.  "}, submit=False
    )
    assert views.going_well == "She smiles a lot."
    assert views.submitted_at is None
    assert invitations.views_for(invitation).going_well == "She smiles a lot."

    sent = invitations.save_views(
        invitation.pk,
        answers={"going_well": "She smiles a lot.", "worries": "Feeding."},
        submit=True,
    )
    assert sent.submitted_at is not None
    invitation.refresh_from_db()
    assert invitation.submitted_at == sent.submitted_at
    with pytest.raises(invitations.LinkClosed):
        invitations.save_views(invitation.pk, answers={"worries": "Changed."}, submit=True)
    assert ParentViews.objects.get().worries == "Feeding."
    # The link no longer opens anything.
    assert check(token, right_date(invitation)).outcome == "closed"


def test_views_cannot_be_saved_through_a_revoked_link(link, team_member):
    invitation, _token = link
    invitations.revoke(invitation, by=team_member)
    with pytest.raises(invitations.LinkClosed):
        invitations.save_views(invitation.pk, answers={"worries": "Sleep."}, submit=False)
    assert not ParentViews.objects.exists()


# --- The audit trail --------------------------------------------------------------------


def test_audit_events_hold_neither_the_token_nor_the_date_typed(link, team_member):
    invitation, token = link
    typed = wrong_date(invitation)
    for _ in range(2):
        check(token, typed)
    check(token, right_date(invitation))
    invitations.save_views(invitation.pk, answers={"worries": "Sleep."}, submit=True)
    check(token, typed)  # after sending: refused
    invitations.resend(invitation, by=team_member)
    events = AuditEvent.objects.filter(object_type="referrals.parentinvitation")
    assert {e.action for e in events} >= {
        AuditAction.CREATE,
        AuditAction.VIEW,
        AuditAction.ACCESS_DENIED,
        AuditAction.CHANGE,
    }
    text = table_text(AuditEvent)
    assert token not in text
    assert invitation.token_hash not in text
    for spelling in date_spellings(typed) | date_spellings(right_date(invitation)):
        assert spelling not in text, spelling


def test_a_new_link_after_the_views_were_sent_does_not_open_them(db):
    module = invitations
    team = TeamMemberFactory()
    relationship = CareRelationshipFactory()
    referral = ReferralFactory(submitted=True, infant=relationship.infant, with_carer=False)
    first, _token = module.create(referral, carer=relationship.carer, by=team)
    module.save_views(first.pk, answers={"going_well": "Sleeping better"}, submit=True)
    _second, new_token = module.create(referral, carer=relationship.carer, by=team)

    check = module.check_date_of_birth(new_token, referral.infant.date_of_birth, ip="192.0.2.77")

    assert check.outcome == "closed"
