"""Background work for the core app: sending email through the task queue.

Emails are queued (database backend in production, `manage.py db_worker` sends them) so an SMTP
outage delays a message instead of losing it or failing the request that caused it.

A queued task holds only ids and codes, never a message, a link, a token or an address: the
queue's table keeps its arguments after the task has run (and a backup keeps them longer), so
the task loads the record and builds the email itself (ADR 0010).
"""

import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template import loader
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task


class EmailNotSent(Exception):
    """Sending failed. Raised in place of the SMTP error, whose text may name the recipient:
    a failed task's traceback is kept in the queue's table."""


def deliver(*, subject, body, to):
    """Send one plain-text email now. Called inside a task, never queued itself."""
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to).send()
    except (smtplib.SMTPException, OSError) as exc:
        raise EmailNotSent(type(exc).__name__) from None


def render_email(subject_template, body_template, context):
    subject = "".join(loader.render_to_string(subject_template, context).splitlines())
    return subject, loader.render_to_string(body_template, context)


@task()
def send_password_reset(*, user_id):
    """A password-reset link for `user_id`. The token is made here, in the worker: Django's
    tokens are an HMAC of the user's state, so nothing secret is stored anywhere."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    subject, body = render_email(
        "registration/password_reset_subject.txt",
        "registration/password_reset_email.txt",
        {
            # The configured address, never a request's Host header: a forged Host would
            # otherwise send a real reset token to an attacker's site.
            "site_url": settings.SITE_URL.rstrip("/"),
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
            "user": user,
            "service": settings.SERVICE,
        },
    )
    deliver(subject=subject, body=body, to=[user.email])
