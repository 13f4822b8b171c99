"""Admin for accounts and the audit trail. Staff access follows the role (User.is_staff)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from imhs import audit
from imhs.access import record_refusal
from imhs.forms import UserAdminCreationForm
from imhs.models import AuditAction, AuditEvent, User

admin.site.site_header = "Infant Mental Health Service administration"
admin.site.site_title = "IMHS admin"
admin.site.index_title = "Administration"


class AuditedAdminMixin:
    """Records every view and change made through the admin in the audit trail."""

    def changelist_view(self, request, extra_context=None):
        # A list shows many records at once; the search typed is not stored (it is often a name).
        audit.record(
            AuditAction.VIEW,
            by=request.user,
            object_type=self.model._meta.label_lower,
            request=request,
            detail={"list": True},
        )
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                audit.record(AuditAction.VIEW, by=request.user, obj=obj, request=request)
            else:  # out of the admin's queryset (a draft referral) or no such record
                record_refusal(request, self.model._meta.label_lower, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        # The history names the record (its __str__ is often a person's name): a view of it.
        audit.record(
            AuditAction.VIEW,
            by=request.user,
            object_type=self.model._meta.label_lower,
            object_id=object_id[:100],
            request=request,
            detail={"history": True},
        )
        return super().history_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(
            AuditAction.CHANGE if change else AuditAction.CREATE,
            by=request.user,
            obj=obj,
            request=request,
            detail={"fields": sorted(form.changed_data), "via": "admin"},
        )


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    add_form = UserAdminCreationForm
    list_display = ["email", "full_name", "role", "profession", "base", "is_active", "last_login"]
    list_filter = ["role", "profession", "is_active"]
    search_fields = ["email", "given_name", "family_name", "base"]
    ordering = ["family_name", "given_name"]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = []
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["given_name", "family_name", "job_title", "base", "work_phone"]}),
        ("Role", {"fields": ["role", "profession", "is_active"]}),
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


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor__email"]
    date_hierarchy = "at"
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
