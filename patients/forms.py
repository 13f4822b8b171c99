"""Forms for the people a referral is about. The Request for Assistance sections (issue 5) build
on these."""

from django import forms
from django.utils import timezone
from localflavor.gb.forms import GBPostcodeField

from imhs.fields import DateInputField
from patients.chi import chi_date_of_birth, chi_matches_date_of_birth, format_chi, validate_chi
from patients.models import Infant

POSTCODE_MESSAGE = "Enter a real postcode, like ML5 3BJ"


class InfantForm(forms.ModelForm):
    """The baby's details. A CHI number and a date of birth that disagree are shown at both
    fields: either may be the one mistyped."""

    date_of_birth = DateInputField(
        label="Date of birth", error_subject="Date of birth", help_text="For example, 14 2 2025"
    )
    chi_number = forms.CharField(
        label="CHI number",
        required=False,
        help_text="10 digits, on the baby's red book or any NHS letter. Leave it blank if you "
        "do not know it yet.",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}
        ),
    )
    postcode = GBPostcodeField(
        required=False,
        error_messages={"invalid": POSTCODE_MESSAGE},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )

    class Meta:
        model = Infant
        fields = [
            "given_name",
            "family_name",
            "date_of_birth",
            "chi_number",
            "sex",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "lives_with",
            "nursery",
            "first_language",
            "interpreter_needed",
            "additional_needs",
        ]
        labels = {
            "given_name": "First name",
            "family_name": "Last name",
            "address_line_1": "Address line 1",
            "address_line_2": "Address line 2",
            "town": "Town or city",
            "lives_with": "Who does the baby live with?",
        }
        error_messages = {
            "given_name": {"required": "Enter the baby's first name"},
            "family_name": {"required": "Enter the baby's last name"},
        }

    def clean_chi_number(self):
        value = self.cleaned_data["chi_number"]
        return validate_chi(value) if value.strip() else ""

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("Date of birth must be today or in the past")
        return value

    def clean(self):
        cleaned = super().clean()
        chi, date_of_birth = cleaned.get("chi_number"), cleaned.get("date_of_birth")
        if chi and date_of_birth and not chi_matches_date_of_birth(chi, date_of_birth):
            chi_date = chi_date_of_birth(chi, reference_date=timezone.localdate())
            self.add_error(
                "chi_number",
                f"CHI number {format_chi(chi)} is for a baby born on "
                f"{chi_date:%-d %B %Y}: check the CHI number and the date of birth",
            )
            self.add_error(
                "date_of_birth",
                "Date of birth does not match the CHI number: check both",
            )
        return cleaned
