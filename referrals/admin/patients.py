"""The admin of patient records (babies, carers, how they are related) as the team sees it.

These live in referrals, not patients, because what the team may see depends on referrals: a
draft's family is its referrer's until the referral is sent. The audited, never-deleted base
and the search and filter pieces come from patients.admin.
"""

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q

from imhs.admin.mixins import LabelledTabularInline
from patients import postcodes
from patients.admin import (
    CHI_SEARCH,
    ClinicalRecordAdmin,
    InfantHealthBoardFilter,
    SafeAutocompleteMixin,
)
from patients.chi import format_chi
from patients.models import Carer, CareRelationship, Infant
from referrals.models import Referral, Status


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
