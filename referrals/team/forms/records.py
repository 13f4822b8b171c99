"""The service lead's records-governance forms: a retention rule's period and action, keeping a
record longer, destroying it (confirmed), and a legal hold."""

import datetime

from crispy_forms.layout import Layout
from django import forms
from django.utils import timezone

from imhs.nhsuk.fields import DateInputField
from imhs.nhsuk.forms import NHSForm
from imhs.nhsuk.layout import CharacterCount, Checkboxes, Radios
from referrals.models import APPEND_ONLY_KINDS, LegalHold, PeriodUnit, RetentionAction
from referrals.retention import DELETE_ONLY_KINDS

REASON_MAX_LENGTH = 1000
MAX_PERIOD = 100 * 366  # a century of days: anything longer is a typing slip


class RuleForm(NHSForm):
    period = forms.IntegerField(
        label="Keep for",
        min_value=0,
        max_value=MAX_PERIOD,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter how long to keep these records",
            "invalid": "Enter how long to keep these records as a whole number, like 90",
            "min_value": "How long to keep these records must be 0 or more",
            "max_value": "How long to keep these records must be less than a century",
        },
    )
    unit = forms.ChoiceField(
        label="Days, months or years",
        choices=PeriodUnit.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select days, months or years",
            "invalid_choice": "Select days, months or years",
        },
    )
    action = forms.ChoiceField(
        label="At the end of the period",
        choices=RetentionAction.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what happens at the end of the period",
            "invalid_choice": "Select what happens at the end of the period",
        },
    )
    layout = Layout("period", Radios("unit", inline=True), Radios("action"))

    def __init__(self, data=None, *, rule, **kwargs):
        initial = {"period": rule.period, "unit": rule.unit, "action": rule.action}
        super().__init__(data, initial=initial, **kwargs)
        self.rule = rule

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        kind = self.rule.kind
        if kind in DELETE_ONLY_KINDS and action == RetentionAction.REVIEW:
            self.add_error("action", f"{self.rule.get_kind_display()} are deleted when their "
                           "period ends: they are not reviewed one by one")  # fmt: skip
        elif kind in APPEND_ONLY_KINDS and action == RetentionAction.DELETE:
            self.add_error("action", f"{self.rule.get_kind_display()} cannot be deleted by the "
                           "service: they are append-only")  # fmt: skip
        return cleaned


class KeepLongerForm(NHSForm):
    reason = forms.CharField(
        label="Why keep it longer",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Do not write the family's names: say why, not who.",
        error_messages={
            "required": "Enter why the record is being kept longer",
            "max_length": f"Why it is kept longer must be {REASON_MAX_LENGTH} characters or fewer",
        },
    )
    keep_until = DateInputField(
        label="Review it again on",
        help_text="For example, 15 3 2027",
        error_subject="The date to review it again",
    )
    layout = Layout(CharacterCount("reason", maxlength=REASON_MAX_LENGTH), "keep_until")

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if "\x00" in reason or not reason:
            raise forms.ValidationError("Enter why the record is being kept longer")
        return reason

    def clean_keep_until(self):
        value = self.cleaned_data["keep_until"]
        today = timezone.localdate()
        if value and value <= today:
            raise forms.ValidationError("The date to review it again must be in the future")
        if value and value > today + datetime.timedelta(days=MAX_PERIOD):
            raise forms.ValidationError("The date to review it again must be within a century")
        return value


class DestroyForm(NHSForm):
    confirm = forms.MultipleChoiceField(
        label="Confirm",
        choices=[("yes", "I confirm that this record may be destroyed now")],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Confirm that this record may be destroyed now",
            "invalid_choice": "Confirm that this record may be destroyed now",
        },
    )
    layout = Layout(Checkboxes("confirm"))


class LegalHoldForm(NHSForm):
    reason = forms.ChoiceField(
        label="Why is the record on hold",
        choices=LegalHold.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select why the record is on hold",
            "invalid_choice": "Select why the record is on hold",
        },
    )
    note = forms.CharField(
        label="More detail (optional)",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the complaint's or request's number. No names.",
        error_messages={
            "max_length": f"More detail must be {REASON_MAX_LENGTH} characters or fewer",
        },
    )
    layout = Layout(Radios("reason"), CharacterCount("note", maxlength=REASON_MAX_LENGTH))

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if "\x00" in note:
            raise forms.ValidationError("More detail must not contain that character")
        return note
