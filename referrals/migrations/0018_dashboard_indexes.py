# Issue 18: the team's pages at 100,000 referrals. The queues in the dashboard's order (received,
# then reference), "All" in it both ways (the dashboard and the admin's changelist), and the
# search by a part of a reference through pg_trgm (created by patients 0003).

import django.contrib.postgres.indexes
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0003_infant_name_trigram_index"),
        ("referrals", "0017_prune_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="referral", name="referrals_queue_idx"),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                fields=["status", "submitted_at", "reference"], name="referrals_queue_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["submitted_at", "reference"], name="referrals_received_idx"),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass("reference", name="gin_trgm_ops"),
                name="referrals_reference_trgm_idx",
            ),
        ),
    ]
