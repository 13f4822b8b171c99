"""Forms for the people a referral is about. The Request for Assistance sections (issue 5) build
on these: the fields and checks below are shared with `referrals.referrer.forms.baby`."""

from django import forms
from django.utils import timezone
from localflavor.gb.forms import GBPostcodeField

from imhs.nhsuk.fields import DateInputField
from imhs.nhsuk.text import nhs_date
from patients.chi import chi_date_of_birth, chi_matches_date_of_birth, format_chi, validate_chi
from patients.models import Infant

POSTCODE_MESSAGE = "Enter a real postcode, like ML5 3BJ"
CHI_HELP = (
    "10 digits, on the baby's red book or any NHS letter. Leave it blank if you do not know it yet."
)
DATE_OF_BIRTH_IN_FUTURE = "Date of birth must be today or in the past"
DATE_OF_BIRTH_MISMATCH = "Date of birth does not match the CHI number: check both"


def chi_number_field(**kwargs):
    """An optional CHI number box; clean it with `clean_chi_number`."""
    kwargs = {"label": "CHI number", "required": False, "help_text": CHI_HELP, **kwargs}
    return forms.CharField(
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}
        ),
        **kwargs,
    )


def postcode_field(*, required=False, error_messages=None, **kwargs):
    """A UK postcode, cleaned to the normal form "ML5 3BJ"."""
    return GBPostcodeField(
        required=required,
        error_messages={"invalid": POSTCODE_MESSAGE, **(error_messages or {})},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
        **kwargs,
    )


def clean_chi_number(value):
    """The CHI number as 10 digits ("" when left blank); ValidationError when it is not one."""
    return validate_chi(value) if value and value.strip() else ""


def clean_date_of_birth(value):
    """A date of birth cannot be in the future."""
    if value and value > timezone.localdate():
        raise forms.ValidationError(DATE_OF_BIRTH_IN_FUTURE)
    return value


def flag_chi_date_of_birth_mismatch(form, *, chi_field="chi_number", date_field="date_of_birth"):
    """In `form.clean`: a CHI number and a date of birth that disagree are shown at both fields,
    since either may be the one mistyped."""
    chi, date_of_birth = form.cleaned_data.get(chi_field), form.cleaned_data.get(date_field)
    if chi and date_of_birth and not chi_matches_date_of_birth(chi, date_of_birth):
        chi_date = chi_date_of_birth(chi, reference_date=timezone.localdate())
        form.add_error(
            chi_field,
            f"CHI number {format_chi(chi)} is for a baby born on "
            f"{nhs_date(chi_date)}: check the CHI number and the date of birth",
        )
        form.add_error(date_field, DATE_OF_BIRTH_MISMATCH)


# The baby's details a form takes as typed (interpreter_needed is a yes/no of its own).
INFANT_DETAILS = (
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
    "additional_needs",
)


class InfantForm(forms.ModelForm):
    """The baby's details. A CHI number and a date of birth that disagree are shown at both
    fields: either may be the one mistyped."""

    date_of_birth = DateInputField(
        label="Date of birth", error_subject="Date of birth", help_text="For example, 14 2 2025"
    )
    chi_number = chi_number_field()
    postcode = postcode_field()

    class Meta:
        model = Infant
        fields = [*INFANT_DETAILS, "interpreter_needed"]
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
        return clean_chi_number(self.cleaned_data["chi_number"])

    def clean_date_of_birth(self):
        return clean_date_of_birth(self.cleaned_data["date_of_birth"])

    def clean(self):
        cleaned = super().clean()
        flag_chi_date_of_birth_mismatch(self)
        return cleaned
