"""Caseloads: "My caseload" (/team/caseload/), every member's counts for service leads
(/team/caseloads/), a member's caseload (/team/caseloads/<id>/), and reassigning referrals
from it (POST .../reassign/), each through the workflow."""

import datetime

import pytest
from django.contrib.messages import get_messages

from imhs.models import AuditAction, AuditEvent
from referrals import workflow
from referrals.models import Referral, ReferralEvent
from tests.factories import (
    InfantFactory,
    ReferrerFactory,
    ServiceLeadFactory,
    TeamMemberFactory,
)
from tests.integration.referrals.team.test_waiting_list import (
    accepted,
    appointment,
    day,
    unavailable,
    words,
)
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

MINE = "/team/caseload/"
OVERVIEW = "/team/caseloads/"
# The session, the user and the device; the caseload, its appointments and unavailability;
# the audit event.
CASELOAD_QUERIES = 7
# The session, the user and the device; the counts; the audit event.
OVERVIEW_QUERIES = 5


def caseload_url(member):
    return f"/team/caseloads/{member.pk}/"


def reassign_url(member):
    return f"/team/caseloads/{member.pk}/reassign/"


def references(response):
    return [row.reference for row in response.context["rows"]]


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- My caseload ----------------------------------------------------------------------------


def test_my_caseload_lists_my_waiting_and_in_treatment_referrals(client, team_member):
    waiting = accepted(-40, allocated_to=team_member)
    waiting_longer = accepted(-60, allocated_to=team_member)
    treated = accepted(-90, allocated_to=team_member, status="in_treatment")
    accepted(-40, allocated_to=TeamMemberFactory())  # a colleague's
    accepted(-40)  # not allocated
    accepted(-40, allocated_to=team_member, status="closed", closed_on=day(-1))
    sign_in(client, team_member)

    response = client.get(MINE)

    assert response.status_code == 200
    assert references(response) == [
        waiting_longer.reference,
        waiting.reference,
        treated.reference,
    ]
    # In treatment with no attended treatment appointment recorded (carried over): still in
    # treatment, after the waiting ones.
    assert response.context["rows"][2].weeks_detail == "Start not recorded"
    html = response.content.decode()
    assert "My caseload" in html
    assert "3 referrals: 2 waiting, 1 in treatment" in html
    assert 'name="selected"' not in html  # nobody reassigns from their own list


def test_a_caseload_row_says_what_the_team_needs(client, team_member):
    waiting = accepted(
        -30,
        allocated_to=team_member,
        infant=InfantFactory(given_name="Casebaby", family_name="Waiting"),
    )
    appointment(waiting, -10, purpose="assessment", attendance="attended")
    appointment(waiting, 4, purpose="first_treatment", time=datetime.time(11, 0))
    unavailable(waiting, -20, -14)  # 7 days away: 23 days adjusted
    treated = accepted(
        -100,
        allocated_to=team_member,
        status="in_treatment",
        infant=InfantFactory(given_name="Casebaby", family_name="Treated"),
    )
    appointment(treated, -22, purpose="first_treatment", attendance="attended")
    appointment(treated, -8, purpose="treatment", attendance="attended")
    appointment(treated, -1, purpose="treatment", attendance="did_not_attend")
    sign_in(client, team_member)

    response = client.get(MINE)
    first, second = response.context["rows"]
    html = response.content.decode()

    assert (first.baby_name, first.status, first.waiting) == ("Casebaby Waiting", "Waiting", True)
    assert (first.weeks, first.weeks_detail) == ("4 weeks waiting (adjusted)", "")
    assert first.next_appointment == f"{words(day(4))} at 11:00: First treatment session"
    assert first.last_contact == f"{words(day(-10))}: Assessment"
    assert (second.baby_name, second.status) == ("Casebaby Treated", "In treatment")
    assert (second.weeks, second.weeks_detail) == (
        "3 weeks in treatment",
        f"since {words(day(-22))}",
    )
    assert second.next_appointment == "None booked"
    assert second.last_contact == f"{words(day(-8))}: Treatment session (ongoing)"
    for text in ["Casebaby Waiting", ">Waiting<", ">In treatment<", "4 weeks waiting (adjusted)"]:
        assert text in html


def test_an_empty_caseload_says_so(client, team_member):
    sign_in(client, team_member)
    assert "No referrals are allocated to you." in client.get(MINE).content.decode()


def test_each_caseload_view_is_audited(client, team_member):
    accepted(-10, allocated_to=team_member)
    sign_in(client, team_member)
    client.get(MINE)
    event = AuditEvent.objects.get(actor=team_member, action=AuditAction.VIEW)
    assert (event.object_type, event.object_id) == ("referrals.referral", "")
    assert event.detail == {"list": "caseload", "member": team_member.pk}


@pytest.mark.parametrize("count", [3, 30])
def test_caseload_queries_are_constant(client, team_member, django_assert_max_num_queries, count):
    for n in range(count):
        referral = accepted(-20 - n, allocated_to=team_member)
        appointment(referral, -5, attendance="attended")
        appointment(referral, 5)
        unavailable(referral, -8, -6)
    sign_in(client, team_member)
    with django_assert_max_num_queries(CASELOAD_QUERIES):
        response = client.get(MINE)
    assert len(response.context["rows"]) == count


# --- who may open which caseload ------------------------------------------------------------


def test_a_team_member_may_open_only_their_own_caseload(client, team_member):
    colleague = TeamMemberFactory()
    sign_in(client, team_member)

    assert client.get(caseload_url(team_member)).status_code == 200
    assert client.get(caseload_url(colleague)).status_code == 403
    assert client.get(OVERVIEW).status_code == 403
    denied = AuditEvent.objects.filter(actor=team_member, action=AuditAction.ACCESS_DENIED)
    assert denied.count() == 2


def test_a_service_lead_opens_any_members_caseload(lead_client):
    colleague = TeamMemberFactory(given_name="Colleaguetest", family_name="Person")
    theirs = accepted(-20, allocated_to=colleague)

    response = lead_client.get(caseload_url(colleague))

    assert response.status_code == 200
    assert references(response) == [theirs.reference]
    html = response.content.decode()
    assert "Caseload of Colleaguetest Person" in html
    assert f'value="{theirs.reference}:{theirs.version}"' in html
    assert "Reassign selected" in html


@pytest.mark.parametrize("who", ["referrer", "nobody"])
def test_a_caseload_of_someone_not_in_the_team_is_not_found(lead_client, who):
    user_id = ReferrerFactory().pk if who == "referrer" else 99999999
    assert lead_client.get(f"/team/caseloads/{user_id}/").status_code == 404
    assert lead_client.post(f"/team/caseloads/{user_id}/reassign/").status_code == 404


def test_referrers_are_refused_every_caseload_page(client, team_member):
    sign_in(client, ReferrerFactory())
    for url in (MINE, OVERVIEW, caseload_url(team_member)):
        assert client.get(url).status_code == 403


# --- every member's caseload ----------------------------------------------------------------


def test_the_overview_counts_each_members_referrals(lead_client, django_assert_max_num_queries):
    busy = TeamMemberFactory(given_name="Busytest", family_name="Aardvark")
    idle = TeamMemberFactory(given_name="Idletest", family_name="Zebra")
    left = TeamMemberFactory(given_name="Lefttest", family_name="Mole", is_active=False)
    TeamMemberFactory(given_name="Goneaway", family_name="Mole", is_active=False)  # holds none
    accepted(-10, allocated_to=busy)
    accepted(-20, allocated_to=busy)
    accepted(-30, allocated_to=busy, status="in_treatment")
    accepted(-30, allocated_to=busy, status="closed", closed_on=day(-1))
    accepted(-30, allocated_to=left)

    with django_assert_max_num_queries(OVERVIEW_QUERIES):
        response = lead_client.get(OVERVIEW)

    counts = {m.name: (m.waiting, m.in_treatment, m.total) for m in response.context["members"]}
    assert counts["Busytest Aardvark"] == (2, 1, 3)
    assert counts["Idletest Zebra"] == (0, 0, 0)
    assert counts["Lefttest Mole (left)"] == (1, 0, 1)
    assert "Goneaway Mole (left)" not in counts
    html = response.content.decode()
    assert f'href="/team/caseloads/{busy.pk}/"' in html
    assert f'href="/team/caseloads/{idle.pk}/"' in html
    assert "Service leads see every caseload" in html


# --- reassigning ----------------------------------------------------------------------------


def selection(referral):
    return f"{referral.reference}:{referral.version}"


def test_a_service_lead_reassigns_several_and_a_stale_one_is_reported(
    client, service_lead, team_member
):
    colleague = TeamMemberFactory(given_name="Newtest", family_name="Owner")
    first, second, stale = (accepted(-n, allocated_to=team_member) for n in (10, 20, 30))
    kept = accepted(-40, allocated_to=team_member)
    shown = {r.reference: selection(r) for r in (first, second, stale)}
    # Someone reassigns one after the lead's page was drawn: the lead's version is now stale.
    workflow.allocate(stale, by=team_member, version=stale.version, to=team_member)
    sign_in(client, service_lead)
    events_before = ReferralEvent.objects.count()
    audit_before = AuditEvent.objects.filter(action=AuditAction.CHANGE).count()

    response = client.post(
        reassign_url(team_member), {"selected": list(shown.values()), "to": colleague.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == caseload_url(team_member)
    owners = dict(Referral.objects.values_list("reference", "allocated_to"))
    assert owners[first.reference] == owners[second.reference] == colleague.pk
    assert owners[stale.reference] == owners[kept.reference] == team_member.pk
    assert ReferralEvent.objects.count() == events_before + 2
    for referral in (first, second):
        event = ReferralEvent.objects.filter(referral=referral).latest("at", "id")
        assert (event.by, event.note) == (service_lead, "Allocated to Newtest Owner")
        assert AuditEvent.objects.filter(
            action=AuditAction.CHANGE, actor=service_lead, object_id=str(referral.pk),
            detail__action="allocate",
        ).exists()  # fmt: skip
    assert AuditEvent.objects.filter(action=AuditAction.CHANGE).count() == audit_before + 2
    said = messages_of(response)
    assert "2 referrals reassigned to Newtest Owner." in said
    assert any(stale.reference in message and "Not reassigned" in message for message in said)
    assert not any(first.reference in message for message in said)


def test_a_referral_no_longer_on_the_caseload_is_reported_not_taken(lead_client, team_member):
    colleague = TeamMemberFactory()
    elsewhere = accepted(-10, allocated_to=colleague)  # someone else's, at its current version
    response = lead_client.post(
        reassign_url(team_member), {"selected": [selection(elsewhere)], "to": colleague.pk}
    )
    assert response.status_code == 302
    assert Referral.objects.get(pk=elsewhere.pk).version == elsewhere.version
    assert any(elsewhere.reference in message for message in messages_of(response))


def test_a_team_member_cannot_reassign(client, team_member):
    colleague = TeamMemberFactory()
    referral = accepted(-10, allocated_to=team_member)
    sign_in(client, team_member)

    response = client.post(
        reassign_url(team_member), {"selected": [selection(referral)], "to": colleague.pk}
    )

    assert response.status_code == 403
    assert Referral.objects.get(pk=referral.pk).allocated_to == team_member
    assert 'name="selected"' not in client.get(caseload_url(team_member)).content.decode()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"to": "me"}, "Select the referrals to reassign"),
        ({"selected": ["x"]}, "Select who to reassign the referrals to"),
        ({"selected": ["nonsense"], "to": "me"}, "Select the referrals to reassign from the list"),
    ],
)
def test_a_reassign_with_errors_says_what_is_missing_and_keeps_the_ticks(
    lead_client, team_member, data, error
):
    referral = accepted(-10, allocated_to=team_member)
    colleague = TeamMemberFactory()
    if "to" in data:
        data["to"] = colleague.pk
    if data.get("selected") == ["x"]:
        data["selected"] = [selection(referral)]

    response = lead_client.post(reassign_url(team_member), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert error in html
    if data.get("selected") == [selection(referral)]:
        assert f'value="{selection(referral)}" checked' in html
    assert Referral.objects.get(pk=referral.pk).version == referral.version


def test_one_cannot_reassign_to_the_member_whose_caseload_it_is(lead_client, team_member):
    referral = accepted(-10, allocated_to=team_member)
    response = lead_client.post(
        reassign_url(team_member), {"selected": [selection(referral)], "to": team_member.pk}
    )
    assert response.status_code == 200
    assert "Select who to reassign the referrals to from the list" in response.content.decode()


def test_a_reload_of_the_reassign_address_shows_the_caseload(lead_client, team_member):
    response = lead_client.get(reassign_url(team_member))
    assert (response.status_code, response["Location"]) == (302, caseload_url(team_member))


def test_a_service_lead_is_told_when_the_member_has_no_referrals(lead_client):
    member = TeamMemberFactory(given_name="Emptytest", family_name="Person")
    html = lead_client.get(caseload_url(member)).content.decode()
    assert "No referrals are allocated to Emptytest Person." in html
    assert "Reassign selected" not in html


def test_the_lead_sees_all_the_teams_pages_linked(lead_client, service_lead):
    html = lead_client.get(caseload_url(ServiceLeadFactory())).content.decode()
    for url in ("/team/", "/team/waiting-list/", "/team/caseload/", "/team/caseloads/"):
        assert f'href="{url}"' in html


def test_one_week_is_singular(client, team_member):
    accepted(-7, allocated_to=team_member)
    sign_in(client, team_member)
    [row] = client.get(MINE).context["rows"]
    assert row.weeks == "1 week waiting (adjusted)"
