"""Admin for accounts. Staff access follows the role (User.is_staff)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from imhs.accounts import second_factor
from imhs.accounts.forms import UserAdminCreationForm
from imhs.admin.mixins import AuditedAdminMixin
from imhs.models import User


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    add_form = UserAdminCreationForm
    list_display = ["email", "full_name", "role", "profession", "base", "is_active", "last_login"]
    list_filter = ["role", "profession", "is_active"]
    search_fields = ["email", "given_name", "family_name", "base"]
    ordering = ["family_name", "given_name"]
    readonly_fields = ["last_login", "date_joined", "second_factor"]
    filter_horizontal = []
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["given_name", "family_name", "job_title", "base", "work_phone"]}),
        ("Role", {"fields": ["role", "profession", "is_active"]}),
        ("Security", {"fields": ["second_factor"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "description": (
                    "The new user sets their own password from the password-reset email."
                ),
                "fields": UserAdminCreationForm.Meta.fields,
            },
        )
    ]

    def has_delete_permission(self, request, obj=None):
        # Deactivate instead: a person's audit trail and referrals must keep pointing at them.
        return False

    @admin.display(description="Second factor")
    def second_factor(self, obj):
        if obj.pk and TOTPDevice.objects.filter(user=obj, confirmed=True).exists():
            return "Authenticator app set up"
        return "Not set up"

    # --- resetting a second factor (a lost phone) -------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/second-factor/reset/",
                self.admin_site.admin_view(require_POST(self.reset_second_factor_view)),
                name="imhs_user_reset_second_factor",
            ),
            *super().get_urls(),
        ]

    def reset_second_factor_view(self, request, object_id):
        user = self.get_object(request, object_id)
        if user is None:
            raise Http404
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        second_factor.reset(user, by=request.user, request=request)
        messages.success(
            request,
            f"{user.full_name}'s second factor has been reset and their sessions ended. "
            "They will set up a new authenticator app when they next sign in.",
        )
        return redirect(reverse("admin:imhs_user_change", args=[user.pk]))
