"""The Request for Assistance as a blank paper form, for when the service is down
(docs/safety/paper-referrals.md). Every question is read from the section forms the
registry names (`referrals.sections`), in their pages' order, so the paper form can never ask
different questions from the screens."""

from dataclasses import dataclass, field

from django import forms

from imhs.nhsuk.fields import DateInputField
from imhs.nhsuk.layout import Fieldset
from referrals.models import Referral
from referrals.sections import SECTIONS

# Answers that take a paragraph get this many ruled lines; a short answer one.
LONG_ANSWER_LINES = 4


@dataclass(frozen=True)
class PaperQuestion:
    name: str
    label: str
    hint: str
    kind: str  # "text", "long", "date", "choice", "choices"
    choices: tuple = ()
    asked_when: str = ""  # the answer above that asks it ("" = always asked)
    group: str = ""  # the legend it is asked under, if any

    @property
    def lines(self):
        return range(LONG_ANSWER_LINES if self.kind == "long" else 1)


@dataclass
class PaperSection:
    title: str
    questions: list = field(default_factory=list)


def _kind(form_field):
    if isinstance(form_field, DateInputField):
        return "date"
    if isinstance(form_field, forms.MultipleChoiceField):
        return "choices"
    if isinstance(form_field, forms.ChoiceField):
        return "choice"
    if isinstance(form_field.widget, forms.Textarea):
        return "long"
    return "text"


def _layout(form_class):
    """The form's layout and fields: declared on the class, or (its rows depend on the data, as
    the other agencies' are) those of a blank form for a new referral."""
    if form_class.layout is not None:
        return form_class.layout, form_class.base_fields
    blank = form_class(referral=Referral(), initial={})
    return blank.helper.layout, blank.fields


def _walk(items, fields, seen, *, group="", asked_when=""):
    """The questions of layout `items` in page order, revealed questions after their radio."""
    for item in items:
        if isinstance(item, str):
            names, reveal, legend = [item], {}, ""
        elif isinstance(item, Fieldset):
            yield from _walk(item.fields, fields, seen, group=item.legend, asked_when=asked_when)
            continue
        else:
            names = [name for name in getattr(item, "fields", []) if isinstance(name, str)]
            reveal = getattr(item, "reveal", {})
            legend = ""
            nested = [name for name in getattr(item, "fields", []) if not isinstance(name, str)]
            yield from _walk(nested, fields, seen, group=group, asked_when=asked_when)
        for name in names:
            if name not in fields or name in seen:
                continue
            seen.add(name)
            yield _question(name, fields[name], group=group or legend, asked_when=asked_when)
            choices = dict(getattr(fields[name], "choices", []) or [])
            for value, revealed in reveal.items():
                when = f"Answer if “{choices.get(value, value)}” above"
                yield from _walk(revealed, fields, seen, group=group, asked_when=when)


def _question(name, form_field, *, group, asked_when):
    choices = tuple(str(label) for value, label in getattr(form_field, "choices", []) if value)
    return PaperQuestion(
        name=name,
        label=str(form_field.label),
        hint=str(form_field.help_text or ""),
        kind=_kind(form_field),
        choices=choices,
        asked_when=asked_when,
        group=str(group or ""),
    )


def sections():
    """Every section of the form with every question its form asks."""
    paper = []
    for section in SECTIONS:
        layout, fields = _layout(section.questions)
        seen = set()
        questions = list(_walk(layout.fields if layout else [], fields, seen))
        # Anything the layout draws another way (an include) is still asked, at the end.
        questions += [
            _question(n, f, group="", asked_when="") for n, f in fields.items() if n not in seen
        ]
        paper.append(PaperSection(title=section.title, questions=questions))
    return paper
