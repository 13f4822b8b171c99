"""What every section form of the Request for Assistance has in common."""

from imhs.nhsuk.forms import NHSForm


class SectionForm(NHSForm):
    """One section of the Request for Assistance.

    Subclasses declare their fields and a crispy `layout` (a `crispy_forms.layout.Layout`), and
    implement:

    - `initial_for(referral)` (classmethod): the section's saved answers, as initial data;
    - `save()`: write `self.cleaned_data` to `self.referral` (and its infant, carers, ...).
      It runs inside the draft's transaction with the referral row locked; `drafts.save_section`
      saves the referral's own bookkeeping fields, so `save()` saves only what it changes, with
      `update_fields`;
    - `summary(referral)` (classmethod): the answers for "Check your answers" and the read-only
      page, as a list of `(label, value)` pairs (value: text; "" shows as "Not given").

    The view supplies `referral=` and renders the form with the `nhsuk` crispy pack; the page
    provides the <form> tag, the CSRF token, the version and the button.
    """

    def __init__(self, *args, referral, **kwargs):
        self.referral = referral
        if not args and "data" not in kwargs:
            kwargs.setdefault("initial", self.initial_for(referral))
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_for(cls, referral):
        return {}

    def save(self):
        raise NotImplementedError(f"{type(self).__name__} must say how it saves its answers.")

    @classmethod
    def summary(cls, referral):
        raise NotImplementedError(f"{cls.__name__} must say how its answers read back.")

    def ignore_answer(self, name, empty):
        """A follow-up question that was not asked (its radio was not chosen): whatever is in
        its hidden box is ignored, never an error, and it saves as `empty`. Call from clean()."""
        self.errors.pop(name, None)
        self.cleaned_data[name] = empty


YES_NO_CHOICES = [("yes", "Yes"), ("no", "No")]


def to_bool(choice):
    """ "yes"/"no" radio answers to True/False ("" → None)."""
    return {"yes": True, "no": False}.get(choice)


def from_bool(value):
    return {True: "yes", False: "no"}.get(value, "")
