"""The parent's pages (issue 7): the secure link asks only for the baby's date of birth and
changes nothing when opened; the right date starts a short session on token-free pages; wrong
answers count and lock; every closed link gets the same page; save and come back; send once;
no-referrer and no-store on every page; the token in no log, audit event or later URL."""

import datetime
import html
import logging
import re
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from imhs.models import AuditAction, AuditEvent
from referrals import invitations
from referrals.models import DateOfBirthAttempt, ParentInvitation, ParentViews
from referrals.parents.views import INVITATION_KEY, LAST_SEEN_KEY
from tests.factories import CareRelationshipFactory, ReferralFactory, TeamMemberFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

VIEWS_URL = "/views/your-views/"
CHECK_URL = "/views/check/"
SENT_URL = "/views/sent/"
CLOSED_HEADING = "This link does not work"
WRONG = "That date of birth does not match our records. You have {} more {}."
SAVED = "Saved. You can come back and finish later"
AT_LEAST_ONE = "Write something in at least one of the first 5 boxes, so the team can hear from you"


def at(moment):
    """Time travel: `timezone.now()` answers `moment` inside the block."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def text(response):
    return html.unescape(response.content.decode())


def flat(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text(response)))


def without_nonce(response):
    """The page, less what changes on every response (the CSP nonce)."""
    return re.sub(r'nonce="[^"]*"', "", text(response))


def link_url(token):
    return reverse("parents:open", args=[token])


def date_data(date):
    return {
        "date_of_birth_day": str(date.day),
        "date_of_birth_month": str(date.month),
        "date_of_birth_year": str(date.year),
    }


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


@pytest.fixture
def token(link):
    return link[1]


@pytest.fixture
def invitation(link):
    return link[0]


def right(invitation_or_referral):
    """The baby's date of birth, for an invitation or a referral."""
    referral = getattr(invitation_or_referral, "referral", invitation_or_referral)
    return referral.infant.date_of_birth


def wrong(invitation):
    return right(invitation) - datetime.timedelta(days=3)


def answer(client, token, date, **extra):
    return client.post(link_url(token), date_data(date), **extra)


def open_session(client, invitation, token):
    response = answer(client, token, right(invitation))
    assert response.status_code == 302
    assert response["Location"] == VIEWS_URL
    return response


def views_data(action="save", **answers):
    data = {
        "going_well": "",
        "worries": "",
        "relationship": "",
        "help_wanted": "",
        "anything_else": "",
        "contact_how": "",
        "contact_times": "",
    }
    data.update(answers)
    data[action] = ""
    return data


def send(client, **answers):
    """The parent's two steps: Continue (saves, then shows the check page), then Send."""
    response = client.post(VIEWS_URL, views_data("check", **answers))
    if response.status_code != 302:
        return response
    assert response["Location"] == CHECK_URL
    page = client.get(CHECK_URL)
    version = re.search(r'name="version" value="([^"]+)"', text(page)).group(1)
    return client.post(CHECK_URL, {"version": version, "send": ""})


def personal_data(referral, carer):
    infant = referral.infant
    dob = infant.date_of_birth
    return [
        infant.given_name,
        infant.family_name,
        infant.chi_number,
        infant.postcode,
        infant.address_line_1,
        carer.given_name,
        "7700 900123",
        "7700900123",
        carer.email,
        referral.reference,
        referral.referrer_name,
        dob.isoformat(),
        f"{dob:%d/%m/%Y}",
        f"{dob.day} {dob:%B %Y}",
        f"{dob.day} {dob.month} {dob.year}",
    ]


def snapshot():
    return {
        "invitations": list(ParentInvitation.objects.order_by("pk").values()),
        "views": list(ParentViews.objects.values()),
        "attempts": DateOfBirthAttempt.objects.count(),
        "sessions": Session.objects.count(),
    }


# --- The first page -----------------------------------------------------------------------


def test_the_link_asks_only_for_the_date_of_birth_and_reveals_nothing(
    client, referral, carer, invitation, token
):
    response = client.get(link_url(token))
    assert response.status_code == 200
    page = flat(response)
    assert "What is your baby's date of birth?" in page
    assert settings.SERVICE["name"] in page
    for value in personal_data(referral, carer):
        assert value not in text(response), value
    assert token not in text(response)
    assert 'action=""' in text(response)


def test_opening_the_link_changes_nothing(client, invitation, token):
    before = snapshot()
    events = AuditEvent.objects.count()
    for _ in range(3):  # a mail scanner, then the parent, then a reload
        response = client.get(link_url(token))
        assert response.status_code == 200
        assert "sessionid" not in response.cookies
    assert snapshot() == before
    # Only the audited view is written, and it names the invitation, never the token.
    new = AuditEvent.objects.order_by("pk")[events:]
    assert [(e.action, e.object_id, e.detail) for e in new] == [
        (AuditAction.VIEW, str(invitation.pk), {"page": "link"})
    ] * 3


def test_the_right_date_starts_a_session_for_that_invitation_alone(client, invitation, token):
    response = open_session(client, invitation, token)
    assert token not in response["Location"]
    session = client.session
    assert set(session.keys()) == {INVITATION_KEY, LAST_SEEN_KEY}
    assert session[INVITATION_KEY] == invitation.pk
    assert "_auth_user_id" not in session

    page = client.get(VIEWS_URL)
    assert page.status_code == 200
    assert "Your views about your baby" in flat(page)
    assert token not in text(page)
    invitation.refresh_from_db()
    assert invitation.first_opened_at is not None


def test_a_wrong_date_says_how_many_tries_are_left_and_keeps_what_was_typed(
    client, invitation, token
):
    typed = wrong(invitation)
    response = answer(client, token, typed)
    assert response.status_code == 200
    message = WRONG.format(4, "tries")
    assert flat(response).count(message) == 2  # the error summary and the field
    assert 'class="nhsuk-error-summary"' in text(response)
    for value in (typed.day, typed.month, typed.year):
        assert f'value="{value}"' in text(response)
    assert "sessionid" not in response.cookies


def test_a_badly_typed_date_is_an_error_and_not_counted(client, invitation, token):
    response = client.post(
        link_url(token),
        {"date_of_birth_day": "31", "date_of_birth_month": "2", "date_of_birth_year": "2025"},
    )
    assert "Enter a real date" in flat(response)
    empty = client.post(link_url(token), {})
    assert "Enter your baby's date of birth" in flat(empty)
    invitation.refresh_from_db()
    assert invitation.failed_checks == 0


def test_the_fifth_wrong_date_locks_the_link_and_gives_the_phone_number(client, invitation, token):
    for tries_left in (4, 3, 2):
        assert WRONG.format(tries_left, "tries") in flat(answer(client, token, wrong(invitation)))
    assert WRONG.format(1, "try") in flat(answer(client, token, wrong(invitation)))
    locked = answer(client, token, wrong(invitation))
    assert "This link is locked" in flat(locked)
    assert settings.SERVICE["phone"] in flat(locked)
    invitation.refresh_from_db()
    assert invitation.state(timezone.now()) == "locked"

    # The right date now is refused, with the page every closed link gets.
    refused = answer(client, token, right(invitation))
    assert refused.status_code == 404
    assert CLOSED_HEADING in flat(refused)
    assert "sessionid" not in refused.cookies
    assert client.get(VIEWS_URL).status_code == 404


def test_the_per_ip_limit_refuses_the_next_answer_with_the_closed_page(client, invitation, token):
    for n in range(settings.PARENT_LINK_IP_LIMIT):
        answer(client, f"made-up-link-{n:04d}-xxxxxxxxxxxxxxxxxx", right(invitation))
    refused = answer(client, token, right(invitation))
    unknown = client.get(link_url("made-up-link-xxxxxxxxxxxxxxxxxxxxxx"))
    assert refused.status_code == unknown.status_code == 404
    assert without_nonce(refused) == without_nonce(unknown)
    assert INVITATION_KEY not in client.session
    # Another address is not held up.
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert answer(other, token, right(invitation)).status_code == 302


# --- Every closed link gets the same page -----------------------------------------------


def test_every_closed_link_shows_the_same_page(referral, carer, team_member):
    def new_link():
        return invitations.create(referral, carer=carer, by=team_member, send_email=False)

    closed_tokens = {"unknown": "this-is-not-a-real-link-aaaaaaaaaaaaaaaaaaa"}

    expired, closed_tokens["expired"] = new_link()
    ParentInvitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())

    revoked, closed_tokens["revoked"] = new_link()
    invitations.revoke(revoked, by=team_member)

    locked, closed_tokens["locked"] = new_link()
    for _ in range(5):
        invitations.check_date_of_birth(
            closed_tokens["locked"], right(locked) + datetime.timedelta(days=1), ip="192.0.2.99"
        )

    replaced, closed_tokens["re-sent (old link)"] = new_link()
    invitations.resend(replaced, by=team_member)

    other_carer = CareRelationshipFactory(infant=referral.infant, is_main_carer=False).carer
    submitted, closed_tokens["submitted"] = invitations.create(
        referral, carer=other_carer, by=team_member, send_email=False
    )
    invitations.save_views(submitted.pk, answers={"worries": "Sleep."}, submit=True)

    pages = {}
    for reason, token in closed_tokens.items():
        for method in ("get", "post"):
            client = Client(REMOTE_ADDR=f"192.0.2.{len(pages) + 1}")
            if method == "get":
                response = client.get(link_url(token))
            else:
                response = answer(client, token, right(referral))
            assert response.status_code == 404, (reason, method)
            assert response.headers["Referrer-Policy"] == "no-referrer"
            assert INVITATION_KEY not in client.session
            pages[(reason, method)] = without_nonce(response)
    reference = pages[("unknown", "get")]
    assert CLOSED_HEADING in reference
    assert settings.SERVICE["phone"] in reference
    for key, page in pages.items():
        assert page == reference, key
        for value in personal_data(referral, carer):
            assert value not in page


def test_a_link_expires_at_exactly_14_days(client, invitation, token):
    just_before = invitation.created_at + datetime.timedelta(days=14, microseconds=-1)
    with at(just_before):
        assert client.get(link_url(token)).status_code == 200
    with at(invitation.created_at + datetime.timedelta(days=14)):
        response = client.get(link_url(token))
        assert response.status_code == 404
        assert CLOSED_HEADING in flat(response)
        assert answer(client, token, right(invitation)).status_code == 404


# --- The session --------------------------------------------------------------------------


def test_the_session_ends_after_30_idle_minutes(client, invitation, token):
    assert settings.PARENT_SESSION_IDLE_MINUTES == 30
    start = timezone.now()
    with at(start):
        open_session(client, invitation, token)
    # Each page refreshes the idle clock.
    with at(start + datetime.timedelta(minutes=29)):
        assert client.get(VIEWS_URL).status_code == 200
    with at(start + datetime.timedelta(minutes=58)):
        assert client.get(VIEWS_URL).status_code == 200
    with at(start + datetime.timedelta(minutes=88, seconds=1)):
        response = client.get(VIEWS_URL)
    assert response.status_code == 404
    assert "open the link in your email again" in flat(response)
    assert INVITATION_KEY not in client.session
    # And it stays ended.
    assert client.get(VIEWS_URL).status_code == 404


def test_without_a_session_the_views_page_is_the_closed_page(client):
    response = client.get(VIEWS_URL)
    assert response.status_code == 404
    assert CLOSED_HEADING in flat(response)
    assert client.post(VIEWS_URL, views_data(worries="Sleep.")).status_code == 404
    assert not ParentViews.objects.exists()
    assert client.get(SENT_URL).status_code == 404


def test_a_parent_session_reaches_only_its_own_invitation(
    client, referral, carer, invitation, token, team_member
):
    other_referral = ReferralFactory(submitted=True)
    other_carer = other_referral.infant.care_relationships.get().carer
    other, other_token = invitations.create(
        other_referral, carer=other_carer, by=team_member, send_email=False
    )
    invitations.save_views(other.pk, answers={"worries": "Other family's words."}, submit=False)
    invitations.save_views(invitation.pk, answers={"worries": "Our words."}, submit=False)

    open_session(client, invitation, token)
    page = flat(client.get(VIEWS_URL))
    assert "Our words." in page
    assert "Other family's words." not in page
    # Another link opened in the same session shows only its question, and changes nothing.
    other_link = client.get(link_url(other_token))
    assert "Other family's words." not in text(other_link)
    assert client.session[INVITATION_KEY] == invitation.pk
    # Saving writes to this session's invitation only, whatever is posted.
    client.post(
        VIEWS_URL,
        {**views_data(worries="Changed."), "invitation": other.pk, "carer": other.carer_id},
    )
    assert invitations.views_for(other).worries == "Other family's words."
    assert invitations.views_for(invitation).worries == "Changed."


def test_a_parent_session_opens_no_staff_page(client, referral, invitation, token):
    open_session(client, invitation, token)
    for url in (
        "/home/",
        "/team/",
        f"/team/referrals/{referral.reference}/",
        "/referrals/",
        f"/referrals/{referral.pk}/",
        "/admin/",
        "/accounts/password/change/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"], url
    # The parent's pages never show staff account links.
    page = text(client.get(VIEWS_URL))
    assert "Sign out" not in page
    assert "nhsuk-header__account" not in page


def test_a_staff_member_signed_in_on_the_same_device_is_signed_out(client, invitation, token):
    staff = TeamMemberFactory()
    sign_in(client, staff)
    old_key = client.session.session_key
    open_session(client, invitation, token)
    assert client.session.session_key != old_key
    assert "_auth_user_id" not in client.session
    assert client.get("/team/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, actor=staff).exists()


# --- Save and come back; send once --------------------------------------------------------


def test_save_and_come_back_keeps_the_text(client, invitation, token):
    open_session(client, invitation, token)
    response = client.post(
        VIEWS_URL,
        views_data(
            going_well="She laughs at bath time.",
            interpreter="yes",
            interpreter_language="Polish",
            contact_how="Text message",
            contact_times="Mornings",
            near_me="not_sure",
        ),
        follow=True,
    )
    assert response.redirect_chain == [(VIEWS_URL, 302)]
    assert SAVED in flat(response)
    assert "She laughs at bath time." in text(response)
    views = ParentViews.objects.get()
    assert views.submitted_at is None
    assert views.interpreter_language == "Polish"
    assert views.near_me == "not_sure"

    # Later, on another device: the link and the date of birth again.
    later = Client()
    open_session(later, invitation, token)
    page = later.get(VIEWS_URL)
    assert "She laughs at bath time." in text(page)
    assert 'value="Polish"' in text(page)
    assert re.search(r'value="not_sure"\s+checked|checked[^>]*value="not_sure"', text(page))


def test_saving_nothing_is_allowed_but_sending_nothing_is_not(client, invitation, token):
    open_session(client, invitation, token)
    assert client.post(VIEWS_URL, views_data("save")).status_code == 302
    response = client.post(VIEWS_URL, views_data("check", contact_how="Phone"))
    assert response.status_code == 200
    assert flat(response).count(AT_LEAST_ONE) == 2
    assert ParentViews.objects.get().submitted_at is None


def test_an_interpreter_needs_a_language(client, invitation, token):
    open_session(client, invitation, token)
    response = client.post(VIEWS_URL, views_data(worries="Sleep.", interpreter="yes"))
    assert "Enter the language you need an interpreter for" in flat(response)
    # A language left in the hidden box after "No" is ignored.
    client.post(
        VIEWS_URL, views_data(worries="Sleep.", interpreter="no", interpreter_language="Welsh")
    )
    assert ParentViews.objects.get().interpreter_language == ""


def test_sending_happens_once_and_then_the_link_opens_nothing(client, invitation, token):
    open_session(client, invitation, token)
    response = send(client, worries="He does not sleep much.")
    assert response["Location"] == SENT_URL
    response = client.get(SENT_URL)
    assert "Your views have been sent" in flat(response)
    assert "What happens next" in flat(response)
    assert settings.SERVICE["phone"] in flat(response)
    assert INVITATION_KEY not in client.session
    views = ParentViews.objects.get()
    sent_at = views.submitted_at
    assert sent_at is not None
    invitation.refresh_from_db()
    assert invitation.submitted_at == sent_at

    # No second sending: the session is gone, and the link is closed.
    assert client.post(VIEWS_URL, views_data("check", worries="Again.")).status_code == 404
    assert client.post(CHECK_URL, {"send": ""}).status_code == 404
    assert client.get(link_url(token)).status_code == 404
    assert answer(client, token, right(invitation)).status_code == 404
    views.refresh_from_db()
    assert (views.worries, views.submitted_at) == ("He does not sleep much.", sent_at)
    # The confirmation page can be reloaded.
    assert client.get(SENT_URL).status_code == 200


def test_a_page_left_open_cannot_send_twice(client, invitation, token):
    open_session(client, invitation, token)
    second_tab = Client()
    second_tab.cookies = client.cookies
    send(client, worries="First.")
    response = second_tab.post(VIEWS_URL, views_data("check", worries="Second."))
    assert response.status_code == 404
    assert ParentViews.objects.get().worries == "First."


def test_a_new_link_after_sending_does_not_reopen_the_answers(
    client, invitation, token, team_member
):
    invitations.save_views(invitation.pk, answers={"worries": "Sent words."}, submit=True)
    invitation.refresh_from_db()
    _new, new_token = invitations.resend(invitation, by=team_member)
    response = answer(client, new_token, right(invitation), follow=True)
    assert response.status_code == 404
    assert "Sent words." not in text(response)


def test_a_link_revoked_during_the_session_ends_it(client, invitation, token, team_member):
    open_session(client, invitation, token)
    invitations.revoke(invitation, by=team_member)
    assert client.get(VIEWS_URL).status_code == 404
    assert client.post(VIEWS_URL, views_data(worries="Sleep.")).status_code == 404
    assert not ParentViews.objects.exists()


# --- Headers, CSRF, logs and audit ----------------------------------------------------------


def test_every_parent_page_sends_no_referrer_and_no_store(client, invitation, token):
    responses = [
        client.get(link_url(token)),
        client.get(link_url("not-a-real-link-bbbbbbbbbbbbbbbbbbbbbbbb")),
        answer(client, token, wrong(invitation)),
        client.post(link_url(token), {}),
        client.get(VIEWS_URL),  # no session yet
        open_session(client, invitation, token),
        client.get(VIEWS_URL),
        client.post(VIEWS_URL, views_data(worries="Sleep.")),
        client.post(VIEWS_URL, views_data("check")),  # an error
        client.post(VIEWS_URL, views_data("check", worries="Sleep.")),
        client.get(CHECK_URL),
        send(client, worries="Sleep."),
        client.get(SENT_URL),
        client.put(VIEWS_URL),  # refused
    ]
    for response in responses:
        assert response.headers["Referrer-Policy"] == "no-referrer", response
        assert "no-store" in response.headers["Cache-Control"], response
    assert responses[-1].status_code == 405


def test_the_forms_work_from_a_no_referrer_page_and_refuse_other_sites(invitation, token):
    browser = Client(enforce_csrf_checks=True)
    first = browser.get(link_url(token))
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(first)).group(1)
    data = {**date_data(right(invitation)), "csrfmiddlewaretoken": csrf}

    # Another site posting (the browser says so): refused, whatever the token.
    refused = browser.post(
        link_url(token), data, headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"}
    )
    assert refused.status_code == 403
    assert refused.headers["Referrer-Policy"] == "no-referrer"
    refused = browser.post(link_url(token), data, headers={"Origin": "https://attacker.example"})
    assert refused.status_code == 403
    # No CSRF token: refused.
    refused = browser.post(
        link_url(token),
        date_data(right(invitation)),
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    )
    assert refused.status_code == 403
    assert INVITATION_KEY not in browser.session

    # A browser posting the page's own form sends "Origin: null" under no-referrer.
    accepted = browser.post(
        link_url(token), data, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    )
    assert accepted.status_code == 302
    page = browser.get(VIEWS_URL)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(page)).group(1)
    saved = browser.post(
        VIEWS_URL,
        {**views_data(worries="Sleep."), "csrfmiddlewaretoken": csrf},
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    )
    assert saved.status_code == 302
    assert ParentViews.objects.get().worries == "Sleep."


def test_the_token_is_in_no_log(client, caplog, invitation, token):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True  # log every SQL statement too
    try:
        client.get(link_url(token))
        answer(client, token, wrong(invitation))
        open_session(client, invitation, token)
        send(client, worries="Sleep.")
        client.get(link_url(token))  # closed now: a 404, which Django logs
        unknown = "an-unknown-link-cccccccccccccccccccccccccccc"
        client.get(link_url(unknown))
        client.post(f"/views/{token}/", {}, headers={"Origin": "https://attacker.example"})
    finally:
        connection.force_debug_cursor = False
    assert "Not Found: /views/[link withheld]" in caplog.text
    assert "SELECT" in caplog.text
    assert token not in caplog.text
    assert unknown not in caplog.text


def test_the_token_is_in_no_audit_event_and_no_url_after_the_first(client, invitation, token):
    urls = []
    response = client.get(link_url(token))
    answer(client, token, wrong(invitation))
    response = open_session(client, invitation, token)
    urls.append(response["Location"])
    response = client.post(VIEWS_URL, views_data(worries="Sleep."))
    urls.append(response["Location"])
    page = client.get(VIEWS_URL)
    assert token not in text(page)
    response = client.post(VIEWS_URL, views_data("check", worries="Sleep."))
    urls.append(response["Location"])
    assert token not in text(client.get(CHECK_URL))
    response = send(client, worries="Sleep.")
    urls.append(response["Location"])
    assert token not in text(client.get(SENT_URL))
    client.get(link_url(token))
    assert urls == [VIEWS_URL, VIEWS_URL, CHECK_URL, SENT_URL]

    events = list(AuditEvent.objects.values())
    assert {e["action"] for e in events} >= {
        AuditAction.VIEW,
        AuditAction.ACCESS_DENIED,
        AuditAction.CHANGE,
    }
    dump = repr(events)
    assert token not in dump
    typed = wrong(invitation)
    for spelling in (typed.isoformat(), right(invitation).isoformat()):
        assert spelling not in dump


# --- Issue 12, points 21 and 22: one clear rule, a check step, no staff banner ---------------


def test_the_rule_is_said_once_and_the_five_boxes_are_not_marked_optional(
    client, invitation, token
):
    open_session(client, invitation, token)
    page = flat(client.get(VIEWS_URL))
    assert page.count("Write something in at least one of the first 5 boxes") == 1
    for label in (
        "What is going well with your baby?",
        "What worries you?",
        "How would you describe your relationship with your baby?",
        "What would you like help with?",
        "Is there anything else you want the team to know?",
        "What language do you speak?",  # asked only after "Yes", and then required
    ):
        assert f"{label} (optional)" not in page
        assert label in page
    # The questions about getting in touch really are optional, and say so.
    assert "What is the best way to contact you? (optional)" in page
    # The main button comes first (on a phone the buttons stack in this order).
    html_text = text(client.get(VIEWS_URL))
    assert html_text.index(">Continue<") < html_text.index(">Save and come back later<")
    assert "Send to the team" not in html_text


def test_nothing_written_is_refused_with_a_link_to_the_first_box(client, invitation, token):
    open_session(client, invitation, token)
    response = client.post(VIEWS_URL, views_data("check", contact_how="Phone"))
    assert response.status_code == 200
    assert 'href="#id_going_well"' in text(response)
    assert flat(response).count(AT_LEAST_ONE) == 2  # the summary and the box
    # What was typed is kept, and nothing was sent.
    assert 'value="Phone"' in text(response)
    assert not ParentViews.objects.filter(submitted_at__isnull=False).exists()


def test_continue_saves_and_shows_the_answers_to_check_before_sending(client, invitation, token):
    open_session(client, invitation, token)
    response = client.post(
        VIEWS_URL,
        views_data(
            "check",
            worries="Sleep.\nAnd feeding.",
            interpreter="yes",
            interpreter_language="Polish",
        ),
    )
    assert response["Location"] == CHECK_URL
    views = ParentViews.objects.get()
    assert views.worries == "Sleep.\nAnd feeding."
    assert views.submitted_at is None  # saved, not sent

    page = client.get(CHECK_URL)
    assert page.status_code == 200
    body = flat(page)
    assert "Check your answers before sending" in body
    assert "Sleep. And feeding." in body
    assert "Yes, Polish" in body
    assert "What is going well with your baby? Not answered" in body
    assert f'href="{VIEWS_URL}#id_worries"' in text(page)
    assert "Once you send them to the team, you cannot change them" in body
    assert ParentViews.objects.get().submitted_at is None  # looking sends nothing

    # "Change" goes back to the form, with the answers there.
    assert "Sleep." in text(client.get(VIEWS_URL))


def test_answers_changed_in_another_tab_are_shown_again_before_sending(client, invitation, token):
    open_session(client, invitation, token)
    client.post(VIEWS_URL, views_data("check", worries="First words."))
    page = client.get(CHECK_URL)
    version = re.search(r'name="version" value="([^"]+)"', text(page)).group(1)
    # Another tab changes the answers after this check page was drawn.
    other_tab = Client()
    other_tab.cookies = client.cookies
    other_tab.post(VIEWS_URL, views_data("save", worries="Second words."))

    response = client.post(CHECK_URL, {"version": version, "send": ""})
    assert response.status_code == 200
    assert "Your answers have changed" in flat(response)
    assert "Second words." in flat(response)
    assert ParentViews.objects.get().submitted_at is None
    # Sending from the page drawn again sends what it showed.
    version = re.search(r'name="version" value="([^"]+)"', text(response)).group(1)
    assert client.post(CHECK_URL, {"version": version, "send": ""})["Location"] == SENT_URL
    views = ParentViews.objects.get()
    assert views.submitted_at is not None
    assert views.worries == "Second words."


def test_the_check_page_needs_something_to_check(client, invitation, token):
    open_session(client, invitation, token)
    assert client.get(CHECK_URL)["Location"] == VIEWS_URL
    client.post(VIEWS_URL, views_data("save", contact_how="Phone"))
    assert client.get(CHECK_URL)["Location"] == VIEWS_URL
    assert Client().get(CHECK_URL).status_code == 404  # no parent session


def test_parents_never_see_the_staff_development_banner(client, invitation, token, settings):
    settings.SECOND_FACTOR_RELAXED = True
    banner = "Second factor disabled"
    assert banner in text(client.get("/accounts/login/"))  # staff pages still say so
    pages = [client.get(link_url(token)), answer(client, token, wrong(invitation))]
    open_session(client, invitation, token)
    pages.append(client.get(VIEWS_URL))
    client.post(VIEWS_URL, views_data("check", worries="Sleep."))
    pages.append(client.get(CHECK_URL))
    send(client, worries="Sleep.")
    pages += [client.get(SENT_URL), client.get(link_url(token))]  # sent, then closed
    for page in pages:
        assert page.status_code in (200, 404), page
        assert banner not in text(page), page.request["PATH_INFO"]
