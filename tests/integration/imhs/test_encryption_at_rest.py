"""Authenticator apps' keys are encrypted at rest with keys kept outside the database, and the
keys can be rotated (ADR 0009)."""

import base64
import binascii
import re

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from imhs import encryption
from imhs.models import AuthenticatorDevice
from tests.factories import TeamMemberFactory
from tests.sign_in import authenticator_for, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "a long test passphrase for sign-in"
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def rows_as_text(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (a table name of ours)
        return " ".join(str(value) for row in cursor.fetchall() for value in row)


def signs_in_with(user, code):
    client = Client()
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    return client.post(reverse("second_factor_verify"), {"code": code}).status_code == 302


def test_after_set_up_the_database_holds_no_key_in_clear_and_codes_still_work(client):
    member = TeamMemberFactory(password=PASSWORD)
    client.post(reverse("login"), {"username": member.email, "password": PASSWORD})
    html = client.get(reverse("second_factor_setup")).content.decode()
    secret = re.search(r'id="secret"><code>([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    response = client.post(reverse("second_factor_setup"), {"code": f"{TOTP(key).token():06d}"})
    assert response.status_code == 200

    stored = rows_as_text("otp_totp_totpdevice") + rows_as_text("imhs_authenticatordevice")
    assert key.hex() not in stored.lower()
    assert secret not in stored.upper()
    assert TOTPDevice.objects.get(user=member).key == AuthenticatorDevice.KEY_PLACEHOLDER
    device = AuthenticatorDevice.objects.get(user=member)
    assert device.bin_key == key
    assert signs_in_with(member, totp_code(device, steps_ahead=1))


def test_django_otps_own_device_on_the_row_fails_rather_than_use_the_placeholder():
    device = authenticator_for(TeamMemberFactory())
    plain = TOTPDevice.objects.get(pk=device.pk)

    with pytest.raises(binascii.Error):
        plain.verify_token(totp_code(device))


def test_a_database_without_the_keys_opens_nothing(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    device = authenticator_for(TeamMemberFactory())

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    device.refresh_from_db()
    with pytest.raises(InvalidToken):
        device.bin_key  # noqa: B018


def test_rotation_re_encrypts_every_key_with_the_first_key(settings, capsys):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    members = [TeamMemberFactory(password=PASSWORD) for _ in range(2)]
    devices = [authenticator_for(member) for member in members]
    keys = [device.bin_key for device in devices]
    tokens = [device.encrypted_key for device in devices]
    loaded_before = AuthenticatorDevice.objects.get(pk=devices[0].pk)

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    call_command("rotate_encryption_keys")

    assert "Re-encrypted 2 authenticator key(s)" in capsys.readouterr().out
    # A sign-in that loaded its device before the rotation saves it after: the rotated copy stays.
    assert loaded_before.verify_token(totp_code(loaded_before))
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key is gone
    for member, device, key, token in zip(members, devices, keys, tokens, strict=True):
        device.refresh_from_db()
        assert device.encrypted_key != token
        assert encryption.decrypt(device.encrypted_key) == key.hex()
        assert device.bin_key == key
        assert signs_in_with(member, totp_code(device, steps_ahead=1))
