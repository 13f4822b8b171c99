"""Admin for patient records (audited) and reference data (never hard-deleted once referenced)."""

import re

from django.contrib import admin
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q

from imhs import audit
from imhs.admin.mixins import AuditedAdminMixin, LabelledTabularInline
from imhs.models import AuditAction
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
from referrals.models import Referral, Status

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
    """Health boards by name (the data holds GSS codes), Lanarkshire first."""

    title = "health board"
    parameter_name = "health_board"
    field = "health_board_code"

    def lookups(self, request, model_admin):
        return sorted(HEALTH_BOARD_NAMES.items(), key=lambda item: item[1] != "Lanarkshire")

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


# A draft referral belongs to its referrer: its baby and carers reach the team only when it is
# sent (as `Referral.objects.visible_to` and the referral admin already say). Without these
# filters the team could read, and change, an unsent draft's family here (access matrix, issue 8).
def infants_outside_drafts():
    """Babies whose referral has been sent (or who have none: a record made by the team)."""
    referrals = Referral.objects.filter(infant=OuterRef("pk"))
    return Infant.objects.filter(
        Exists(referrals.exclude(status=Status.DRAFT)) | ~Exists(referrals)
    )


def carers_outside_drafts():
    """A carer of twins (or siblings) is one person: shown once one of their babies can be."""
    relationships = CareRelationship.objects.filter(carer=OuterRef("pk"))
    return Carer.objects.filter(
        Exists(relationships.filter(infant__in=infants_outside_drafts())) | ~Exists(relationships)
    )


class OutsideDraftsChoicesMixin:
    """The baby and carer a care relationship may point at are those the team can see: a
    hand-made POST naming a draft's baby is refused like any other id that does not exist."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "infant":
            kwargs["queryset"] = infants_outside_drafts()
        elif db_field.name == "carer":
            kwargs["queryset"] = carers_outside_drafts()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CareRelationshipInline(
    OutsideDraftsChoicesMixin, SafeAutocompleteMixin, LabelledTabularInline
):
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

    def get_queryset(self, request):
        return super().get_queryset(request).filter(infant__in=infants_outside_drafts())


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


@admin.register(Infant)
class InfantAdmin(ClinicalRecordAdmin):
    list_display = ["full_name", "date_of_birth", "chi", "postcode", "gp_practice", "lives_with"]
    list_filter = ["lives_with", "gp_registration", InfantHealthBoardFilter]
    search_fields = ["given_name", "family_name", "chi_number", "postcode"]
    list_select_related = ["gp_practice"]
    autocomplete_fields = ["gp_practice"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [CareRelationshipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=infants_outside_drafts().values("pk"))

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

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=carers_outside_drafts().values("pk"))


@admin.register(CareRelationship)
class CareRelationshipAdmin(OutsideDraftsChoicesMixin, ClinicalRecordAdmin):
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

    def get_queryset(self, request):
        return super().get_queryset(request).filter(infant__in=infants_outside_drafts())
