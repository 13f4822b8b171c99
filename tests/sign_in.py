"""Signing in test clients, with the second factor staff need (issue 8).

`sign_in(client, user)` is `client.force_login` plus, for anyone who has (or must have) a second
factor, a confirmed authenticator and a session verified with it, as after the real
two-factor page. Tests of the second factor itself use `client.force_login` and the pages.
"""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from imhs.models import AuthenticatorDevice


def authenticator_for(user):
    """The user's confirmed authenticator app, created if they have none."""
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = AuthenticatorDevice.objects.create(
            user=user, name="Authenticator app", confirmed=True
        )
    return device


def totp_code(device, *, steps_ahead=0):
    """The code the user's authenticator app shows now (or `steps_ahead` 30-second steps on).

    django-otp refuses a code for a time step it has already accepted, so a second sign-in
    within the same 30 seconds asks for the next step's code (it allows one step of drift).
    """
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def unused_totp_code(device):
    """A code the device will accept now: django-otp refuses a time step already used, so a
    second sign-in moments after the first takes the next step's code (or waits for it)."""
    device.refresh_from_db()
    step_now = int((time.time() - device.t0) // device.step)
    ahead = device.last_t + 1 - step_now
    if ahead > 1:  # one step of drift is allowed; beyond that, wait for the clock
        time.sleep((ahead - 1) * device.step - (time.time() - device.t0) % device.step + 0.1)
        return unused_totp_code(device)
    return totp_code(device, steps_ahead=max(ahead, 0))


def sign_in(client, user, *, verified=True):
    """Sign `client` in as `user`; staff (and referrers with a device) verified by default."""
    client.force_login(user)
    if verified and (user.is_team or TOTPDevice.objects.filter(user=user).exists()):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
        session.save()
    return client


# A signed-in staff request costs three queries before the view runs: the session, the user and
# the verified device. The dashboard itself makes six more, whatever the number of rows: the
# staff who can be chosen, the queue counts, the page's rows (their clock, parents' views and
# links within it), two for its alerts (referrals.team.alerts); and writes its audit event.
DASHBOARD_QUERIES = 10
