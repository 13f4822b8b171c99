"""What every model admin of the service shares: an audit of what is seen and changed, and
named boxes in tabular inlines."""

from django.contrib import admin
from django.utils.text import capfirst

from imhs import audit
from imhs.accounts.access import record_refusal
from imhs.models import AuditAction


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
