"""Parents and carers, through the pages: the list, adding, changing and removing a carer, and
the list's "Save and continue"."""

import html

import pytest
from django.urls import reverse

from patients.models import Carer, CareRelationship
from referrals import drafts
from referrals.models import Referral
from tests.factories import (
    CareRelationshipFactory,
    CarerFactory,
    ReferrerFactory,
    TeamMemberFactory,
)
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

CARER = {
    "given_name": "Parenttest",
    "family_name": "Example",
    "relationship": "mother",
    "has_parental_responsibility": "yes",
    "lives_with_infant": "yes",
    "is_main_carer": "yes",
    "phone": "07700 900123",
    "email": "parenttest@example.org",
    "preferred_contact_method": "text",
    "interpreter_needed": "no",
    "at_baby_address": "yes",
}


@pytest.fixture
def referrer():
    return ReferrerFactory()


@pytest.fixture
def referral(referrer):
    return drafts.start_draft(by=referrer)


@pytest.fixture
def signed_in(client, referrer):
    sign_in(client, referrer)
    return client


def latest(referral):
    return Referral.objects.get(pk=referral.pk)


def page(response):
    return html.unescape(response.content.decode())


def list_url(referral):
    return reverse("referrals:carers", args=[referral.pk])


def add_url(referral):
    return reverse("referrals:carer_add", args=[referral.pk])


def change_url(referral, relationship):
    return reverse("referrals:carer_change", args=[referral.pk, relationship.pk])


def remove_url(referral, relationship):
    return reverse("referrals:carer_remove", args=[referral.pk, relationship.pk])


def post(client, url, referral, data=None):
    return client.post(url, {**(data or {}), "version": latest(referral).version})


def test_the_list_starts_empty_with_a_way_to_add(signed_in, referral):
    response = signed_in.get(list_url(referral))
    assert response.status_code == 200
    content = page(response)
    assert "No parents or carers have been added yet." in content
    assert add_url(referral) in content
    assert f'name="version" value="{referral.version}"' in content


def test_adding_a_carer_returns_to_the_list_with_them_on_it(signed_in, referral):
    response = post(signed_in, add_url(referral), referral, CARER)

    assert response.status_code == 302
    assert response.url == list_url(referral)
    relationship = CareRelationship.objects.get(infant=referral.infant)
    assert relationship.carer.full_name == "Parenttest Example"
    referral = latest(referral)
    assert referral.section_states == {"carers": "in_progress"}
    assert "carers:new" not in referral.section_drafts

    content = page(signed_in.get(list_url(referral)))
    assert "Parenttest Example added" in content
    assert "Parenttest Example" in content
    assert change_url(referral, relationship) in content
    assert remove_url(referral, relationship) in content


def test_the_add_page_has_the_form_a_version_and_a_cancel(signed_in, referral):
    content = page(signed_in.get(add_url(referral)))
    assert "Add a parent or carer" in content
    assert 'name="given_name"' in content
    assert f'name="version" value="{referral.version}"' in content
    assert reverse("referrals:discard", args=[referral.pk, "carers:new"]) in content


def test_errors_keep_what_was_typed_and_mark_the_section_in_progress(signed_in, referral):
    typed = {**CARER, "given_name": "", "phone": "0770", "email": "not-an-email"}

    response = post(signed_in, add_url(referral), referral, typed)

    assert response.status_code == 200
    content = page(response)
    assert "There is a problem" in content
    assert "<a href=\"#id_given_name\">Enter the parent's or carer's first name</a>" in content
    assert "Enter a UK phone number, like 07700 900 123 or 01698 754609" in content
    assert 'value="0770"' in content
    assert 'value="not-an-email"' in content
    assert content.count("<title>Error: ") == 1
    referral = latest(referral)
    assert referral.section_states == {"carers": "in_progress"}
    assert referral.section_drafts["carers:new"]["phone"] == ["0770"]
    assert not CareRelationship.objects.exists()

    # Coming back later: the typed answers and their errors are there again.
    content = page(signed_in.get(add_url(referral)))
    assert 'value="0770"' in content
    assert "Enter the parent's or carer's first name" in content

    # And the list says a page is unfinished.
    content = page(signed_in.get(list_url(referral)))
    assert "Not saved yet" in content
    assert "Continue: Example" in content  # the name typed so far


def test_cancel_forgets_the_unsaved_page(signed_in, referral):
    post(signed_in, add_url(referral), referral, {**CARER, "given_name": ""})

    response = post(
        signed_in, reverse("referrals:discard", args=[referral.pk, "carers:new"]), referral
    )

    assert response.status_code == 302
    assert "carers:new" not in latest(referral).section_drafts
    assert 'value="Example"' not in page(signed_in.get(add_url(referral)))


def test_changing_a_carer(signed_in, referral):
    relationship = CareRelationshipFactory(
        infant=referral.infant, carer=CarerFactory(given_name="Jo", family_name="Example")
    )

    content = page(signed_in.get(change_url(referral, relationship)))
    assert "Change Jo Example's details" in content
    assert 'value="Jo"' in content

    response = post(
        signed_in,
        change_url(referral, relationship),
        referral,
        {**CARER, "given_name": "Joanne", "family_name": "Example"},
    )

    assert response.status_code == 302
    relationship.carer.refresh_from_db()
    assert relationship.carer.given_name == "Joanne"
    assert Carer.objects.count() == 1


def test_a_second_main_carer_gets_a_message_not_an_error_page(signed_in, referral):
    CareRelationshipFactory(
        infant=referral.infant, carer=CarerFactory(given_name="Jo", family_name="Example")
    )

    response = post(signed_in, add_url(referral), referral, CARER)

    assert response.status_code == 200
    assert "Jo Example is already the baby's main carer" in page(response)
    assert CareRelationship.objects.count() == 1


def test_removing_a_carer_asks_first(signed_in, referral):
    relationship = CareRelationshipFactory(
        infant=referral.infant, carer=CarerFactory(given_name="Jo", family_name="Example")
    )

    content = page(signed_in.get(remove_url(referral, relationship)))
    assert "Are you sure you want to remove Jo Example?" in content
    assert CareRelationship.objects.exists()

    response = post(signed_in, remove_url(referral, relationship), referral)

    assert response.status_code == 302
    assert response.url == list_url(referral)
    assert not CareRelationship.objects.exists()
    assert not Carer.objects.exists()
    assert latest(referral).section_states == {"carers": "in_progress"}
    assert "Jo Example removed" in page(signed_in.get(list_url(referral)))


def test_save_and_continue_with_no_carers_shows_the_problem(signed_in, referral):
    response = post(signed_in, list_url(referral), referral)

    assert response.status_code == 200
    content = page(response)
    assert "There is a problem" in content
    assert '<a href="#add-carer">Add the baby\'s parents or carers</a>' in content
    assert latest(referral).section_states == {"carers": "in_progress"}


def test_save_and_continue_needs_someone_with_parental_responsibility(signed_in, referral):
    CareRelationshipFactory(infant=referral.infant, has_parental_responsibility=False)

    response = post(signed_in, list_url(referral), referral)

    assert response.status_code == 200
    assert "Add a parent or carer who has parental responsibility" in page(response)


def test_save_and_continue_completes_the_section(signed_in, referral):
    CareRelationshipFactory(infant=referral.infant)

    response = post(signed_in, list_url(referral), referral)

    assert response.status_code == 302
    assert response.url == reverse("referrals:detail", args=[referral.pk])
    assert latest(referral).section_states == {"carers": "completed"}


def test_save_and_continue_waits_for_an_unfinished_carer_page(signed_in, referral):
    CareRelationshipFactory(infant=referral.infant)
    post(signed_in, add_url(referral), referral, {**CARER, "given_name": "Sam", "phone": "x"})

    response = post(signed_in, list_url(referral), referral)

    assert response.status_code == 200
    assert '<a href="#unsaved-carers">Finish adding Sam Example' in page(response)


def test_the_task_list_links_to_the_carers_list(signed_in, referral):
    content = page(signed_in.get(reverse("referrals:detail", args=[referral.pk])))
    assert list_url(referral) in content


def test_a_stale_version_is_refused_and_nothing_is_overwritten(signed_in, referral):
    opened_at = referral.version
    post(signed_in, add_url(referral), referral, CARER)  # another tab saves first

    response = signed_in.post(
        add_url(referral),
        {**CARER, "given_name": "Stale", "is_main_carer": "no", "version": opened_at},
    )

    # Refused, with what was typed kept on the page beside the saved answers (point 18).
    assert response.status_code == 200
    assert 'value="Stale"' in page(response)
    assert "changed in another tab or window" in page(response)
    assert list(Carer.objects.values_list("given_name", flat=True)) == ["Parenttest"]


def test_a_stale_remove_is_refused(signed_in, referral):
    relationship = CareRelationshipFactory(infant=referral.infant)
    opened_at = referral.version
    post(signed_in, list_url(referral), referral)  # another tab saves first

    response = signed_in.post(remove_url(referral, relationship), {"version": opened_at})

    assert response.status_code == 302
    assert CareRelationship.objects.filter(pk=relationship.pk).exists()


def test_a_stale_change_is_refused_and_shows_the_latest_answers(signed_in, referral):
    relationship = CareRelationshipFactory(
        infant=referral.infant, carer=CarerFactory(given_name="Jo", family_name="Example")
    )
    opened_at = referral.version
    post(signed_in, change_url(referral, relationship), referral, {**CARER, "given_name": "New"})

    response = signed_in.post(
        change_url(referral, relationship), {**CARER, "given_name": "Old", "version": opened_at}
    )

    assert response.status_code == 200
    assert 'value="Old"' in page(response)
    relationship.carer.refresh_from_db()
    assert relationship.carer.given_name == "New"


def test_changing_a_carer_removed_in_another_tab_is_not_found(signed_in, referral):
    relationship = CareRelationshipFactory(infant=referral.infant)
    opened_at = referral.version
    post(signed_in, remove_url(referral, relationship), referral)

    response = signed_in.post(change_url(referral, relationship), {**CARER, "version": opened_at})

    assert response.status_code == 404
    assert not Carer.objects.exists()


def test_a_carer_of_another_baby_is_not_found(signed_in, referral):
    elsewhere = CareRelationshipFactory()
    assert signed_in.get(change_url(referral, elsewhere)).status_code == 404
    assert signed_in.get(remove_url(referral, elsewhere)).status_code == 404
    response = post(signed_in, remove_url(referral, elsewhere), referral)
    assert response.status_code == 404
    assert CareRelationship.objects.filter(pk=elsewhere.pk).exists()


def test_another_referrers_draft_is_not_found(client, referral):
    relationship = CareRelationshipFactory(infant=referral.infant)
    sign_in(client, ReferrerFactory())
    for url in (
        list_url(referral),
        add_url(referral),
        change_url(referral, relationship),
        remove_url(referral, relationship),
    ):
        assert client.get(url).status_code == 404
    assert post(client, add_url(referral), referral, CARER).status_code == 404
    assert CareRelationship.objects.count() == 1


def test_a_team_member_is_refused(client, referral):
    sign_in(client, TeamMemberFactory())
    assert client.get(list_url(referral)).status_code == 403
    assert post(client, add_url(referral), referral, CARER).status_code == 403


def test_a_sent_referral_is_not_changed_here(signed_in, referral):
    relationship = CareRelationshipFactory(infant=referral.infant)
    Referral.objects.filter(pk=referral.pk).update(
        status="submitted",
        reference="IMH-2026-99999",
        submitted_at="2026-01-05T10:00Z",
        submitted_by=referral.referrer,
    )

    assert signed_in.get(list_url(referral)).status_code == 404
    assert signed_in.get(change_url(referral, relationship)).status_code == 404
