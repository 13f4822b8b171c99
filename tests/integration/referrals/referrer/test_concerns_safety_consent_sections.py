"""The Your concerns, Safety and other support, and Consent sections through the generic section
view: nothing typed is lost, clean saves complete the section, and the eligibility summary
follows the answers."""

import pytest
from django.urls import reverse

from referrals.assessment import assessment_for
from referrals.drafts import start_draft
from referrals.eligibility import DOMAINS
from referrals.models import InvolvedProfessional, Referral
from tests.factories import ReferrerFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(client, referrer):
    sign_in(client, referrer)
    return start_draft(by=referrer)


def url(referral, slug):
    return reverse("referrals:section", args=[referral.pk, slug])


def post(client, referral, slug, data):
    referral.refresh_from_db()
    return client.post(url(referral, slug), {**data, "version": referral.version})


def concerns_data(counts=(5, 5, 5, 0, 0), **changes):
    data = {}
    for key, count in zip(DOMAINS, counts, strict=True):
        data[f"{key}_indicators"] = str(count)
        data[f"{key}_observed"] = f"Synthetic observation of {key}." if count else ""
    data.update(
        concerns_duration="Synthetic: about 3 months.",
        why_now="Synthetic reason for referring now.",
        support_tried="Synthetic: weekly visits.",
        family_hopes="Synthetic hopes.",
    )
    data.update(changes)
    return data


def consent_data(**changes):
    data = {
        "consent_given": "yes",
        "consent_given_by": "Mother, Testina Example",
        "consent_given_on_day": "14",
        "consent_given_on_month": "1",
        "consent_given_on_year": "2026",
        "consent_to_share": "yes",
        "parent_views_method": "not_now",
        "appointment_places": ["home", "clinic"],
        "times_to_avoid": "",
    }
    data.update(changes)
    return data


def eligibility_row(client, referral, title):
    """The task list's eligibility row `title`: its tag and message, as text."""
    response = client.get(reverse("referrals:detail", args=[referral.pk]))
    rows = response.context["eligibility"]["rows"]
    row = next(row for row in rows if row.title == title)
    return row.tag_label, row.message


@pytest.mark.parametrize("slug", ["concerns", "safety", "consent"])
def test_each_section_page_opens(client, draft, slug):
    response = client.get(url(draft, slug))
    assert response.status_code == 200
    assert 'name="version"' in response.content.decode()


# --- Your concerns ----------------------------------------------------------------------------


def test_concerns_with_errors_keep_what_was_typed_and_are_in_progress(client, draft):
    response = post(
        client,
        draft,
        "concerns",
        concerns_data(emotional_indicators="several", why_now="", family_hopes="Synthetic kept."),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter the number of indicators observed for emotional as a whole number" in page
    assert "Enter why you are referring now" in page
    assert 'value="several"' in page
    assert "Synthetic kept." in page
    draft.refresh_from_db()
    assert draft.section_states["concerns"] == "in_progress"
    assert draft.section_drafts["concerns"]["emotional_indicators"] == ["several"]
    assert draft.emotional_indicators is None  # nothing half-saved


def test_concerns_saved_cleanly_are_completed_and_return_to_the_task_list(client, draft):
    response = post(client, draft, "concerns", concerns_data())

    assert response.status_code == 302
    assert response.url == reverse("referrals:detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.section_states["concerns"] == "completed"
    assert "concerns" not in draft.section_drafts
    assert draft.indicator_counts == {
        "relationship": 5,
        "emotional": 5,
        "cognitive": 5,
        "sense_of_self": 0,
        "social_interaction": 0,
    }
    assert draft.why_now == "Synthetic reason for referring now."


def test_reopening_concerns_shows_the_stored_invalid_input_again(client, draft):
    post(client, draft, "concerns", concerns_data(cognitive_indicators="-2", support_tried=""))

    page = client.get(url(draft, "concerns")).content.decode()

    assert 'value="-2"' in page
    assert "The number of indicators observed for cognitive must be 0 or more" in page
    assert "Enter what support has been tried so far" in page
    assert "Synthetic reason for referring now." in page


def test_reopening_saved_concerns_shows_the_saved_answers(client, draft):
    post(client, draft, "concerns", concerns_data())

    page = client.get(url(draft, "concerns")).content.decode()

    assert 'name="relationship_indicators" value="5"' in page
    assert "Synthetic observation of relationship." in page
    assert "There is a problem" not in page


def test_the_eligibility_summary_follows_the_indicator_counts(client, draft):
    assert eligibility_row(client, draft, "What you have observed") == (
        "Still needed",
        "Still needed: the number of indicators observed in each domain.",
    )

    post(client, draft, "concerns", concerns_data(counts=(5, 5, 5, 0, 0)))
    tag, message = eligibility_row(client, draft, "What you have observed")
    assert tag == "Met"
    assert message.startswith("The indicators meet the threshold")

    post(client, draft, "concerns", concerns_data(counts=(1, 1, 0, 0, 0)))
    tag, message = eligibility_row(client, draft, "What you have observed")
    assert tag == "Not met"
    draft.refresh_from_db()
    assert assessment_for(draft).check("indicator_threshold").outcome == "fail"


def test_counts_close_to_the_threshold_are_for_the_team_to_look_at(client, draft):
    post(client, draft, "concerns", concerns_data(counts=(5, 5, 4, 0, 0)))

    draft.refresh_from_db()
    check = assessment_for(draft).check("indicator_threshold")
    assert check.outcome == "review"
    assert check.message.startswith("Close to the threshold")


# --- Safety and other support -----------------------------------------------------------------


def test_safety_with_errors_keeps_what_was_typed(client, draft):
    response = post(
        client,
        draft,
        "safety",
        {
            "child_protection_concerns": "yes",
            "child_protection_details": "Synthetic details kept.",
            "professional_0_name": "Testina Worker",
            "professional_0_role": "",
            "professional_1_name": "",
            "professional_1_role": "",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Select yes if there is a child protection plan for the baby" in page
    assert "Enter the professional&#x27;s role or agency" in page
    assert "Synthetic details kept." in page
    assert 'value="Testina Worker"' in page
    draft.refresh_from_db()
    assert draft.section_states["safety"] == "in_progress"
    assert not draft.professionals.exists()


def test_professionals_are_added_two_at_a_time_without_javascript(client, draft):
    first = {
        "child_protection_concerns": "no",
        "other_risks": "",
        "professional_0_name": "A Test",
        "professional_0_role": "GP",
        "professional_1_name": "B Test",
        "professional_1_role": "Social worker",
        "professional_1_contact": "b.test@example.org",
    }
    assert post(client, draft, "safety", first).status_code == 302

    page = client.get(url(draft, "safety")).content.decode()
    assert 'value="A Test"' in page
    assert 'value="b.test@example.org"' in page
    assert "Professional or agency 4" in page  # two saved, two empty rows

    again = {**first, "professional_2_name": "C Test", "professional_2_role": "Nursery"}
    assert post(client, draft, "safety", again).status_code == 302

    draft.refresh_from_db()
    assert draft.section_states["safety"] == "completed"
    assert [(p.name, p.role) for p in draft.professionals.all()] == [
        ("A Test", "GP"),
        ("B Test", "Social worker"),
        ("C Test", "Nursery"),
    ]


def test_clearing_a_professionals_row_removes_them(client, draft):
    InvolvedProfessional.objects.create(referral=draft, name="A Test", role="GP")

    response = post(
        client,
        draft,
        "safety",
        {"child_protection_concerns": "no", "professional_0_name": "", "professional_0_role": ""},
    )

    assert response.status_code == 302
    assert not InvolvedProfessional.objects.filter(referral=draft).exists()


# --- Consent and the family's views -----------------------------------------------------------


def test_consent_with_errors_keeps_what_was_typed(client, draft):
    response = post(
        client,
        draft,
        "consent",
        consent_data(
            consent_given_on_month="",
            parent_views_method="written_here",
            parent_views_written="",
            appointment_places=[],
            times_to_avoid="Synthetic: Monday mornings.",
        ),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "The date they agreed must include a month" in page
    assert "Write the parents&#x27; views in their own words" in page
    assert "Select where appointments could be, or all that suit" in page
    assert 'value="Mother, Testina Example"' in page
    assert "Synthetic: Monday mornings." in page
    draft.refresh_from_db()
    assert draft.section_states["consent"] == "in_progress"
    assert draft.consent_given is None


def test_reopening_consent_shows_the_stored_checkboxes_and_date(client, draft):
    post(
        client,
        draft,
        "consent",
        consent_data(consent_to_share="", appointment_places=["clinic", "near_me"]),
    )

    page = client.get(url(draft, "consent")).content.decode()

    assert 'value="clinic" checked' in page
    assert 'value="near_me" checked' in page
    assert 'name="consent_given_on_day" type="text" value="14"' in page
    assert "Select yes if they agree to the team sharing information" in page


def test_the_eligibility_summary_follows_consent(client, draft):
    assert eligibility_row(client, draft, "Consent")[0] == "Still needed"

    response = post(client, draft, "consent", consent_data(consent_given="no"))
    assert response.status_code == 302  # saying no can be saved; it is the check that fails

    draft.refresh_from_db()
    assert draft.section_states["consent"] == "completed"
    tag, message = eligibility_row(client, draft, "Consent")
    assert tag == "Not met"
    assert "must agree to the referral before it is sent" in message

    post(client, draft, "consent", consent_data())
    assert eligibility_row(client, draft, "Consent")[0] == "Met"
    draft.refresh_from_db()
    assert assessment_for(draft).check("consent").outcome == "pass"


# --- Every section: stale pages and other people's drafts -------------------------------------


@pytest.mark.parametrize(
    ("slug", "data"),
    [
        ("concerns", concerns_data()),
        ("safety", {"child_protection_concerns": "no"}),
        ("consent", consent_data()),
    ],
)
def test_a_save_from_a_stale_page_is_refused(client, draft, slug, data):
    draft.refresh_from_db()
    stale_version = draft.version
    post(client, draft, slug, data)  # another tab saves first

    response = client.post(url(draft, slug), {**data, "version": stale_version}, follow=True)

    assert response.redirect_chain == []  # the page again, with what was typed (point 18)
    assert "was changed in another tab or window" in response.content.decode()
    draft.refresh_from_db()
    assert draft.version == stale_version + 1  # only the first save went through


def test_a_stale_save_does_not_overwrite_newer_answers(client, draft):
    draft.refresh_from_db()
    stale_version = draft.version
    post(client, draft, "concerns", concerns_data(why_now="Newer reason."))

    client.post(
        url(draft, "concerns"), {**concerns_data(why_now="Older reason."), "version": stale_version}
    )

    draft.refresh_from_db()
    assert draft.why_now == "Newer reason."


@pytest.mark.parametrize("slug", ["concerns", "safety", "consent"])
def test_another_referrers_draft_is_not_found(client, slug):
    owner = ReferrerFactory()
    other = start_draft(by=owner)
    sign_in(client, ReferrerFactory())

    assert client.get(url(other, slug)).status_code == 404
    response = client.post(url(other, slug), {**concerns_data(), "version": other.version})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.section_states == {}
    assert Referral.objects.get(pk=other.pk).why_now == ""
