"""django-otp's static-token plugin was installed but never used, and is now removed (ADR 0007):
it keeps backup codes in plain text; ours are hashed (BackupCodeDevice). Its tables, left behind
in databases made before, would still reference imhs_user (and block flushing the database)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("imhs", "0004_second_factor_and_session_generation")]

    operations = [
        migrations.RunSQL(
            sql=[
                "DROP TABLE IF EXISTS otp_static_statictoken, otp_static_staticdevice",
                "DELETE FROM django_migrations WHERE app = 'otp_static'",
            ],
            reverse_sql=migrations.RunSQL.noop,
        )
    ]
