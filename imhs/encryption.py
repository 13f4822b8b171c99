"""Encryption at rest for secrets the database alone must not give away (ADR 0009).

Fernet (AES-128-CBC with an HMAC-SHA256, from `cryptography`) with the keys in the setting
FIELD_ENCRYPTION_KEYS, which comes from the environment, never from the database or a backup of
it. MultiFernet: the first key encrypts, every key decrypts, so a new key can be put in front,
`manage.py rotate_encryption_keys` re-encrypts with it, and then the old key is removed. With
DEBUG on and no keys set, the settings use a fixed development-only key (refused otherwise).
"""

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _fernet():
    # Built on each use: cheap, and a changed setting (a test, a rotation) takes effect at once.
    return MultiFernet([Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS])


def encrypt(text):
    """`text` encrypted with the first key, as ASCII (URL-safe base64)."""
    return _fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token):
    """The text in `token`, encrypted with any of the keys. Raises
    cryptography.fernet.InvalidToken if none of them opens it (or it was tampered with)."""
    return _fernet().decrypt(token.encode("ascii")).decode()


def rotate(token):
    """`token` re-encrypted with the first key (the text never leaves this function)."""
    return _fernet().rotate(token.encode("ascii")).decode("ascii")
