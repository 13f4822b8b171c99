"""The team's side of the parents' secure links: made at submission or from the referral page,
the link shown once (and in a letter), sent again, revoked; each link's state and the parents'
views on the referral page; the dashboard's "parents' views" column; audit; who may do it."""

import datetime
import html
import json
import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from imhs.models import AuditAction, AuditEvent
from referrals import invitations, workflow
from referrals.models import ParentInvitation, ParentViews
from tests.factories import CareRelationshipFactory, CarerFactory, ReferralFactory
from tests.sign_in import DASHBOARD_QUERIES, sign_in

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"/views/([A-Za-z0-9_-]{43})/")
IP = "192.0.2.20"  # TEST-NET-1


def page(response):
    return html.unescape(response.content.decode())


def flat(response):
    """The page's text with tags and runs of whitespace collapsed, for phrases across tags."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page(response)))


def url(referral, name="team_referral", *args):
    return reverse(f"referrals:{name}", args=[referral.reference, *args])


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def tokens_in(text):
    return set(TOKEN.findall(text))


def carer_of(referral, *, email="", responsibility=True, relationship="mother", other="", **fields):
    carer = CarerFactory(email=email, **fields)
    CareRelationshipFactory(
        infant=referral.infant,
        carer=carer,
        has_parental_responsibility=responsibility,
        relationship=relationship,
        relationship_other=other,
        is_main_carer=False,
    )
    return carer


@pytest.fixture
def member(client, team_member):
    sign_in(client, team_member)
    return team_member


@pytest.fixture
def referral():
    return ReferralFactory(submitted=True, with_carer=False)


@pytest.fixture
def mother(referral):
    return carer_of(referral, email="parenttest.mother@example.org", given_name="Mumtest")


@pytest.fixture
def father(referral):
    return carer_of(referral, relationship="father", given_name="Dadtest")


def invite(client, referral, carer, *, seen=0):
    return client.post(url(referral, "team_invite"), {"carer": carer.pk, "seen": seen})


def link(token):
    return settings.SITE_URL.rstrip("/") + invitations.link_path(token)


def make(referral, carer, by, **fields):
    invitation, token = invitations.create(referral, carer=carer, by=by, send_email=False)
    if fields:
        ParentInvitation.objects.filter(pk=invitation.pk).update(**fields)
        invitation.refresh_from_db()
    return invitation, token


def dob_check(token, referral):
    return invitations.check_date_of_birth(token, referral.infant.date_of_birth, ip=IP).outcome


# --- made at submission ---------------------------------------------------------------------


def test_submission_with_secure_link_invites_each_carer_with_responsibility_and_an_email(
    django_capture_on_commit_callbacks,
):
    draft = ReferralFactory(parent_views_method="secure_link", with_carer=False)
    emailed = carer_of(draft, email="parenttest.one@example.org", given_name="Emailtest")
    carer_of(draft, relationship="father", given_name="Noemailtest")  # no email: no invitation
    carer_of(
        draft,
        email="parenttest.two@example.org",
        responsibility=False,
        relationship="kinship_carer",
    )

    with django_capture_on_commit_callbacks(execute=True):
        referral = workflow.submit(draft, by=draft.referrer)

    [invitation] = ParentInvitation.objects.filter(referral=referral)
    assert invitation.carer == emailed
    assert invitation.emailed
    assert invitation.created_by == draft.referrer
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(
        days=settings.PARENT_LINK_DAYS
    )
    [message] = [m for m in mail.outbox if m.to == ["parenttest.one@example.org"]]
    [token] = tokens_in(message.body)
    # The worker made the emailed link; nobody was shown one.
    assert invitation.email_token_hash == invitations.hash_token(token)
    assert invitation.token_hash is None
    assert link(token) in message.body
    assert dob_check(token, referral) == "ok"
    infant = referral.infant
    for personal in (emailed.given_name, emailed.family_name, infant.given_name,
                     infant.chi_number, infant.postcode, referral.reference):  # fmt: skip
        assert personal not in message.body
        assert personal not in message.subject


def test_the_invitation_email_is_sent_only_after_commit(django_capture_on_commit_callbacks):
    draft = ReferralFactory(parent_views_method="secure_link", with_carer=False)
    carer_of(draft, email="parenttest.one@example.org")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.submit(draft, by=draft.referrer)
        assert not [m for m in mail.outbox if m.to == ["parenttest.one@example.org"]]

    for callback in callbacks:
        callback()
    assert [m for m in mail.outbox if m.to == ["parenttest.one@example.org"]]


@pytest.mark.parametrize("method", ["written_here", "not_now"])
def test_no_invitation_at_submission_unless_a_secure_link_was_chosen(method):
    draft = ReferralFactory(
        parent_views_method=method,
        parent_views_written="Synthetic views." if method == "written_here" else "",
        with_carer=False,
    )
    carer_of(draft, email="parenttest.one@example.org")

    workflow.submit(draft, by=draft.referrer)

    assert not ParentInvitation.objects.exists()


# --- the team makes a link; it is shown once ------------------------------------------------


def test_the_team_makes_a_link_and_it_is_shown_once(
    client, member, referral, mother, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, referral, mother)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    [token] = tokens_in(page(response))
    invitation = ParentInvitation.objects.get(referral=referral)
    assert (invitation.carer, invitation.created_by, invitation.emailed) == (mother, member, True)
    text = flat(response)
    assert "This is the only time the link is shown" in text
    assert "Copy the link into a text message" in text
    assert "A link of its own is also being emailed to parenttest.mother@example.org." in text
    # The suggested text message and the letter name no one.
    assert link(token) in response.context["text_message"]
    assert mother.given_name not in response.context["text_message"]
    # The database holds only the hash.
    assert invitation.token_hash == invitations.hash_token(token)
    assert token not in str(ParentInvitation.objects.filter(pk=invitation.pk).values().get())
    # Emailed after commit, with a link of its own made by the task (ADR 0010): both open the
    # same invitation.
    [message] = [m for m in mail.outbox if m.to == [mother.email]]
    [emailed] = tokens_in(message.body)
    assert emailed != token
    invitation.refresh_from_db()
    assert invitation.email_token_hash == invitations.hash_token(emailed)
    assert invitations.find(emailed) == invitations.find(token) == invitation
    # Never shown again: the referral page lists the link but not its token.
    again = client.get(url(referral))
    assert token not in page(again)
    assert not tokens_in(page(again))
    assert "Link for Mumtest" in flat(again)


def test_the_letter_has_the_link_written_out_and_no_names(client, member, referral, father):
    response = invite(client, referral, father)

    [token] = tokens_in(page(response))
    letter = page(response).split('<section class="imhs-letter"', 1)[1]
    assert link(token) in letter
    assert "Tell us about your baby" in letter
    assert "date of birth" in letter
    assert referral.reference in letter
    for personal in (father.given_name, referral.infant.given_name, referral.infant.postcode):
        assert personal not in letter
    text = flat(response)
    assert "Dadtest Example (father) has no email address, so the link has not been emailed" in (
        text
    )
    assert "Print the letter" in text
    assert not ParentInvitation.objects.get().emailed
    assert mail.outbox == []


def test_the_form_offers_only_carers_with_parental_responsibility(client, member, referral, mother):
    no_responsibility = carer_of(
        referral,
        email="parenttest.x@example.org",
        responsibility=False,
        relationship="other",
        other="Step-parent",
    )
    elsewhere = CarerFactory()

    form = client.get(url(referral)).context["invitations"]["invite_form"]
    assert [value for value, _label in form.fields["carer"].choices] == [mother.pk]
    assert "will also be emailed to parenttest.mother@example.org" in str(
        form.fields["carer"].choices
    )

    for carer in (no_responsibility, elsewhere):
        response = invite(client, referral, carer)
        assert response.status_code == 200
        assert "Select who to send the secure link to" in page(response)
        assert not tokens_in(page(response))
    assert not ParentInvitation.objects.exists()


def test_a_carer_without_an_email_is_offered_the_text_message_or_letter(
    client, member, referral, father
):
    form = client.get(url(referral)).context["invitations"]["invite_form"]
    [(_value, label)] = form.fields["carer"].choices
    assert label == (
        "Dadtest Example (father): no email address, so copy the link into a text message or "
        "print a letter"
    )


def test_no_choice_shows_the_error_next_to_the_question(client, member, referral, mother):
    response = client.post(url(referral, "team_invite"), {"seen": 0})

    text = page(response)
    assert response.status_code == 200
    assert "There is a problem" in text
    assert text.count("Select who to send the secure link to") >= 2  # summary and field
    assert not ParentInvitation.objects.exists()


def test_a_form_sent_twice_makes_one_link(client, member, referral, mother):
    make(referral, mother, member, revoked_at=timezone.now(), revoked_by=member)
    seen = client.get(url(referral)).context["invitations"]["invite_form"].initial["seen"]

    first = invite(client, referral, mother, seen=seen)
    second = invite(client, referral, mother, seen=seen)

    assert first.status_code == 200
    assert second.status_code == 302
    assert ParentInvitation.objects.count() == 2
    followed = client.get(second.url)
    assert any("a moment ago" in message for message in messages_of(followed))


def test_no_link_for_a_closed_referral(client, member, mother):
    closed = ReferralFactory(declined=True, with_carer=False)
    carer = carer_of(closed, email="parenttest.closed@example.org")

    response = invite(client, closed, carer)

    assert response.status_code == 302
    assert not ParentInvitation.objects.exists()
    assert client.get(url(closed)).context["invitations"]["invite_form"] is None


def test_no_form_for_a_carer_who_has_sent_their_views(client, member, referral, mother):
    ParentViews.objects.create(
        referral=referral, carer=mother, saved_at=timezone.now(), submitted_at=timezone.now()
    )
    assert client.get(url(referral)).context["invitations"]["invite_form"] is None


def test_a_get_on_invite_goes_to_the_parents_views_and_sends_nothing(
    client, member, referral, mother
):
    """A reload of the page a POST here showed: the referral page, not a blank 405."""
    response = client.get(url(referral, "team_invite"))

    assert response.status_code == 302
    assert response.url == url(referral) + "#parents-views"
    assert not referral.invitations.exists()


# --- sent again, revoked --------------------------------------------------------------------


def test_a_new_link_replaces_the_old_one(client, member, referral, mother):
    old, old_token = make(referral, mother, member)

    response = client.post(url(referral, "team_invite_resend", old.pk))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    [token] = tokens_in(page(response))
    assert token != old_token
    assert "The previous link no longer opens." in flat(response)
    assert link(token) in page(response).split('<section class="imhs-letter"', 1)[1]
    old.refresh_from_db()
    assert (old.revoked_by, old.state(timezone.now())) == (member, "revoked")
    assert not invitations.find(old_token).usable(timezone.now())
    assert dob_check(old_token, referral) == "closed"
    new = invitations.find(token)
    assert (new.carer, new.created_by, new.referral) == (mother, member, referral)
    assert dob_check(token, referral) == "ok"
    assert token not in page(client.get(url(referral)))


def test_a_new_link_is_offered_only_on_the_newest_link_and_not_once_views_are_sent(
    client, member, referral, mother
):
    older, _ = make(referral, mother, member, revoked_at=timezone.now(), revoked_by=member)
    newer, _ = make(referral, mother, member)

    response = client.post(url(referral, "team_invite_resend", older.pk))
    assert response.status_code == 302
    assert "A newer link has already been made" in messages_of(client.get(response.url))[0]

    ParentViews.objects.create(
        referral=referral, carer=mother, saved_at=timezone.now(), submitted_at=timezone.now()
    )
    newer.submitted_at = timezone.now()
    newer.save(update_fields=["submitted_at"])
    response = client.post(url(referral, "team_invite_resend", newer.pk))
    assert response.status_code == 302
    assert "has already sent their views" in messages_of(client.get(response.url))[0]
    assert ParentInvitation.objects.count() == 2


def test_revoking_a_link_stops_it_working(client, member, referral, mother):
    invitation, token = make(referral, mother, member)

    response = client.post(url(referral, "team_invite_revoke", invitation.pk), follow=True)

    assert response.redirect_chain[-1][0] == url(referral) + "#parents-views"
    assert messages_of(response) == [
        "The link for Mumtest Example (mother) has been revoked. It no longer opens."
    ]
    invitation.refresh_from_db()
    assert (invitation.revoked_by, invitation.state(timezone.now())) == (member, "revoked")
    assert dob_check(token, referral) == "closed"
    assert "Revoked by " in flat(response)


def test_an_expired_link_cannot_be_revoked(client, member, referral, mother):
    invitation, _ = make(referral, mother, member, expires_at=timezone.now())

    response = client.post(url(referral, "team_invite_revoke", invitation.pk), follow=True)

    assert messages_of(response) == [
        "The link for Mumtest Example (mother) is expired: it cannot be revoked."
    ]
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_audit_events_for_create_resend_and_revoke_hold_no_token(client, member, referral, mother):
    created = invite(client, referral, mother)
    [first] = tokens_in(page(created))
    invitation = ParentInvitation.objects.get()
    resent = client.post(url(referral, "team_invite_resend", invitation.pk))
    [second] = tokens_in(page(resent))
    newest = ParentInvitation.objects.latest("pk")
    client.post(url(referral, "team_invite_revoke", newest.pk))

    events = AuditEvent.objects.filter(object_type="referrals.parentinvitation", actor=member)
    actions = [(e.action, e.object_id, e.detail.get("action")) for e in events.order_by("pk")]
    assert actions == [
        (AuditAction.CREATE, str(invitation.pk), None),
        (AuditAction.CHANGE, str(invitation.pk), "revoke"),  # the re-send revokes the old link
        (AuditAction.CREATE, str(newest.pk), None),
        (AuditAction.CHANGE, str(newest.pk), "revoke"),
    ]
    for event in AuditEvent.objects.all():
        stored = json.dumps(event.detail) + event.object_id
        for token in (first, second, invitations.hash_token(first)):
            assert token not in stored


# --- who may do it --------------------------------------------------------------------------


def test_referrers_are_refused(client, referrer, referral, mother):
    invitation, _ = make(referral, mother, referral.referrer)
    sign_in(client, referrer)

    for name, args in [
        ("team_invite", []),
        ("team_invite_resend", [invitation.pk]),
        ("team_invite_revoke", [invitation.pk]),
    ]:
        response = client.post(url(referral, name, *args), {"carer": mother.pk})
        assert response.status_code == 403
    assert ParentInvitation.objects.count() == 1
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_anonymous_people_are_sent_to_sign_in(client, referral, mother):
    response = client.post(url(referral, "team_invite"), {"carer": mother.pk})
    assert response.status_code == 302
    assert not ParentInvitation.objects.exists()


def test_another_referrals_link_is_not_found(client, member, referral, mother):
    other = ReferralFactory(submitted=True, with_carer=False)
    theirs, _ = make(other, carer_of(other, email="parenttest.other@example.org"), member)

    for name in ("team_invite_resend", "team_invite_revoke"):
        assert client.post(url(referral, name, theirs.pk)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert ParentInvitation.objects.count() == 1


def test_an_unknown_or_draft_reference_is_not_found(client, member, mother):
    ReferralFactory()  # a draft: no reference, never on the team's side
    path = reverse("referrals:team_invite", args=["IMH-2026-00000"])
    assert client.post(path, {"carer": mother.pk}).status_code == 404


# --- the referral page ----------------------------------------------------------------------


def _states(referral, member):
    """One link in each state, each for its own carer (fields set directly)."""
    now = timezone.now()
    fields = {
        "sent": {},
        "opened": {"first_opened_at": now},
        "locked": {"first_opened_at": now, "failed_checks": 5, "locked_at": now},
        "submitted": {"first_opened_at": now, "submitted_at": now},
        "expired": {"expires_at": now - datetime.timedelta(days=1)},
        "revoked": {"revoked_at": now, "revoked_by": member},
    }
    made = {}
    for state, values in fields.items():
        carer = carer_of(referral, given_name=f"{state.capitalize()}test")
        made[state], _ = make(referral, carer, member, **values)
    return made


def test_the_page_shows_each_links_state_and_the_buttons_allowed(client, member, referral):
    made = _states(referral, member)

    response = client.get(url(referral))

    links = {link.id: link for link in response.context["invitations"]["invitations"]}
    text = flat(response)
    for state, invitation in made.items():
        shown = links[invitation.pk]
        assert shown.state == state
        assert shown.carer.startswith(f"{state.capitalize()}test Example")
        assert shown.can_resend is (state != "submitted")
        assert shown.can_revoke is (state in ("sent", "opened", "locked"))
        assert f'nhsuk-tag {shown.tag_class}">{shown.label}<' in page(response)
    assert [links[made[s].pk].label for s in made] == [
        "Sent",
        "Opened",
        "Locked",
        "Submitted",
        "Expired",
        "Revoked",
    ]
    assert [links[made[s].pk].tag_class for s in ("sent", "locked", "submitted")] == [
        "nhsuk-tag--blue",
        "nhsuk-tag--red",
        "nhsuk-tag--green",
    ]
    assert "Locked after too many wrong dates of birth" in text
    assert f"Revoked by {member.full_name}" in text
    assert "Wrong dates of birth 5" in text
    html_text = page(response)
    assert html_text.count("Send a new link<") == 5
    assert html_text.count("Revoke link<") == 3
    assert url(referral, "team_invite_resend", made["sent"].pk) in html_text
    assert url(referral, "team_invite_revoke", made["locked"].pk) in html_text
    assert url(referral, "team_invite_revoke", made["expired"].pk) not in html_text


def test_the_page_shows_the_parents_sent_views_apart_from_the_referrers_account(
    client, member, referral, mother, father
):
    now = timezone.now()
    make(referral, mother, member, first_opened_at=now, submitted_at=now)
    ParentViews.objects.create(
        referral=referral,
        carer=mother,
        going_well="Synthetic: she laughs at bathtime.",
        worries="Synthetic: I worry she cries a lot.",
        near_me="yes",
        saved_at=now,
        submitted_at=now,
    )
    make(referral, father, member, first_opened_at=now)
    ParentViews.objects.create(
        referral=referral,
        carer=father,
        going_well="Synthetic: unsent draft words.",
        saved_at=now,
    )

    response = client.get(url(referral))

    text = flat(response)
    assert "Sent by the parents, in their own words" in text
    assert "From Mumtest Example (mother), in their own words" in text
    assert "What is going well Synthetic: she laughs at bathtime." in text
    assert "What worries them Synthetic: I worry she cries a lot." in text
    assert "Video appointments (Near Me) Yes" in text
    assert "Their relationship with their baby Not answered" in text
    # Saved but not sent: the team sees that they started, not what they wrote.
    assert "Synthetic: unsent draft words." not in text
    assert "Started, not sent yet: Dadtest Example (father)" in text
    # In the parents' views section, before the referrer's form.
    own_words = text.index("Sent by the parents, in their own words")
    referral_form = text.index("The referral form", own_words)
    assert own_words < text.index("Synthetic: she laughs at bathtime.") < referral_form
    assert text.index("The parents' views") < own_words


def test_the_page_without_links(client, member, referral):
    response = client.get(url(referral))

    text = flat(response)
    assert "No views have been sent through a secure link yet." in text
    assert "No secure links have been made for this referral." in text
    assert "No parent or carer on the referral has parental responsibility" in text


# --- the dashboard --------------------------------------------------------------------------


def _dashboard_row(client, referral):
    response = client.get(reverse("referrals:dashboard"), {"queue": "all"})
    [row] = [row for row in response.context["rows"] if row.reference == referral.reference]
    return row.parent_views


@pytest.mark.parametrize(
    ("states", "text"),
    [
        (["sent"], "Link sent"),
        (["opened"], "Link opened"),
        (["locked"], "Link locked"),
        (["expired"], "Link expired"),
        (["revoked"], "Link revoked"),
        (["sent", "opened"], "Link opened"),
        (["opened", "locked"], "Link locked"),
        (["expired", "sent"], "Link sent"),
        (["revoked", "sent"], "Link sent"),
        (["submitted", "locked"], "Views received"),
    ],
)
def test_the_dashboard_column_follows_the_links(client, member, referral, states, text):
    now = timezone.now()
    fields = {
        "sent": {},
        "opened": {"first_opened_at": now},
        "locked": {"failed_checks": 5, "locked_at": now},
        "submitted": {"first_opened_at": now, "submitted_at": now},
        "expired": {"expires_at": now - datetime.timedelta(days=1)},
        "revoked": {"revoked_at": now, "revoked_by": member},
    }
    for number, state in enumerate(states):
        carer = carer_of(referral, given_name=f"Dashtest{number}")
        make(referral, carer, member, **fields[state])
        if state == "submitted":
            ParentViews.objects.create(
                referral=referral, carer=carer, saved_at=now, submitted_at=now
            )

    assert _dashboard_row(client, referral) == text


@pytest.mark.parametrize(
    ("method", "text"),
    [
        ("secure_link", "Secure link to be sent"),
        ("written_here", "Written in the referral"),
        ("not_now", "Not now"),
    ],
)
def test_the_dashboard_column_without_links_says_what_the_referrer_chose(
    client, member, method, text
):
    referral = ReferralFactory(submitted=True, with_carer=False, parent_views_method=method)
    assert _dashboard_row(client, referral) == text


def test_views_saved_but_not_sent_are_not_views_received(client, member, referral, mother):
    now = timezone.now()
    make(referral, mother, member, first_opened_at=now)
    ParentViews.objects.create(referral=referral, carer=mother, saved_at=now)
    assert _dashboard_row(client, referral) == "Link opened"


@pytest.mark.parametrize("count", [5, 200])
def test_the_dashboard_queries_stay_constant_with_links(
    client, member, django_assert_max_num_queries, count
):
    now = timezone.now()
    referrals = ReferralFactory.create_batch(count, submitted=True, with_carer=False)
    carer = CarerFactory()
    ParentInvitation.objects.bulk_create(
        ParentInvitation(
            referral=referral,
            carer=carer,
            token_hash=f"{number:064x}",
            created_at=now,
            created_by=member,
            expires_at=now + datetime.timedelta(days=14),
            first_opened_at=now if number % 2 else None,
        )
        for number, referral in enumerate(referrals)
    )
    ParentViews.objects.bulk_create(
        ParentViews(referral=referral, carer=carer, saved_at=now, submitted_at=now)
        for referral in referrals[::3]
    )

    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get(reverse("referrals:dashboard"), {"queue": "all"})

    assert response.status_code == 200
    shown = {row.parent_views for row in response.context["rows"]}
    assert shown <= {"Views received", "Link opened", "Link sent"}
    assert "Views received" in shown
