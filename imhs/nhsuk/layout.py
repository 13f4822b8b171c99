"""Crispy-forms layout objects for the `nhsuk` template pack.

Use these beside crispy's own `Layout`, `Field`, `HTML` and `Div`
(from `crispy_forms.layout`), which the pack also draws in NHS.UK markup, as the `layout`
of an `imhs.nhsuk.forms.NHSForm`::

    layout = Layout(
        Fieldset(
            "About the baby",
            Field("baby_name", css_class="nhsuk-input--width-20"),
            "date_of_birth",                       # a DateInputField
            size="m",
        ),
        Radios("sex", inline=True),
        Radios("interpreter_needed", reveal={"yes": ["language"]}),
        Checkboxes("concerns"),
        CharacterCount("reason", maxlength=1000),
        Submit("submit", "Send referral"),
    )

A field not wrapped in one of these is drawn by its widget: radios stacked, checkboxes,
a select, a textarea without a count, a text input.
"""

from crispy_forms import layout as crispy
from crispy_forms.utils import TEMPLATE_PACK, render_field
from django.core.exceptions import ImproperlyConfigured
from django.utils.html import format_html_join

__all__ = ["CharacterCount", "Checkboxes", "Fieldset", "Question", "Radios", "Submit"]

# The pack's field templates read their per-field options from this context variable.
OPTIONS = "nhsuk_options"

LEGEND_SIZES = ("s", "m", "l", "xl")


class _FieldWithOptions(crispy.Field):
    """A crispy `Field` (one field) that hands NHS.UK options to the pack's field template.

    `optional=False` leaves off the "(optional)" mark of a field that the form itself does not
    require but the page asks for in words: one of a group to answer at least one of, or a
    follow-up question that its form's `clean` requires.
    """

    def __init__(self, field, *, optional=True, **kwargs):
        super().__init__(field, **kwargs)
        self.optional = optional

    def options(self, form, context, template_pack):
        return {"mark_optional": self.optional}

    def render(self, form, context, template_pack=TEMPLATE_PACK, extra_context=None, **kwargs):
        extra_context = {
            **(extra_context or {}),
            OPTIONS: self.options(form, context, template_pack),
        }
        return super().render(form, context, template_pack, extra_context=extra_context, **kwargs)


class _ChoiceGroup(_FieldWithOptions):
    kind = ""

    def __init__(self, field, *, inline=False, small=False, reveal=None, **kwargs):
        super().__init__(field, **kwargs)
        self.inline = inline
        self.small = small
        # Keys are compared as text, so reveal={1: [...]} matches the choice value 1.
        self.reveal = {str(value): list(items) for value, items in (reveal or {}).items()}

    def options(self, form, context, template_pack):
        # Revealed fields are drawn here, inside the conditional block, and nowhere else:
        # crispy records them as rendered, so the rest of the layout skips them.
        # format_html_join, not SafeString(join): crispy's output is already safe and kept
        # as it is, and anything that ever was not would be escaped, never trusted.
        revealed = {
            value: format_html_join(
                "",
                "{}",
                (
                    (render_field(item, form, context, template_pack=template_pack),)
                    for item in items
                ),
            )
            for value, items in self.reveal.items()
        }
        return {
            **super().options(form, context, template_pack),
            "kind": self.kind,
            "inline": self.inline,
            "small": self.small,
            "revealed": revealed,
        }


class Radios(_ChoiceGroup):
    """A choice field as NHS.UK radios, grouped in a fieldset whose legend is its label.

    `inline=True` lays short answers (Yes / No) side by side; `small=True` uses the small
    radios. `reveal` maps a choice value to the fields (names or layout objects) shown
    beneath that radio only while it is selected, e.g. `reveal={"other": ["other_detail"]}`.
    Those fields must not appear elsewhere in the layout. Whether a hidden follow-up
    answer is kept or ignored is the form's business (its `clean`), not the layout's.

    The field needs choices; its widget does not matter (a `Select` is drawn as radios,
    without its empty "---------" choice).
    """

    kind = "radios"


class Checkboxes(_ChoiceGroup):
    """A multiple-choice field as NHS.UK checkboxes, whatever its widget.

    Same options as `Radios`; with `reveal`, a checkbox shows its follow-up fields while
    ticked. (A `MultipleChoiceField` with `CheckboxSelectMultiple` is drawn as checkboxes
    without this; a lone `BooleanField` is drawn as a single checkbox.)
    """

    kind = "checkboxes"


class Question(_FieldWithOptions):
    """Any one field, drawn by its widget, with the options above (e.g. `optional=False`)."""


class CharacterCount(_FieldWithOptions):
    """A textarea with the NHS.UK character count ("You have 20 characters remaining").

    `maxlength` defaults to the form field's `max_length`; one or the other is required.
    The textarea itself gets no `maxlength` attribute, so a longer answer is not cut off
    silently: the count warns, and the field's own validation rejects it.
    """

    def __init__(self, field, *, maxlength=None, **kwargs):
        super().__init__(field, **kwargs)
        self.maxlength = maxlength

    def options(self, form, context, template_pack):
        name = self.fields[0]
        maxlength = self.maxlength or getattr(form.fields[name], "max_length", None)
        if not maxlength:
            raise ImproperlyConfigured(
                f"CharacterCount({name!r}) needs maxlength= or a field with max_length."
            )
        return {**super().options(form, context, template_pack), "maxlength": int(maxlength)}


class Fieldset(crispy.Fieldset):
    """An NHS.UK fieldset: related fields under one legend.

    `size` is the legend's size, "s", "m" (default), "l" or "xl", or None for body text.
    Other arguments are crispy's (`css_class`, `css_id`, extra HTML attributes).
    """

    template = "%s/layout/fieldset.html"

    def __init__(self, legend, *fields, size="m", **kwargs):
        if size is not None and size not in LEGEND_SIZES:
            raise ValueError(f"Fieldset size must be one of {LEGEND_SIZES} or None.")
        super().__init__(legend, *fields, **kwargs)
        self.size = size


class Submit(crispy.Submit):
    """An NHS.UK button (`<button class="nhsuk-button">`) that submits the form.

    `secondary=True` gives the secondary (outlined) style, for a second action such as
    "Save as draft". Other arguments are crispy's (`css_class`, `css_id`, attributes).
    """

    field_classes = "nhsuk-button"

    def __init__(self, name, value, *, secondary=False, **kwargs):
        super().__init__(name, value, **kwargs)
        self.secondary = secondary
        if secondary:
            self.field_classes += " nhsuk-button--secondary"
