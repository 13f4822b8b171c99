"""The parent's forms: the baby's date of birth (to open a secure link), then their own views.

Written for a reading age of about 9: short questions, everyday words, one idea a sentence.
"""

from crispy_forms.layout import Layout
from django import forms

from imhs.nhsuk.fields import DateInputField
from imhs.nhsuk.forms import NHSForm
from imhs.nhsuk.layout import CharacterCount, Fieldset, Question, Radios
from referrals.invitations import VIEW_FIELDS

STORY_MAX_LENGTH = 3000
SHORT_MAX_LENGTH = 200
LANGUAGE_MAX_LENGTH = 100

# The five questions in the parent's own words; at least one must be answered to send. The page
# says so once, above them, so the boxes themselves are not marked "(optional)".
STORY_FIELDS = ("going_well", "worries", "relationship", "help_wanted", "anything_else")
AT_LEAST_ONE = "Write something in at least one of the first 5 boxes, so the team can hear from you"

# Stored in ParentViews.near_me as the value; the label is what the team should show.
NEAR_ME_CHOICES = [("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")]
NEAR_ME_LABELS = dict(NEAR_ME_CHOICES)
INTERPRETER_CHOICES = [("yes", "Yes"), ("no", "No")]


class DateOfBirthForm(NHSForm):
    date_of_birth = DateInputField(
        label="What is your baby's date of birth?",
        help_text="For example, 15 3 2025",
        error_subject="Your baby's date of birth",
    )

    def wrong_answer(self, tries_left):
        """Mark the answer as not matching, at the field and so in the error summary."""
        tries = "1 more try" if tries_left == 1 else f"{tries_left} more tries"
        self.add_error(
            "date_of_birth",
            forms.ValidationError(
                f"That date of birth does not match our records. You have {tries}.",
                code="wrong",
                params={"parts": ["day", "month", "year"]},
            ),
        )


def _story(label, hint):
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=STORY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": f"This answer must be {STORY_MAX_LENGTH} characters or fewer",
        },
    )


def _short(label, hint, max_length=SHORT_MAX_LENGTH):
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=max_length,
        error_messages={"max_length": f"This answer must be {max_length} characters or fewer"},
    )


class ParentViewsForm(NHSForm):
    """The parent's views. Every question is optional, but going on to check and send needs at
    least one of the five story answers (`sending=True`); saving to come back later needs none."""

    going_well = _story(
        "What is going well with your baby?",
        "For example, things you enjoy doing together.",
    )
    worries = _story(
        "What worries you?",
        "It can be about your baby, about you, or about home.",
    )
    relationship = _story(
        "How would you describe your relationship with your baby?",
        "For example, how you feel when you are together.",
    )
    help_wanted = _story(
        "What would you like help with?",
        "Tell us what would make things better for you and your baby.",
    )
    anything_else = _story(
        "Is there anything else you want the team to know?",
        "",
    )
    interpreter = forms.ChoiceField(
        label="Do you need an interpreter?",
        choices=INTERPRETER_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    interpreter_language = _short("What language do you speak?", "", max_length=LANGUAGE_MAX_LENGTH)
    contact_how = _short(
        "What is the best way to contact you?",
        "For example, a phone call, a text message or an email.",
    )
    contact_times = _short(
        "When is a good time?",
        "For example, weekday mornings, or after 3pm.",
    )
    near_me = forms.ChoiceField(
        label="Would a video call (Near Me) suit you?",
        help_text="Near Me is the NHS video call service. You use it on a phone, tablet or "
        "computer.",
        choices=NEAR_ME_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )

    layout = Layout(
        *(CharacterCount(name, optional=False) for name in STORY_FIELDS),
        Fieldset(
            "Getting in touch",
            Radios(
                "interpreter",
                inline=True,
                reveal={"yes": [Question("interpreter_language", optional=False)]},
            ),
            "contact_how",
            "contact_times",
            Radios("near_me"),
            size="m",
        ),
    )

    def __init__(self, *args, sending=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sending = sending

    @classmethod
    def initial_for(cls, views):
        """The saved answers (a ParentViews, or None) as initial data."""
        if views is None:
            return {}
        initial = {name: getattr(views, name) for name in (*STORY_FIELDS, "contact_how")}
        initial.update(
            contact_times=views.contact_times,
            interpreter_language=views.interpreter_language,
            # A language saved means they asked for an interpreter; "no" is not stored.
            interpreter="yes" if views.interpreter_language else "",
            near_me=views.near_me,
        )
        return initial

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("interpreter") == "yes":
            if not cleaned.get("interpreter_language") and "interpreter_language" not in (
                self.errors
            ):
                self.add_error(
                    "interpreter_language", "Enter the language you need an interpreter for"
                )
        else:
            # Asked only after "Yes": whatever is in the hidden box is ignored.
            self.errors.pop("interpreter_language", None)
            cleaned["interpreter_language"] = ""
        if (
            self.sending
            and not any((cleaned.get(name) or "").strip() for name in STORY_FIELDS)
            and not any(name in self.errors for name in STORY_FIELDS)
        ):
            self.add_error("going_well", AT_LEAST_ONE)
        return cleaned

    def answers(self):
        """The cleaned answers, as `invitations.save_views` takes them."""
        return {name: self.cleaned_data.get(name) or "" for name in VIEW_FIELDS}

    @staticmethod
    def has_story(views):
        return any(getattr(views, name).strip() for name in STORY_FIELDS)

    @classmethod
    def summary(cls, views):
        """(question, answer, field name) for every question, in the page's order, for the
        check-your-answers step. An unanswered question reads "Not answered"."""
        rows = []
        for name in VIEW_FIELDS:
            value = getattr(views, name)
            if name == "interpreter_language":
                name, value = "interpreter", f"Yes, {value}" if value else "No"
            elif name == "near_me":
                value = NEAR_ME_LABELS.get(value, "")
            rows.append((cls.base_fields[name].label, value or "Not answered", name))
        return rows
