# Issue 18: the search by a baby's name through a trigram index. pg_trgm is a trusted extension,
# so the database's owner role (the one `migrate` runs as) may create it.

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0002_reference_import"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="infant",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("given_name"), name="gin_trgm_ops"
                ),
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("family_name"), name="gin_trgm_ops"
                ),
                name="patients_infant_name_trgm_idx",
            ),
        ),
    ]
