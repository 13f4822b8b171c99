"""About you: the referrer's details for this referral, prefilled from their account.

The referrer type the eligibility check reads is the profession chosen here. Nursery and early
learning centre referrals are usually discussed with the family's Health Visitor or Family
Nurse first, so those referrers are asked whether they have been.
"""

from crispy_forms.layout import HTML, Field, Layout
from django import forms

from imhs.models import REFERRER_PROFESSIONS, Profession
from imhs.nhsuk.forms import ConditionalQuestions
from imhs.nhsuk.layout import Radios
from imhs.nhsuk.text import yes_no
from referrals.referrer.forms.base import SectionForm, from_bool, to_bool
from referrals.referrer.forms.carers import (
    EMAIL_MESSAGE,
    UKPhoneField,
    text_field,
    yes_no_field,
)

PROFESSION_CHOICES = [(p.value, p.label) for p in Profession if p in REFERRER_PROFESSIONS]
PROFESSION_REQUIRED = "Select your profession"

FIELDS = (
    "referrer_name",
    "referrer_profession",
    "referrer_job_title",
    "referrer_base",
    "referrer_phone",
    "referrer_email",
    "discussed_with_health_visitor",
    "health_visitor_name",
)


class AboutYouForm(ConditionalQuestions, SectionForm):
    referrer_name = text_field(
        "Your full name",
        required="Enter your full name",
        subject="Your name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    referrer_profession = forms.ChoiceField(
        label="What is your profession?",
        choices=PROFESSION_CHOICES,
        widget=forms.RadioSelect,
        help_text="The service accepts referrals from these professions",
        error_messages={"required": PROFESSION_REQUIRED, "invalid_choice": PROFESSION_REQUIRED},
    )
    discussed_with_health_visitor = yes_no_field(
        "Have you discussed this referral with the family's Health Visitor or Family Nurse?",
        "Select yes if you have discussed this referral with the family's Health Visitor or "
        "Family Nurse",
    )
    health_visitor_name = text_field(
        "Name of the Health Visitor or Family Nurse",
        required="Enter the name of the Health Visitor or Family Nurse you discussed it with",
        subject="Their name",
        max_length=200,
        help_text="If you have discussed it with them",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    referrer_job_title = text_field(
        "Job title",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    referrer_base = text_field(
        "Where are you based?",
        required="Enter the team, service or nursery you work from",
        subject="Where you are based",
        max_length=200,
        help_text="Your team, service or nursery, for example Coatbridge Health Visiting Team",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    referrer_phone = UKPhoneField(
        label="Phone number",
        help_text="A number the team can reach you on, 9am to 5pm",
        error_messages={"required": "Enter your phone number"},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    referrer_email = forms.EmailField(
        label="Email address",
        help_text="The team will email you about the referral's progress",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": EMAIL_MESSAGE,
            "max_length": "Email address must be 254 characters or fewer",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    conditional = {
        "discussed_with_health_visitor": (("referrer_profession", Profession.NURSERY),),
        "health_visitor_name": (
            ("referrer_profession", Profession.NURSERY),
            ("discussed_with_health_visitor", "yes"),
        ),
    }

    layout = Layout(
        HTML(
            '<p class="nhsuk-body">These details are from your account. Check them, and '
            "correct anything that is different for this referral.</p>"
        ),
        Field("referrer_name", css_class="nhsuk-u-width-two-thirds"),
        Radios(
            "referrer_profession",
            reveal={Profession.NURSERY: ["discussed_with_health_visitor", "health_visitor_name"]},
        ),
        Field("referrer_job_title", css_class="nhsuk-u-width-two-thirds"),
        "referrer_base",
        "referrer_phone",
        "referrer_email",
    )

    @classmethod
    def initial_for(cls, referral):
        return {
            "referrer_name": referral.referrer_name,
            "referrer_profession": referral.referrer_profession,
            "referrer_job_title": referral.referrer_job_title,
            "referrer_base": referral.referrer_base,
            "referrer_phone": referral.referrer_phone,
            "referrer_email": referral.referrer_email,
            "discussed_with_health_visitor": from_bool(referral.discussed_with_health_visitor),
            "health_visitor_name": referral.health_visitor_name,
        }

    def save(self):
        data = self.cleaned_data
        referral = self.referral
        referral.referrer_name = data["referrer_name"].strip()
        referral.referrer_profession = data["referrer_profession"]
        referral.referrer_job_title = data["referrer_job_title"].strip()
        referral.referrer_base = data["referrer_base"].strip()
        referral.referrer_phone = data["referrer_phone"].as_national
        referral.referrer_email = data["referrer_email"]
        # Not asked (not a nursery referral): no answer, rather than an old one.
        referral.discussed_with_health_visitor = to_bool(data["discussed_with_health_visitor"])
        referral.health_visitor_name = data["health_visitor_name"].strip()
        referral.save(update_fields=[*FIELDS, "updated_at"])

    @classmethod
    def summary(cls, referral):
        rows = [
            ("Name", referral.referrer_name),
            ("Profession", dict(PROFESSION_CHOICES).get(referral.referrer_profession, "")),
            ("Job title", referral.referrer_job_title),
            ("Where you are based", referral.referrer_base),
            ("Phone number", referral.referrer_phone),
            ("Email address", referral.referrer_email),
        ]
        if referral.referrer_profession == Profession.NURSERY:
            rows.append(
                (
                    "Discussed with the family's Health Visitor or Family Nurse",
                    yes_no(referral.discussed_with_health_visitor),
                )
            )
            if referral.discussed_with_health_visitor:
                rows.append(("Health Visitor or Family Nurse", referral.health_visitor_name))
        return rows
