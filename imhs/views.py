"""The project's own pages: the public ones, where sign-in lands, and the error pages."""

import sys

from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils.cache import add_never_cache_headers
from django.views import defaults

from imhs.accounts.access import is_team


def csrf_failure(request, reason=""):
    """A form sent from a page left open too long: explain, in words, instead of Django's page."""
    return render(request, "403_csrf.html", status=403)


def bad_request(request, exception):
    """The 400 page (a forged Host header, a NUL in a query string, too many fields...).

    With SECURE_SSL_REDIRECT on, Django's SecurityMiddleware itself reads the Host to build its
    redirect, so a forged Host is answered from inside it, before it could add its headers: they
    are added here (the outer middleware adds the policy and the frame ban)."""
    response = defaults.bad_request(request, exception)
    add_never_cache_headers(response)
    return SecurityMiddleware(lambda _request: response).process_response(request, response)


# The database went away (a restart, a failover: docs/operations.md, "When parts fail"); the
# app servers reconnect by themselves at their next request.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def server_error(request):
    """The 500 page, or, when the database could not be reached, a 503 that says to try again in
    a moment (and Retry-After), so the person resends rather than gives up, and monitoring
    tells an outage from a bug. Neither template touches the database."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        page = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)


def favicon(request):
    # Browsers ask for /favicon.ico on pages that do not name one (the Django admin's).
    return redirect(static("nhsuk-frontend/assets/images/favicon.ico"), permanent=True)


def start(request):
    return render(request, "pages/start.html")


def accessibility(request):
    return render(request, "pages/accessibility.html")


def privacy(request):
    return render(request, "pages/privacy.html")


@login_required
def home(request):
    """Where sign-in lands: the team to their dashboard, referrers to their referrals."""
    if is_team(request.user):
        return redirect("referrals:dashboard")
    return redirect("referrals:mine")
