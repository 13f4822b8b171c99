"""Admin for the list of services families are signposted to when a referral is declined."""

from django.contrib import admin

from imhs.admin.mixins import AuditedAdminMixin
from patients.admin import NoBulkDeleteMixin
from referrals.models import Referral, SignpostService


@admin.register(SignpostService)
class SignpostServiceAdmin(AuditedAdminMixin, NoBulkDeleteMixin, admin.ModelAdmin):
    """Service leads keep the list; a service no longer offered is made inactive (declined
    referrals keep pointing at it, and only active ones are offered when declining)."""

    list_display = ["name", "contact", "active"]
    list_filter = ["active"]
    search_fields = ["name", "contact"]

    def is_referenced(self, obj):
        return Referral.objects.filter(signposted_to=obj).exists()
