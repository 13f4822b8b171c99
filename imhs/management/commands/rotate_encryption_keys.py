"""Re-encrypt every secret kept encrypted at rest with the first FIELD_ENCRYPTION_KEYS key.

Rotation (ADR 0009): put a new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it),
restart, run this command, then remove the old keys and restart again.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from imhs import encryption
from imhs.models import AuthenticatorDevice


class Command(BaseCommand):
    help = "Re-encrypt the stored authenticator keys with the first FIELD_ENCRYPTION_KEYS key."

    def handle(self, *args, **options):
        # One transaction, rows locked: a sign-in meanwhile waits rather than save an old copy.
        with transaction.atomic():
            rows = AuthenticatorDevice.objects.select_for_update().values_list(
                "pk", "encrypted_key"
            )
            for pk, token in rows:
                AuthenticatorDevice.objects.filter(pk=pk).update(
                    encrypted_key=encryption.rotate(token)
                )
        self.stdout.write(f"Re-encrypted {len(rows)} authenticator key(s) with the first key.")
