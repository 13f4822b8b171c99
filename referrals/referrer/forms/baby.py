"""About the baby: the first section of the Request for Assistance.

The GP practice is chosen on a search page of its own (`referrals.referrer.views.practice`),
which saves it to the infant straight away with `ChoosePracticeForm`. This page asks how the baby is
registered; "Registered with a GP practice" shows the chosen practice, or a button to find one.
That button posts this page to the search page, which keeps what was typed (as the section's
draft, through `drafts.save_section`) before showing the search, so nothing is lost on the way.
"""

from crispy_forms.layout import Field, Layout
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from imhs.nhsuk.fields import DateInputField
from imhs.nhsuk.layout import CharacterCount, Fieldset, Radios
from imhs.nhsuk.text import nhs_date, yes_no
from patients.chi import format_chi
from patients.forms import (
    INFANT_DETAILS,
    chi_number_field,
    clean_chi_number,
    clean_date_of_birth,
    flag_chi_date_of_birth_mismatch,
    postcode_field,
)
from patients.models import GPPractice, GPRegistration, LivesWith, Sex
from referrals.referrer.forms.base import YES_NO_CHOICES, SectionForm, from_bool, to_bool

SECTION = "baby"
# The name of this page's button that posts what was typed to the practice search page
# (referrals.referrer.views.practice), which keeps it as the section's draft: the section page
# then shows that draft without errors for the questions not reached yet.
FIND_PRACTICE_BUTTON = "find_practice"

# The answers in the referrer's words (GPRegistration's labels are the team's).
GP_REGISTRATION_CHOICES = [
    (GPRegistration.LISTED, "Registered with a GP practice"),
    (GPRegistration.NOT_LISTED, "Registered, but I can't find the practice"),
    (GPRegistration.NOT_REGISTERED, "Not registered with a GP"),
]
GP_NOT_LISTED_MAX_LENGTH = 200  # Infant.gp_practice_not_listed
ADDITIONAL_NEEDS_MAX_LENGTH = 1000

CHOOSE_PRACTICE = "Find and choose the baby's GP practice"
SELECT_PRACTICE = "Select the baby's GP practice from the list"
PRACTICE_QUERY_MIN_LENGTH = 3


def _text(label, *, required=True, max_length, subject=None, missing=None, **kwargs):
    """A text box with NHS.UK-worded messages: `missing` when blank, and
    "<subject> must be N characters or fewer" when too long."""
    messages = {"max_length": f"{subject or label} must be {max_length} characters or fewer"}
    if missing:
        messages["required"] = missing
    field = forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        error_messages=messages,
        **kwargs,
    )
    # No maxlength attribute: a browser would cut a longer answer off without a word; the
    # message above says what is wrong instead.
    field.widget.attrs.pop("maxlength", None)
    return field


class _AskedWhenRevealed(forms.CharField):
    """A follow-up question under a radio: required when that radio is chosen, which the
    form's `clean` checks, so it never reads "(optional)" nor complains while hidden."""

    def validate(self, value):
        pass


class _Include:
    """A layout object drawing a template with the form in its context (crispy's `HTML` would
    read its text as a template, practice names included)."""

    def __init__(self, template_name):
        self.template_name = template_name

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        return render_to_string(self.template_name, {"form": form})


class BabyForm(SectionForm):
    given_name = _text(
        "First name",
        max_length=150,
        missing="Enter the baby's first name",
        subject="The baby's first name",
    )
    family_name = _text(
        "Last name",
        max_length=150,
        missing="Enter the baby's last name",
        subject="The baby's last name",
    )
    date_of_birth = DateInputField(
        label="Date of birth",
        error_subject="Date of birth",
        error_messages={"required": "Enter the baby's date of birth"},
        help_text="For example, 14 2 2025",
    )
    chi_number = chi_number_field()
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the baby's sex",
            "invalid_choice": "Select the baby's sex",
        },
    )
    address_line_1 = _text(
        "Address line 1",
        max_length=200,
        missing="Enter the first line of the baby's home address",
    )
    address_line_2 = _text("Address line 2", required=False, max_length=200)
    town = _text(
        "Town or city",
        max_length=100,
        missing="Enter the town or city of the baby's home address",
    )
    # Required here although the model allows a blank: the eligibility check needs it.
    postcode = postcode_field(
        required=True,
        label="Postcode",
        error_messages={"required": "Enter the postcode of the baby's home address"},
    )
    gp_registration = forms.ChoiceField(
        label="Is the baby registered with a GP practice?",
        choices=GP_REGISTRATION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the baby is registered with a GP",
            "invalid_choice": "Select whether the baby is registered with a GP",
        },
    )
    # Required when "Registered, but I can't find the practice" is chosen; its length is
    # checked in `clean` too, so that a hidden answer never shows an error.
    gp_practice_not_listed = _AskedWhenRevealed(
        label="Name and town of the GP practice",
        help_text="For example, Testville Medical Practice, Coatbridge",
    )
    lives_with = forms.ChoiceField(
        label="Who does the baby live with?",
        choices=LivesWith.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who the baby lives with",
            "invalid_choice": "Select who the baby lives with",
        },
    )
    nursery = _text(
        "Nursery or early learning centre the baby attends",
        required=False,
        max_length=200,
        subject="The nursery or early learning centre",
        help_text="Leave this blank if the baby does not attend one.",
    )
    first_language = _text(
        "Main language spoken at home",
        required=False,
        max_length=100,
        subject="The language",
        help_text="For example, English, Polish or British Sign Language",
    )
    interpreter_needed = forms.ChoiceField(
        label="Does the family need an interpreter?",
        choices=YES_NO_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select yes if the family needs an interpreter",
            "invalid_choice": "Select yes if the family needs an interpreter",
        },
    )
    additional_needs = _text(
        "Does the baby have any other needs?",
        required=False,
        max_length=ADDITIONAL_NEEDS_MAX_LENGTH,
        subject="Other needs",
        help_text="For example, a disability, a long-term health condition, or hearing or "
        "sight needs.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    layout = Layout(
        # Enter in a text box presses a form's first button: this one, not "Find the GP
        # practice" further down (the page's own "Save and continue" comes last).
        _Include("referrals/baby/default_button.html"),
        Fieldset(
            "Name",
            Field("given_name", css_class="nhsuk-u-width-two-thirds"),
            Field("family_name", css_class="nhsuk-u-width-two-thirds"),
            size="m",
        ),
        "date_of_birth",
        Field("chi_number", css_class="nhsuk-input--width-10"),
        Radios("sex"),
        Fieldset(
            "Home address",
            "address_line_1",
            "address_line_2",
            Field("town", css_class="nhsuk-u-width-two-thirds"),
            Field("postcode", css_class="nhsuk-input--width-10"),
            size="m",
        ),
        Radios(
            "gp_registration",
            reveal={
                GPRegistration.LISTED: [_Include("referrals/baby/gp_practice.html")],
                GPRegistration.NOT_LISTED: ["gp_practice_not_listed"],
            },
        ),
        Radios("lives_with"),
        "nursery",
        Fieldset(
            "Language",
            Field("first_language", css_class="nhsuk-u-width-two-thirds"),
            Radios("interpreter_needed", inline=True),
            size="m",
        ),
        CharacterCount("additional_needs"),
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, referral=referral, **kwargs)
        # For the "Registered with a GP practice" answer (templates/referrals/baby/).
        self.gp_practice = referral.infant.gp_practice
        self.find_practice_url = reverse("referrals:find_practice", args=[referral.pk])
        self.find_practice_button = FIND_PRACTICE_BUTTON

    @classmethod
    def initial_for(cls, referral):
        infant = referral.infant
        return {
            "given_name": infant.given_name,
            "family_name": infant.family_name,
            "date_of_birth": infant.date_of_birth,
            "chi_number": format_chi(infant.chi_number),
            "sex": infant.sex,
            "address_line_1": infant.address_line_1,
            "address_line_2": infant.address_line_2,
            "town": infant.town,
            "postcode": infant.postcode,
            "gp_registration": infant.gp_registration,
            "gp_practice_not_listed": infant.gp_practice_not_listed,
            "lives_with": infant.lives_with,
            "nursery": infant.nursery,
            "first_language": infant.first_language,
            "interpreter_needed": from_bool(_interpreter_answer(infant)),
            "additional_needs": infant.additional_needs,
        }

    def clean_chi_number(self):
        return clean_chi_number(self.cleaned_data["chi_number"])

    def clean_date_of_birth(self):
        return clean_date_of_birth(self.cleaned_data["date_of_birth"])

    def clean(self):
        cleaned = super().clean()
        flag_chi_date_of_birth_mismatch(self)
        self._clean_gp_practice(cleaned)
        language_needed = cleaned.get("interpreter_needed") == "yes" and not self.has_error(
            "first_language"
        )
        if language_needed and not cleaned.get("first_language"):
            self.add_error(
                "first_language", "Enter the language the family needs an interpreter for"
            )
        return cleaned

    def _clean_gp_practice(self, cleaned):
        registration = cleaned.get("gp_registration")
        typed = cleaned.get("gp_practice_not_listed", "")
        # An answer under a radio that is not chosen is ignored, whatever it says.
        cleaned["gp_practice_not_listed"] = ""
        if registration == GPRegistration.LISTED:
            # The practice is chosen on the search page and already saved on the infant; in
            # `drafts.save_section` this reads the locked row.
            if self.referral.infant.gp_practice_id is None:
                self.add_error("gp_registration", CHOOSE_PRACTICE)
        elif registration == GPRegistration.NOT_LISTED:
            if not typed:
                self.add_error(
                    "gp_practice_not_listed", "Enter the name and town of the baby's GP practice"
                )
            elif len(typed) > GP_NOT_LISTED_MAX_LENGTH:
                self.add_error(
                    "gp_practice_not_listed",
                    f"The GP practice must be {GP_NOT_LISTED_MAX_LENGTH} characters or fewer",
                )
            else:
                cleaned["gp_practice_not_listed"] = typed

    def save(self):
        data = self.cleaned_data
        infant = self.referral.infant
        for name in INFANT_DETAILS:
            setattr(infant, name, data[name])
        infant.interpreter_needed = to_bool(data["interpreter_needed"])
        # The registration answer and its details travel together (ADR 0004; the database
        # checks it). "listed" keeps the practice chosen on the search page.
        infant.gp_registration = data["gp_registration"]
        if infant.gp_registration != GPRegistration.LISTED:
            infant.gp_practice = None
        infant.gp_practice_not_listed = data["gp_practice_not_listed"]
        infant.save(
            update_fields=[
                "given_name",
                "family_name",
                "date_of_birth",
                "chi_number",
                "sex",
                "address_line_1",
                "address_line_2",
                "town",
                "postcode",
                "gp_registration",
                "gp_practice",
                "gp_practice_not_listed",
                "lives_with",
                "nursery",
                "first_language",
                "interpreter_needed",
                "additional_needs",
                "updated_at",
            ]
        )

    @classmethod
    def summary(cls, referral):
        infant = referral.infant
        address = [infant.address_line_1, infant.address_line_2, infant.town, infant.postcode]
        return [
            ("Name", infant.full_name),
            ("Date of birth", nhs_date(infant.date_of_birth)),
            ("CHI number", format_chi(infant.chi_number)),
            ("Sex", infant.get_sex_display()),
            ("Home address", "\n".join(filter(None, address))),
            ("GP practice", gp_practice_answer(infant)),
            ("Lives with", infant.get_lives_with_display()),
            ("Nursery or early learning centre", infant.nursery),
            ("Main language spoken at home", infant.first_language),
            ("Interpreter needed", yes_no(_interpreter_answer(infant))),
            ("Other needs", infant.additional_needs),
        ]


def gp_practice_answer(infant):
    """The GP registration answer as the summary shows it ("" until answered)."""
    if infant.gp_registration == GPRegistration.LISTED and infant.gp_practice is not None:
        practice = infant.gp_practice
        lines = [f"{practice.name} (practice code {practice.code})", practice.address]
        return "\n".join(filter(None, lines))
    if infant.gp_registration == GPRegistration.NOT_LISTED:
        return f"Not found in the list of practices: {infant.gp_practice_not_listed}"
    if infant.gp_registration == GPRegistration.NOT_REGISTERED:
        return "Not registered with a GP"
    return ""


def _interpreter_answer(infant):
    """The interpreter answer, or None before the section was first saved.

    The model's default (False) is not an answer: until this page has been saved cleanly (which
    always sets the baby's sex) the question shows unanswered.
    """
    return infant.interpreter_needed if infant.sex else None


class ChoosePracticeForm(SectionForm):
    """The practice picked on the search page, saved to the infant at once.

    Through `drafts.save_section` (key "baby:practice"), like any other answer: the draft is
    locked and its version checked. Any typed-but-unsaved answers of the baby's page are kept,
    with their registration answer turned to "Registered with a GP practice" to match.
    """

    # Drawn by the search page (templates/referrals/find_practice.html), one radio a result.
    practice = forms.CharField(
        label="GP practice",
        widget=forms.RadioSelect,
        error_messages={"required": SELECT_PRACTICE},
    )

    def clean_practice(self):
        code = self.cleaned_data["practice"].strip()
        practice = GPPractice.objects.filter(code=code, active=True).first()
        if practice is None:
            raise forms.ValidationError(SELECT_PRACTICE)
        return practice

    def save(self):
        infant = self.referral.infant
        infant.gp_registration = GPRegistration.LISTED
        infant.gp_practice = self.cleaned_data["practice"]
        infant.gp_practice_not_listed = ""
        infant.save(
            update_fields=["gp_registration", "gp_practice", "gp_practice_not_listed", "updated_at"]
        )
        typed = self.referral.section_drafts.get(SECTION)
        if typed is not None:
            # `drafts.save_section` saves section_drafts after this.
            typed["gp_registration"] = [GPRegistration.LISTED.value]

    @classmethod
    def summary(cls, referral):
        return []


class PracticeSearchForm(forms.Form):
    """The search box of the GP practice search page (a GET form)."""

    q = forms.CharField(
        label="Practice name, town, postcode or practice code",
        min_length=PRACTICE_QUERY_MIN_LENGTH,
        max_length=100,
        error_messages={
            "required": "Enter the practice's name, town, postcode or practice code",
            "min_length": f"Enter at least {PRACTICE_QUERY_MIN_LENGTH} letters or numbers to "
            "search for",
            "max_length": "Search for 100 characters or fewer",
        },
        help_text="For example, the practice's name, Airdrie, ML5 3BJ or its 5-digit code",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The messages above explain a short or long search; the browser would not.
        for attribute in ("minlength", "maxlength"):
            self.fields["q"].widget.attrs.pop(attribute, None)
