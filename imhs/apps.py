from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ImhsConfig(AppConfig):
    default = True
    name = "imhs"
    verbose_name = "Accounts and audit"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from imhs.accounts import sessions

        user_logged_in.connect(
            sessions.start_on_sign_in, dispatch_uid="imhs.accounts.sessions.start"
        )

        from imhs import task_queue

        task_queue.connect_signals()

        from django.db.models.signals import post_migrate

        from imhs import database_roles

        # Once per migrate (sent for this app only), after every app's tables exist.
        post_migrate.connect(
            database_roles.grant_to_app_role, sender=self, dispatch_uid="imhs.database_roles"
        )


class ServiceAdminConfig(admin_apps.AdminConfig):
    """The Django admin, on our admin site (imhs.admin.site): staff role and second factor."""

    default = False  # listed by its full path in INSTALLED_APPS, in place of django.contrib.admin
    default_site = "imhs.admin.site.ServiceAdminSite"

    def ready(self):
        from django.contrib import admin
        from django_otp.plugins.otp_totp.models import TOTPDevice

        # The core's own model admins register on import, before every app's admin module is
        # autodiscovered (imhs/admin/__init__.py says why they are not autodiscovered).
        from imhs.admin import accounts, audit_trail, lockouts  # noqa: F401

        super().ready()

        # django-otp's own admin shows any user's QR code (the secret itself). Second factors
        # are managed by their owners and reset by service leads (imhs.accounts.second_factor).
        if admin.site.is_registered(TOTPDevice):
            admin.site.unregister(TOTPDevice)
