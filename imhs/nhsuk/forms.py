"""Form classes for the `nhsuk` crispy pack: the helper set once, and questions asked only
after a particular answer."""

from crispy_forms.helper import FormHelper
from django import forms


class NHSForm(forms.Form):
    """A form drawn by `{% crispy form %}` with the `nhsuk` pack, inside the page's own <form>
    (the page writes the tag, the CSRF token and the buttons, so the helper writes neither).

    Declare a crispy `layout` (`crispy_forms.layout.Layout` of `imhs.nhsuk.layout` objects), or
    set `self.helper.layout` in `__init__` when it depends on the data; without one, every field
    is drawn by its widget, in order.
    """

    layout = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        if self.layout is not None:
            self.helper.layout = self.layout


class ConditionalQuestions:
    """Questions that are required only sometimes, without "(optional)" on their labels.

    `conditional` maps a follow-up question drawn beneath one answer (`Radios(..., reveal=...)`)
    to the answers it follows, `((field, value), ...)`, all of which must be chosen for it to be
    asked. A question that is asked must be answered as its field says (declare it `required`,
    with its message); one that is not asked is ignored, whatever is in its box, and cleans
    to "".

    `answered_elsewhere()` names required questions that need no answer this time because of
    another answer (one of two ways to contact someone, say); they are validated if answered.
    Mix in before the form class: `class CarerForm(ConditionalQuestions, NHSForm)`.
    """

    conditional = {}

    def is_asked(self, name):
        return all(
            self.data.get(self.add_prefix(field)) == value
            for field, value in self.conditional[name]
        )

    def answered_elsewhere(self):
        return []

    def full_clean(self):
        if not self.is_bound:
            return super().full_clean()
        unasked = [name for name in self.conditional if not self.is_asked(name)]
        relaxed = [*unasked, *self.answered_elsewhere()]
        saved = {name: (self.fields[name].required, self.fields[name].disabled) for name in relaxed}
        for name in relaxed:
            self.fields[name].required = False
        for name in unasked:
            # Disabled: validated from its initial value, not what is in the (hidden) box.
            self.fields[name].disabled = True
        self._unasked = unasked
        try:
            super().full_clean()
        finally:
            # Back as declared, for drawing the page again.
            for name, (required, disabled) in saved.items():
                self.fields[name].required, self.fields[name].disabled = required, disabled

    def clean(self):
        cleaned = super().clean()
        for name in self._unasked:
            cleaned[name] = ""
        return cleaned
