"""The account pages: sign in, sign out, change and reset a password (the second factor's
pages are in second_factor_views.py)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from imhs import audit
from imhs.accounts.forms import (
    QueuedPasswordResetForm,
    ServicePasswordChangeForm,
    ServiceSetPasswordForm,
    SignInForm,
)
from imhs.models import AuditAction, User


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
