"""The second factor: staff cannot reach anything on a password alone; setting up an app; codes,
backup codes, throttling; the admin; a service lead's reset; the development relaxation."""

import base64
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from imhs.accounts.second_factor import _wait
from imhs.models import AuditAction, AuditEvent, AuthenticatorDevice, BackupCode, BackupCodeDevice
from tests.factories import ReferrerFactory, ServiceLeadFactory, TeamMemberFactory
from tests.sign_in import authenticator_for, sign_in, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "a long test passphrase for sign-in"
BACKUP_CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b")


@pytest.fixture(autouse=True)
def _no_throttle_delay(settings):
    # django-otp makes each try after a wrong code wait 1, 2, 4... seconds; the tests that
    # are about throttling turn it back on.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def password_only(client, user):
    """Signed in with the password, as the sign-in page leaves someone: no second factor yet."""
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def code_from_setup_page(html):
    secret = re.search(r'id="secret"><code>([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key).token():06d}"


# --- who must pass it ----------------------------------------------------------------------


@pytest.mark.parametrize("factory", [TeamMemberFactory, ServiceLeadFactory])
@pytest.mark.parametrize(
    "url",
    ["/home/", "/team/", "/admin/", "/admin/referrals/referral/", "/accounts/", "/referrals/"],
)
def test_staff_with_a_password_alone_are_sent_to_set_up_a_second_factor(client, factory, url):
    password_only(client, factory(password=PASSWORD))

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("second_factor_setup"))


def test_staff_with_an_app_are_asked_for_a_code_and_come_back_where_they_were(client):
    member = TeamMemberFactory(password=PASSWORD)
    device = authenticator_for(member)
    password_only(client, member)

    response = client.get("/team/?queue=new")
    assert response.url == reverse("second_factor_verify") + "?next=%2Fteam%2F%3Fqueue%3Dnew"
    key_before = client.session.session_key

    response = client.post(response.url, {"code": totp_code(device)})

    assert response.status_code == 302
    assert response.url == "/team/?queue=new"
    assert client.session.session_key != key_before
    assert client.get("/team/").status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.SECOND_FACTOR_VERIFIED, actor=member, detail={"method": "app"}
    ).exists()


def test_a_wrong_code_is_refused_at_the_field_and_in_the_summary_and_audited(client):
    member = TeamMemberFactory(password=PASSWORD)
    authenticator_for(member)
    password_only(client, member)

    response = client.post(reverse("second_factor_verify"), {"code": "000000"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "nhsuk-error-summary" in html
    assert 'id="id_code-error"' in html
    assert "The code is not right" in html
    assert 'value="000000"' in html  # what was typed stays
    assert client.get("/team/").status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.SECOND_FACTOR_FAILED)
    assert event.actor == member
    assert "000000" not in str(event.detail)


def test_a_code_cannot_be_used_twice(client):
    member = TeamMemberFactory(password=PASSWORD)
    device = authenticator_for(member)
    code = totp_code(device)
    password_only(client, member)
    assert client.post(reverse("second_factor_verify"), {"code": code}).status_code == 302

    other = password_only(Client(), member)
    response = other.post(reverse("second_factor_verify"), {"code": code})

    assert response.status_code == 200
    assert other.get("/team/").status_code == 302


def test_wrong_codes_slow_down_the_next_try(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    member = TeamMemberFactory(password=PASSWORD)
    device = authenticator_for(member)
    password_only(client, member)
    client.post(reverse("second_factor_verify"), {"code": "000000"})

    response = client.post(reverse("second_factor_verify"), {"code": totp_code(device)})

    assert "too many wrong codes" in response.content.decode()
    assert client.get("/team/").status_code == 302


def test_a_refusal_while_waiting_is_audited_without_the_code(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    member = TeamMemberFactory(password=PASSWORD)
    device = authenticator_for(member)
    password_only(client, member)
    client.post(reverse("second_factor_verify"), {"code": "000000"})
    code = totp_code(device)

    client.post(reverse("second_factor_verify"), {"code": code})

    event = AuditEvent.objects.filter(action=AuditAction.SECOND_FACTOR_FAILED).latest("pk")
    assert event.actor == member
    assert event.detail == {"method": "app", "throttled": True}
    assert AuditEvent.objects.filter(action=AuditAction.SECOND_FACTOR_FAILED).count() == 2
    assert code not in str(event.detail)


@pytest.mark.parametrize(
    ("factor", "wrong_codes", "message"),
    [(8, 1, "Wait 8 seconds,"), (60, 1, "Wait 60 seconds,"), (60, 3, "Wait 4 minutes,")],
)
def test_the_message_says_how_long_to_wait(client, settings, factor, wrong_codes, message):
    settings.OTP_TOTP_THROTTLE_FACTOR = factor
    member = TeamMemberFactory(password=PASSWORD)
    device = authenticator_for(member)
    # That many wrong codes, the latest just now (the wait is factor x 2 ** (wrong codes - 1)).
    AuthenticatorDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=wrong_codes, throttling_failure_timestamp=timezone.now()
    )
    password_only(client, member)

    response = client.post(reverse("second_factor_verify"), {"code": totp_code(device)})

    assert f"You have entered too many wrong codes. {message} then try again." in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0.2, "1 second"),
        (8, "8 seconds"),
        (7.01, "8 seconds"),
        (90, "90 seconds"),
        (91, "2 minutes"),
        (3600, "60 minutes"),
        (5401, "2 hours"),
        (200_000, "3 days"),
    ],
)
def test_waits_are_rounded_up_to_a_unit_a_person_counts(seconds, words):
    assert _wait(seconds) == words


@pytest.mark.parametrize("first", ["app", "backup code"])
def test_app_codes_and_backup_codes_share_one_throttle(client, settings, first):
    # A wrong code of either kind makes the next try of either kind wait: two kinds of code
    # must not give two guesses per wait.
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    member = TeamMemberFactory(password=PASSWORD)
    device = authenticator_for(member)
    codes = issue_codes(Client(), member)
    password_only(client, member)
    wrong = {"app": "000000", "backup code": "AAAA-AAAA-AAAA-AAAA"}[first]
    right = {"app": codes[0], "backup code": totp_code(device)}[first]  # the other kind
    client.post(reverse("second_factor_verify"), {"code": wrong})

    response = client.post(reverse("second_factor_verify"), {"code": right})

    assert "too many wrong codes" in response.content.decode()
    assert client.get("/team/").status_code == 302
    assert BackupCodeDevice.objects.get(user=member).remaining() == 10


def test_a_right_backup_code_clears_the_throttle(client, settings):
    member = TeamMemberFactory(password=PASSWORD)
    device = authenticator_for(member)
    codes = issue_codes(Client(), member)
    password_only(client, member)
    client.post(reverse("second_factor_verify"), {"code": "000000"})
    client.post(reverse("second_factor_verify"), {"code": "000000"})

    assert client.post(reverse("second_factor_verify"), {"code": codes[0]}).status_code == 302

    device.refresh_from_db()
    assert device.throttling_failure_count == 0


# --- the window of accepted codes (ADR 0007) ------------------------------------------------

STEP = 30
# An invented moment, 10 seconds into a 30-second step.
NOW = 60_000_000 * STEP + 10


@pytest.fixture
def clock(monkeypatch):
    """django-otp's clock, set by the test."""
    now = SimpleNamespace(value=NOW)
    monkeypatch.setattr(
        "django_otp.plugins.otp_totp.models.time", SimpleNamespace(time=lambda: now.value)
    )
    return now


def code_at(device, moment):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = moment
    return f"{totp.token():06d}"


def signs_in_with(user, code):
    client = password_only(Client(), user)
    return client.post(reverse("second_factor_verify"), {"code": code}).status_code == 302


@pytest.mark.parametrize(
    ("steps", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)]
)
def test_the_current_code_and_one_step_either_side_are_accepted(clock, steps, accepted):
    member = TeamMemberFactory(password=PASSWORD)
    device = authenticator_for(member)

    assert signs_in_with(member, code_at(device, NOW + steps * STEP)) is accepted


def test_a_sign_in_with_the_previous_code_does_not_widen_the_window(clock):
    member = TeamMemberFactory(password=PASSWORD)
    device = authenticator_for(member)
    assert signs_in_with(member, code_at(device, NOW - STEP))
    device.refresh_from_db()
    assert device.drift == 0

    clock.value = NOW + 4 * STEP  # a later sign-in
    assert not signs_in_with(member, code_at(device, clock.value - 2 * STEP))
    assert signs_in_with(member, code_at(device, clock.value))


def test_referrers_need_no_second_factor_unless_they_set_one_up(client):
    referrer = ReferrerFactory(password=PASSWORD)
    password_only(client, referrer)
    assert client.get("/referrals/").status_code == 200


def test_a_setting_makes_the_second_factor_required_for_referrers(client, settings):
    settings.SECOND_FACTOR_FOR_REFERRERS = True
    password_only(client, ReferrerFactory(password=PASSWORD))
    assert client.get("/referrals/").url.startswith(reverse("second_factor_setup"))


def test_a_referrer_who_set_up_an_app_is_asked_for_it(client):
    referrer = ReferrerFactory(password=PASSWORD)
    authenticator_for(referrer)
    password_only(client, referrer)
    assert client.get("/referrals/").url.startswith(reverse("second_factor_verify"))


def test_only_the_second_factor_and_public_pages_open_before_it(client):
    password_only(client, TeamMemberFactory(password=PASSWORD))
    for name in ["start", "privacy", "accessibility", "second_factor_setup"]:
        assert client.get(reverse(name)).status_code == 200, name
    assert client.post(reverse("logout")).status_code == 302
    assert SESSION_KEY not in client.session


def test_the_next_address_must_be_on_this_site(client):
    member = TeamMemberFactory(password=PASSWORD)
    device = authenticator_for(member)
    password_only(client, member)

    response = client.post(
        reverse("second_factor_verify") + "?next=https://attacker.example/",
        {"code": totp_code(device)},
    )

    assert response.url == reverse("home")


# --- setting up an app -----------------------------------------------------------------------


def test_setting_up_an_app_shows_a_qr_code_and_the_secret_which_a_reload_keeps(client):
    password_only(client, TeamMemberFactory(password=PASSWORD))

    first = client.get(reverse("second_factor_setup")).content.decode()
    again = client.get(reverse("second_factor_setup")).content.decode()

    assert 'src="data:image/svg+xml;base64,' in first
    assert 'alt="QR code to add the Infant Mental Health Service' in first
    assert code_from_setup_page(first) == code_from_setup_page(again)
    assert TOTPDevice.objects.filter(confirmed=False).count() == 1


def test_setting_up_an_app_confirms_it_and_shows_backup_codes_once(client):
    member = TeamMemberFactory(password=PASSWORD)
    password_only(client, member)
    html = client.get(reverse("second_factor_setup") + "?next=/team/").content.decode()

    response = client.post(
        reverse("second_factor_setup") + "?next=/team/", {"code": code_from_setup_page(html)}
    )

    page = response.content.decode()
    codes = BACKUP_CODE.findall(page)
    assert len(codes) == 10 == len(set(codes))
    assert "You will not see these codes again" in page
    assert 'href="/team/"' in page
    assert response["Cache-Control"].count("no-store") == 1
    assert TOTPDevice.objects.get(user=member).confirmed
    assert client.get("/team/").status_code == 200
    # Only hashes are kept: no column of any backup code row holds a code.
    stored = list(BackupCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not any(code.replace("-", "") in value for code in codes for value in stored)
    actions = set(AuditEvent.objects.filter(actor=member).values_list("action", flat=True))
    assert {AuditAction.SECOND_FACTOR_ADDED, AuditAction.BACKUP_CODES_ISSUED} <= actions


def test_a_wrong_code_while_setting_up_leaves_the_app_unconfirmed(client):
    member = TeamMemberFactory(password=PASSWORD)
    password_only(client, member)
    client.get(reverse("second_factor_setup"))

    response = client.post(reverse("second_factor_setup"), {"code": "12345"})

    assert "The code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=member, confirmed=True).exists()
    assert client.get("/team/").status_code == 302


def test_a_password_alone_cannot_replace_an_app(client):
    member = TeamMemberFactory(password=PASSWORD)
    authenticator_for(member)
    password_only(client, member)

    response = client.get(reverse("second_factor_setup"))

    assert response.url == reverse("second_factor_verify")


def test_a_new_app_ends_the_users_other_sessions(client):
    member = TeamMemberFactory(password=PASSWORD)
    elsewhere = sign_in(Client(), member)
    assert elsewhere.get("/team/").status_code == 200
    sign_in(client, member)
    html = client.get(reverse("second_factor_setup")).content.decode()

    client.post(reverse("second_factor_setup"), {"code": code_from_setup_page(html)})

    assert client.get("/team/").status_code == 200
    assert elsewhere.get("/team/").url.startswith(reverse("login"))
    assert TOTPDevice.objects.filter(user=member).count() == 1  # the old app is gone


# --- backup codes ---------------------------------------------------------------------------


def issue_codes(client, user):
    sign_in(client, user)
    page = client.post(reverse("second_factor_backup_codes")).content.decode()
    client.post(reverse("logout"))
    return BACKUP_CODE.findall(page)


def test_a_backup_code_works_once_however_it_is_typed(client):
    member = TeamMemberFactory(password=PASSWORD)
    codes = issue_codes(client, member)

    password_only(client, member)
    typed = " " + codes[0].lower().replace("-", " ") + " "
    assert client.post(reverse("second_factor_verify"), {"code": typed}).status_code == 302
    assert client.get("/team/").status_code == 200
    assert BackupCodeDevice.objects.get(user=member).remaining() == 9

    again = password_only(Client(), member)
    response = again.post(reverse("second_factor_verify"), {"code": codes[0]})
    assert "one of your unused backup codes" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.SECOND_FACTOR_VERIFIED, detail={"method": "backup code"}
    ).exists()


def test_new_backup_codes_replace_the_old_ones(client):
    member = TeamMemberFactory(password=PASSWORD)
    old = issue_codes(client, member)
    new = issue_codes(client, member)

    password_only(client, member)
    assert client.post(reverse("second_factor_verify"), {"code": old[0]}).status_code == 200
    assert client.post(reverse("second_factor_verify"), {"code": new[0]}).status_code == 302


def test_new_backup_codes_keep_a_session_verified_by_a_backup_code(client):
    # Someone who lost their phone signs in with a backup code and asks for new ones: they must
    # not be sent back to the code page to spend one of the new codes at once.
    member = TeamMemberFactory(password=PASSWORD)
    codes = issue_codes(Client(), member)
    device_before = BackupCodeDevice.objects.get(user=member).pk
    password_only(client, member)
    assert client.post(reverse("second_factor_verify"), {"code": codes[0]}).status_code == 302

    page = client.post(reverse("second_factor_backup_codes")).content.decode()

    assert len(BACKUP_CODE.findall(page)) == 10
    assert client.get(reverse("account")).status_code == 200
    assert client.get("/team/").status_code == 200
    assert BackupCodeDevice.objects.get(user=member).pk == device_before
    assert BackupCodeDevice.objects.get(user=member).remaining() == 10


def test_new_backup_codes_need_a_post(client):
    sign_in(client, TeamMemberFactory())
    assert client.get(reverse("second_factor_backup_codes")).status_code == 405


def test_the_account_page_shows_the_second_factor(client):
    member = TeamMemberFactory()
    issue_codes(client, member)
    sign_in(client, member)

    html = client.get(reverse("account")).content.decode()

    assert "Authenticator app" in html
    assert "10 unused" in html
    assert "Get new backup codes" in html


# --- the admin and a service lead's reset ---------------------------------------------------


def test_the_admin_needs_a_verified_session(client):
    member = TeamMemberFactory()
    authenticator_for(member)
    client.force_login(member)  # password alone

    assert client.get("/admin/").url.startswith(reverse("second_factor_verify"))
    sign_in(client, member)
    assert client.get("/admin/").status_code == 200


def test_a_service_lead_resets_a_lost_second_factor(client):
    lead = ServiceLeadFactory()
    member = TeamMemberFactory()
    issue_codes(Client(), member)
    theirs = sign_in(Client(), member)
    sign_in(client, lead)
    url = reverse("admin:imhs_user_reset_second_factor", args=[member.pk])
    assert (
        "Reset second factor"
        in client.get(reverse("admin:imhs_user_change", args=[member.pk])).content.decode()
    )

    response = client.post(url)

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert not BackupCodeDevice.objects.filter(user=member).exists()
    assert theirs.get("/team/").url.startswith(reverse("login"))
    event = AuditEvent.objects.get(action=AuditAction.SECOND_FACTOR_RESET)
    assert (event.actor, event.object_id) == (lead, str(member.pk))


def test_only_a_service_lead_may_reset_and_only_by_post(client):
    member = TeamMemberFactory()
    authenticator_for(member)
    url = reverse("admin:imhs_user_reset_second_factor", args=[member.pk])

    sign_in(client, TeamMemberFactory())
    assert client.post(url).status_code == 403
    sign_in(client, ServiceLeadFactory())
    assert client.get(url).status_code == 405
    assert TOTPDevice.objects.filter(user=member).exists()


# --- password reset and the development relaxation ------------------------------------------


def test_a_password_reset_does_not_sign_in_or_skip_the_second_factor(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    member = TeamMemberFactory(password=PASSWORD)
    authenticator_for(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": member.email})
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)
    new_password = "another long passphrase for the test"

    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )

    assert SESSION_KEY not in client.session
    client.post(reverse("login"), {"username": member.email, "password": new_password})
    assert client.get("/team/").url.startswith(reverse("second_factor_verify"))


def test_the_development_relaxation_lets_staff_in_and_says_so_on_every_page(client, settings):
    settings.SECOND_FACTOR_RELAXED = True
    password_only(client, TeamMemberFactory(password=PASSWORD))

    for url in ["/team/", "/admin/", "/", "/accounts/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Second factor disabled (development)" in response.content.decode(), url


def test_no_development_banner_normally(client):
    sign_in(client, TeamMemberFactory())
    for url in ["/team/", "/admin/", "/"]:
        assert "Second factor disabled" not in client.get(url).content.decode()


def test_sessions_do_not_survive_in_the_database_after_a_reset(client):
    lead = ServiceLeadFactory()
    member = TeamMemberFactory()
    theirs = sign_in(Client(), member)
    key = theirs.session.session_key
    sign_in(client, lead)
    client.post(reverse("admin:imhs_user_reset_second_factor", args=[member.pk]))

    theirs.get("/team/")

    # The session named them with the old hash: Django flushed it on their next request.
    assert not Session.objects.filter(session_key=key).exists()
    assert DEVICE_ID_SESSION_KEY not in theirs.session


@pytest.mark.parametrize("url_name", ["second_factor_verify", "second_factor_setup"])
def test_sending_no_code_says_what_to_enter(client, url_name):
    member = TeamMemberFactory(password=PASSWORD)
    if url_name == "second_factor_verify":
        authenticator_for(member)
    password_only(client, member)

    response = client.post(reverse(url_name), {})

    html = response.content.decode()
    assert "Enter the security code" in html
    assert "nhsuk-error-summary" in html
