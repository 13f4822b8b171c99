"""Admin for patient records (audited) and reference data (never hard-deleted once referenced)."""

import re

from django.contrib import admin
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import ValidationError
from django.db.models import Q

from imhs.admin import AuditedAdminMixin
from patients import importers, postcodes
from patients.admin_imports import ImportFromFileMixin
from patients.chi import format_chi
from patients.models import (
    HEALTH_BOARD_NAMES,
    Carer,
    CareRelationship,
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
    are drawn with the AutocompleteSelect above, and a search of this admin (the list's
    search box, or another admin's autocomplete box asking it) ignores NUL characters, which
    PostgreSQL cannot compare (Django's autocomplete view let that ValueError become a 500).
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))


class HealthBoardFilter(admin.SimpleListFilter):
    """Health boards by name (the data holds GSS codes), Lanarkshire first."""

    title = "health board"
    parameter_name = "health_board"
    field = "health_board_code"

    def lookups(self, request, model_admin):
        return sorted(HEALTH_BOARD_NAMES.items(), key=lambda item: item[1] != "Lanarkshire")

    def queryset(self, request, queryset):
        if self.value() and "\x00" in self.value():
            # A hand-made URL ("%00"): no code has one, and PostgreSQL cannot even compare
            # such text (a 500 when the list is drawn).
            return queryset.none()
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


class CareRelationshipInline(SafeAutocompleteMixin, admin.TabularInline):
    model = CareRelationship
    extra = 0
    fields = [
        "carer",
        "infant",
        "relationship",
        "relationship_other",
        "has_parental_responsibility",
        "lives_with_infant",
        "is_main_carer",
    ]
    autocomplete_fields = ["carer", "infant"]
    can_delete = False


class ClinicalRecordAdmin(SafeAutocompleteMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Patient records: every view and change is audited; records are never deleted here."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Infant)
class InfantAdmin(ClinicalRecordAdmin):
    list_display = ["full_name", "date_of_birth", "chi", "postcode", "gp_practice", "lives_with"]
    list_filter = ["lives_with", "gp_registration", InfantHealthBoardFilter]
    search_fields = ["given_name", "family_name", "chi_number", "postcode"]
    list_select_related = ["gp_practice"]
    autocomplete_fields = ["gp_practice"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [CareRelationshipInline]

    @admin.display(description="CHI number", ordering="chi_number")
    def chi(self, obj):
        return format_chi(obj.chi_number)

    def get_search_results(self, request, queryset, search_term):
        # A CHI typed with spaces ("010 101 1237") or a postcode without ("ml53bj").
        term = search_term.strip()
        if CHI_SEARCH.match(term):
            return queryset.filter(chi_number=term.replace(" ", "")), False
        try:
            postcode = postcodes.normalise(term)
        except ValueError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(Q(postcode=postcode)), False


@admin.register(Carer)
class CarerAdmin(ClinicalRecordAdmin):
    list_display = ["full_name", "phone", "email", "preferred_contact_method", "postcode"]
    list_filter = ["preferred_contact_method", "interpreter_needed"]
    search_fields = ["given_name", "family_name", "email", "postcode"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [CareRelationshipInline]


@admin.register(CareRelationship)
class CareRelationshipAdmin(ClinicalRecordAdmin):
    list_display = [
        "carer",
        "infant",
        "relationship",
        "has_parental_responsibility",
        "lives_with_infant",
        "is_main_carer",
    ]
    list_filter = ["relationship", "has_parental_responsibility", "is_main_carer"]
    search_fields = [
        "carer__given_name",
        "carer__family_name",
        "infant__given_name",
        "infant__family_name",
    ]
    list_select_related = ["carer", "infant"]
    autocomplete_fields = ["carer", "infant"]
