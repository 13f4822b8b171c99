"""Account forms: sign-in by email, password reset through the queue, the admin's user form."""

import secrets
from functools import partial

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db import transaction
from django.template import loader

from imhs.models import User
from imhs.tasks import send_email


class SignInForm(AuthenticationForm):
    """Django's sign-in form with the email address as the username.

    One message for an unknown email and a wrong password alike, so the form never tells a
    stranger which addresses have accounts.
    """

    username = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    error_messages = {
        "invalid_login": (
            "Enter a correct email address and password. If you have forgotten your password, "
            "reset it."
        ),
        "inactive": "This account is not active. Contact the service lead.",
    }

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


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset email through the task queue, after the request's transaction commits."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        transaction.on_commit(
            partial(send_email.enqueue, subject=subject, body=body, to=[to_email])
        )
