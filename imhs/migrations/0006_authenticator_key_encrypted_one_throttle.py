"""Authenticator apps' keys encrypted at rest (ADR 0009), no learnt drift (ADR 0007), and one
throttle per user: the backup codes lose their own counter (issue 12, points 24-26).

Every existing django-otp TOTPDevice row gets its AuthenticatorDevice row holding the key
encrypted with the first FIELD_ENCRYPTION_KEYS key, and its clear key is overwritten with the
placeholder. Drift learnt so far is forgotten: the window is the current step and one either
side, no more.
"""

import django.db.models.deletion
from django.db import migrations, models

PLACEHOLDER = "encrypted"  # AuthenticatorDevice.KEY_PLACEHOLDER, as of this migration


def encrypt_keys(apps, schema_editor):
    from imhs import encryption

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("UPDATE otp_totp_totpdevice SET drift = 0")
        cursor.execute(
            "SELECT id, key FROM otp_totp_totpdevice WHERE id NOT IN "
            "(SELECT totpdevice_ptr_id FROM imhs_authenticatordevice) FOR UPDATE"
        )
        for device_id, key in cursor.fetchall():
            cursor.execute(
                "INSERT INTO imhs_authenticatordevice (totpdevice_ptr_id, encrypted_key) "
                "VALUES (%s, %s)",
                [device_id, encryption.encrypt(key)],
            )
            cursor.execute(
                "UPDATE otp_totp_totpdevice SET key = %s WHERE id = %s", [PLACEHOLDER, device_id]
            )


def decrypt_keys(apps, schema_editor):
    from imhs import encryption

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT totpdevice_ptr_id, encrypted_key FROM imhs_authenticatordevice")
        for device_id, token in cursor.fetchall():
            cursor.execute(
                "UPDATE otp_totp_totpdevice SET key = %s WHERE id = %s",
                [encryption.decrypt(token), device_id],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("imhs", "0005_drop_django_otp_static_tables"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuthenticatorDevice",
            fields=[
                (
                    "totpdevice_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to="otp_totp.totpdevice",
                    ),
                ),
                ("encrypted_key", models.TextField(editable=False)),
            ],
            options={
                "verbose_name": "authenticator app",
            },
            bases=("otp_totp.totpdevice",),
        ),
        migrations.RunPython(encrypt_keys, decrypt_keys),
        migrations.RemoveField(
            model_name="backupcodedevice",
            name="throttling_failure_count",
        ),
        migrations.RemoveField(
            model_name="backupcodedevice",
            name="throttling_failure_timestamp",
        ),
    ]
