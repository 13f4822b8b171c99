"""Referral references (IMH-2026-00042) number from a database sequence: two referrals submitted
in the same instant still get different numbers, with no lock on a counter row."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE referrals_reference_seq START 1",
            "DROP SEQUENCE IF EXISTS referrals_reference_seq",
        )
    ]
