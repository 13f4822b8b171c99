"""Consent and the family's views: who agreed to the referral and when, sharing with other
professionals, how the parents will give their own views, and appointment preferences.

Saying no to the referral can be saved like any other answer: the eligibility check (the
"consent" rule) is what stops such a referral being sent, and says why.
"""

from crispy_forms.layout import HTML, Layout
from django import forms
from django.utils import timezone

from imhs.nhsuk.fields import DateInputField
from imhs.nhsuk.layout import CharacterCount, Checkboxes, Radios
from imhs.nhsuk.text import nhs_date, yes_no
from referrals.models import AppointmentPlace, ParentViewsMethod
from referrals.referrer.forms.base import YES_NO_CHOICES, SectionForm, from_bool, to_bool

VIEWS_MAX_LENGTH = 3000
TIMES_MAX_LENGTH = 500

NO_CONSENT_HELP = (
    '<p class="nhsuk-body">The referral cannot be sent until a parent or carer with parental '
    "responsibility agrees to it. You can save this answer and come back to change it once "
    "you have talked it through with the family.</p>"
)

FIELDS = [
    "consent_given",
    "consent_given_by",
    "consent_given_on",
    "consent_to_share",
    "parent_views_method",
    "parent_views_written",
    "appointment_places",
    "times_to_avoid",
]


class ConsentForm(SectionForm):
    consent_given = forms.ChoiceField(
        label="Has a parent or carer with parental responsibility agreed to this referral?",
        choices=YES_NO_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select yes if a parent or carer with parental responsibility has "
            "agreed to this referral",
        },
    )
    # The next two are asked only when they agreed (see `clean`).
    consent_given_by = forms.CharField(
        label="Who agreed?",
        help_text="Their relationship to the baby and their name, for example, Mother, "
        "Testina Example.",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": "Enter who agreed to the referral, like Mother, Testina Example",
            "max_length": "Who agreed must be 200 characters or fewer",
        },
    )
    consent_given_on = DateInputField(
        label="When did they agree?",
        help_text="For example, 3 2 2026",
        error_subject="The date they agreed",
        error_messages={"required": "Enter the date they agreed to the referral"},
    )
    consent_to_share = forms.ChoiceField(
        label="Do they agree to the team sharing information about this referral with the other "
        "professionals and agencies you listed?",
        help_text="The professionals and agencies are listed in “Safety and other support”.",
        choices=YES_NO_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select yes if they agree to the team sharing information with the "
            "other professionals and agencies",
        },
    )
    parent_views_method = forms.ChoiceField(
        label="How will the parents give their own views?",
        help_text="The team reads the parents' views about their baby alongside yours.",
        choices=ParentViewsMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the parents will give their views"},
    )
    # Asked only when the views are written here (see `clean`).
    parent_views_written = forms.CharField(
        label="The parents' views, in their own words",
        help_text="What is going well, what worries them, their relationship with their baby, "
        "and what they would like help with.",
        max_length=VIEWS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Write the parents' views in their own words",
            "max_length": f"The parents' views must be {VIEWS_MAX_LENGTH} characters or fewer",
        },
    )
    appointment_places = forms.MultipleChoiceField(
        label="Where could appointments be?",
        help_text="Select all that suit the family.",
        choices=AppointmentPlace.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select where appointments could be, or all that suit",
            "invalid_choice": "Select where appointments could be, or all that suit",
        },
    )
    times_to_avoid = forms.CharField(
        label="Days or times to avoid",
        help_text="For example, mornings before 10am, or Wednesdays.",
        required=False,
        max_length=TIMES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"Days or times to avoid must be {TIMES_MAX_LENGTH} characters or fewer",
        },
    )

    layout = Layout(
        Radios(
            "consent_given",
            reveal={
                "yes": ["consent_given_by", "consent_given_on"],
                "no": [HTML(NO_CONSENT_HELP)],
            },
        ),
        Radios("consent_to_share", inline=True),
        Radios(
            "parent_views_method",
            reveal={ParentViewsMethod.WRITTEN_HERE.value: [CharacterCount("parent_views_written")]},
        ),
        Checkboxes("appointment_places"),
        CharacterCount("times_to_avoid"),
    )

    @classmethod
    def initial_for(cls, referral):
        return {
            "consent_given": from_bool(referral.consent_given),
            "consent_given_by": referral.consent_given_by,
            "consent_given_on": referral.consent_given_on,
            "consent_to_share": from_bool(referral.consent_to_share),
            "parent_views_method": referral.parent_views_method,
            "parent_views_written": referral.parent_views_written,
            "appointment_places": list(referral.appointment_places),
            "times_to_avoid": referral.times_to_avoid,
        }

    def clean_consent_given_on(self):
        agreed_on = self.cleaned_data["consent_given_on"]
        if agreed_on and agreed_on > timezone.localdate():
            raise forms.ValidationError(
                "The date they agreed must be today or in the past", code="future"
            )
        return agreed_on

    def clean(self):
        cleaned = super().clean()
        # Follow-up questions not asked: whatever is in them is ignored, never an error.
        if cleaned.get("consent_given") != "yes":
            self.ignore_answer("consent_given_by", "")
            self.ignore_answer("consent_given_on", None)
        if cleaned.get("parent_views_method") != ParentViewsMethod.WRITTEN_HERE:
            self.ignore_answer("parent_views_written", "")
        return cleaned

    def save(self):
        cleaned = self.cleaned_data
        referral = self.referral
        referral.consent_given = to_bool(cleaned["consent_given"])
        referral.consent_given_by = cleaned["consent_given_by"]
        referral.consent_given_on = cleaned["consent_given_on"]
        referral.consent_to_share = to_bool(cleaned["consent_to_share"])
        referral.parent_views_method = cleaned["parent_views_method"]
        referral.parent_views_written = cleaned["parent_views_written"]
        # In the order the choices are offered, whatever order they arrived in.
        referral.appointment_places = [
            place for place in AppointmentPlace.values if place in cleaned["appointment_places"]
        ]
        referral.times_to_avoid = cleaned["times_to_avoid"]
        referral.save(update_fields=FIELDS)

    @classmethod
    def summary(cls, referral):
        rows = [("Parent or carer agreed to the referral", yes_no(referral.consent_given))]
        if referral.consent_given:
            rows += [
                ("Who agreed", referral.consent_given_by),
                ("When they agreed", nhs_date(referral.consent_given_on)),
            ]
        rows.append(
            ("Agreed to sharing with the other professionals", yes_no(referral.consent_to_share))
        )
        method = referral.parent_views_method
        method_label = ParentViewsMethod(method).label if method else ""
        rows.append(("How the parents will give their views", method_label))
        if method == ParentViewsMethod.WRITTEN_HERE:
            rows.append(("The parents' views, in their own words", referral.parent_views_written))
        places = [AppointmentPlace(place).label for place in referral.appointment_places]
        rows += [
            ("Where appointments could be", "\n".join(places)),
            (
                "Days or times to avoid",
                referral.times_to_avoid or ("None" if referral.consent_given is not None else ""),
            ),
        ]
        return rows
