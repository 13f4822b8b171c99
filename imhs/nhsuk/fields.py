"""Form fields in the NHS.UK style.

`DateInputField` asks for a date as three text boxes (day, month, year), the NHS.UK
"date input" pattern, and answers in the wording of the NHS.UK and GOV.UK style guides:

    "Enter a date"                     nothing typed (and the field is required)
    "Date must include a month"        some parts missing ("a day and year", ...)
    "Year must include 4 numbers"      a year such as "24"
    "Enter a real date"                not numbers, or no such date (31 2 2024)

`error_subject` replaces "Date" in those messages ("Date of birth must include a month");
any message can be replaced as usual with `error_messages={"required": ..., ...}`
(keys: required, incomplete, invalid, invalid_year; `%(subject)s` and `%(missing)s` are
filled in).

Each error carries `params["parts"]`, the parts ("day", "month", "year") it is about, so
the `nhsuk` crispy template pack can highlight only those boxes.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

PARTS = ("day", "month", "year")
_LABELS = {"day": "Day", "month": "Month", "year": "Year"}
_WIDTHS = {
    "day": "nhsuk-input--width-2",
    "month": "nhsuk-input--width-2",
    "year": "nhsuk-input--width-4",
}
_DIGITS = re.compile(r"[0-9]+")

# The style guides ask us to accept month names as well as numbers ("feb", "February").
_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}


class DateInputWidget(forms.MultiWidget):
    """Three numeric text inputs named `<name>_day`, `<name>_month` and `<name>_year`.

    Their ids are `<id>_day`, `<id>_month` and `<id>_year`; `id_for_label` is the day's,
    so a label or an error-summary link lands on the first box. The `nhsuk` template pack
    draws the full NHS.UK markup (fieldset, labels, per-box error styling); rendered on
    its own the widget gives just the three inputs.

    Its value is a list of the three typed strings, so whatever the user typed is shown
    again when the form comes back with an error.
    """

    def __init__(self, attrs=None):
        widgets = {
            part: forms.TextInput(
                attrs={
                    "class": f"nhsuk-input nhsuk-date-input__input {_WIDTHS[part]}",
                    "inputmode": "numeric",
                }
            )
            for part in PARTS
        }
        super().__init__(widgets, attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Django numbers the boxes (_0, _1, _2); name them instead, like their inputs.
        for part, subwidget in zip(PARTS, context["widget"]["subwidgets"], strict=True):
            if subwidget["attrs"].get("id"):
                subwidget["attrs"]["id"] = self.part_id(context["widget"]["attrs"]["id"], part)
        return context

    @staticmethod
    def part_id(id_, part):
        """The id of one box (`part` is "day", "month" or "year")."""
        return f"{id_}_{part}" if id_ else ""

    @staticmethod
    def part_label(part):
        return _LABELS[part]

    def id_for_label(self, id_):
        return self.part_id(id_, "day")

    def use_required_attribute(self, initial):
        # Validation is on the server, in the style guides' words; a browser's own
        # "required" bubble on each box would contradict them.
        return False

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]


def _lower_first(text):
    """Lower-case the first letter ("date of birth"), unless it starts an initialism ("NHS")."""
    if text[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


class DateInputField(forms.MultiValueField):
    """A date typed as day, month and year; cleans to a `datetime.date` (or None).

    Keyword arguments are those of any Django field, plus `error_subject` (default
    "Date"), the words the error messages start with.
    """

    widget = DateInputWidget
    default_error_messages = {
        "incomplete": "%(subject)s must include a %(missing)s",
        "invalid": "Enter a real date",
        "invalid_year": "Year must include 4 numbers",
    }

    def __init__(self, *, error_subject="Date", error_messages=None, **kwargs):
        self.error_subject = str(error_subject)
        messages = {
            "required": "Enter a date"
            if self.error_subject == "Date"
            else f"Enter {_lower_first(self.error_subject)}"
        }
        messages.update(error_messages or {})
        fields = tuple(forms.CharField(required=False) for _ in PARTS)
        super().__init__(fields=fields, error_messages=messages, **kwargs)

    def clean(self, value):
        if isinstance(value, datetime.date):
            # A disabled field cleans its initial value, which is already a date.
            return value
        parts = self._parts(value)
        if not any(parts.values()):
            if self.required:
                raise self._error("required", list(PARTS))
            return None
        result = self._to_date(parts)
        self.validate(result)
        self.run_validators(result)
        return result

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        return self._to_date(dict(zip(PARTS, data_list, strict=False)))

    def _parts(self, value):
        if not isinstance(value, (list, tuple)):
            value = self.widget.decompress(value)
        values = (list(value) + [None] * len(PARTS))[: len(PARTS)]
        return {
            part: "" if v is None else str(v).strip() for part, v in zip(PARTS, values, strict=True)
        }

    def _to_date(self, parts):
        missing = [part for part in PARTS if not parts[part]]
        if missing:
            raise self._error("incomplete", missing, missing=" and ".join(missing))

        month_name = _MONTH_NAMES.get(parts["month"].lower())
        numbers = {part: parts[part] for part in PARTS}
        if month_name:
            numbers["month"] = str(month_name)
        not_numbers = [part for part in PARTS if not _DIGITS.fullmatch(numbers[part])]
        if not_numbers:
            raise self._error("invalid", not_numbers)
        if len(numbers["year"]) != 4:
            raise self._error("invalid_year", ["year"])

        day, month, year = (int(numbers[part]) for part in PARTS)
        out_of_range = [
            part
            for part, number, highest in (("day", day, 31), ("month", month, 12))
            if not 1 <= number <= highest
        ]
        if out_of_range:
            raise self._error("invalid", out_of_range)
        try:
            return datetime.date(year, month, day)
        except ValueError:
            # Every part is plausible alone but not together (31 2 2024), or year 0000.
            raise self._error("invalid", list(PARTS)) from None

    def _error(self, code, parts, **params):
        return ValidationError(
            self.error_messages[code],
            code=code,
            params={"subject": self.error_subject, "parts": parts, **params},
        )


class PlainSelect(forms.Select):
    """A single-choice <select> drawn by a few string joins rather than Django's widget
    templates (one template render for the select and one for each option): the same HTML,
    for a form drawn on every visit to a busy page (the dashboard's filters: seven selects,
    ~2 ms a page through the templates, issue 18). No option groups; attributes escaped."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, SELECTED if str(option) == chosen else "", label)
                for option, label in self.choices
            ),
        )
        attributes = flatatt({**self.build_attrs(self.attrs, attrs), "name": name})
        return format_html("<select{}>{}</select>", attributes, options)


SELECTED = mark_safe(" selected")  # nosec B308 B703: a constant
