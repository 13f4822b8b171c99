"""The reports area's forms: which month (a GET picker, also the hidden month of each download's
POST) and the national codes a service lead keeps for the extract."""

import re

from crispy_forms.layout import Layout
from django import forms
from django.utils import timezone

from imhs.nhsuk.forms import NHSForm
from imhs.nhsuk.layout import Fieldset
from referrals.reports.extract import MAPPED
from referrals.reports.figures import Month

PICKER_MONTHS = 24
MONTH_MESSAGE = "Select a month from the list"
CODE_MESSAGE = (
    "Enter a national code of 1 to 20 characters, using only letters, numbers, hyphens (-) and "
    "underscores (_), or leave it blank"
)
CODE_FORMAT = re.compile(r"[A-Za-z0-9_-]{1,20}")


def default_month(today=None):
    """The last complete month: the one a report is usually run for."""
    return Month.of(today or timezone.localdate()).previous()


def month_choices(today=None):
    """The current month (so far) and the PICKER_MONTHS before it, newest first."""
    current = Month.of(today or timezone.localdate())
    choices = [(current.key, f"{current.label} (so far)")]
    month = current
    for _ in range(PICKER_MONTHS):
        month = month.previous()
        choices.append((month.key, month.label))
    return choices


class MonthForm(NHSForm):
    """`?month=YYYY-MM`, one of the listed months; `month()` is the Month chosen (the default
    when nothing was asked for, None when the asking was wrong)."""

    month = forms.ChoiceField(
        label="Month",
        choices=(),
        error_messages={"required": MONTH_MESSAGE, "invalid_choice": MONTH_MESSAGE},
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )

    def __init__(self, data=None, **kwargs):
        kwargs.setdefault("auto_id", "report-%s")
        super().__init__(data, **kwargs)
        choices = month_choices()
        asked = self._asked()
        if asked and asked.key not in dict(choices):
            # An older month, asked for by its address (a bookmark): shown like the others.
            choices.append((asked.key, asked.label))
        self.fields["month"].choices = choices
        if not self.is_bound:
            self.initial["month"] = default_month().key

    def _asked(self):
        """The month asked for, if it is one that has begun (any, not only those listed)."""
        text = self.data.get(self.add_prefix("month")) if self.is_bound else None
        try:
            month = Month.parse(text) if isinstance(text, str) else None
        except ValueError:
            return None
        return month if month and month.first <= timezone.localdate() else None

    def chosen(self):
        if not self.is_bound:
            return default_month()
        return Month.parse(self.cleaned_data["month"]) if self.is_valid() else None


def code_field_name(column, number):
    return f"{column}-{number}"


class NationalCodesForm(NHSForm):
    """One box per app value of each mapped column (referrals.reports.extract.MAPPED), filled
    with its national code; a blank box is no code (a gap the extract lists)."""

    def __init__(self, data=None, *, codes, **kwargs):
        """`codes`: {(column, value): code} as stored."""
        kwargs.setdefault("auto_id", "code-%s")
        super().__init__(data, **kwargs)
        self.values = {}  # field name -> (column, value)
        fieldsets = []
        for column, (title, labels) in MAPPED.items():
            names = []
            for number, (value, words) in enumerate(labels.items()):
                name = code_field_name(column, number)
                self.values[name] = (column, value)
                self.fields[name] = forms.CharField(
                    label=words,
                    required=False,
                    max_length=20,
                    strip=True,
                    initial=codes.get((column, value), ""),
                    error_messages={"max_length": CODE_MESSAGE},
                    widget=forms.TextInput(
                        attrs={"class": "nhsuk-input nhsuk-input--width-10", "spellcheck": "false"}
                    ),
                )
                names.append(name)
            fieldsets.append(Fieldset(title, *names, size="s"))
        self.helper.layout = Layout(*fieldsets)

    def clean(self):
        cleaned = super().clean()
        for name in self.values:
            code = cleaned.get(name)
            if code and not CODE_FORMAT.fullmatch(code):
                self.add_error(name, CODE_MESSAGE)
        return cleaned

    def codes(self):
        """{(column, value): code or ""} as typed."""
        return {key: self.cleaned_data.get(name, "") for name, key in self.values.items()}
