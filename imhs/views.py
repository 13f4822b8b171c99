"""The project's own pages: the public ones, where sign-in lands, and the error pages."""

from django.contrib.auth.decorators import login_required
from django.middleware.security import SecurityMiddleware
from django.shortcuts import redirect, render
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
