"""Signing in and out, passwords, and the audit events they leave."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from imhs.models import AuditAction, AuditEvent
from tests.factories import ReferrerFactory, TeamMemberFactory
from tests.sign_in import authenticator_for, sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
SAME_MESSAGE = "Enter a correct email address and password"


def post_sign_in(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_sign_in_page_is_nhs_styled_and_public(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="nhsuk-header' in html
    assert 'name="username"' in html
    assert "novalidate" in html


def test_sign_in_is_case_insensitive_and_lands_referrer_on_their_referrals(client):
    ReferrerFactory(email="hv.test@example.org", password=PASSWORD)

    response = post_sign_in(client, "  HV.Test@Example.org ")

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).url == reverse("referrals:mine")


def test_team_member_lands_on_the_dashboard(client):
    team = TeamMemberFactory(email="team.test@example.org", password=PASSWORD)

    post_sign_in(client, "team.test@example.org")
    # The password alone opens nothing: first the second factor (tests/.../test_second_factor).
    assert client.get(reverse("home")).url.startswith(reverse("second_factor_setup"))
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator_for(team).persistent_id
    session.save()

    assert client.get(reverse("home")).url == reverse("referrals:dashboard")
    assert client.get(reverse("referrals:dashboard")).status_code == 200


def test_sign_in_gives_a_new_session_key(client):
    ReferrerFactory(email="fixation@example.org", password=PASSWORD)
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key

    post_sign_in(client, "fixation@example.org")

    assert client.session.session_key != before


def test_successful_sign_in_is_audited_without_the_password(client):
    user = ReferrerFactory(email="audited@example.org", password=PASSWORD)

    post_sign_in(client, "audited@example.org")

    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert event.actor == user
    assert event.ip_address == "127.0.0.1"
    assert PASSWORD not in str(event.detail)


def test_wrong_password_and_unknown_email_get_the_same_answer(client):
    ReferrerFactory(email="known@example.org", password=PASSWORD)

    wrong_password = post_sign_in(client, "known@example.org", "not the password at all")
    unknown_email = post_sign_in(client, "nobody@example.org", "not the password at all")

    for response in (wrong_password, unknown_email):
        assert response.status_code == 200
        assert SAME_MESSAGE in response.content.decode()
    # What the person typed in the email box is kept for them to correct.
    assert 'value="nobody@example.org"' in unknown_email.content.decode()


def test_failed_sign_ins_are_audited_without_passwords_or_unknown_addresses(client):
    user = ReferrerFactory(email="known2@example.org", password=PASSWORD)

    post_sign_in(client, "known2@example.org", "wrong-password-1")
    post_sign_in(client, "stranger@example.org", "wrong-password-2")

    failures = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).order_by("id")
    assert [(e.object_id, e.detail["known_account"]) for e in failures] == [
        (str(user.pk), True),
        ("", False),
    ]
    stored = " ".join(str(e.detail) + e.object_id for e in failures)
    assert "wrong-password" not in stored
    assert "stranger" not in stored


def test_sign_out_is_post_only(client, referrer):
    sign_in(client, referrer)

    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("referrals:mine")).status_code == 200


def test_sign_out_ends_the_session_and_is_audited(client, referrer):
    sign_in(client, referrer)

    response = client.post(reverse("logout"))

    assert response.url == reverse("login")
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, actor=referrer).count() == 1
    assert client.get(reverse("referrals:mine")).status_code == 302


def test_password_change_requires_the_old_password_and_12_characters(client):
    user = ReferrerFactory(password=PASSWORD)
    sign_in(client, user)
    url = reverse("password_change")

    short = client.post(
        url, {"old_password": PASSWORD, "new_password1": "short-pw", "new_password2": "short-pw"}
    )
    assert "at least 12 characters" in short.content.decode()

    new = "a much longer new passphrase"
    done = client.post(url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert done.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(new)
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED, actor=user).exists()


def test_password_reset_sends_a_link_through_the_queue(client, django_capture_on_commit_callbacks):
    user = ReferrerFactory(email="forgetful@example.org", password=PASSWORD)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "Forgetful@example.org"})

    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["forgetful@example.org"]
    site = re.escape(settings.SITE_URL)
    link = re.search(site + r"(/accounts/reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new = "another long passphrase here"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new)
    assert AuditEvent.objects.filter(
        action=AuditAction.PASSWORD_RESET_COMPLETED, actor=user
    ).exists()


def test_password_reset_link_ignores_a_forged_host_header(
    client, settings, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["*"]
    ReferrerFactory(email="target@example.org", password=PASSWORD)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("password_reset"),
            {"email": "target@example.org"},
            HTTP_HOST="attacker.example.net",
        )

    assert "attacker.example.net" not in mail.outbox[0].body
    assert settings.SITE_URL in mail.outbox[0].body


def test_password_reset_for_unknown_address_looks_the_same_and_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_fifth_failed_sign_in_locks_the_account_even_for_the_right_password(client):
    ReferrerFactory(email="target2@example.org", password=PASSWORD)

    for attempt in range(1, 5):
        response = post_sign_in(client, "target2@example.org", f"guess-number-{attempt}")
        assert response.status_code == 200, f"attempt {attempt} should still be allowed"
    fifth = post_sign_in(client, "target2@example.org", "guess-number-5")
    right_password = post_sign_in(client, "target2@example.org", PASSWORD)

    for response in (fifth, right_password):
        assert response.status_code == 429
        assert "You cannot sign in for 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account_not_per_office(client):
    # Same IP (one office behind one address), a different person: still free to sign in.
    ReferrerFactory(email="locked@example.org", password=PASSWORD)
    colleague = ReferrerFactory(email="colleague@example.org", password=PASSWORD)
    for attempt in range(5):
        post_sign_in(client, "locked@example.org", f"wrong-{attempt}")

    response = post_sign_in(client, "colleague@example.org")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)


@pytest.mark.parametrize(
    ("url_name", "data", "messages"),
    [
        ("login", {}, ["Enter your email address", "Enter your password"]),
        (
            "login",
            {"username": "not-an-email", "password": "x"},
            ["Enter an email address in the correct format, like name@example.org"],
        ),
        ("password_reset", {}, ["Enter your email address"]),
    ],
)
def test_account_forms_say_what_to_enter(client, url_name, data, messages):
    html = client.post(reverse(url_name), data).content.decode()
    assert "This field is required" not in html
    for message in messages:
        # Once in the error summary, once at the field.
        assert html.count(message) == 2, message


def test_password_change_form_says_what_to_enter(client, referrer):
    sign_in(client, referrer)
    html = client.post(reverse("password_change"), {}).content.decode()
    for message in [
        "Enter your current password",
        "Enter a new password",
        "Enter the new password again",
    ]:
        assert html.count(message) == 2, message


def test_error_summary_is_at_the_top_of_the_page_once(client):
    html = client.post(reverse("login"), {}).content.decode()
    main = html[html.index('id="maincontent"') :]
    assert main.count("nhsuk-error-summary__heading") == 1
    assert main.index("There is a problem") < main.index("<h1>")
    # Screen readers announce the title first: NHS.UK prefixes it when there are errors.
    assert "<title>Error: Sign in" in html
    assert "<title>Sign in" in client.get(reverse("login")).content.decode()
