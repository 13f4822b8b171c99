"""`migrate` as the owner role: Django's command with the default connection logged in as
DATABASE_OWNER_URL's role for the whole run (docs/security.md, "Two database roles").

The whole run, not `--database owner`: data migrations (Django's and third parties') write
through the default connection, which must be the owner's too. Without DATABASE_OWNER_URL it is
Django's migrate, unchanged.
"""

from django.core.management.commands import migrate
from django.db import connections

from imhs.database_roles import as_owner


class Command(migrate.Command):
    def handle(self, *args, **options):
        with as_owner(connections[options["database"]]):
            return super().handle(*args, **options)
