"""The team's waiting list at /team/waiting-list/: who may see it, which referrals are on it and
in what order (the clock's adjusted wait), what each row says, the breach markers at their
boundaries, filters, pages, the local 4-week measure, and a constant number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from imhs.models import AuditAction, AuditEvent, Profession
from referrals.models import Appointment, Unavailability
from referrals.team.waiting_list import PAGE_SIZE
from tests.factories import (
    InfantFactory,
    ReferralFactory,
    ReferrerFactory,
    ServiceLeadFactory,
    TeamMemberFactory,
)
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

URL = "/team/waiting-list/"
# The session, the user and the device; the staff for the filter; the waiting set, its
# appointments and its unavailability; the audit event.
WAITING_LIST_QUERIES = 8


def today():
    return timezone.localdate()


def day(offset):
    """`offset` days from today (negative: in the past)."""
    return today() + datetime.timedelta(days=offset)


def noon(offset):
    return timezone.make_aware(datetime.datetime.combine(day(offset), datetime.time(12)))


def accepted(received=-10, *, accepted_on=None, allocated_to=None, status="accepted", **kwargs):
    """A referral received `received` days from today and accepted a day later (or on
    `accepted_on`)."""
    accepted_on = received + 1 if accepted_on is None else accepted_on
    return ReferralFactory(
        submitted=True,
        with_carer=False,
        status=status,
        submitted_at=noon(received),
        decided_at=noon(accepted_on),
        decided_by=kwargs.pop("decided_by", None) or TeamMemberFactory(),
        priority="routine",
        allocated_to=allocated_to,
        allocated_at=noon(accepted_on) if allocated_to else None,
        **kwargs,
    )


def appointment(referral, offset, *, purpose="assessment", attendance="booked", time=None, **kw):
    by = referral.decided_by
    outcome = {} if attendance == "booked" else {"outcome_by": by, "outcome_at": noon(offset)}
    return Appointment.objects.create(
        referral=referral,
        on=day(offset),
        time=time or datetime.time(10, 30),
        purpose=purpose,
        mode="clinic",
        attendance=attendance,
        booked_by=by,
        booked_at=noon(offset - 7),
        **outcome,
        **kw,
    )


def unavailable(referral, start, end):
    return Unavailability.objects.create(
        referral=referral,
        start=day(start),
        end=day(end),
        reason="Synthetic: away",
        recorded_by=referral.decided_by,
        recorded_at=noon(start),
    )


@pytest.fixture
def team_client(client, team_member):
    return sign_in(client, team_member)


def page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def references(response):
    return [row.reference for row in response.context["rows"]]


# --- access and audit -----------------------------------------------------------------------


def test_referrers_are_refused_and_anonymous_people_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302
    sign_in(client, ReferrerFactory())
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("factory", [TeamMemberFactory, ServiceLeadFactory])
def test_team_members_and_service_leads_see_it_and_each_view_is_audited(client, factory):
    person = factory()
    sign_in(client, person)
    response = page(client)
    assert "Waiting list" in response.content.decode()
    event = AuditEvent.objects.get(actor=person, action=AuditAction.VIEW)
    assert (event.object_type, event.object_id) == ("referrals.referral", "")
    assert event.detail == {"list": "waiting_list"}


def test_the_team_pages_link_to_each_other(client, team_member):
    sign_in(client, team_member)
    html = client.get("/team/").content.decode()
    for url in ("/team/waiting-list/", "/team/caseload/"):
        assert f'href="{url}"' in html
    assert 'href="/team/caseloads/"' not in html  # for service leads
    html = page(client).content.decode()
    assert 'href="/team/"' in html
    assert 'aria-current="page">Waiting list<' in html

    sign_in(client, ServiceLeadFactory())
    assert 'href="/team/caseloads/"' in client.get("/team/").content.decode()


# --- who is on it, in what order ------------------------------------------------------------


def test_only_accepted_referrals_not_yet_in_treatment_are_listed(team_client):
    waiting = accepted(-30)
    accepted(-30, status="in_treatment")
    accepted(-30, status="closed", closed_on=day(-1), close_reason="other")
    ReferralFactory(submitted=True, with_carer=False, submitted_at=noon(-40))
    ReferralFactory(declined=True, with_carer=False)
    ReferralFactory(with_carer=False)  # a draft

    assert references(page(team_client)) == [waiting.reference]


def test_longest_adjusted_wait_first_after_resets_and_pauses(team_client):
    plain = accepted(-50)
    # Received longest ago, but the family did not attend 15 days ago: the clock restarted then.
    reset = accepted(-100)
    appointment(reset, -15, attendance="did_not_attend")
    # 70 days, less 30 days the family was away: 40 adjusted.
    paused = accepted(-70)
    unavailable(paused, -60, -31)
    longest = accepted(-60)

    response = page(team_client)

    assert references(response) == [
        longest.reference,
        plain.reference,
        paused.reference,
        reset.reference,
    ]
    rows = {row.reference: row for row in response.context["rows"]}
    assert rows[reset.reference].adjusted_days == 15
    assert rows[reset.reference].clock_moved == (
        f"{day(-15).day} {day(-15):%B %Y} (the family did not attend an appointment that day)"
    )
    assert rows[paused.reference].adjusted_days == 40
    assert rows[paused.reference].clock_moved == ""  # paused, not restarted
    assert "Clock restarted" in response.content.decode()


def test_equal_adjusted_waits_put_the_earliest_received_first(team_client):
    recent = accepted(-25)
    paused = accepted(-30)  # 30 days less 5 away: 25, as long as the other's
    unavailable(paused, -20, -16)
    assert references(page(team_client)) == [paused.reference, recent.reference]


# --- what a row says ------------------------------------------------------------------------


def words(date):
    return f"{date.day} {date:%B %Y}"


def test_a_row_shows_what_the_team_needs(team_client):
    member = TeamMemberFactory(given_name="Allocatedtest", family_name="Person")
    referrer = ReferrerFactory(
        given_name="Refertest", family_name="Nurse", profession=Profession.FAMILY_NURSE
    )
    referral = accepted(
        -30,
        allocated_to=member,
        referrer=referrer,
        referrer_name="Refertest Nurse",
        referrer_profession=Profession.FAMILY_NURSE,
        infant=InfantFactory(given_name="Waitbaby", family_name="Example"),
    )
    appointment(referral, 3, purpose="consultation", time=datetime.time(14, 0))
    appointment(referral, 9, purpose="assessment", time=datetime.time(9, 15))
    appointment(referral, -2, purpose="assessment", attendance="clinic_cancelled",
                cancelled_on=day(-3))  # fmt: skip

    response = page(team_client)
    [row] = response.context["rows"]
    html = response.content.decode()

    assert (row.baby_name, row.reference) == ("Waitbaby Example", referral.reference)
    assert (row.referrer_name, row.referrer_profession) == (
        "Refertest Nurse",
        "Family nurse (Family Nurse Partnership)",
    )
    assert row.received_on == day(-30)
    assert (row.adjusted_weeks, row.band, row.band_label) == ("5 weeks", "0-18", "0 to 18 weeks")
    assert row.breach_on == day(-30 + 126)
    assert row.next_appointment == f"{words(day(3))} at 14:00: Consultation"
    assert row.allocated_to == "Allocatedtest Person"
    first = row.first_appointment
    assert (first.label, first.detail) == ("Not met", f"due by {words(day(-29 + 28))}")
    for text in [
        f'href="{reverse("referrals:team_referral", args=[referral.reference])}">Waitbaby Example',
        "Refertest Nurse",
        "Family nurse (Family Nurse Partnership)",
        words(day(-30)),
        "5 weeks",
        "0 to 18 weeks",
        words(day(96)),
        f"{words(day(3))} at 14:00: Consultation",
        "Allocatedtest Person",
    ]:
        assert text in html


def test_a_row_without_appointments_or_allocation_says_so(team_client):
    accepted(-3)
    [row] = page(team_client).context["rows"]
    assert (row.next_appointment, row.allocated_to) == ("None booked", "Not allocated")


@pytest.mark.parametrize(
    ("weeks_ago", "band", "label"),
    [(18, "0-18", "0 to 18 weeks"), (19, "19-35", "19 to 35 weeks"),
     (52, "36-52", "36 to 52 weeks"), (53, "over-52", "Over 52 weeks")],
)  # fmt: skip
def test_each_band_in_words(team_client, weeks_ago, band, label):
    accepted(-7 * weeks_ago)
    [row] = page(team_client).context["rows"]
    assert (row.band, row.band_label) == (band, label)


# --- breaches -------------------------------------------------------------------------------


def test_breached_and_soon_to_breach_stand_out_at_their_boundaries(team_client):
    breached = accepted(-127)  # the 18 weeks ran out yesterday
    due_today = accepted(-126)  # they run out today: not breached yet
    in_four_weeks = accepted(-98)  # 28 days left: within 4 weeks
    later = accepted(-97)  # 29 days left

    response = page(team_client)
    rows = {row.reference: row for row in response.context["rows"]}
    html = response.content.decode()

    assert (rows[breached.reference].breached, rows[breached.reference].breach_soon) == (
        True,
        False,
    )
    assert (rows[due_today.reference].breached, rows[due_today.reference].breach_soon) == (
        False,
        True,
    )
    assert rows[in_four_weeks.reference].breach_soon
    assert (rows[later.reference].breached, rows[later.reference].breach_soon) == (False, False)
    assert rows[breached.reference].row_class == "imhs-waiting-row--breached"
    assert rows[due_today.reference].row_class == "imhs-waiting-row--soon"
    assert rows[later.reference].row_class == ""
    assert "1 breached, 2 within 4 weeks of breaching" in html
    assert html.count(">Breached<") == 1
    assert html.count(">Breaches within 4 weeks<") == 2
    assert html.count("imhs-waiting-row--breached") == 1


def test_unavailability_moves_the_breach_date(team_client):
    referral = accepted(-127)
    unavailable(referral, -100, -91)  # 10 days away: 10 more days before the breach
    [row] = page(team_client).context["rows"]
    assert (row.breach_on, row.breached, row.breach_soon) == (day(9), False, True)


# --- the local 4-week measure ---------------------------------------------------------------


def test_first_appointment_within_4_weeks_of_acceptance(team_client):
    not_yet = accepted(-12, accepted_on=-10)
    due_today = accepted(-30, accepted_on=-28)
    missed = accepted(-45, accepted_on=-40)
    met = accepted(-45, accepted_on=-40)
    appointment(met, -20, purpose="consultation", attendance="attended")
    late = accepted(-50, accepted_on=-40)
    appointment(late, -5, purpose="assessment", attendance="attended")

    response = page(team_client)
    rows = {row.reference: row.first_appointment for row in response.context["rows"]}

    assert (rows[not_yet.reference].label, rows[not_yet.reference].detail) == (
        "Not yet",
        f"due by {words(day(18))}",
    )
    assert rows[due_today.reference].label == "Not yet"  # the last day is today
    assert (rows[missed.reference].label, rows[missed.reference].detail) == (
        "Not met",
        f"due by {words(day(-12))}",
    )
    assert (rows[met.reference].label, rows[met.reference].detail) == (
        "Met",
        f"seen {words(day(-20))}",
    )
    assert (rows[late.reference].label, rows[late.reference].detail) == (
        "Not met",
        f"seen {words(day(-5))}, due by {words(day(-12))}",
    )
    assert (
        "First appointment within 4 weeks of acceptance: 1 met, 2 not met, 2 not yet"
        in response.content.decode()
    )


# --- filters and pages ----------------------------------------------------------------------


def test_filter_by_band(team_client):
    accepted(-20)
    long = accepted(-7 * 20)
    longer = accepted(-7 * 40)

    assert references(page(team_client, band="19-35")) == [long.reference]
    assert references(page(team_client, band="36-52")) == [longer.reference]
    response = page(team_client, band="over-52")
    assert references(response) == []
    assert "No referrals on the waiting list match the filters" in response.content.decode()
    assert len(references(page(team_client, band="nonsense"))) == 3  # ignored


def test_filter_by_who_it_is_allocated_to(team_client, team_member):
    colleague = TeamMemberFactory()
    mine = accepted(-20, allocated_to=team_member)
    theirs = accepted(-30, allocated_to=colleague)
    nobodys = accepted(-40)

    assert references(page(team_client, allocated_to=team_member.pk)) == [mine.reference]
    assert references(page(team_client, allocated_to=colleague.pk)) == [theirs.reference]
    assert references(page(team_client, allocated_to="none")) == [nobodys.reference]
    assert len(references(page(team_client, allocated_to="99999999"))) == 3  # ignored
    # Both at once: the band and the person.
    assert references(page(team_client, allocated_to="none", band="19-35")) == []


def test_the_summary_counts_the_filtered_list(team_client, team_member):
    accepted(-130, allocated_to=team_member)
    accepted(-130)
    html = page(team_client, allocated_to=team_member.pk).content.decode()
    assert "1 breached, 0 within 4 weeks of breaching" in html


def test_pages_of_25_keep_the_order_and_the_filters(team_client):
    made = [accepted(-20 - n) for n in range(PAGE_SIZE + 5)]
    longest_first = [r.reference for r in reversed(made)]

    first = page(team_client, band="0-18")
    second = page(team_client, band="0-18", page=2)

    assert references(first) == longest_first[:PAGE_SIZE]
    assert references(second) == longest_first[PAGE_SIZE:]
    assert first.context["caption"] == (
        "1 to 25 of 30 referrals waiting, longest adjusted wait first"
    )
    assert "?band=0-18&amp;page=2" in first.content.decode()
    assert references(page(team_client, page="999")) == longest_first[PAGE_SIZE:]
    assert references(page(team_client, page="x")) == longest_first[:PAGE_SIZE]


# --- cost -----------------------------------------------------------------------------------


def make_waiting(count, members):
    """`count` waiting referrals, each with appointments and unavailability."""
    for n in range(count):
        referral = accepted(-20 - n, allocated_to=members[n % len(members)])
        appointment(referral, -10, attendance="did_not_attend")
        appointment(referral, 5 + n % 3)
        unavailable(referral, -8, -6)


@pytest.mark.parametrize("count", [5, 50])
def test_queries_are_constant_whatever_the_length_of_the_list(
    client, team_member, django_assert_max_num_queries, count
):
    make_waiting(count, [team_member, TeamMemberFactory()])
    accepted(-300, status="closed", closed_on=day(-100), close_reason="other")
    sign_in(client, team_member)

    with django_assert_max_num_queries(WAITING_LIST_QUERIES):
        response = client.get(URL, {"band": "0-18", "allocated_to": team_member.pk})

    assert response.status_code == 200
    assert len(response.context["rows"]) == min(-(-count // 2), PAGE_SIZE)
