"""The second factor's pages: enter a code after signing in, set up an authenticator app, the
account page, and new backup codes.

Backup codes are shown in the response to the POST that made them and never stored in plain
text, so they cannot be shown again (the page says so) and the page is no-store like all others.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from imhs.accounts import second_factor
from imhs.accounts.forms import SecondFactorCodeForm
from imhs.models import BackupCodeDevice


def _next_url(request):
    """Where to go after the second factor: the page first asked for, if it is ours."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


@login_required
def verify(request):
    """After the password: the code from the app, or a backup code."""
    if not second_factor.owes_second_factor(request):
        return redirect(_next_url(request) or "home")
    if second_factor.authenticator(request.user) is None:
        return redirect("second_factor_setup")

    def check(code):
        _, message = second_factor.verify(request, code)
        return message

    form = SecondFactorCodeForm(
        request.POST if request.method == "POST" else None,
        check=check,
        help_text=(
            "The 6-digit code your authenticator app shows for this service. "
            "If you do not have your phone, enter one of your backup codes."
        ),
    )
    if request.method == "POST" and form.is_valid():
        return redirect(_next_url(request) or "home")
    return render(
        request,
        "registration/second_factor_verify.html",
        {"form": form, "next": _next_url(request)},
    )


@login_required
def setup(request):
    """Set up (or replace) the authenticator app: QR code, the secret to type, then a code."""
    user = request.user
    current = second_factor.authenticator(user)
    if current is not None and second_factor.owes_second_factor(request):
        # Replacing an app needs the current one: a password alone must not be enough to
        # swap in an attacker's phone.
        return redirect("second_factor_verify")
    device = second_factor.pending_authenticator(user)
    codes = None

    def check(code):
        nonlocal codes
        if message := second_factor.throttled_message(device):
            return message
        codes = second_factor.confirm_authenticator(request, device, code)
        if codes is None:
            return "The code is not right. Enter the 6-digit code your authenticator app shows now"
        return None

    form = SecondFactorCodeForm(
        request.POST if request.method == "POST" else None,
        check=check,
        help_text="The 6-digit code your authenticator app shows after you add this service.",
    )
    if request.method == "POST" and form.is_valid():
        return render(
            request,
            "registration/backup_codes.html",
            {"codes": codes, "next": _next_url(request), "first_time": True},
        )
    return render(
        request,
        "registration/second_factor_setup.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr_code": second_factor.qr_code_data_uri(device),
            "secret": second_factor.secret_for_typing(device),
            "replacing": current is not None,
        },
    )


@login_required
def account(request):
    """The person's own account: password and second factor."""
    user = request.user
    backup = BackupCodeDevice.objects.filter(user=user).first()
    return render(
        request,
        "registration/account.html",
        {
            "has_app": second_factor.authenticator(user) is not None,
            "required": second_factor.is_required(user),
            "backup_codes_left": backup.remaining() if backup else 0,
        },
    )


@require_POST
@login_required
def new_backup_codes(request):
    if second_factor.authenticator(request.user) is None:
        messages.error(request, "Set up an authenticator app first.")
        return redirect("account")
    codes = second_factor.issue_backup_codes(request.user, request=request)
    return render(request, "registration/backup_codes.html", {"codes": codes})
