"""'Your referrals' (issue 12, point 20): the baby's name and date of birth, each draft's last
change and progress; search by name or reference and filter by status in constant queries,
paged; and the referrer's own empty drafts older than a day deleted in one go, after asking."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from imhs.models import AuditAction, AuditEvent
from referrals import drafts
from referrals.models import Referral
from tests.factories import InfantFactory, ReferralFactory, ReferrerFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

MINE = reverse("referrals:mine")
DELETE_EMPTY = reverse("referrals:delete_empty_drafts")


def text(response):
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def rows(page):
    return page.count('<tr class="nhsuk-table__row">') - 1  # less the header row


def age(referral, **delta):
    Referral.objects.filter(pk=referral.pk).update(
        updated_at=timezone.now() - datetime.timedelta(**delta)
    )


def test_each_row_names_the_baby_with_date_of_birth_progress_and_last_change(client, referrer):
    sign_in(client, referrer)
    ReferralFactory(
        referrer=referrer,
        infant=InfantFactory(given_name="Ailsa", family_name="Testwood"),
        section_states={"baby": "completed", "carers": "completed", "concerns": "completed",
                        "safety": "in_progress"},
    )  # fmt: skip
    sent = ReferralFactory(
        referrer=referrer,
        submitted=True,
        infant=InfantFactory(given_name="Bram", family_name="Testhill"),
    )
    drafts.start_draft(by=referrer)

    page = text(client.get(MINE))

    assert "Ailsa Testwood" in page
    assert "14 Feb 2025" in page  # the date of birth
    assert "3 of 6 sections done" in page
    assert "0 of 6 sections done" in page
    assert "Name not given yet" in page
    assert "Bram Testhill" in page
    assert sent.reference in page
    assert f"{timezone.localtime():%-d %b %Y}, " in page  # when each was last changed
    assert ">Draft</strong>" in page


def test_search_by_name_or_reference_and_filter_by_status_stay_in_the_referrers_own(
    client, referrer
):
    sign_in(client, referrer)
    ailsa = ReferralFactory(referrer=referrer, infant=InfantFactory(given_name="Ailsa"))
    sent = ReferralFactory(
        referrer=referrer, submitted=True, infant=InfantFactory(given_name="Bram")
    )
    ReferralFactory(
        referrer=ReferrerFactory(), infant=InfantFactory(given_name="Ailsa")
    )  # not theirs

    by_name = text(client.get(MINE, {"q": "ailsa"}))
    assert rows(by_name) == 1
    assert reverse("referrals:detail", args=[ailsa.pk]) in by_name
    assert "1 referral found" in by_name

    by_reference = text(client.get(MINE, {"q": sent.reference}))
    assert rows(by_reference) == 1
    assert "Bram" in by_reference

    submitted = text(client.get(MINE, {"status": "submitted"}))
    assert rows(submitted) == 1
    assert "Bram" in submitted
    assert "Ailsa" not in submitted

    nothing = text(client.get(MINE, {"q": "Nobodyhere"}))
    assert "No referrals match your search." in nothing


def test_the_list_is_searched_filtered_and_paged_in_constant_queries(client, referrer):
    sign_in(client, referrer)
    counts = []
    for total in (3, 40):
        while Referral.objects.filter(referrer=referrer).count() < total:
            ReferralFactory(referrer=referrer, with_carer=False)
        posted = client.post(MINE, {"q": "Babytest", "status": "draft"})
        searched = posted["Location"].split("?", 1)[1]
        for params in ({}, QueryDict(searched)):
            with CaptureQueriesContext(connection) as queries:
                page = text(client.get(MINE, params))
            counts.append(len(queries))
        assert rows(page) == min(total, 25)  # one page at a time
    # The same number of queries for 3 as for 40, listed or searched.
    assert counts[0] == counts[2], counts
    assert counts[1] == counts[3], counts

    key = QueryDict(searched)["s"]
    second = text(client.get(MINE, {"status": "draft", "s": key, "page": "2"}))
    assert rows(second) == 15
    assert "page 2 of 2" in second
    assert f'href="?status=draft&s={key}&page=1"' in second  # the search kept, as its key
    # What was searched for is in no address: the form posts, the links carry the key.
    assert "Babytest" not in posted["Location"]
    assert not [href for href in re.findall(r'href="([^"]*)"', second) if "Babytest" in href]


@pytest.mark.parametrize("bad", [{"q": "Ail\x00sa"}, {"q": "x" * 101}, {"status": "nonsense"}])
def test_bad_search_input_is_an_error_at_the_field_never_a_500(client, referrer, bad):
    sign_in(client, referrer)
    ReferralFactory(referrer=referrer)

    page = text(client.post(MINE, bad, follow=True))

    assert "There is a problem" in page
    assert 'class="nhsuk-error-message"' in page
    assert rows(page) == 1  # nothing narrowed by input that was refused


def test_empty_drafts_older_than_a_day_are_deleted_after_asking_and_audited(client, referrer):
    sign_in(client, referrer)
    old_empty = [drafts.start_draft(by=referrer) for _ in range(2)]
    for draft in old_empty:
        age(draft, days=2)
    new_empty = drafts.start_draft(by=referrer)  # started today: maybe being written
    started = drafts.start_draft(by=referrer)
    Referral.objects.filter(pk=started.pk).update(section_states={"baby": "in_progress"})
    age(started, days=2)  # something typed: kept
    sent = ReferralFactory(referrer=referrer, submitted=True)
    age(sent, days=2)
    someone_elses = drafts.start_draft(by=ReferrerFactory())
    age(someone_elses, days=2)

    assert "Delete 2 empty drafts" in text(client.get(MINE))
    assert "Are you sure you want to delete 2 empty drafts?" in text(client.get(DELETE_EMPTY))
    assert Referral.objects.count() == 6  # asking deletes nothing

    response = client.post(DELETE_EMPTY)

    assert response.status_code == 302
    assert response.url == MINE
    assert set(Referral.objects.values_list("pk", flat=True)) == {
        new_empty.pk, started.pk, sent.pk, someone_elses.pk
    }  # fmt: skip
    deleted = AuditEvent.objects.filter(action=AuditAction.DELETE, actor=referrer)
    assert sorted(int(e.object_id) for e in deleted) == sorted(d.pk for d in old_empty)
    assert all(e.detail == {"empty": True} for e in deleted)
    page = text(client.get(MINE))
    assert "2 empty drafts deleted." in page
    assert "empty draft" not in page.replace("2 empty drafts deleted.", "")
    # Nothing left to delete: the confirmation page sends them back to the list.
    assert client.get(DELETE_EMPTY).status_code == 302
