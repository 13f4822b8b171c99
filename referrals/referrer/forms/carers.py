"""Parents and carers: one page a carer (add or change), and the list page that says the section
is done.

Also the pieces the About-you section shares: a UK phone number field, a text field and a yes/no
question.
"""

import phonenumbers
from crispy_forms.layout import Field, Layout
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from localflavor.gb.forms import GBPostcodeField
from phonenumber_field.formfields import PhoneNumberField

from imhs.nhsuk.forms import ConditionalQuestions
from imhs.nhsuk.layout import Fieldset, Radios
from imhs.nhsuk.text import yes_no
from patients.forms import POSTCODE_MESSAGE
from patients.models import Carer, CareRelationship, ContactMethod, Relationship
from referrals.labels import relationship_label
from referrals.referrer.forms.base import YES_NO_CHOICES, SectionForm, from_bool, to_bool

UK_PHONE_MESSAGE = f"Enter a UK phone number, like 07700 900 123 or {settings.SERVICE['phone']}"
EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.org"

# Ofcom keeps these ranges for TV and radio drama, so they are nobody's number: the demo data
# and the tests use them. libphonenumber calls them invalid, so they are allowed by name.
DRAMA_NUMBERS = (
    (7700900000, 7700900999),  # mobile, 07700 900xxx
    (1632960000, 1632960999),  # geographic, 01632 960xxx
)
_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def _is_drama(number):
    return number.country_code == 44 and any(
        low <= number.national_number <= high for low, high in DRAMA_NUMBERS
    )


def is_uk_phone(number):
    """A real UK (+44) number, or one of Ofcom's drama numbers."""
    if not number or number.country_code != 44:
        return False
    return phonenumbers.is_valid_number(number) or _is_drama(number)


def is_mobile(number):
    """A UK mobile number (one that can receive a text message)."""
    if not is_uk_phone(number):
        return False
    if _is_drama(number):
        return str(number.national_number).startswith("7")
    return phonenumbers.number_type(number) in _MOBILE_TYPES


class UKPhoneField(PhoneNumberField):
    """A UK phone number, typed in any usual way ("01632 960001", "+44 1632 960001");
    cleans to a `PhoneNumber` (or "" when left blank)."""

    default_validators = []  # is_uk_phone decides, in validate()

    def __init__(self, **kwargs):
        messages = {"invalid": UK_PHONE_MESSAGE, **kwargs.pop("error_messages", {})}
        super().__init__(region="GB", error_messages=messages, **kwargs)
        self.widget.attrs.setdefault("class", "nhsuk-input--width-20")

    def validate(self, value):
        super().validate(value)
        if value not in self.empty_values and not is_uk_phone(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")


def national(number):
    """How a stored phone number reads: "07700 900123" (or "" when there is none)."""
    if not number:
        return ""
    if isinstance(number, str):
        return number
    return number.as_national if number.country_code else str(number.raw_input or "")


def text_field(label, *, required=None, max_length, subject=None, **kwargs):
    """A text box with the NHS.UK messages: `required` is what to say when it is left blank
    (None: the question is optional)."""
    messages = {
        "max_length": f"{subject or label} must be {max_length} characters or fewer",
    }
    if required:
        messages["required"] = required
    return forms.CharField(
        label=label,
        required=bool(required),
        max_length=max_length,
        error_messages=messages,
        **kwargs,
    )


def yes_no_field(label, required, **kwargs):
    return forms.ChoiceField(
        label=label,
        choices=YES_NO_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": required, "invalid_choice": required},
        **kwargs,
    )


RELATIONSHIP_REQUIRED = "Select their relationship to the baby"
CONTACT_REQUIRED = "Enter a phone number or an email address, so the team can contact them"


class CarerForm(ConditionalQuestions, SectionForm):
    """One parent or carer of the baby: who they are, how to reach them, where they live.

    `relationship` is the CareRelationship being changed, or None to add a carer.
    """

    given_name = text_field(
        "First name",
        required="Enter the parent's or carer's first name",
        subject="First name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    family_name = text_field(
        "Last name",
        required="Enter the parent's or carer's last name",
        subject="Last name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    relationship = forms.ChoiceField(
        label="What is their relationship to the baby?",
        choices=Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": RELATIONSHIP_REQUIRED, "invalid_choice": RELATIONSHIP_REQUIRED},
    )
    relationship_other = text_field(
        "Their relationship to the baby",
        required="Enter their relationship to the baby",
        subject="Their relationship to the baby",
        max_length=100,
        help_text="For example, stepmother or grandmother's partner",
    )
    has_parental_responsibility = yes_no_field(
        "Do they have parental responsibility for the baby?",
        "Select yes if they have parental responsibility for the baby",
        help_text="Parental rights and responsibilities: for example, the baby's birth mother, a "
        "father who was married to her or is on the birth registration (since 4 May 2006), or "
        "someone given them by a court",
    )
    lives_with_infant = yes_no_field(
        "Do they live with the baby?", "Select yes if they live with the baby"
    )
    is_main_carer = yes_no_field(
        "Are they the baby's main carer?",
        "Select yes if they are the baby's main carer",
        help_text="The person who looks after the baby most of the time. Only one person can be "
        "the main carer.",
    )
    phone = UKPhoneField(
        label="Phone number",
        help_text="Enter a phone number, an email address, or both",
        error_messages={"required": CONTACT_REQUIRED},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": CONTACT_REQUIRED,
            "invalid": EMAIL_MESSAGE,
            "max_length": "Email address must be 254 characters or fewer",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    preferred_contact_method = forms.ChoiceField(
        label="How would they like the team to contact them?",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how they would like the team to contact them",
            "invalid_choice": "Select how they would like the team to contact them",
        },
    )
    interpreter_needed = yes_no_field(
        "Do they need an interpreter?", "Select yes if they need an interpreter"
    )
    first_language = text_field(
        "Which language do they need an interpreter for?",
        required="Enter the language they need an interpreter for",
        subject="Language",
        max_length=100,
        help_text="For example, Polish or British Sign Language",
    )
    at_baby_address = yes_no_field(
        "Do they live at the baby's address?", "Select yes if they live at the baby's address"
    )
    address_line_1 = text_field(
        "Address line 1",
        required="Enter the first line of their address",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    address_line_2 = text_field(
        "Address line 2",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    town = text_field(
        "Town or city",
        required="Enter their town or city",
        max_length=100,
        widget=forms.TextInput(attrs={"class": "nhsuk-u-width-two-thirds", "autocomplete": "off"}),
    )
    postcode = GBPostcodeField(
        label="Postcode",
        error_messages={"required": "Enter their postcode", "invalid": POSTCODE_MESSAGE},
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "autocomplete": "off"}),
    )

    conditional = {
        "relationship_other": (("relationship", Relationship.OTHER),),
        "first_language": (("interpreter_needed", "yes"),),
        "address_line_1": (("at_baby_address", "no"),),
        "address_line_2": (("at_baby_address", "no"),),
        "town": (("at_baby_address", "no"),),
        "postcode": (("at_baby_address", "no"),),
    }

    layout = Layout(
        Fieldset(
            "Their name",
            Field("given_name", css_class="nhsuk-u-width-two-thirds"),
            Field("family_name", css_class="nhsuk-u-width-two-thirds"),
            size="m",
        ),
        Radios("relationship", reveal={Relationship.OTHER: ["relationship_other"]}),
        Radios("has_parental_responsibility", inline=True),
        Radios("lives_with_infant", inline=True),
        Radios("is_main_carer", inline=True),
        Fieldset(
            "How to contact them",
            "phone",
            "email",
            Radios("preferred_contact_method"),
            size="m",
        ),
        Radios("interpreter_needed", reveal={"yes": ["first_language"]}),
        Radios(
            "at_baby_address",
            reveal={"no": ["address_line_1", "address_line_2", "town", "postcode"]},
        ),
    )

    def __init__(self, *args, referral, relationship=None, **kwargs):
        self.relationship = relationship
        if not args and "data" not in kwargs and relationship is not None:
            kwargs.setdefault("initial", self.initial_for_relationship(relationship))
        super().__init__(*args, referral=referral, **kwargs)

    @classmethod
    def initial_for(cls, referral):
        return {}  # a new carer: nothing to show yet

    @staticmethod
    def initial_for_relationship(relationship):
        carer = relationship.carer
        has_address = any((carer.address_line_1, carer.address_line_2, carer.town, carer.postcode))
        return {
            "given_name": carer.given_name,
            "family_name": carer.family_name,
            "relationship": relationship.relationship,
            "relationship_other": relationship.relationship_other,
            "has_parental_responsibility": from_bool(relationship.has_parental_responsibility),
            "lives_with_infant": from_bool(relationship.lives_with_infant),
            "is_main_carer": from_bool(relationship.is_main_carer),
            "phone": national(carer.phone),
            "email": carer.email,
            "preferred_contact_method": carer.preferred_contact_method,
            "interpreter_needed": from_bool(carer.interpreter_needed),
            "first_language": carer.first_language if carer.interpreter_needed else "",
            "at_baby_address": "no" if has_address else "yes",
            "address_line_1": carer.address_line_1,
            "address_line_2": carer.address_line_2,
            "town": carer.town,
            "postcode": carer.postcode,
        }

    def answered_elsewhere(self):
        # Either way to contact them will do; a blank one is then not an error.
        if any(self.data.get(self.add_prefix(name), "").strip() for name in ("phone", "email")):
            return ["phone", "email"]
        return []

    def clean(self):
        cleaned = super().clean()
        self._check_contact(cleaned)
        if cleaned.get("is_main_carer") == "yes":
            # save_section validates with the referral row locked, and every change to this
            # baby's carers takes that lock: no other main carer can appear before the save.
            others = CareRelationship.objects.filter(
                infant=self.referral.infant, is_main_carer=True
            ).select_related("carer")
            if self.relationship is not None:
                others = others.exclude(pk=self.relationship.pk)
            main = others.first()
            if main is not None:
                name = main.carer.full_name
                self.add_error(
                    "is_main_carer",
                    f"{name} is already the baby's main carer. Select no, or change "
                    f"{name}'s answer first",
                )
        return cleaned

    def _check_contact(self, cleaned):
        if "phone" not in cleaned or "email" not in cleaned:
            return  # already wrong at the field (or neither given: said at both)
        phone, email = cleaned["phone"], cleaned["email"]
        method = cleaned.get("preferred_contact_method")
        if method == ContactMethod.EMAIL and not email:
            self.add_error("email", "Enter an email address, or choose another way to contact them")
        elif method in (ContactMethod.PHONE, ContactMethod.TEXT) and not phone:
            self.add_error("phone", "Enter a phone number, or choose another way to contact them")
        elif method == ContactMethod.TEXT and not is_mobile(phone):
            self.add_error(
                "phone",
                "Enter a mobile phone number to contact them by text message, or choose another "
                "way to contact them",
            )

    def save(self):
        data = self.cleaned_data
        relationship = self.relationship
        if relationship is None:
            relationship = CareRelationship(infant=self.referral.infant, carer=Carer())
        carer = relationship.carer
        carer_answers = {
            "given_name": data["given_name"].strip(),
            "family_name": data["family_name"].strip(),
            "phone": data["phone"] or "",
            "email": data["email"],
            "preferred_contact_method": data["preferred_contact_method"],
            "interpreter_needed": to_bool(data["interpreter_needed"]),
            "first_language": data["first_language"].strip(),
            "address_line_1": data["address_line_1"].strip(),
            "address_line_2": data["address_line_2"].strip(),
            "town": data["town"].strip(),
            "postcode": data["postcode"],
        }
        for name, value in carer_answers.items():
            setattr(carer, name, value)
        if carer.pk is None:
            carer.save()
        else:
            carer.save(update_fields=[*carer_answers, "updated_at"])

        relationship_answers = {
            "relationship": data["relationship"],
            "relationship_other": data["relationship_other"].strip(),
            "has_parental_responsibility": to_bool(data["has_parental_responsibility"]),
            "lives_with_infant": to_bool(data["lives_with_infant"]),
            "is_main_carer": to_bool(data["is_main_carer"]),
        }
        for name, value in relationship_answers.items():
            setattr(relationship, name, value)
        if relationship.pk is None:
            relationship.carer = carer
            relationship.save()
        else:
            relationship.save(update_fields=list(relationship_answers))
        self.relationship = relationship
        return relationship

    @classmethod
    def summary(cls, referral):
        return CarersDoneForm.summary(referral)


def carer_details(relationship):
    """The lines that describe one carer on "Check your answers" and the list page."""
    carer = relationship.carer
    address = ", ".join(
        part
        for part in (carer.address_line_1, carer.address_line_2, carer.town, carer.postcode)
        if part
    )
    lines = [relationship_label(relationship)]
    if relationship.is_main_carer:
        lines.append("Main carer")
    lines += [
        f"Parental responsibility: {yes_no(relationship.has_parental_responsibility)}",
        f"Lives with the baby: {yes_no(relationship.lives_with_infant)}",
        f"Phone: {national(carer.phone) or 'Not given'}",
        f"Email: {carer.email or 'Not given'}",
        f"Contact by: {carer.get_preferred_contact_method_display() or 'Not given'}",
        "Interpreter: "
        + (f"needed ({carer.first_language})" if carer.interpreter_needed else "not needed"),
        f"Address: {address or 'Same as the baby'}",
    ]
    return lines


def care_relationships(referral):
    return CareRelationship.objects.filter(infant=referral.infant).select_related("carer")


def unsaved_carer_pages(referral):
    """Carer pages with typed answers that could not be saved yet, as (key, relationship or
    None for a new carer, name typed so far). A page about a carer since removed is skipped."""
    relationships = {str(r.pk): r for r in care_relationships(referral)}
    pages = []
    for key, typed in referral.section_drafts.items():
        section, _, which = key.partition(":")
        if section != "carers" or not which:
            continue
        if which != "new" and which not in relationships:
            continue
        name = " ".join(
            " ".join(typed.get(field) or []).strip() for field in ("given_name", "family_name")
        ).strip()
        pages.append((key, relationships.get(which), name))
    return pages


class CarersDoneForm(SectionForm):
    """The list page's "Save and continue": the carers themselves are saved one by one."""

    NO_CARERS = "Add the baby's parents or carers"
    NO_PARENTAL_RESPONSIBILITY = (
        "Add a parent or carer who has parental responsibility for the baby, or change the "
        "answer for one who has"
    )

    def clean(self):
        cleaned = super().clean()
        relationships = care_relationships(self.referral)
        if not relationships.exists():
            raise ValidationError(self.NO_CARERS, code="no_carers")
        if not relationships.filter(has_parental_responsibility=True).exists():
            raise ValidationError(
                self.NO_PARENTAL_RESPONSIBILITY, code="no_parental_responsibility"
            )
        for _key, relationship, name in unsaved_carer_pages(self.referral):
            if relationship is None:
                who = f"adding {name}" if name else "adding a parent or carer"
            else:
                who = f"changing {relationship.carer.full_name}'s details"
            self.add_error(
                None, ValidationError(f"Finish {who}: save it, or cancel it", code="unsaved")
            )
        return cleaned

    def save(self):
        pass  # nothing to write: each carer was saved on their own page

    @classmethod
    def summary(cls, referral):
        return [
            (relationship.carer.full_name, "\n".join(carer_details(relationship)))
            for relationship in care_relationships(referral)
        ]
