"""Account forms: sign-in by email, password reset through the queue, the admin's user form."""

import secrets
from functools import partial

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.db import transaction

from imhs.models import User
from imhs.tasks import send_password_reset

INVALID_EMAIL = "Enter an email address in the correct format, like name@example.org"


def set_required_messages(form, messages):
    """Replace Django's "This field is required." with what the NHS style guide asks: say what
    to enter."""
    for name, message in messages.items():
        form.fields[name].error_messages["required"] = message


class SignInForm(AuthenticationForm):
    """Django's sign-in form with the email address as the username.

    One message for an unknown email and a wrong password alike, so the form never tells a
    stranger which addresses have accounts.
    """

    username = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": "Enter your email address", "invalid": INVALID_EMAIL},
    )
    error_messages = {
        "invalid_login": (
            "Enter a correct email address and password. If you have forgotten your password, "
            "reset it."
        ),
        "inactive": "This account is not active. Contact the service lead.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_required_messages(self, {"password": "Enter your password"})

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class UserAdminCreationForm(forms.ModelForm):
    """Creates a user with a random password no one knows: they set their own by password reset.

    Not an *unusable* password: Django's reset form skips those, so the person could never
    get in.
    """

    class Meta:
        model = User
        fields = [
            "email",
            "given_name",
            "family_name",
            "role",
            "profession",
            "job_title",
            "base",
            "work_phone",
        ]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("A user with this email address already exists.")
        return email

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(secrets.token_urlsafe(32))
        if commit:
            user.save()
        return user


class ServicePasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_required_messages(
            self,
            {
                "old_password": "Enter your current password",
                "new_password1": "Enter a new password",
                "new_password2": "Enter the new password again",
            },
        )


class ServiceSetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_required_messages(
            self,
            {
                "new_password1": "Enter a new password",
                "new_password2": "Enter the new password again",
            },
        )


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset email through the task queue, after the request's transaction commits."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages.update(
            {"required": "Enter your email address", "invalid": INVALID_EMAIL}
        )

    def save(self, **kwargs):
        # Only the user's id is queued: the task builds the link (ADR 0010). The view's
        # template and domain options are the task's business.
        for user in self.get_users(self.cleaned_data["email"]):
            transaction.on_commit(partial(send_password_reset.enqueue, user_id=user.pk))


class SecondFactorCodeForm(forms.Form):
    """The code from an authenticator app (or, on the sign-in step, a backup code)."""

    code = forms.CharField(
        label="Security code",
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "off",
                "class": "nhsuk-input--width-10",
            }
        ),
        error_messages={"required": "Enter the security code"},
    )

    def __init__(self, *args, check=None, help_text="", **kwargs):
        # `check(code)` returns an error message or None: the second-factor service decides.
        super().__init__(*args, **kwargs)
        self.check = check
        self.fields["code"].help_text = help_text

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        message = self.check(code) if self.check else None
        if message:
            raise forms.ValidationError(message)
        return code
