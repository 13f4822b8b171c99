"""The second factor: who needs one, setting up an authenticator app, checking a code, backup
codes, and a service lead's reset.

Team members and service leads always need one (they see every referral); a referrer needs one
once they have set one up, or for everyone when SECOND_FACTOR_FOR_REFERRERS is on. Codes are
TOTP (RFC 6238) from any authenticator app; the QR code is drawn here, never by a third party.
"""

import base64
import io
import math
import secrets

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from imhs import audit
from imhs.accounts import sessions
from imhs.models import AuditAction, AuthenticatorDevice, BackupCode, BackupCodeDevice

APP_NAME = "Authenticator app"
# 16 characters of Crockford-like base32 (no 0/O, 1/I/L confusion): 80 random bits per code.
BACKUP_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
BACKUP_CODE_LENGTH = 16


def is_relaxed():
    """True only in the development demo (settings refuse it when DEBUG is off)."""
    return settings.SECOND_FACTOR_RELAXED


def authenticator(user):
    """The user's confirmed authenticator app, or None."""
    return AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()


def is_required(user):
    if not user.is_authenticated:
        return False
    if user.is_team or settings.SECOND_FACTOR_FOR_REFERRERS:
        return True
    return authenticator(user) is not None


def owes_second_factor(request):
    """True when this signed-in request must pass the second factor before anything else."""
    user = request.user
    return (
        user.is_authenticated and not is_relaxed() and not user.is_verified() and is_required(user)
    )


def pending_authenticator(user):
    """The unconfirmed device being set up. Kept between page loads, so reloading the page
    does not change the code the person has just scanned."""
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = AuthenticatorDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    return device


def qr_code_data_uri(device):
    """The device's otpauth:// address as an SVG QR code, for an <img> under our CSP."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def secret_for_typing(device):
    """The secret in base32, in groups of four, for people who cannot scan the QR code."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _new_backup_code():
    code = "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
    return "-".join(code[i : i + 4] for i in range(0, BACKUP_CODE_LENGTH, 4))


def issue_backup_codes(user, *, request=None):
    """Replace the user's backup codes with new ones and return them: the only time they exist
    in plain text. Earlier codes stop working.

    The codes change on the same device row, so a session verified with a backup code stays
    verified (someone who lost their phone need not spend a new code at once)."""
    codes = [_new_backup_code() for _ in range(settings.SECOND_FACTOR_BACKUP_CODES)]
    with transaction.atomic():
        device, _ = BackupCodeDevice.objects.select_for_update().get_or_create(
            user=user, defaults={"name": "Backup codes", "confirmed": True}
        )
        device.codes.all().delete()
        BackupCode.objects.bulk_create(
            BackupCode(device=device, code_hash=BackupCode.hash_of(code)) for code in codes
        )
        audit.record(
            AuditAction.BACKUP_CODES_ISSUED,
            by=user,
            obj=user,
            request=request,
            detail={"count": len(codes)},
        )
    return codes


def confirm_authenticator(request, device, code):
    """Finish setting up `device` if `code` is right: it replaces any earlier app, new backup
    codes are issued (returned), this session counts as verified, and every other session of the
    user ends (someone who knew the password elsewhere must now pass the new factor).

    Returns the backup codes, or None if the code is wrong.
    """
    user = request.user
    if not device.verify_token(_digits(code)):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(AuditAction.SECOND_FACTOR_ADDED, by=user, obj=user, request=request)
        codes = issue_backup_codes(user, request=request)
        sessions.end_other_sessions(request, user)
        otp_login(request, device)
    return codes


def verify(request, code):
    """Check a code from the app or a backup code; on success mark the session verified.

    One throttle per user for both kinds of code, kept on the app's row: each wrong code makes
    the next try wait longer, whichever kind was tried. Refusals while waiting are audited (the
    code typed never is).

    Returns (device, None) on success, or (None, message) with what to tell the person.
    """
    user = request.user
    code = (code or "").strip()
    digits = _digits(code)
    # Six digits (spaces allowed) are a code from the app; anything else a backup code.
    method = "app" if len(digits) == 6 and digits == code.replace(" ", "") else "backup code"
    app = authenticator(user)
    if app is None:  # backup codes come only with an app; the page sends this person to set one up
        return None, "Set up an authenticator app first"
    if message := throttled_message(app):
        audit.record(
            AuditAction.SECOND_FACTOR_FAILED,
            by=user,
            obj=user,
            request=request,
            detail={"method": method, "throttled": True},
        )
        return None, message
    if method == "app":
        device, accepted = app, app.verify_token(digits)  # django-otp counts this one itself
    else:
        device = BackupCodeDevice.objects.filter(user=user, confirmed=True).first()
        accepted = device is not None and device.verify_token(code)
        if accepted:
            app.throttle_reset()
        else:
            app.throttle_increment()
    if accepted:
        # A new session key for the more trusted session, as at sign-in.
        request.session.cycle_key()
        otp_login(request, device)
    audit.record(
        AuditAction.SECOND_FACTOR_VERIFIED if accepted else AuditAction.SECOND_FACTOR_FAILED,
        by=user,
        obj=user,
        request=request,
        detail={"method": method},
    )
    if accepted:
        return device, None
    if method == "app":
        return None, (
            "The code is not right. Enter the 6-digit code your authenticator app shows now"
        )
    return None, (
        "Enter the 6-digit code from your authenticator app, or one of your unused backup codes"
    )


def throttled_message(device):
    """What to say while django-otp makes the person wait after wrong codes, or None."""
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    seconds = max((data["locked_until"] - timezone.now()).total_seconds(), 1)
    return f"You have entered too many wrong codes. Wait {_wait(seconds)}, then try again."


# Each unit is used up to one and a half of the next: "90 seconds" reads better than "2 minutes".
_WAIT_UNITS = [("second", 1, 90), ("minute", 60, 90 * 60), ("hour", 3600, 36 * 3600)]


def _wait(seconds):
    """A wait in words, rounded up to a unit a person would count: "8 seconds", "3 minutes"."""
    unit, size = next(
        ((unit, size) for unit, size, up_to in _WAIT_UNITS if seconds <= up_to), ("day", 86400)
    )
    count = math.ceil(seconds / size)
    return f"{count} {unit}{'' if count == 1 else 's'}"


def reset(user, *, by, request=None):
    """A service lead removes a user's second factor (a lost phone): the user sets up a new
    one at their next sign-in, and every session they have ends now."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        BackupCodeDevice.objects.filter(user=user).delete()
        sessions.end_all_sessions(user)
        audit.record(AuditAction.SECOND_FACTOR_RESET, by=by, obj=user, request=request)


def _digits(code):
    return "".join(ch for ch in str(code) if ch.isdigit())
