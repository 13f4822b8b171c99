"""What the dashboard keeps while the data is unchanged (referrals.team.unchanged, ADR 0016):
the data version raised at commit by the trigger (migration 0020), and pages that show every
committed change at once, with the kept figures used when nothing changed.

These tests commit (transaction=True): the version moves only when a transaction commits, and
nothing is kept inside one, so a test in a transaction would never reach what it tests."""

import datetime
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imhs.models import AuditAction, AuditEvent
from referrals import invitations
from referrals.models import (
    Attendance,
    InformationRequest,
    ParentInvitation,
    ParentViews,
    Referral,
    Status,
)
from referrals.team import unchanged
from referrals.team.dashboard import PAGE_SIZE
from tests.factories import (
    AppointmentFactory,
    CareRelationshipFactory,
    CarerFactory,
    ReferralFactory,
    TeamMemberFactory,
    UnavailabilityFactory,
)
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/team/"


def version():
    return unchanged._version()


def days_ago(days):
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def counts(response):
    return {queue.key: queue.count for queue in response.context["queues"]}


def alert_rows(response, key):
    by_key = {alert.key: alert for alert in response.context["alerts"]}
    return [(row.reference, row.baby_name) for row in by_key[key].rows] if key in by_key else []


@pytest.fixture
def team_client(client):
    sign_in(client, TeamMemberFactory())
    return client


# --- the version ----------------------------------------------------------------------------


def test_a_write_raises_the_version_when_it_commits_once_for_the_transaction():
    referral = ReferralFactory(submitted=True, with_carer=False)
    before = version()
    with transaction.atomic():
        referral.priority = "routine"
        referral.save(update_fields=["priority"])
        AppointmentFactory(referral=referral)
        # Deferred to the commit: not raised yet, even for this transaction.
        assert version() == before
    after = version()
    assert after > before
    # Once for the transaction however many rows it wrote: the next commit raises it by one.
    referral.save(update_fields=["priority"])
    assert version() == after + 1


@pytest.mark.parametrize("table", ["referral", "appointment", "infant", "person"])
def test_each_watched_table_raises_it(table):
    referral = ReferralFactory(submitted=True, with_carer=False)
    appointment = AppointmentFactory(referral=referral)
    before = version()
    {
        "referral": lambda: Referral.objects.filter(pk=referral.pk).update(priority="urgent"),
        "appointment": lambda: appointment.delete(),
        "infant": lambda: (
            type(referral.infant)
            .objects.filter(pk=referral.infant_id)
            .update(given_name="Renamedbaby")
        ),
        "person": lambda: TeamMemberFactory(),
    }[table]()
    assert version() > before


def test_a_write_elsewhere_does_not():
    ReferralFactory(submitted=True, with_carer=False)
    before = version()
    AuditEvent.objects.create(action=AuditAction.VIEW, object_type="referrals.referral")
    assert version() == before


def test_a_transaction_that_rolls_back_does_not():
    referral = ReferralFactory(submitted=True, with_carer=False)
    before = version()

    def write_then_fail():
        with transaction.atomic():
            Referral.objects.filter(pk=referral.pk).update(priority="urgent")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert version() == before


# --- what is kept ---------------------------------------------------------------------------


def test_kept_work_is_done_again_when_the_data_or_the_day_changes():
    ReferralFactory(submitted=True, with_carer=False)
    today = timezone.localdate()
    calls = []

    def work():
        calls.append(1)
        return len(calls)

    assert unchanged.Kept(day=today)("test", work) == 1
    assert unchanged.Kept(day=today)("test", work) == 1  # unchanged: kept
    assert unchanged.Kept(day=today + datetime.timedelta(days=1))("test", work) == 2  # a new day
    ReferralFactory(submitted=True, with_carer=False)
    assert unchanged.Kept(day=today + datetime.timedelta(days=1))("test", work) == 3  # new data


def test_nothing_is_kept_inside_a_transaction():
    ReferralFactory(submitted=True, with_carer=False)
    calls = []
    with transaction.atomic():
        for _ in range(2):
            unchanged.Kept(day=timezone.localdate())("test", lambda: calls.append(1))
    assert len(calls) == 2


def test_a_page_with_nothing_changed_uses_what_was_kept(team_client):
    ReferralFactory(submitted=True, with_carer=False, submitted_at=days_ago(30))
    team_client.get(URL)  # the first page works it all out
    with CaptureQueriesContext(connection) as first:
        team_client.get(URL, {"queue": "all"})
    # Another queue, nothing changed: the staff, counts and alerts kept, only the version read.
    sql = " ".join(query["sql"] for query in first.captured_queries)
    assert "referrals_dataversion" in sql
    assert "COUNT(" not in sql
    assert '"imhs_user"."role" IN' not in sql
    searched_at = team_client.post(URL, {"q": "Nomatchbaby"})["Location"]
    with CaptureQueriesContext(connection) as searched:
        assert team_client.get(searched_at).status_code == 200
    # A search narrows the counts: worked out for it, not kept.
    assert any("COUNT(" in query["sql"] for query in searched.captured_queries)


# --- pages that show every committed change -------------------------------------------------


def test_the_counts_follow_each_committed_change(team_client):
    new = ReferralFactory(submitted=True, with_carer=False)
    assert counts(team_client.get(URL))["new"] == 1
    ReferralFactory(submitted=True, with_carer=False)
    assert counts(team_client.get(URL))["new"] == 2
    Referral.objects.filter(pk=new.pk).update(status=Status.IN_REVIEW)
    shown = counts(team_client.get(URL))
    assert (shown["new"], shown["in_review"], shown["all"]) == (1, 1, 2)


def test_the_alerts_follow_an_appointment_a_name_and_a_decision(settings, team_client):
    settings.ALERT_NO_APPOINTMENT_DAYS = 14
    waiting = ReferralFactory(accepted=True, with_carer=False, decided_at=days_ago(20))
    other = ReferralFactory(accepted=True, with_carer=False, decided_at=days_ago(25))
    shown = alert_rows(team_client.get(URL), "no_appointment")
    assert [reference for reference, _ in shown] == [other.reference, waiting.reference]

    type(other.infant).objects.filter(pk=other.infant_id).update(given_name="Renamedbaby")
    shown = alert_rows(team_client.get(URL), "no_appointment")
    assert shown[0] == (other.reference, f"Renamedbaby {other.infant.family_name}")

    AppointmentFactory(referral=waiting, attendance=Attendance.BOOKED)
    shown = alert_rows(team_client.get(URL), "no_appointment")
    assert [reference for reference, _ in shown] == [other.reference]

    Referral.objects.filter(pk=other.pk).update(
        status=Status.CLOSED, closed_on=timezone.localdate()
    )
    assert alert_rows(team_client.get(URL), "no_appointment") == []


def test_a_new_colleague_can_be_chosen_at_once(team_client):
    ReferralFactory(submitted=True, with_carer=False)
    team_client.get(URL)
    colleague = TeamMemberFactory(given_name="Newcolleague", family_name="Example")
    page = team_client.get(URL).content.decode()
    assert f'<option value="{colleague.pk}">Newcolleague Example</option>' in page


def test_the_alert_settings_are_part_of_what_is_kept(settings, team_client):
    ReferralFactory(accepted=True, with_carer=False, decided_at=days_ago(20))
    settings.ALERT_NO_APPOINTMENT_DAYS = 14
    assert alert_rows(team_client.get(URL), "no_appointment")
    settings.ALERT_NO_APPOINTMENT_DAYS = 30
    assert alert_rows(team_client.get(URL), "no_appointment") == []


# --- a queue's first page of rows -----------------------------------------------------------


def parent_views(response, referral):
    [row] = [row for row in response.context["rows"] if row.reference == referral.reference]
    return row.parent_views


def test_the_first_page_is_kept_and_a_later_page_is_not(team_client):
    for _ in range(PAGE_SIZE + 2):
        ReferralFactory(submitted=True, with_carer=False)
    first = team_client.get(URL)
    with CaptureQueriesContext(connection) as again:
        assert team_client.get(URL).context["rows"] == first.context["rows"]
    # Kept: no query reads the rows (their parents' links are read with them). Five in all:
    # the session, the user, the second factor, the data version and the audit event.
    assert not any("referrals_parentinvitation" in q["sql"] for q in again.captured_queries)
    assert len(again.captured_queries) == 5
    next_page = first.context["pagination"].next
    with CaptureQueriesContext(connection) as later:
        assert len(team_client.get(URL + next_page).context["rows"]) == 2
    assert any("referrals_parentinvitation" in q["sql"] for q in later.captured_queries)


def test_the_first_pages_rows_follow_each_committed_change(team_client):
    team_member = TeamMemberFactory()
    referral = ReferralFactory(submitted=True, with_carer=False, parent_views_method="secure_link")
    carer = CarerFactory()
    CareRelationshipFactory(infant=referral.infant, carer=carer, has_parental_responsibility=True)
    assert parent_views(team_client.get(URL), referral) == "Secure link to be sent"

    invitation, _ = invitations.create(referral, carer=carer, by=team_member, send_email=False)
    assert parent_views(team_client.get(URL), referral) == "Link sent"

    ParentInvitation.objects.filter(pk=invitation.pk).update(first_opened_at=timezone.now())
    assert parent_views(team_client.get(URL), referral) == "Link opened"

    now = timezone.now()
    ParentViews.objects.create(referral=referral, carer=carer, saved_at=now, submitted_at=now)
    assert parent_views(team_client.get(URL), referral) == "Views received"

    Referral.objects.filter(pk=referral.pk).update(status=Status.INFORMATION_REQUESTED)
    InformationRequest.objects.create(
        referral=referral, question="Synthetic question?", asked_by=team_member, asked_at=now
    )
    [row] = team_client.get(URL, {"queue": "information_requested"}).context["rows"]
    assert row.status_detail.startswith("waiting since ")


def test_the_clock_on_a_kept_page_follows_unavailability(team_client):
    referral = ReferralFactory(
        accepted=True, with_carer=False, submitted_at=days_ago(30), decided_at=days_ago(20)
    )
    params = {"queue": "awaiting_allocation"}
    [row] = team_client.get(URL, params).context["rows"]
    assert row.days_waiting == "30 days"
    today = timezone.localdate()
    UnavailabilityFactory(
        referral=referral,
        start=today - datetime.timedelta(days=10),
        end=today - datetime.timedelta(days=1),
    )
    [row] = team_client.get(URL, params).context["rows"]
    assert row.days_waiting == "20 days"  # ten days the family could not come pause the clock


def test_a_link_expires_on_a_kept_page_with_nothing_written(team_client):
    """The links' state is worked out as each page is drawn: time alone moves it on."""
    team_member = TeamMemberFactory()
    referral = ReferralFactory(submitted=True, with_carer=False, parent_views_method="secure_link")
    carer = CarerFactory()
    CareRelationshipFactory(infant=referral.infant, carer=carer, has_parental_responsibility=True)
    invitation, _ = invitations.create(referral, carer=carer, by=team_member, send_email=False)
    expires = timezone.now() + datetime.timedelta(seconds=3)
    ParentInvitation.objects.filter(pk=invitation.pk).update(expires_at=expires)
    assert parent_views(team_client.get(URL), referral) == "Link sent"
    version_then = version()
    time.sleep(max((expires - timezone.now()).total_seconds(), 0) + 0.2)
    assert parent_views(team_client.get(URL), referral) == "Link expired"
    assert version() == version_then  # nothing written: the kept rows, drawn at a later moment
