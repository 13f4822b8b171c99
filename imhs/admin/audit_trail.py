"""The audit trail in the admin: read only, its records named as the admin names them."""

from django.apps import apps
from django.contrib import admin
from django.utils.text import capfirst

from imhs.models import AuditEvent


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
