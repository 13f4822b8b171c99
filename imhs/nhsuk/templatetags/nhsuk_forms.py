"""Template tags of the `nhsuk` crispy template pack (imhs/nhsuk/templates/nhsuk/).

The pack's templates stay plain: everything that needs a decision (which NHS.UK
component a field is, its CSS classes, ids, `aria-describedby`, the error summary's
links) is worked out here, in `nhsuk_field` and `nhsuk_error_summary`.

Conventions, as in NHS.UK frontend: a field's hint has id `<id>-hint` and its error
message `<id>-error`, where `<id>` is the input's id (for radios, checkboxes and dates,
the field's `auto_id`, and they go on the fieldset). Inputs never carry the HTML
`required` attribute: validation is on the server and the form has `novalidate`.
"""

import copy

from django import forms, template
from django.core.exceptions import ImproperlyConfigured
from django.forms.utils import flatatt

from imhs.nhsuk.fields import PARTS, DateInputWidget
from imhs.nhsuk.layout import OPTIONS

register = template.Library()

_ERROR_CLASSES = {
    "input": "nhsuk-input--error",
    "textarea": "nhsuk-textarea--error",
    "select": "nhsuk-select--error",
}


# Templates shared by several kinds: a label, hint, errors and one control; or a fieldset
# of radios or checkboxes.
_TEMPLATES = {
    "input": "control",
    "select": "control",
    "textarea": "control",
    "radios": "choices",
    "checkboxes": "choices",
}


def _classes(*names):
    """Join class names, skipping blanks and repeats."""
    seen = []
    for name in " ".join(n for n in names if n).split():
        if name not in seen:
            seen.append(name)
    return " ".join(seen)


def _kind(bound_field, options):
    """Which NHS.UK component draws this field."""
    widget = bound_field.field.widget
    # Radios(...) and Checkboxes(...) choose the component for any field with choices.
    if options.get("kind") and hasattr(bound_field.field, "choices"):
        return options["kind"]
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, DateInputWidget):
        return "date"
    # CheckboxSelectMultiple is a RadioSelect subclass, so it is tested first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "character_count" if options.get("maxlength") else "textarea"
    return "input"


def base_id(bound_field):
    """The id the field's hint, error and (for groups) wrapper ids are built from."""
    return bound_field.field.widget.attrs.get("id") or bound_field.auto_id or ""


def error_target_id(bound_field):
    """The id of the element an error-summary link should focus: the first input."""
    widget = bound_field.field.widget
    id_ = base_id(bound_field)
    if not id_:
        return ""
    if isinstance(widget, DateInputWidget):
        return widget.id_for_label(id_)
    if isinstance(widget, forms.RadioSelect):  # also CheckboxSelectMultiple
        return widget.id_for_label(id_, "0")
    return bound_field.id_for_label or id_


def _render_widget(bound_field, attrs, widget=None):
    """`BoundField.as_widget`, but never with the `required` attribute."""
    widget = widget or bound_field.field.widget
    if bound_field.field.localize:
        widget.is_localized = True
    attrs = bound_field.build_widget_attrs(attrs, widget)
    attrs["required"] = False  # False drops the attribute, even if the widget set it
    if bound_field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound_field.auto_id)
    return widget.render(
        name=bound_field.html_name,
        value=bound_field.value(),
        attrs=attrs,
        renderer=bound_field.form.renderer,
    )


def _text_widget(bound_field):
    """The widget to draw; numbers become text inputs, as NHS.UK and GOV.UK guidance advise.

    type="number" lets a scroll wheel change the value and rejects some real answers, so
    number fields use a text input with a numeric keypad (`inputmode`) instead.
    """
    widget = bound_field.field.widget
    if not isinstance(widget, forms.NumberInput):
        return widget, {}
    text = copy.copy(widget)
    text.input_type = "text"
    text.attrs = {k: v for k, v in widget.attrs.items() if k not in ("min", "max", "step")}
    # DecimalField and FloatField subclass IntegerField but need a decimal point.
    whole = isinstance(bound_field.field, forms.IntegerField) and not isinstance(
        bound_field.field, (forms.DecimalField, forms.FloatField)
    )
    return text, {"inputmode": "numeric"} if whole else {}


def _choices(bound_field, kind):
    """(value, label, selected, id) of each radio or checkbox, in order."""
    widget = bound_field.field.widget
    id_ = base_id(bound_field)
    values = widget.format_value(bound_field.value())
    if not isinstance(values, (list, tuple)):
        values = [values]
    values = {str(v) for v in values if v is not None}
    choices = []
    index = 0
    for value, label in bound_field.field.choices:
        # Option groups are flattened: NHS.UK radios and checkboxes have none.
        group = label if isinstance(label, (list, tuple)) else [(value, label)]
        for option_value, option_label in group:
            value_text = str(option_value if option_value is not None else "")
            if kind == "radios" and value_text == "":
                continue  # a select's "---------"; an optional radio is simply left unticked
            choices.append(
                {
                    "value": value_text,
                    "label": option_label,
                    "selected": value_text in values,
                    "id": f"{id_}_{index}" if id_ else "",
                }
            )
            index += 1
    return choices


def _choice_items(bound_field, kind, options, field_context):
    prefix = "nhsuk-radios" if kind == "radios" else "nhsuk-checkboxes"
    revealed = dict(options.get("revealed") or {})
    items = []
    for choice in _choices(bound_field, kind):
        conditional = revealed.pop(choice["value"], None)
        conditional_id = f"conditional-{choice['id']}" if conditional is not None else ""
        attrs = {
            "class": f"{prefix}__input",
            "id": choice["id"] or False,
            "name": bound_field.html_name,
            "type": "radio" if kind == "radios" else "checkbox",
            "value": choice["value"],
            "checked": choice["selected"],
            "disabled": bound_field.field.disabled,
            "data-aria-controls": conditional_id or False,
        }
        items.append(
            {
                "id": choice["id"],
                "label": choice["label"],
                "flat_attrs": flatatt(attrs),
                "conditional": conditional,
                "conditional_id": conditional_id,
                "conditional_classes": _classes(
                    f"{prefix}__conditional",
                    "" if choice["selected"] else f"{prefix}__conditional--hidden",
                ),
            }
        )
    if revealed:
        # Those fields were drawn for the reveal and would otherwise vanish from the page.
        raise ImproperlyConfigured(
            f"{bound_field.name}: reveal names values that are not choices: {sorted(revealed)}"
        )
    field_context["wrapper_classes"] = _classes(
        prefix,
        f"{prefix}--small" if options.get("small") else "",
        f"{prefix}--inline" if options.get("inline") else "",
    )
    field_context["data_module"] = prefix
    return items


def _date_items(bound_field, errors):
    widget = bound_field.field.widget
    id_ = base_id(bound_field)
    value = bound_field.value()
    if not isinstance(value, (list, tuple)):
        value = widget.decompress(value)
    # Highlight only the boxes each error names (params["parts"]); an error that names
    # none, such as a validator's, highlights all three.
    error_parts = set()
    for error in errors:
        error_parts.update((error.params or {}).get("parts") or PARTS)
    items = []
    for index, (part, subwidget) in enumerate(zip(PARTS, widget.widgets, strict=True)):
        part_value = value[index] if index < len(value) else None
        has_error = part in error_parts
        attrs = {k: v for k, v in subwidget.attrs.items() if k not in ("required", "class")}
        attrs.update(
            {
                "class": _classes(
                    "nhsuk-input",
                    "nhsuk-input--error" if has_error else "",
                    subwidget.attrs.get("class"),
                ),
                "id": widget.part_id(id_, part) or False,
                "name": f"{bound_field.html_name}_{part}",
                "type": "text",
                "value": "" if part_value is None else str(part_value),
                "disabled": bound_field.field.disabled,
            }
        )
        if not attrs["value"]:
            attrs["value"] = False
        items.append(
            {
                "id": attrs["id"],
                "label": widget.part_label(part),
                "group_classes": _classes(
                    "nhsuk-form-group", "nhsuk-form-group--error" if has_error else ""
                ),
                "flat_attrs": flatatt(attrs),
            }
        )
    return items


@register.simple_tag(takes_context=True)
def nhsuk_field(context, bound_field):
    """Everything the pack's field templates need to draw `bound_field`, as a dict.

    Reads the layout object's options (`imhs.nhsuk.layout`) and crispy's `form_show_errors`,
    `form_show_labels`, `label_class` and `wrapper_class` from the context.
    Keys: template, kind, field (the BoundField), id, label, label_classes,
    legend_classes, hint, hint_id, errors, error_id, group_classes, describedby, and per
    kind: widget_html (input, select, textarea, checkbox, hidden), items (radios,
    checkboxes, date), wrapper_classes + data_module (radios, checkboxes), maxlength +
    info_id (character count).
    """
    options = context.get(OPTIONS) or {}
    kind = _kind(bound_field, options)
    field = bound_field.field
    id_ = base_id(bound_field)
    show_errors = context.get("form_show_errors", True)
    error_data = bound_field.errors.as_data() if show_errors else []
    errors = [message for error in error_data for message in error]

    label = str(bound_field.label or "")
    # NHS.UK style marks the optional questions, not the required ones. A lone checkbox
    # ("I agree ...") is not a question that can be skipped, so it is never "optional".
    mark_optional = options.get("mark_optional", True)
    if label and mark_optional and not field.required and kind not in ("checkbox", "hidden"):
        label = f"{label} (optional)"

    hint = field.help_text
    hint_id = f"{id_}-hint" if hint and id_ else ""
    error_id = f"{id_}-error" if errors and id_ else ""
    info_id = f"{id_}-info" if kind == "character_count" and id_ else ""

    field_context = {
        "template": f"nhsuk/fields/{_TEMPLATES.get(kind, kind)}.html",
        "kind": kind,
        "field": bound_field,
        "id": id_,
        "label": label,
        "label_classes": _classes(
            "nhsuk-label",
            context.get("label_class", ""),
            "" if context.get("form_show_labels", True) else "nhsuk-u-visually-hidden",
        ),
        "legend_classes": _classes(
            "nhsuk-fieldset__legend",
            "" if context.get("form_show_labels", True) else "nhsuk-u-visually-hidden",
        ),
        "hint": hint,
        "hint_id": hint_id,
        "errors": errors,
        "error_id": error_id,
        "describedby": _classes(info_id, hint_id, error_id),
        "group_classes": _classes(
            "nhsuk-form-group",
            "nhsuk-form-group--error" if errors else "",
            "nhsuk-character-count" if kind == "character_count" else "",
            context.get("wrapper_class", ""),
        ),
    }

    if kind in ("radios", "checkboxes"):
        field_context["items"] = _choice_items(bound_field, kind, options, field_context)
    elif kind == "date":
        field_context["items"] = _date_items(bound_field, error_data)
    elif kind == "checkbox":
        field_context["widget_html"] = _render_widget(
            bound_field,
            {
                "class": _classes("nhsuk-checkboxes__input", field.widget.attrs.get("class")),
                "aria-describedby": field_context["describedby"] or False,
            },
        )
    elif kind == "hidden":
        field_context["widget_html"] = _render_widget(bound_field, {})
    else:
        field_context.update(_text_like(bound_field, kind, options, field_context, errors))
    return field_context


def _text_like(bound_field, kind, options, field_context, errors):
    """Inputs, selects and textareas: one control under a label."""
    widget, attrs = _text_widget(bound_field)
    component = {"select": "select", "textarea": "textarea", "character_count": "textarea"}.get(
        kind, "input"
    )
    attrs["class"] = _classes(
        f"nhsuk-{component}",
        _ERROR_CLASSES[component] if errors else "",
        "nhsuk-js-character-count" if kind == "character_count" else "",
        widget.attrs.get("class"),
    )
    attrs["aria-describedby"] = field_context["describedby"] or False
    if isinstance(widget, forms.EmailInput):
        attrs.setdefault("spellcheck", "false")
    extra = {}
    if kind == "character_count":
        # No maxlength attribute: the count warns instead of the browser truncating.
        attrs["maxlength"] = False
        extra = {"maxlength": options["maxlength"], "info_id": f"{field_context['id']}-info"}
    return {"widget_html": _render_widget(bound_field, attrs, widget), **extra}


@register.simple_tag
def nhsuk_error_summary(form):
    """The error summary's entries, [{"text", "href"}], non-field errors first.

    Each field error links to the field's first input (`#id_name`, the day box of a date,
    the first radio or checkbox); errors of hidden fields and non-field errors have no
    link (href is "").
    """
    items = [{"text": message, "href": ""} for message in form.non_field_errors()]
    for bound_field in form:
        target = "" if bound_field.is_hidden else error_target_id(bound_field)
        for message in bound_field.errors:
            items.append({"text": message, "href": f"#{target}" if target else ""})
    return items


@register.inclusion_tag("nhsuk/errors.html")
def nhsuk_page_error_summary(form):
    """The error summary at the top of the page, before the h1, as NHS.UK asks.

    Marks the form so the pack does not draw a second summary inside it. Put it above the form
    in the template (page templates get it from `two_thirds.html`).
    """
    form.error_summary_at_top = True
    return {"form": form}


@register.filter
def nhsuk_button_classes(button):
    """Classes of a crispy button: NHS.UK's, in place of crispy's Bootstrap defaults."""
    classes = str(getattr(button, "field_classes", "")).split()
    if "nhsuk-button" in classes:
        return _classes(*classes)
    ours = [c for c in classes if not c.startswith("btn")]
    secondary = getattr(button, "input_type", "submit") != "submit"
    return _classes("nhsuk-button", "nhsuk-button--secondary" if secondary else "", *ours)


@register.filter
def nhsuk_legend_classes(fieldset):
    """Legend classes for a fieldset; `size` comes from `imhs.nhsuk.layout.Fieldset`."""
    size = getattr(fieldset, "size", None)
    return _classes("nhsuk-fieldset__legend", f"nhsuk-fieldset__legend--{size}" if size else "")
