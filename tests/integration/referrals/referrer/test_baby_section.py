"""About the baby through the views: the section page, and finding and choosing the GP practice.

Nothing typed is lost (not even on the way to the practice search), clean saves complete the
section, and only the referral's own referrer reaches its pages.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patients.models import HEALTH_BOARD_NAMES
from referrals.drafts import start_draft
from referrals.models import Referral
from referrals.referrer.forms.baby import CHOOSE_PRACTICE, SELECT_PRACTICE
from tests.factories import GPPracticeFactory, ReferralFactory, ReferrerFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

GLASGOW = next(code for code, name in HEALTH_BOARD_NAMES.items() if name.startswith("Greater"))

BABY = {
    "given_name": "Babytest",
    "family_name": "Example",
    "date_of_birth_day": "1",
    "date_of_birth_month": "1",
    "date_of_birth_year": "2025",
    "chi_number": "0101251238",
    "sex": "female",
    "address_line_1": "1 Example Street",
    "town": "Testville",
    "postcode": "ml5 9zz",
    "gp_registration": "not_registered",
    "lives_with": "parents",
    "first_language": "English",
    "interpreter_needed": "no",
}


@pytest.fixture
def draft(client, referrer):
    sign_in(client, referrer)
    return start_draft(by=referrer)


def section_url(referral):
    return reverse("referrals:section", args=[referral.pk, "baby"])


def search_url(referral):
    return reverse("referrals:find_practice", args=[referral.pk])


def detail_url(referral):
    return reverse("referrals:detail", args=[referral.pk])


def save_baby(client, referral, **changes):
    referral.refresh_from_db()
    return client.post(section_url(referral), {**BABY, **changes, "version": referral.version})


def find_from_baby_page(client, referral, **changes):
    """The "Find the GP practice" button: the baby's page, posted to the search page."""
    referral.refresh_from_db()
    data = {**BABY, **changes, "version": referral.version, "find_practice": "find"}
    return client.post(search_url(referral), data)


def choose(client, referral, code, q="Testville"):
    referral.refresh_from_db()
    return client.post(
        search_url(referral), {"practice": code, "q": q, "version": referral.version}
    )


def search(client, referral, q):
    return client.get(search_url(referral), {"q": q})


def found_codes(response):
    return [result["code"] for result in response.context["results"]]


# The section page


def test_the_section_page_opens_with_the_version(client, draft):
    response = client.get(section_url(draft))
    page = response.content.decode()
    assert response.status_code == 200
    assert "About the baby" in page
    assert f'name="version" value="{draft.version}"' in page
    assert "Find the GP practice" in page


def test_a_clean_save_completes_the_section_and_returns_to_the_task_list(client, draft):
    response = save_baby(client, draft, chi_number="010 125 1238", postcode="ML59ZZ")
    assert response.status_code == 302
    assert response.url == detail_url(draft)
    draft.refresh_from_db()
    assert draft.section_states["baby"] == "completed"
    assert "baby" not in draft.section_drafts
    infant = draft.infant
    infant.refresh_from_db()
    assert (infant.full_name, infant.chi_number, infant.postcode) == (
        "Babytest Example",
        "0101251238",
        "ML5 9ZZ",
    )
    assert infant.gp_registration == "not_registered"
    assert client.get(response.url).status_code == 200


def test_errors_keep_what_was_typed_and_leave_the_section_in_progress(client, draft):
    response = save_baby(client, draft, family_name="", postcode="nowhere", chi_number="123")
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter the baby&#x27;s last name" in page
    assert "Enter a real postcode, like ML5 3BJ" in page
    assert 'value="nowhere"' in page
    assert 'value="Babytest"' in page
    assert 'value="123"' in page
    assert "<title>Error:" in page
    draft.refresh_from_db()
    assert draft.section_states["baby"] == "in_progress"
    assert draft.section_drafts["baby"]["postcode"] == ["nowhere"]
    draft.infant.refresh_from_db()
    assert draft.infant.given_name == ""  # nothing half-saved

    again = client.get(section_url(draft)).content.decode()
    assert 'value="nowhere"' in again
    assert "Enter the baby&#x27;s last name" in again


def test_fixing_the_errors_completes_the_section(client, draft):
    save_baby(client, draft, family_name="")
    response = save_baby(client, draft)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.section_states["baby"] == "completed"
    assert "baby" not in draft.section_drafts


def test_a_chi_number_for_another_date_is_shown_at_both_fields(client, draft):
    page = save_baby(client, draft, date_of_birth_day="2").content.decode()
    assert "is for a baby born on 1 January 2025" in page
    assert "Date of birth does not match the CHI number: check both" in page
    assert 'href="#id_chi_number"' in page
    assert 'href="#id_date_of_birth_day"' in page


def test_registered_without_a_practice_asks_for_one(client, draft):
    page = save_baby(client, draft, gp_registration="listed").content.decode()
    assert "Find and choose the baby&#x27;s GP practice" in page
    assert f'formaction="{search_url(draft)}"' in page


def test_a_stale_save_is_refused_without_overwriting(client, draft):
    save_baby(client, draft)
    response = client.post(section_url(draft), {**BABY, "given_name": "Other", "version": 1})
    assert response.status_code == 200  # refused, with what was typed kept on the page
    assert 'value="Other"' in response.content.decode()
    draft.infant.refresh_from_db()
    assert draft.infant.given_name == "Babytest"


# From the baby's page to the search and back


def test_the_find_button_keeps_what_was_typed_and_opens_the_search(client, draft):
    response = find_from_baby_page(client, draft, gp_registration="listed", town="")
    assert response.status_code == 302
    assert response.url == search_url(draft)
    draft.refresh_from_db()
    assert draft.section_states["baby"] == "in_progress"
    assert draft.section_drafts["baby"]["given_name"] == ["Babytest"]
    assert "find_practice" in draft.section_drafts["baby"]  # harmless: the form ignores it
    assert client.get(response.url).status_code == 200


def test_back_from_the_search_the_page_shows_what_was_typed_without_errors(client, draft):
    # Half filled in: the town and most answers not reached yet when "Find" was pressed.
    find_from_baby_page(client, draft, gp_registration="listed", town="", lives_with="")

    page = client.get(section_url(draft)).content.decode()

    assert 'value="Babytest"' in page
    assert "There is a problem" not in page
    assert "nhsuk-error-message" not in page


def test_choosing_a_practice_saves_it_and_returns_to_the_baby_page(client, draft):
    practice = GPPracticeFactory(name="Testville Medical Practice")
    find_from_baby_page(client, draft, gp_registration="listed")

    response = choose(client, draft, practice.code)

    assert response.status_code == 302
    assert response.url == section_url(draft)
    draft.refresh_from_db()
    draft.infant.refresh_from_db()
    assert draft.infant.gp_registration == "listed"
    assert draft.infant.gp_practice == practice
    assert draft.section_states["baby"] == "in_progress"
    assert "baby:practice" not in draft.section_drafts

    page = client.get(section_url(draft)).content.decode()
    assert "GP practice chosen: Testville Medical Practice" in page
    assert "Change the GP practice" in page
    assert 'value="Babytest"' in page  # typed before the search, still there
    assert 'value="listed" checked' in page
    assert CHOOSE_PRACTICE.replace("'", "&#x27;") not in page

    response = save_baby(client, draft, gp_registration="listed")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.section_states["baby"] == "completed"


def test_choosing_a_practice_turns_an_unsaved_answer_to_registered(client, draft):
    practice = GPPracticeFactory()
    save_baby(client, draft, gp_registration="not_listed", gp_practice_not_listed="", town="")
    choose(client, draft, practice.code)
    page = client.get(section_url(draft)).content.decode()
    assert 'value="listed" checked' in page


def test_changing_the_practice_of_a_completed_section_keeps_it_completed(client, draft):
    first, second = GPPracticeFactory(), GPPracticeFactory()
    choose(client, draft, first.code)
    save_baby(client, draft, gp_registration="listed")

    response = find_from_baby_page(client, draft, gp_registration="listed")
    assert response.status_code == 302
    choose(client, draft, second.code)

    draft.refresh_from_db()
    draft.infant.refresh_from_db()
    assert draft.infant.gp_practice == second
    assert draft.section_states["baby"] == "completed"


def test_choosing_nothing_says_so_and_changes_nothing(client, draft):
    GPPracticeFactory(name="Testville Medical Practice")
    version = draft.version
    response = client.post(search_url(draft), {"q": "Testville", "version": version})
    page = response.content.decode()
    assert response.status_code == 200
    assert SELECT_PRACTICE.replace("'", "&#x27;") in page
    assert 'href="#id_practice_0"' in page  # the error summary links to the first result
    assert "Testville Medical Practice" in page  # the results are shown again
    draft.refresh_from_db()
    assert (draft.version, draft.section_states, draft.section_drafts) == (version, {}, {})


def test_choosing_on_a_stale_page_is_refused(client, draft):
    practice = GPPracticeFactory()
    save_baby(client, draft, town="")  # the draft moves on
    response = client.post(
        search_url(draft), {"practice": practice.code, "q": "Test", "version": 1}
    )
    assert response.status_code == 302
    assert response.url == f"{search_url(draft)}?q=Test"
    draft.infant.refresh_from_db()
    assert draft.infant.gp_practice is None
    assert "changed in another tab" in client.get(response.url).content.decode()


# Searching


def test_the_search_page_first_shows_just_the_search(client, draft):
    response = client.get(search_url(draft))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Find the baby's GP practice</h1>" in page
    assert "There is a problem" not in page
    assert not response.context["searched"]


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "Enter the practice&#x27;s name, town, postcode or practice code"),
        ("ab", "Enter at least 3 letters or numbers to search for"),
    ],
)
def test_an_empty_or_too_short_search_is_explained(client, draft, q, message):
    page = search(client, draft, q).content.decode()
    assert "There is a problem" in page
    assert message in page
    assert "<title>Error:" in page


def test_search_by_name_town_postcode_or_code_ignoring_case(client, draft):
    practice = GPPracticeFactory(
        code="99321",
        name="Testburn Health Centre",
        address_line_1="2 Example Road",
        address_line_3="Exampletown",
        postcode="ML6 9ZZ",
    )
    GPPracticeFactory(name="Elsewhere Surgery", address_line_3="Otherplace", postcode="ML1 9ZZ")
    for q in ["testburn", "HEALTH CENTRE", "exampletown", "ml6 9zz", "ML69ZZ", "99321"]:
        assert found_codes(search(client, draft, q)) == ["99321"], q
    # The start of a code finds every practice whose code starts so (the factories' own 99xxx
    # codes can too, depending on how many practices earlier tests made).
    by_prefix = found_codes(search(client, draft, "993"))
    assert "99321" in by_prefix
    assert all(code.startswith("993") for code in by_prefix)
    assert found_codes(search(client, draft, "testburn exampletown")) == [practice.code]


def test_search_leaves_out_inactive_practices(client, draft):
    GPPracticeFactory(name="Testclosed Surgery", active=False)
    response = search(client, draft, "Testclosed")
    assert found_codes(response) == []
    page = response.content.decode()
    assert "No GP practices found for “Testclosed”" in page
    assert f'href="{section_url(draft)}#id_gp_registration_1"' in page


def test_search_lists_lanarkshire_practices_first(client, draft):
    glasgow = GPPracticeFactory(name="Aaa Testpractice", health_board_code=GLASGOW)
    lanarkshire = GPPracticeFactory(name="Zzz Testpractice")
    response = search(client, draft, "Testpractice")
    assert found_codes(response) == [lanarkshire.code, glasgow.code]
    assert "NHS Greater Glasgow and Clyde" in response.content.decode()


def test_search_shows_at_most_20_practices(client, draft):
    for _ in range(25):
        GPPracticeFactory()
    response = search(client, draft, "Testville")
    assert len(response.context["results"]) == 20
    assert response.context["more"]
    assert "the first 20 only" in response.content.decode()


def test_search_preselects_the_chosen_practice(client, draft):
    practice = GPPracticeFactory()
    choose(client, draft, practice.code)
    response = search(client, draft, "Testville")
    assert [r["checked"] for r in response.context["results"]] == [True]
    assert "The practice chosen now is" in response.content.decode()


def test_search_takes_as_many_queries_for_many_results_as_for_one(client, draft):
    GPPracticeFactory(name="Testsingle Surgery")
    for _ in range(20):
        GPPracticeFactory(name="Testmany Surgery")
    search(client, draft, "Testsingle")  # warm up (session, content types)

    with CaptureQueriesContext(connection) as one:
        assert len(search(client, draft, "Testsingle").context["results"]) == 1
    with CaptureQueriesContext(connection) as many:
        assert len(search(client, draft, "Testmany").context["results"]) == 20
    assert len(one) == len(many)


# Who may see these pages


def test_another_referrers_draft_is_not_found(client, draft):
    other = start_draft(by=ReferrerFactory())
    practice = GPPracticeFactory()
    assert client.get(section_url(other)).status_code == 404
    assert client.get(search_url(other), {"q": "Testville"}).status_code == 404
    assert choose(client, other, practice.code).status_code == 404
    assert find_from_baby_page(client, other).status_code == 404
    other.infant.refresh_from_db()
    assert other.infant.gp_practice is None


def test_a_sent_referral_has_no_practice_search(client, referrer):
    sign_in(client, referrer)
    sent = ReferralFactory(referrer=referrer, submitted=True)
    assert client.get(search_url(sent)).status_code == 404
    assert choose(client, sent, GPPracticeFactory().code).status_code == 404


def test_a_team_member_is_refused(client, team_member):
    referral = start_draft(by=ReferrerFactory())
    sign_in(client, team_member)
    assert client.get(section_url(referral)).status_code == 403
    assert client.get(search_url(referral)).status_code == 403
    assert Referral.objects.get(pk=referral.pk).version == referral.version


def test_signed_out_visitors_are_sent_to_sign_in(client):
    referral = start_draft(by=ReferrerFactory())
    response = client.get(search_url(referral))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
