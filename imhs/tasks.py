"""Background work for the core app: sending email through the task queue.

Emails are queued (database backend in production, `manage.py db_worker` sends them) so an SMTP
outage delays a message instead of losing it or failing the request that caused it.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(*, subject, body, to, html_body=None):
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()
