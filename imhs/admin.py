"""Admin for accounts and the audit trail. Staff access follows the role (User.is_staff)."""

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.text import capfirst
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from imhs import admin_lockouts, audit, second_factor  # noqa: F401 (registers lockouts)
from imhs.access import record_refusal
from imhs.forms import UserAdminCreationForm
from imhs.models import AuditAction, AuditEvent, User


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose boxes have names. Django writes each field's label once, as a
    column heading, which names none of the row's boxes for a screen reader (axe's `label`
    and `select-name`): each box is named by its field's label."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The form class is made for this call, its fields with it: nothing shared is changed.
        for field in formset.form.base_fields.values():
            field.widget.attrs.setdefault("aria-label", capfirst(field.label))
        return formset


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


def object_type_label(value):
    """ "referrals.referral" as the admin names it ("Referral"); events about no record
    (signing in, for one) have none."""
    if not value:
        return "No record"
    try:
        return capfirst(apps.get_model(value)._meta.verbose_name)
    except (LookupError, ValueError):
        return value  # a model since removed: its label is all there is


class ObjectTypeFilter(admin.SimpleListFilter):
    """The kinds of record in the trail, by name (Django's own filter gave the blank value of
    sign-in events a link with no text)."""

    title = "record"
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        types = AuditEvent.objects.order_by().values_list("object_type", flat=True).distinct()
        return sorted(((t, object_type_label(t)) for t in types), key=lambda item: item[1])

    def queryset(self, request, queryset):
        if self.value() is not None:
            return queryset.filter(object_type=self.value())
        return queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "record", "object_id", "ip_address"]
    list_filter = ["action", ObjectTypeFilter]
    search_fields = ["object_id", "actor__email"]
    date_hierarchy = "at"
    list_select_related = ["actor"]

    @admin.display(description="record", ordering="object_type")
    def record(self, obj):
        return object_type_label(obj.object_type)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
