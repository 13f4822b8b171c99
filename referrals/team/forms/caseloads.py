"""The service lead's "Reassign selected to [member]" on a member's caseload."""

import re

from django import forms

from imhs.nhsuk.forms import NHSForm
from referrals.team.forms.triage import StaffChoiceField, active_staff

# A checkbox's value: the referral's reference and the version the page showed.
CASE_VERSION = re.compile(r"(IMH-[0-9]{4}-[0-9]{5,}):([0-9]{1,9})")


class CaseVersionsField(forms.MultipleChoiceField):
    """The ticked referrals, as (reference, version) pairs. Any reference of the right shape is
    accepted here: whether it is still on the caseload, at that version, is for the workflow
    to say (a referral that changed meanwhile is reported, not refused with the rest)."""

    widget = forms.CheckboxSelectMultiple

    def valid_value(self, value):
        return bool(CASE_VERSION.fullmatch(value))

    def clean(self, value):
        values = super().clean(value)
        pairs = {}
        for value in values:
            reference, version = CASE_VERSION.fullmatch(value).groups()
            pairs[reference] = int(version)
        return list(pairs.items())


class ReassignForm(NHSForm):
    selected = CaseVersionsField(
        label="Referrals to reassign",
        error_messages={
            "required": "Select the referrals to reassign",
            "invalid_choice": "Select the referrals to reassign from the list",
        },
    )
    to = StaffChoiceField(
        label="Reassign selected to",
        queryset=active_staff(),
        empty_label="Choose a team member",
        error_messages={
            "required": "Select who to reassign the referrals to",
            "invalid_choice": "Select who to reassign the referrals to from the list",
        },
    )

    def __init__(self, data=None, *, member, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["to"].queryset = active_staff().exclude(pk=member.pk)
