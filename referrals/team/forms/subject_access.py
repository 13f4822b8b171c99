"""The service lead's forms for a subject access request: find the baby, start the request
(the date it was received), and choose the items to withhold."""

import contextlib

from crispy_forms.layout import Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from imhs.nhsuk.fields import DateInputField
from imhs.nhsuk.forms import NHSForm
from imhs.nhsuk.layout import CharacterCount
from imhs.nhsuk.text import nhs_date
from patients.chi import validate_chi
from referrals.models import WHOLE_REFERENCE

NAME_MAX_LENGTH = 150  # Infant.given_name / family_name
REASON_MAX_LENGTH = 200
# The law's month is counted from the day a request arrives; one older than this is a typo.
OLDEST_REQUEST_DAYS = 366


class FindForm(NHSForm):
    """A CHI number or a referral's reference, or the baby's name and date of birth: exact
    matches only (a subject access bundle must be about one baby)."""

    number = forms.CharField(
        label="CHI number or referral reference",
        help_text="For example, 0101256789 or IMH-2026-00012",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-20", "autocomplete": "off"}),
    )
    given_name = forms.CharField(
        label="Baby's first name", required=False, max_length=NAME_MAX_LENGTH
    )
    family_name = forms.CharField(
        label="Baby's last name", required=False, max_length=NAME_MAX_LENGTH
    )
    date_of_birth = DateInputField(
        label="Baby's date of birth",
        help_text="For example, 15 3 2025",
        required=False,
        error_subject="Date of birth",
    )
    layout = Layout("number", "given_name", "family_name", "date_of_birth")

    def clean_number(self):
        text = self.cleaned_data["number"].strip()
        if not text:
            return {}
        if WHOLE_REFERENCE.fullmatch(text):
            return {"reference": text.upper()}
        with contextlib.suppress(ValidationError):
            return {"chi": validate_chi(text)}
        raise ValidationError(
            "Enter a 10-digit CHI number or a reference like IMH-2026-00012", code="invalid"
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        named = [cleaned.get(f) for f in ("given_name", "family_name", "date_of_birth")]
        if cleaned.get("number"):
            return cleaned
        if not any(named):
            raise ValidationError(
                "Enter a CHI number or reference, or the baby's name and date of birth",
                code="required",
            )
        for field, message in (
            ("given_name", "Enter the baby's first name"),
            ("family_name", "Enter the baby's last name"),
            ("date_of_birth", "Enter the baby's date of birth"),
        ):
            if not cleaned.get(field):
                self.add_error(field, ValidationError(message, code="required"))
        return cleaned

    def criteria(self):
        """What to match, for `Referral.objects.find_subject`."""
        data = self.cleaned_data
        if data["number"]:
            return data["number"]
        return {
            "given_name": data["given_name"].strip(),
            "family_name": data["family_name"].strip(),
            "date_of_birth": data["date_of_birth"],
        }


class StartForm(NHSForm):
    requested_on = DateInputField(
        label="Date the request was received",
        help_text="The response is due one calendar month from this date. For example, 3 6 2026",
        error_subject="The date the request was received",
    )
    layout = Layout("requested_on")

    def clean_requested_on(self):
        day = self.cleaned_data["requested_on"]
        today = timezone.localdate()
        if day > today:
            raise ValidationError(
                "The date the request was received must be today or in the past", code="future"
            )
        if (today - day).days > OLDEST_REQUEST_DAYS:
            raise ValidationError(
                f"The date the request was received must be after "
                f"{nhs_date(today - timezone.timedelta(days=OLDEST_REQUEST_DAYS + 1))}",
                code="too_old",
            )
        return day


class WithholdForm(NHSForm):
    """The items ticked to withhold (keys of the produced bundle) and the reason for those newly
    ticked; items already withheld keep their own reason."""

    withhold = forms.MultipleChoiceField(
        label="Items to withhold",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select the items to withhold from the bundle"},
    )
    reason = forms.CharField(
        label="Reason for withholding the newly ticked items",
        help_text="Said in the released bundle in place of each item, for example "
        '"information about another person"',
        required=False,
        max_length=REASON_MAX_LENGTH,
        error_messages={
            "max_length": f"The reason must be {REASON_MAX_LENGTH} characters or fewer"
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    layout = Layout(CharacterCount("reason"))

    def __init__(self, data=None, *, keys, withheld, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["withhold"].choices = [(key, key) for key in keys]
        self.withheld = withheld

    def clean(self):
        cleaned = super().clean()
        new = set(cleaned.get("withhold") or ()) - set(self.withheld)
        reason = (cleaned.get("reason") or "").strip()
        if new and not reason and "reason" not in self.errors:
            self.add_error(
                "reason",
                ValidationError("Enter why the ticked items are withheld", code="required"),
            )
        cleaned["reason"] = reason
        return cleaned


class StepForm(NHSForm):
    """Produce, release: only the version the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
