"""ConcernsForm: indicator counts and descriptions for the five domains, and the story."""

import pytest
from crispy_forms.utils import render_crispy_form
from django.utils.datastructures import MultiValueDict

from referrals.eligibility import DOMAINS
from referrals.models import Referral
from referrals.referrer.forms.concerns import MAX_INDICATORS, ConcernsForm
from tests.factories import ReferralFactory

STORY = {
    "concerns_duration": "About 3 months.",
    "why_now": "Synthetic reason: the concerns have grown over the last month.",
    "support_tried": "Synthetic support: weekly health visitor contact.",
    "family_hopes": "Synthetic hopes: to enjoy time together.",
}


def valid_data(**changes):
    data = {}
    for key in DOMAINS:
        data[f"{key}_indicators"] = "4"
        data[f"{key}_observed"] = f"Synthetic observation of {key}."
    data.update(STORY)
    data.update(changes)
    return data


def bound(**changes):
    return ConcernsForm(valid_data(**changes), referral=Referral())


def errors_of(form):
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def test_valid_answers_are_accepted():
    form = bound()
    assert form.is_valid(), form.errors
    assert form.cleaned_data["emotional_indicators"] == 4


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("relationship", "relationship with main carer"),
        ("emotional", "emotional"),
        ("cognitive", "cognitive"),
        ("sense_of_self", "sense of self"),
        ("social_interaction", "social interaction"),
    ],
)
def test_a_missing_count_names_its_domain(key, name):
    errors = errors_of(bound(**{f"{key}_indicators": ""}))
    assert errors == {
        f"{key}_indicators": [f"Enter the number of indicators observed for {name}, or 0 if none"]
    }


@pytest.mark.parametrize("typed", ["three", "3.5", "1e3", "3 or 4"])
def test_a_count_that_is_not_a_whole_number_is_explained(typed):
    errors = errors_of(bound(emotional_indicators=typed))
    assert errors["emotional_indicators"] == [
        "Enter the number of indicators observed for emotional as a whole number, like 3"
    ]


def test_a_negative_count_is_refused():
    errors = errors_of(bound(cognitive_indicators="-1"))
    assert errors["cognitive_indicators"] == [
        "The number of indicators observed for cognitive must be 0 or more"
    ]


def test_a_count_above_the_maximum_is_refused():
    errors = errors_of(bound(sense_of_self_indicators=str(MAX_INDICATORS + 1)))
    assert errors["sense_of_self_indicators"] == [
        f"The number of indicators observed for sense of self must be {MAX_INDICATORS} or fewer"
    ]


@pytest.mark.parametrize("typed", ["0", str(MAX_INDICATORS), " 7 "])
def test_counts_at_the_ends_of_the_range_and_with_spaces_are_accepted(typed):
    form = bound(social_interaction_indicators=typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["social_interaction_indicators"] == int(typed)


def test_a_description_is_needed_when_indicators_were_observed():
    errors = errors_of(bound(relationship_indicators="2", relationship_observed="  "))
    assert errors == {
        "relationship_observed": ["Describe what you observed for relationship with main carer"]
    }


def test_no_description_is_needed_for_a_count_of_zero():
    form = bound(emotional_indicators="0", emotional_observed="")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["emotional_observed"] == ""


def test_a_description_typed_with_a_count_of_zero_is_kept():
    form = bound(emotional_indicators="0", emotional_observed="Nothing of note.")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["emotional_observed"] == "Nothing of note."


def test_a_missing_count_is_the_only_message_for_its_domain():
    errors = errors_of(bound(cognitive_indicators="", cognitive_observed=""))
    assert set(errors) == {"cognitive_indicators"}


def test_a_description_over_the_limit_is_refused_even_for_zero():
    errors = errors_of(bound(cognitive_indicators="0", cognitive_observed="x" * 1001))
    assert errors["cognitive_observed"] == [
        "Description of what you observed for cognitive must be 1000 characters or fewer"
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("concerns_duration", "Enter how long you have had these concerns, like “about 3 months”"),
        ("why_now", "Enter why you are referring now"),
        ("support_tried", "Enter what support has been tried so far, or “none yet”"),
        ("family_hopes", "Enter what the family hopes for from the service"),
    ],
)
def test_every_story_question_says_what_to_enter(name, message):
    assert errors_of(bound(**{name: ""})) == {name: [message]}


def test_story_answers_over_the_limit_are_refused():
    errors = errors_of(bound(why_now="x" * 1001, concerns_duration="x" * 501))
    assert errors == {
        "why_now": ["Why you are referring now must be 1000 characters or fewer"],
        "concerns_duration": [
            "How long you have had these concerns must be 500 characters or fewer"
        ],
    }


def test_typed_values_are_shown_again_with_the_messages():
    form = bound(
        emotional_indicators="lots",
        emotional_observed="Synthetic: turns away from her mother.",
        why_now="",
        family_hopes="Synthetic hopes typed before the error.",
    )
    assert not form.is_valid()
    html = render_crispy_form(form)
    assert 'value="lots"' in html
    assert "Synthetic: turns away from her mother." in html
    assert "Synthetic hopes typed before the error." in html
    assert "Enter the number of indicators observed for emotional as a whole number" in html
    assert "Enter why you are referring now" in html
    assert 'href="#id_why_now"' in html  # the error summary links to the field


def test_form_bound_from_a_stored_draft_works():
    # drafts.save_section stores what was typed as lists per field.
    stored = {name: [value] for name, value in valid_data(why_now="").items()}
    form = ConcernsForm(MultiValueDict(stored), referral=Referral())
    assert errors_of(form) == {"why_now": ["Enter why you are referring now"]}


def test_page_groups_each_domain_in_a_fieldset_with_a_character_count():
    html = render_crispy_form(ConcernsForm(referral=Referral()))
    for legend in (
        "Relationship with main carer",
        "Emotional",
        "Cognitive",
        "Sense of self",
        "Social interaction",
    ):
        assert legend in html
    assert html.count("nhsuk-fieldset__legend--m") == 5
    assert html.count('data-module="nhsuk-character-count"') == 9
    assert 'inputmode="numeric"' in html
    assert "5 or more indicators in each of 3 domains" in html


@pytest.mark.django_db
def test_initial_values_are_the_saved_answers():
    referral = ReferralFactory(emotional_indicators=3, emotional_observed="Saved text.")
    form = ConcernsForm(referral=referral)
    assert form.initial["emotional_indicators"] == 3
    assert form.initial["emotional_observed"] == "Saved text."
    assert form.initial["why_now"] == referral.why_now


@pytest.mark.django_db
def test_save_writes_every_answer():
    referral = ReferralFactory()
    form = ConcernsForm(
        valid_data(relationship_indicators="6", social_interaction_indicators="0"),
        referral=referral,
    )
    assert form.is_valid(), form.errors
    form.save()
    referral.refresh_from_db()
    assert referral.indicator_counts == {
        "relationship": 6,
        "emotional": 4,
        "cognitive": 4,
        "sense_of_self": 4,
        "social_interaction": 0,
    }
    assert referral.relationship_observed == "Synthetic observation of relationship."
    assert referral.concerns_duration == STORY["concerns_duration"]
    assert referral.why_now == STORY["why_now"]
    assert referral.support_tried == STORY["support_tried"]
    assert referral.family_hopes == STORY["family_hopes"]


@pytest.mark.django_db
def test_save_changes_only_this_sections_fields():
    referral = ReferralFactory()
    stale_copy = Referral.objects.get(pk=referral.pk)
    stale_copy.consent_given = False  # changed in memory only: must not be written
    form = ConcernsForm(valid_data(), referral=stale_copy)
    assert form.is_valid()
    form.save()
    referral.refresh_from_db()
    assert referral.consent_given is True


def test_summary_has_one_row_a_domain_then_the_story():
    referral = Referral(
        relationship_indicators=1,
        relationship_observed="Synthetic: little eye contact.",
        emotional_indicators=0,
        cognitive_indicators=5,
        cognitive_observed="Synthetic.",
        why_now="Synthetic reason.",
    )
    assert ConcernsForm.summary(referral) == [
        ("Relationship with main carer", "1 indicator\nSynthetic: little eye contact."),
        ("Emotional", "0 indicators"),
        ("Cognitive", "5 indicators\nSynthetic."),
        ("Sense of self", ""),
        ("Social interaction", ""),
        ("How long", ""),
        ("Why now", "Synthetic reason."),
        ("Support tried so far", ""),
        ("What the family hopes for", ""),
    ]
