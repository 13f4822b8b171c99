"""Public pages, the signed-in home, and the account pages (sign in, sign out, passwords)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.middleware.security import SecurityMiddleware
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.http import require_POST

from imhs import audit
from imhs.access import is_team
from imhs.forms import (
    QueuedPasswordResetForm,
    ServicePasswordChangeForm,
    ServiceSetPasswordForm,
    SignInForm,
)
from imhs.models import AuditAction, User


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


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        # LoginView cycles the session key inside login(), so a fixated session is useless.
        response = super().form_valid(form)
        audit.record(AuditAction.SIGN_IN, by=form.get_user(), request=self.request)
        return response

    def form_invalid(self, form):
        # Record who was tried if the account exists, never what was typed as a password;
        # an address with no account is not stored (it is often a typo of someone's name).
        email = form.cleaned_data.get("username") or ""
        user = User.objects.filter(email__iexact=email).first() if email else None
        audit.record(
            AuditAction.SIGN_IN_FAILED,
            object_type="imhs.user" if user else "",
            object_id=user.pk if user else "",
            request=self.request,
            detail={"known_account": user is not None},
        )
        return super().form_invalid(form)


@require_POST
def sign_out(request):
    if request.user.is_authenticated:
        audit.record(AuditAction.SIGN_OUT, by=request.user, request=request)
    # Flushes the server-side session, not just the cookie.
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("login")


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ServicePasswordChangeForm
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(AuditAction.PASSWORD_CHANGED, by=self.request.user, request=self.request)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("password_reset_done")
    # The email (templates registration/password_reset_*.txt) is built by the task
    # `imhs.tasks.send_password_reset`, from the configured SITE_URL.

    def form_valid(self, form):
        # The page says the same whether or not the address has an account (no enumeration),
        # and the audit event names no one.
        audit.record(AuditAction.PASSWORD_RESET_REQUESTED, request=self.request)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ServiceSetPasswordForm
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(AuditAction.PASSWORD_RESET_COMPLETED, by=form.user, request=self.request)
        return response
