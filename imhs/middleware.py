"""Request guards that apply to every page: session lifetime, the second factor, no caching.

Order matters (settings.MIDDLEWARE): these run after authentication and django-otp, so they
see who is signed in and whether their session has passed the second factor.
"""

from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import QueryDict
from django.shortcuts import redirect, resolve_url
from django.utils.cache import add_never_cache_headers

from imhs import audit, second_factor, sessions
from imhs.models import AuditAction

SESSION_ENDED_MESSAGES = {
    "idle": "You were signed out because you had not used the service for a while. Sign in again.",
    "too_old": "You were signed out because you had been signed in for a long time. Sign in again.",
}

# Pages someone who owes a second factor may still open: signing in and out, the second
# factor's own pages, password reset, and the public pages.
SECOND_FACTOR_EXEMPT_VIEWS = frozenset(
    {
        "start",
        "accessibility",
        "privacy",
        "login",
        "logout",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "second_factor_verify",
        "second_factor_setup",
        "admin_login_redirect",
    }
)


class SessionLifetimeMiddleware:
    """Ends a signed-in session after 30 idle minutes or 12 hours, and at once for a user who
    has been deactivated (Django's backend no longer returns them, but their session lingers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ended = self._end_if_over(request)
        if ended:
            return ended
        return self.get_response(request)

    def _end_if_over(self, request):
        session = request.session
        if not request.user.is_authenticated:
            if SESSION_KEY in session:
                # A deactivated user: Django's backend no longer returns them, but the session
                # still names them. Flush it, so nothing in it outlives their access.
                audit.record(
                    AuditAction.SESSION_ENDED,
                    object_type="imhs.user",
                    object_id=session[SESSION_KEY],
                    request=request,
                    detail={"reason": "deactivated"},
                )
                session.flush()
            return None
        reason = sessions.expiry_reason(session)
        if reason is None:
            sessions.touch(session)
            return None
        audit.record(
            AuditAction.SESSION_ENDED,
            by=request.user,
            obj=request.user,
            request=request,
            detail={"reason": reason},
        )
        logout(request)
        messages.info(request, SESSION_ENDED_MESSAGES[reason])
        return redirect_to_login(
            request.get_full_path() if request.method == "GET" else resolve_url("home")
        )


class SecondFactorMiddleware:
    """Sends a signed-in person who still owes a second factor to enter it (or, if they have
    none yet, to set one up) before any page that could show patient data, the admin included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match.view_name in SECOND_FACTOR_EXEMPT_VIEWS or match.namespace == "parents":
            return None
        if not second_factor.owes_second_factor(request):
            return None
        target = (
            "second_factor_verify"
            if second_factor.authenticator(request.user)
            else "second_factor_setup"
        )
        path = request.get_full_path() if request.method == "GET" else ""
        response = redirect(target)
        if path and path != "/":
            response["Location"] += "?" + _next_query(path)
        return response


class NoStoreMiddleware:
    """Nothing this service answers may be kept by a browser or proxy cache: almost every page
    shows personal data, and a shared computer's back button must not show the last person's.
    Static files (WhiteNoise, earlier in the chain) keep their own long cache headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)  # no-store, no-cache, max-age=0, private
        return response


def _next_query(path):
    query = QueryDict(mutable=True)
    query["next"] = path
    return query.urlencode()
