"""The sections of the Request for Assistance, in task-list order, and their states.

A section is "completed" once saved without errors, "in progress" when it was started (or has
an unsaved page with errors), else "not started". All sections are required before submitting.
"""

from dataclasses import dataclass

from django.urls import reverse

from referrals.drafts import COMPLETED, IN_PROGRESS

NOT_STARTED = "not_started"
STATE_LABELS = {COMPLETED: "Completed", IN_PROGRESS: "In progress", NOT_STARTED: "Not started"}


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    form_path: str  # "module:Class" under referrals.forms, imported when first used
    url_name: str = "referrals:section"

    @property
    def form_class(self):
        module, name = self.form_path.split(":")
        imported = __import__(f"referrals.referrer.forms.{module}", fromlist=[name])
        return getattr(imported, name)

    def url(self, referral):
        if self.url_name == "referrals:section":
            return reverse(self.url_name, args=[referral.pk, self.slug])
        return reverse(self.url_name, args=[referral.pk])

    def state(self, referral):
        return referral.section_states.get(self.slug, NOT_STARTED)


SECTIONS = (
    Section("baby", "About the baby", "baby:BabyForm"),
    Section("carers", "Parents and carers", "carers:CarersDoneForm", "referrals:carers"),
    Section("concerns", "Your concerns", "concerns:ConcernsForm"),
    Section("safety", "Safety and other support", "safety:SafetyForm"),
    Section("consent", "Consent and the family's views", "consent:ConsentForm"),
    Section("about-you", "About you", "about_you:AboutYouForm"),
)
SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}


def incomplete_sections(referral):
    return [s.title for s in SECTIONS if s.state(referral) != COMPLETED]
