"""Check your answers: overriding a failed residence or GP check, confirming a possible
duplicate, and sending."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

from imhs.layout import CharacterCount, Checkboxes
from referrals.assessment import assessment_for, overridable_failures
from referrals.models import Referral

OVERRIDE_HELP = (
    "Only if you know something our records do not, for example “family moved last week; "
    "registering with a Coatbridge practice”. The team will see your reason."
)


class CheckAnswersForm(forms.Form):
    residence_override_reason = forms.CharField(
        label="Why should the team consider this referral although the family's address is not "
        "in Lanarkshire? (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=OVERRIDE_HELP,
    )
    gp_practice_override_reason = forms.CharField(
        label="Why should the team consider this referral although the baby's GP practice is not "
        "in Lanarkshire? (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=OVERRIDE_HELP,
    )
    confirm_duplicate = forms.BooleanField(
        label="I have checked, and I still want to send this referral",
        required=False,
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral
        failing = {check.rule for check in overridable_failures(assessment_for(referral))}
        # Offer only what applies: an override for each overridable failure, the duplicate
        # confirmation when there may be a duplicate.
        fields = []
        for rule in ("residence", "gp_practice"):
            name = f"{rule}_override_reason"
            if rule in failing or getattr(referral, name):
                fields.append(CharacterCount(name))
                self.initial.setdefault(name, getattr(referral, name))
            else:
                del self.fields[name]
        if Referral.objects.possible_duplicates_of(referral).exists():
            fields.append(Checkboxes("confirm_duplicate"))
        else:
            del self.fields["confirm_duplicate"]
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*fields)

    def clean(self):
        cleaned = super().clean()
        cleaned.setdefault("confirm_duplicate", False)
        return cleaned

    def overrides(self):
        return {
            rule: self.cleaned_data[f"{rule}_override_reason"]
            for rule in ("residence", "gp_practice")
            if f"{rule}_override_reason" in self.cleaned_data
        }
