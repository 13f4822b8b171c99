"""The sections of the Request for Assistance, in task-list order, and their states.

A section is "completed" once saved without errors, "in progress" when it was started (or has
an unsaved page with errors), else "not started". All sections are required before submitting.
"""

from dataclasses import dataclass

from django.urls import reverse

from referrals.drafts import COMPLETED, NOT_STARTED
from referrals.referrer.forms.about_you import AboutYouForm
from referrals.referrer.forms.baby import BabyForm
from referrals.referrer.forms.carers import CarerForm, CarersDoneForm
from referrals.referrer.forms.concerns import ConcernsForm
from referrals.referrer.forms.consent import ConsentForm
from referrals.referrer.forms.safety import SafetyForm


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    form_class: type  # a SectionForm (referrals.referrer.forms): its page and its summary
    url_name: str = "referrals:section"
    # The form whose questions the section asks, when its page's own form only confirms them
    # (the carers are added one by one): the printable blank form reads it.
    questions_form_class: type | None = None

    @property
    def questions(self):
        return self.questions_form_class or self.form_class

    def url(self, referral):
        if self.url_name == "referrals:section":
            return reverse(self.url_name, args=[referral.pk, self.slug])
        return reverse(self.url_name, args=[referral.pk])

    def state(self, referral):
        return referral.section_states.get(self.slug, NOT_STARTED)


SECTIONS = (
    Section("baby", "About the baby", BabyForm),
    Section("carers", "Parents and carers", CarersDoneForm, "referrals:carers", CarerForm),
    Section("concerns", "Your concerns", ConcernsForm),
    Section("safety", "Safety and other support", SafetyForm),
    Section("consent", "Consent and the family's views", ConsentForm),
    Section("about-you", "About you", AboutYouForm),
)
SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}


def incomplete_sections(referral):
    return [s.title for s in SECTIONS if s.state(referral) != COMPLETED]
