"""Sign-in lockouts (django-axes) for service leads: see who is locked out, and clear a lockout.

Axes' own admin is switched off (AXES_ENABLE_ADMIN) because it shows the form data of failed
sign-ins and its deletions are not audited. Here a lockout is read only, and clearing one (the
delete action) leaves an audit event naming the account, not the address typed.
"""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin

from imhs import audit
from imhs.models import AuditAction


@admin.register(AccessAttempt)
class LockoutAdmin(admin.ModelAdmin):
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "locked"]
    list_filter = ["attempt_time"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    fields = ["username", "ip_address", "failures_since_start", "attempt_time", "locked"]
    readonly_fields = fields
    actions = ["delete_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description="Locked out")
    def locked(self, obj):
        return obj.failures_since_start >= settings.AXES_FAILURE_LIMIT

    def delete_model(self, request, obj):
        self._audit_cleared(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._audit_cleared(request, list(queryset))
        super().delete_queryset(request, queryset)

    def _audit_cleared(self, request, attempts):
        for attempt in attempts:
            audit.record(
                AuditAction.LOCKOUT_CLEARED,
                by=request.user,
                object_type="axes.accessattempt",
                object_id=attempt.pk,
                request=request,
                detail={"failures": attempt.failures_since_start},
            )
