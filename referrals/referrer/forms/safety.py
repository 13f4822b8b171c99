"""Safety and other support: child protection, other risks, and the other professionals and
agencies working with the family.

The professionals are rows of fields (`professional_0_name`, `professional_0_role`, ...): the
saved ones, then `BLANK_ROWS` empty rows. A row left blank is ignored, so the page needs no
JavaScript and no view of its own: to name more people than there are rows, the referrer saves
and comes back to find empty rows again.
"""

import re

from crispy_forms.layout import HTML, Layout
from django import forms

from imhs.nhsuk.layout import CharacterCount, Fieldset, Radios
from imhs.nhsuk.text import yes_no
from patients.catchment import CATCHMENT
from referrals.models import InvolvedProfessional
from referrals.referrer.forms.base import YES_NO_CHOICES, SectionForm, from_bool, to_bool

BLANK_ROWS = 2
# Rows read from a submission: a bound well above any real team around a family, so a crafted
# POST cannot make the page build thousands of fields.
MAX_ROWS = 30
ROW_PARTS = ("name", "role", "contact")
_ROW_FIELD = re.compile(r"^professional_(\d+)_(name|role|contact)$")

DETAILS_MAX_LENGTH = 1000
RISKS_MAX_LENGTH = 1000


def row_field(index, part):
    return f"professional_{index}_{part}"


def _name_field():
    # Needed whenever anything else in its row is filled in (see `clean`).
    return forms.CharField(
        label="Name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": "Enter the professional's name",
            "max_length": "Name must be 200 characters or fewer",
        },
    )


def _role_field():
    return forms.CharField(
        label="Role or agency",
        help_text=f"For example, social worker, {CATCHMENT.councils[0].name} Council.",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": "Enter the professional's role or agency",
            "max_length": "Role or agency must be 200 characters or fewer",
        },
    )


def _contact_field():
    return forms.CharField(
        label="Phone number or email",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"max_length": "Phone number or email must be 200 characters or fewer"},
    )


_ROW_FIELDS = {"name": _name_field, "role": _role_field, "contact": _contact_field}


class SafetyForm(SectionForm):
    child_protection_concerns = forms.ChoiceField(
        label="Are there any child protection concerns about the baby?",
        choices=YES_NO_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select yes if there are child protection concerns about the baby",
        },
    )
    # The next two are asked only when there are concerns (see `clean`).
    child_protection_plan = forms.ChoiceField(
        label="Is there a child protection plan for the baby?",
        choices=YES_NO_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if there is a child protection plan for the baby"},
    )
    child_protection_details = forms.CharField(
        label="What are the concerns?",
        help_text="Include who the lead professional or social worker is, if you know.",
        max_length=DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Describe the child protection concerns",
            "max_length": "Child protection concerns must be "
            f"{DETAILS_MAX_LENGTH} characters or fewer",
        },
    )
    other_risks = forms.CharField(
        label="Other risks the team should know about",
        help_text="For example, to the baby, to a parent, or to a practitioner visiting the home. "
        "Leave it blank if there are none.",
        required=False,
        max_length=RISKS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": f"Other risks must be {RISKS_MAX_LENGTH} characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.rows = _row_numbers(self.data) or list(range(BLANK_ROWS))
        else:
            self.rows = list(range(len(_row_numbers(self.initial)) + BLANK_ROWS))
        for index in self.rows:
            for part in ROW_PARTS:
                self.fields[row_field(index, part)] = _ROW_FIELDS[part]()
        self.helper.layout = self._layout()

    def _layout(self):
        return Layout(
            # Stacked: NHS.UK radios cannot reveal questions when inline.
            Radios(
                "child_protection_concerns",
                reveal={
                    "yes": [
                        Radios("child_protection_plan", inline=True),
                        CharacterCount("child_protection_details"),
                    ]
                },
            ),
            CharacterCount("other_risks"),
            HTML(
                '<h2 class="nhsuk-heading-m">Other professionals and agencies</h2>'
                '<p class="nhsuk-body">Anyone else working with the family, such as a social '
                "worker, GP, family support worker or nursery key worker. Leave the rows blank "
                "if there is no one else.</p>"
                f'<p class="nhsuk-body">To add more than {_number(BLANK_ROWS)}, select “Save and '
                f"continue” and come back to this section: there will be space for "
                f"{_number(BLANK_ROWS)} more.</p>"
            ),
            *(
                Fieldset(
                    f"Professional or agency {position}",
                    *(row_field(index, part) for part in ROW_PARTS),
                    size="s",
                )
                for position, index in enumerate(self.rows, start=1)
            ),
        )

    @classmethod
    def initial_for(cls, referral):
        initial = {
            "child_protection_concerns": from_bool(referral.child_protection_concerns),
            "child_protection_plan": from_bool(referral.child_protection_plan),
            "child_protection_details": referral.child_protection_details,
            "other_risks": referral.other_risks,
        }
        if referral.pk:
            for index, professional in enumerate(referral.professionals.all()):
                for part in ROW_PARTS:
                    initial[row_field(index, part)] = getattr(professional, part)
        return initial

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("child_protection_concerns") != "yes":
            # Follow-up questions not asked: whatever is in them is ignored, never an error.
            self.ignore_answer("child_protection_plan", "")
            self.ignore_answer("child_protection_details", "")
        for index in self.rows:
            names = [row_field(index, part) for part in ROW_PARTS]
            if not any(self.data.get(name, "").strip() for name in names):
                for name in names:
                    self.ignore_answer(name, "")
        return cleaned

    def professionals(self):
        """The submitted rows that name someone, in order, as (name, role, contact)."""
        rows = []
        for index in self.rows:
            name, role, contact = (self.cleaned_data[row_field(index, p)] for p in ROW_PARTS)
            if name or role or contact:
                rows.append((name, role, contact))
        return rows

    def save(self):
        referral = self.referral
        cleaned = self.cleaned_data
        referral.child_protection_concerns = to_bool(cleaned["child_protection_concerns"])
        referral.child_protection_plan = to_bool(cleaned["child_protection_plan"])
        referral.child_protection_details = cleaned["child_protection_details"]
        referral.other_risks = cleaned["other_risks"]
        referral.save(
            update_fields=[
                "child_protection_concerns",
                "child_protection_plan",
                "child_protection_details",
                "other_risks",
            ]
        )
        referral.professionals.all().delete()
        InvolvedProfessional.objects.bulk_create(
            InvolvedProfessional(referral=referral, name=name, role=role, contact=contact)
            for name, role, contact in self.professionals()
        )

    @classmethod
    def summary(cls, referral):
        answered = referral.child_protection_concerns is not None
        rows = [("Child protection concerns", yes_no(referral.child_protection_concerns))]
        if referral.child_protection_concerns:
            rows += [
                ("Child protection plan", yes_no(referral.child_protection_plan)),
                ("The child protection concerns", referral.child_protection_details),
            ]
        professionals = [
            ", ".join(part for part in (p.name, p.role, p.contact) if part)
            for p in (referral.professionals.all() if referral.pk else [])
        ]
        none = "None" if answered else ""
        rows += [
            ("Other risks", referral.other_risks or none),
            ("Other professionals and agencies", "\n".join(professionals) or none),
        ]
        return rows


def _row_numbers(data):
    """The numbers of the professionals' rows in a submission, a stored draft or initial data."""
    numbers = set()
    for key in data:
        match = _ROW_FIELD.match(key)
        if match and int(match.group(1)) < MAX_ROWS:
            numbers.add(int(match.group(1)))
    return sorted(numbers)


def _number(n):
    return {1: "one", 2: "two", 3: "three"}.get(n, str(n))
