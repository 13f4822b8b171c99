"""Check your answers: overriding a failed residence or GP check, confirming a possible
duplicate, and sending."""

from crispy_forms.layout import Layout
from django import forms

from imhs.nhsuk.forms import NHSForm
from imhs.nhsuk.layout import CharacterCount, Checkboxes
from patients.catchment import CATCHMENT
from referrals.assessment import assessment_for, overridable_failures
from referrals.models import Referral

OVERRIDE_HELP = (
    "Only if you know something our records do not, for example “family moved last week; "
    "registering with a Coatbridge practice”. The team will see your reason."
)
# What each overridable check is about, as it reads in the middle of a sentence.
OVERRIDE_SUBJECTS = {
    "residence": "the family's address",
    "gp_practice": "the baby's GP practice",
}


def _question(rule):
    return (
        f"Why should the team consider this referral although {OVERRIDE_SUBJECTS[rule]} is not "
        f"in {CATCHMENT.name}?"
    )


class CheckAnswersForm(NHSForm):
    residence_override_reason = forms.CharField(
        label=_question("residence"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=OVERRIDE_HELP,
    )
    gp_practice_override_reason = forms.CharField(
        label=_question("gp_practice"),
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
        self.reasons_needed = []
        for rule in ("residence", "gp_practice"):
            name = f"{rule}_override_reason"
            if rule in failing or getattr(referral, name):
                fields.append(CharacterCount(name))
                self.initial.setdefault(name, getattr(referral, name))
            else:
                del self.fields[name]
            if rule in failing:
                # A failed check is sent only with a reason: the question is required (not
                # "optional"), and an empty answer is an error at the box, linked from the
                # summary, that says what to write.
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = (
                    f"Enter why the team should consider this referral although "
                    f"{OVERRIDE_SUBJECTS[rule]} is not in {CATCHMENT.name}"
                )
                self.reasons_needed.append({"id": f"id_{name}", "subject": OVERRIDE_SUBJECTS[rule]})
        if Referral.objects.possible_duplicates_of(referral).exists():
            fields.append(Checkboxes("confirm_duplicate"))
        else:
            del self.fields["confirm_duplicate"]
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
