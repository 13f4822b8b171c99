"""Admin for reference data (never hard-deleted once referenced), and the pieces the admin of
patient records is built from.

The patient records' own admins (Infant, Carer, CareRelationship) are registered by
referrals.admin_patients: which families the team may see depends on their referrals, and
patients never imports referrals.
"""

import re

from django.contrib import admin
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import ValidationError

from imhs import audit
from imhs.admin.mixins import AuditedAdminMixin
from imhs.models import AuditAction
from patients import importers, postcodes
from patients.admin_imports import ImportFromFileMixin
from patients.catchment import CATCHMENT
from patients.models import (
    HEALTH_BOARD_NAMES,
    Carer,
    GPPractice,
    Infant,
    Postcode,
)

CHI_SEARCH = re.compile(r"^[0-9][0-9 ]{8,12}[0-9]$")


class AutocompleteSelect(admin_widgets.AutocompleteSelect):
    """Django's autocomplete box, drawing a refused form again without a 500.

    Django 5.2 looks the submitted ids up as they are, so a hand-made POST with "abc" for a
    numeric id raised ValueError while the form was drawn again with its errors (form fuzzing,
    issue 8). Values that cannot be an id are left out of the box: the field's own error
    already says that choice is not valid.
    """

    def optgroups(self, name, value, attr=None):
        key = self.field.remote_field.get_related_field()
        return super().optgroups(name, [v for v in value if _is_key(key, v)], attr)


def _is_key(key, value):
    try:
        key.to_python(value)
    except ValidationError:
        return False
    return True


class SafeAutocompleteMixin:
    """Autocomplete boxes that survive hand-made requests: this admin's `autocomplete_fields`
    are drawn with the AutocompleteSelect above. (A NUL character in a search, which PostgreSQL
    cannot compare, never gets here: imhs.middleware.RejectNulMiddleware answers 400 to any
    query string holding one.)
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class HealthBoardFilter(admin.SimpleListFilter):
    """Health boards by name (the data holds GSS codes), the service's own first."""

    title = "health board"
    parameter_name = "health_board"
    field = "health_board_code"

    def lookups(self, request, model_admin):
        return sorted(HEALTH_BOARD_NAMES.items(), key=lambda item: item[0] != CATCHMENT.board_code)

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field: self.value()})
        return queryset


class InfantHealthBoardFilter(HealthBoardFilter):
    title = "GP practice's health board"
    field = "gp_practice__health_board_code"


class NoBulkDeleteMixin:
    """Reference data leaves by deactivation, not deletion: no "delete selected" action, and a
    single delete only while nothing refers to the row."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.is_referenced(obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(GPPractice)
class GPPracticeAdmin(
    SafeAutocompleteMixin, ImportFromFileMixin, NoBulkDeleteMixin, admin.ModelAdmin
):
    importer = staticmethod(importers.import_gp_practices)
    import_source = 'Public Health Scotland\'s "GP Practice Contact Details and List Sizes"'
    import_columns = importers.GP_PRACTICE_COLUMNS
    import_explanation = (
        "Practices of every board are imported. A practice missing from the file is made "
        "inactive, never deleted."
    )
    list_display = ["code", "name", "town", "postcode", "board", "active", "list_size"]
    list_filter = [HealthBoardFilter, "active"]
    search_fields = ["code", "name", "postcode", "address_line_2", "address_line_3"]
    readonly_fields = ["imported_at"]
    list_per_page = 50

    @admin.display(description="town")
    def town(self, obj):
        # PHS files put the town in the last filled address line.
        lines = [obj.address_line_4, obj.address_line_3, obj.address_line_2]
        return next((line for line in lines if line), "")

    @admin.display(description="health board", ordering="health_board_code")
    def board(self, obj):
        return HEALTH_BOARD_NAMES.get(obj.health_board_code, obj.health_board_code)

    def is_referenced(self, obj):
        return obj.infants.exists()


@admin.register(Postcode)
class PostcodeAdmin(ImportFromFileMixin, NoBulkDeleteMixin, admin.ModelAdmin):
    importer = staticmethod(importers.import_postcodes)
    import_source = 'National Records of Scotland\'s "Scottish Postcode Directory"'
    import_columns = importers.POSTCODE_COLUMNS
    import_explanation = (
        "Postcodes missing from the file are kept (the directory lists retired postcodes too)."
    )
    list_display = ["postcode", "health_board_code", "council_area_code"]
    list_filter = [HealthBoardFilter]
    search_fields = ["postcode"]
    list_per_page = 50
    show_full_result_count = False  # the directory has about 230,000 rows

    def get_search_results(self, request, queryset, search_term):
        # "ml53bj" finds "ML5 3BJ"; "ML5" finds the district.
        try:
            return queryset.filter(postcode=postcodes.normalise(search_term)), False
        except ValueError:
            return queryset.filter(postcode__startswith=search_term.strip().upper()), False

    def is_referenced(self, obj):
        return (
            Infant.objects.filter(postcode=obj.postcode).exists()
            or Carer.objects.filter(postcode=obj.postcode).exists()
            or GPPractice.objects.filter(postcode=obj.postcode).exists()
        )


class ClinicalRecordAdmin(SafeAutocompleteMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Patient records: every view and change is audited; records are never deleted here."""

    def has_delete_permission(self, request, obj=None):
        return False

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        # Inline rows (a baby's carers, on the baby's page) are records too: save_model only
        # records the page's own object.
        for obj in formset.new_objects:
            audit.record(
                AuditAction.CREATE,
                by=request.user,
                obj=obj,
                request=request,
                detail={"fields": [], "via": "admin"},
            )
        for obj, fields in formset.changed_objects:
            audit.record(
                AuditAction.CHANGE,
                by=request.user,
                obj=obj,
                request=request,
                detail={"fields": sorted(fields), "via": "admin"},
            )
