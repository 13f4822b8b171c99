"""Your concerns: what the referrer observed, domain by domain of the service's IMH
Observational Indicator Set (settings.SERVICE["indicator_set"]), and the story around it."""

from crispy_forms.layout import HTML, Layout
from django import forms
from django.conf import settings

from imhs.nhsuk.layout import CharacterCount, Fieldset
from imhs.nhsuk.text import plural
from referrals.eligibility import DOMAINS, INDICATOR_THRESHOLDS
from referrals.referrer.forms.base import SectionForm

# A sanity bound, not the size of the indicator set: it catches slips such as 33 for 3 without
# turning away a real count.
MAX_INDICATORS = 30
OBSERVED_MAX_LENGTH = 1000
STORY_MAX_LENGTH = 1000

# (field, label, hint, message when blank, what the answer is called in a message, max length)
STORY = (
    (
        "concerns_duration",
        "How long have you had these concerns?",
        "For example, since birth, or for about 3 months.",
        "Enter how long you have had these concerns, like “about 3 months”",
        "How long you have had these concerns",
        500,
    ),
    (
        "why_now",
        "Why are you referring now?",
        "What has changed, or what has made these concerns more pressing.",
        "Enter why you are referring now",
        "Why you are referring now",
        STORY_MAX_LENGTH,
    ),
    (
        "support_tried",
        "What support has been tried so far?",
        "Include support from you and other services, and how it went. If nothing has been "
        "tried yet, say so.",
        "Enter what support has been tried so far, or “none yet”",
        "What support has been tried",
        STORY_MAX_LENGTH,
    ),
    (
        "family_hopes",
        "What does the family hope for from the service?",
        "In the family's own words, if you can. If they are not sure yet, say so.",
        "Enter what the family hopes for from the service",
        "What the family hopes for",
        STORY_MAX_LENGTH,
    ),
)
STORY_FIELDS = [name for name, *_ in STORY]


def domain_title(key):
    """ "relationship" → "Relationship with main carer", as the page's headings read."""
    return DOMAINS[key][:1].upper() + DOMAINS[key][1:]


def _count_field(key):
    name = DOMAINS[key]
    return forms.IntegerField(
        label="How many indicators did you observe?",
        help_text="Enter 0 if you observed none.",
        min_value=0,
        max_value=MAX_INDICATORS,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-2"}),
        error_messages={
            "required": f"Enter the number of indicators observed for {name}, or 0 if none",
            "invalid": f"Enter the number of indicators observed for {name} as a whole number, "
            "like 3",
            "min_value": f"The number of indicators observed for {name} must be 0 or more",
            "max_value": f"The number of indicators observed for {name} must be "
            f"{MAX_INDICATORS} or fewer",
        },
    )


def _observed_field(key):
    name = DOMAINS[key]
    # Asked whenever the count is above 0 (see `clean`); `required` keeps the label free of
    # "(optional)", which would mislead when it is needed.
    return forms.CharField(
        label="What did you observe?",
        help_text="A short description of what you saw, and when. Leave it blank if you "
        "observed none.",
        max_length=OBSERVED_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": f"Describe what you observed for {name}",
            "max_length": f"Description of what you observed for {name} must be "
            f"{OBSERVED_MAX_LENGTH} characters or fewer",
        },
    )


def _story_field(name):
    _, label, hint, required_message, subject, max_length = next(s for s in STORY if s[0] == name)
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": required_message,
            "max_length": f"{subject} must be {max_length} characters or fewer",
        },
    )


def _threshold_text():
    """The service's thresholds in words, from the same data the eligibility check uses."""
    parts = [
        f"{at_least} or more indicators in each of all {domains} domains"
        if domains == len(DOMAINS)
        else f"{at_least} or more indicators in each of {domains} domains"
        for at_least, domains in INDICATOR_THRESHOLDS
    ]
    return ", ".join(parts[:-1]) + f", or {parts[-1]}"


class ConcernsForm(SectionForm):
    relationship_indicators = _count_field("relationship")
    relationship_observed = _observed_field("relationship")
    emotional_indicators = _count_field("emotional")
    emotional_observed = _observed_field("emotional")
    cognitive_indicators = _count_field("cognitive")
    cognitive_observed = _observed_field("cognitive")
    sense_of_self_indicators = _count_field("sense_of_self")
    sense_of_self_observed = _observed_field("sense_of_self")
    social_interaction_indicators = _count_field("social_interaction")
    social_interaction_observed = _observed_field("social_interaction")
    concerns_duration = _story_field("concerns_duration")
    why_now = _story_field("why_now")
    support_tried = _story_field("support_tried")
    family_hopes = _story_field("family_hopes")

    layout = Layout(
        HTML(
            f'<p class="nhsuk-body">For each domain of the {settings.SERVICE["indicator_set"]}, '
            "enter how many indicators you have observed and describe what you saw. The "
            "service's threshold is "
            f"{_threshold_text()}.</p>"
        ),
        *(
            Fieldset(
                domain_title(key),
                f"{key}_indicators",
                CharacterCount(f"{key}_observed"),
                size="m",
            )
            for key in DOMAINS
        ),
        HTML('<h2 class="nhsuk-heading-m">About your concerns</h2>'),
        *(CharacterCount(name) for name in STORY_FIELDS),
    )

    FIELDS = [
        *(f"{key}_{part}" for key in DOMAINS for part in ("indicators", "observed")),
        *STORY_FIELDS,
    ]

    @classmethod
    def initial_for(cls, referral):
        return {name: getattr(referral, name) for name in cls.FIELDS}

    def clean(self):
        cleaned = super().clean()
        for key in DOMAINS:
            count = cleaned.get(f"{key}_indicators")
            if count is None or count == 0:
                # A description is needed only for indicators observed; with no count (or one
                # that is wrong) the count's own message says what to do.
                self._forgive_blank(f"{key}_observed")
        return cleaned

    def _forgive_blank(self, name):
        errors = self.errors.get(name)
        if errors and all(e.code == "required" for e in errors.as_data()):
            del self.errors[name]
            self.cleaned_data[name] = ""

    def save(self):
        for name in self.FIELDS:
            setattr(self.referral, name, self.cleaned_data[name])
        self.referral.save(update_fields=self.FIELDS)

    @classmethod
    def summary(cls, referral):
        rows = []
        for key in DOMAINS:
            count = getattr(referral, f"{key}_indicators")
            observed = getattr(referral, f"{key}_observed")
            lines = [plural(count, "indicator") if count is not None else "", observed]
            rows.append((domain_title(key), "\n".join(line for line in lines if line)))
        rows += [
            ("How long", referral.concerns_duration),
            ("Why now", referral.why_now),
            ("Support tried so far", referral.support_tried),
            ("What the family hopes for", referral.family_hopes),
        ]
        return rows
