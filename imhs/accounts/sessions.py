"""Signed-in sessions: when they end, and ending a user's other sessions.

Django checks a hash stored in each session against the user on every request and ends the
session when they differ. `User._get_session_auth_hash` folds in `session_generation`, so raising
it ends every session the user has, wherever it is, without finding the sessions one by one.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.db.models import F
from django.utils import timezone

SIGNED_IN_AT = "imhs_signed_in_at"
SEEN_AT = "imhs_seen_at"
# The idle clock is written back at most this often, so most requests do not write the session.
SEEN_AT_PRECISION = datetime.timedelta(minutes=1)


def start(session, *, now=None):
    """Start the clocks of a session that has just signed in."""
    now = (now or timezone.now()).timestamp()
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


def expiry_reason(session, *, now=None):
    """Why this signed-in session must end now ("idle" or "too_old"), or None."""
    now = now or timezone.now()
    signed_in_at = session.get(SIGNED_IN_AT)
    seen_at = session.get(SEEN_AT)
    if signed_in_at is None or seen_at is None:
        # A session from before these clocks existed, or one edited by hand: not trusted.
        return "too_old"
    if now.timestamp() - signed_in_at >= settings.SESSION_ABSOLUTE_HOURS * 3600:
        return "too_old"
    if now.timestamp() - seen_at >= settings.SESSION_IDLE_MINUTES * 60:
        return "idle"
    return None


def touch(session, *, now=None):
    """Note activity, writing the session only when the stored time is a minute out of date."""
    now = (now or timezone.now()).timestamp()
    if now - session.get(SEEN_AT, 0) >= SEEN_AT_PRECISION.total_seconds():
        session[SEEN_AT] = now


def end_all_sessions(user):
    """End every session `user` has (a service lead resetting their second factor, say)."""
    get_user_model().objects.filter(pk=user.pk).update(
        session_generation=F("session_generation") + 1
    )
    user.refresh_from_db(fields=["session_generation"])


def end_other_sessions(request, user):
    """End every session of `user` except this request's, which gets a new key."""
    end_all_sessions(user)
    update_session_auth_hash(request, user)


def start_on_sign_in(sender, request, user, **kwargs):
    """Receiver of `user_logged_in` (connected in ImhsConfig.ready): every way of signing in
    starts the clocks, the sign-in page and tests' force_login alike."""
    if request is not None and hasattr(request, "session"):
        start(request.session)
