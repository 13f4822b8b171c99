"""Request guards that apply to every page: session lifetime, the second factor, no caching,
no NUL in a query string, the security headers on every response, and one log line a request.

Order matters (settings.MIDDLEWARE): the headers are added outermost, so Django's own answers
(a forged Host's 400, the development 404) carry them too; the session and second-factor
guards run after authentication and django-otp, so they see who is signed in and whether
their session has passed the second factor.
"""

import logging
import re
import time
import uuid
from dataclasses import asdict

from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousOperation
from django.http import QueryDict
from django.shortcuts import redirect, resolve_url
from django.utils.cache import add_never_cache_headers

from imhs import audit
from imhs import logging as imhs_logging
from imhs.accounts import second_factor, sessions
from imhs.models import AuditAction

SESSION_ENDED_MESSAGES = {
    "idle": "You were signed out because you had not used the service for a while. Sign in again.",
    "too_old": "You were signed out because you had been signed in for a long time. Sign in again.",
}

# Pages someone who owes a second factor may still open: signing in and out, the second
# factor's own pages, password reset, the public pages and the health endpoints.
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
        "healthz",
        "readyz",
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


class NulInQueryString(SuspiciousOperation):
    """A NUL character in a query string: no page takes one, and PostgreSQL cannot even compare
    text holding it (an admin list filter let that become a 500)."""


class RejectNulMiddleware:
    """Answers 400 (the service's 400 page, through every header middleware) to a request with a
    NUL character in any query-string parameter's name or value: once here, for every page, the
    admin's list filters included, rather than in each filter or lookup."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                # Django turns a SuspiciousOperation into a 400 and logs it to django.security.
                raise NulInQueryString("A NUL character in the query string.")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp, without its exemption of 404 and 500 responses when DEBUG is on: the
    development server's pages carry the policy too (Django's debug pages then show unstyled,
    their inline style refused, which is what the policy is for)."""

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if CSP_HEADER not in response and not getattr(response, "_csp_exempt", False):
            policy = build_policy(**asdict(self.get_policy_parts(request, response)))
            if policy:
                response[CSP_HEADER] = policy
        return response


request_logger = logging.getLogger("imhs.requests")


class RequestLogMiddleware:
    """One log line a request (settings.LOG_FORMAT: "json" or "text"): method, path (secret
    link tokens withheld, never the query string), status, duration, the signed-in user's id and
    a request id, also sent back as X-Request-ID and named on the audit trail's log lines.
    Nothing personal: ids only. Outermost, so it times and sees every answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = _proxys_request_id(request) or uuid.uuid4().hex
        marker = imhs_logging.start_request(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
        finally:
            imhs_logging.end_request(marker)
        response["X-Request-ID"] = request_id
        fields = {
            "method": request.method,
            "path": imhs_logging.loggable_path(request),
            "status": response.status_code,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
            "request_id": request_id,
            "user_id": _user_id(request),
        }
        request_logger.info(imhs_logging.request_line(fields, settings.LOG_FORMAT))
        return response


# The load balancer's id for the request (deploy/haproxy.cfg sets it, replacing any the client
# sent), so its log line and ours can be matched. Believed only behind a trusted proxy, and only
# when it looks like an id: it is written into log lines.
PROXY_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,80}")


def _proxys_request_id(request):
    if not settings.TRUSTED_PROXY_COUNT:
        return None
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    return given if PROXY_REQUEST_ID.fullmatch(given) else None


def _user_id(request):
    user = getattr(request, "user", None)  # absent if an outer middleware answered first
    return user.pk if user is not None and user.is_authenticated else None
