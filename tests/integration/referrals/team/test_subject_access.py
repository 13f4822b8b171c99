"""Subject access requests (/team/subject-access/): the search, the bundle's contents for a
family with two referrals, the other family kept out, flags, withholding, release, the download,
rights and audit."""

import datetime
import io
import json
import zipfile

import pytest
from django.utils import timezone

from imhs.models import AuditAction, AuditEvent
from patients.chi import format_chi
from referrals.models import (
    InformationRequest,
    InvolvedProfessional,
    ParentViews,
    ReferralEvent,
    SubjectAccessRequest,
    TeamNote,
    one_month_after,
)
from referrals.team import subject_access as bundles
from tests.factories import (
    AppointmentFactory,
    CareRelationshipFactory,
    CarerFactory,
    InfantFactory,
    ReferralFactory,
    ReferrerFactory,
    ServiceLeadFactory,
    TeamMemberFactory,
    UnavailabilityFactory,
)
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

INDEX = "/team/subject-access/"
CHI = "1402250126"  # synthetic (patients.chi.make_chi): born 14 February 2025
OTHER_CHI = "0303240229"
NOW = timezone.now()


def url(sar, step=""):
    return f"/team/subject-access/{sar.pk}/{step}"


def family():
    """Isla Testsubject, referred twice (declined, then accepted), and another family."""
    lead = ServiceLeadFactory(given_name="Leadtest", family_name="Reviewer")
    member = TeamMemberFactory(given_name="Membertest", family_name="Clinician")
    first_baby = InfantFactory(
        given_name="Isla",
        family_name="Testsubject",
        chi_number=CHI,
        date_of_birth=datetime.date(2025, 2, 14),
    )
    second_baby = InfantFactory(
        given_name="Isla",
        family_name="Testsubject",
        chi_number=CHI,
        date_of_birth=datetime.date(2025, 2, 14),
    )
    first = ReferralFactory(
        declined=True,
        infant=first_baby,
        with_carer=False,
        decision_explanation="Synthetic decline explanation for the family.",
        signposted_other="Test Signpost Service",
        eligibility={
            "checks": [{"rule": "age", "outcome": "pass", "message": "Synthetic age check met."}],
            "third_birthday": "2028-02-14",
        },
    )
    mother = CarerFactory(given_name="Morag", family_name="Testparent")
    father = CarerFactory(given_name="Fergus", family_name="Testparent")
    CareRelationshipFactory(infant=first_baby, carer=mother)
    CareRelationshipFactory(infant=second_baby, carer=mother)
    CareRelationshipFactory(
        infant=second_baby, carer=father, relationship="father", is_main_carer=False
    )
    second = ReferralFactory(
        accepted=True,
        infant=second_baby,
        with_carer=False,
        why_now="Synthetic why-now answer on the second referral.",
        allocated_to=member,
        allocated_at=NOW,
    )
    InvolvedProfessional.objects.create(
        referral=second, name="Petra Testsocialworker", role="Social work"
    )
    InformationRequest.objects.create(
        referral=second,
        question="Synthetic question from the team?",
        asked_by=member,
        asked_at=NOW,
        answer="Synthetic answer from the referrer.",
        answered_by=second.referrer,
        answered_at=NOW,
    )
    TeamNote.objects.create(referral=second, text="Synthetic team note.", by=member, at=NOW)
    ReferralEvent.objects.create(
        referral=second,
        from_status="submitted",
        to_status="accepted",
        at=NOW,
        by=member,
        note="Synthetic acceptance note.",
    )
    AppointmentFactory(referral=second, location="Synthetic Clinic Room 4", booked_by=member)
    UnavailabilityFactory(referral=second, reason="Synthetic family holiday", recorded_by=member)
    ParentViews.objects.create(
        referral=second,
        carer=father,
        going_well="Synthetic: bath time goes well.",
        saved_at=NOW,
        submitted_at=NOW,
    )
    other_baby = InfantFactory(
        given_name="Zara",
        family_name="Otherfamily",
        chi_number=OTHER_CHI,
        date_of_birth=datetime.date(2024, 3, 3),
    )
    other = ReferralFactory(accepted=True, infant=other_baby, with_carer=False)
    CareRelationshipFactory(
        infant=other_baby, carer=CarerFactory(given_name="Zebedee", family_name="Otherparent")
    )
    TeamNote.objects.create(referral=other, text="Other family's note.", by=member, at=NOW)
    return lead, member, first, second, other


def start(client, referral, day=None):
    day = day or timezone.localdate()
    return client.post(
        f"/team/subject-access/new/{referral.reference}/",
        {
            "requested_on_day": day.day,
            "requested_on_month": day.month,
            "requested_on_year": day.year,
        },
    )


def produced(client, referral):
    start(client, referral)
    sar = SubjectAccessRequest.objects.latest("pk")
    client.post(url(sar, "produce/"), {"version": sar.version})
    sar.refresh_from_db()
    return sar


def items(content):
    return {item["key"]: item for s in content["sections"] for item in s["items"]}


OTHER_FAMILY = (
    "Zara",
    "Otherfamily",
    "Zebedee",
    "Otherparent",
    OTHER_CHI,
    format_chi(OTHER_CHI),
    "Other family's note",
)


def test_the_bundle_holds_every_kind_of_record_from_both_referrals_and_nothing_of_another_family(
    client,
):
    lead, member, first, second, _other = family()
    # A look at the second referral is on record: the bundle says who accessed it.
    sign_in(client, member).get(f"/team/referrals/{second.reference}/")
    sign_in(client, lead)
    sar = produced(client, first)

    content = sar.content
    assert content["referrals"] == [first.reference, second.reference]
    text = json.dumps(content)
    for expected in (
        "Isla Testsubject",  # the baby's record
        "Morag Testparent",  # the carers' records, on both referrals
        "Fergus Testparent",
        "Synthetic why-now answer on the second referral.",  # every answer
        "Synthetic age check met.",  # eligibility as stored
        "Synthetic decline explanation for the family.",  # the decision and its explanation
        "Test Signpost Service",  # signposting
        "Synthetic question from the team?",
        "Synthetic answer from the referrer.",
        "The referral has not been accepted",  # the outcome letter's own words
        "The referral has been accepted",
        "Synthetic Clinic Room 4",  # appointments
        "Synthetic family holiday",  # the family's unavailability
        "Synthetic: bath time goes well.",  # a parent's views in their own words
        "Synthetic team note.",
        "Synthetic acceptance note.",  # the status history
        "Membertest Clinician (team member)",  # the access log
        "Petra Testsocialworker",
    ):
        assert expected in text, expected
    for secret in OTHER_FAMILY:
        assert secret not in text, secret
    titles = [(s["referral"], s["title"]) for s in content["sections"]]
    for reference in (first.reference, second.reference):
        for title in (
            "About the baby",
            "Parents and carers",
            "Eligibility checks",
            "Decisions and explanations",
            "The team's questions and the referrer's answers",
            "Letters",
            "Appointments",
            "When the family was unavailable",
            "Parents' views",
            "Team notes",
            "Status history",
            "Who has accessed the records",
        ):
            assert (reference, title) in titles


def test_third_parties_and_team_notes_are_flagged_for_the_reviewer(client):
    lead, _, _first, second, _ = family()
    sar = produced(sign_in(client, lead), second)
    flagged = {item["value"].split("\n")[0]: item["flag"] for item in items(sar.content).values()}
    assert flagged["Synthetic team note."] == bundles.TEAM_NOTE
    assert flagged["Petra Testsocialworker, Social work"] == bundles.THIRD_PARTY_PROFESSIONALS
    assert flagged["Synthetic: bath time goes well."] == bundles.PARENT_VIEWS
    carers = [i for i in items(sar.content).values() if i["label"] == "Fergus Testparent"]
    assert carers
    assert all(i["flag"] == bundles.THIRD_PARTY_CARER for i in carers)
    referrer = [i for k, i in items(sar.content).items() if ":answers:form-about-you:" in k]
    assert referrer
    assert all(i["flag"] == bundles.THIRD_PARTY_REFERRER for i in referrer)
    page = client.get(url(sar)).content.decode()
    assert "Check before release" in page
    assert bundles.TEAM_NOTE in page


def _keys_with(content, text):
    return [k for k, item in items(content).items() if text in item["value"]]


def test_withheld_items_show_their_reason_in_the_released_html_and_json(client):
    lead, _, _first, second, _ = family()
    sign_in(client, lead)
    sar = produced(client, second)
    note = _keys_with(sar.content, "Synthetic team note.")
    professional = _keys_with(sar.content, "Petra Testsocialworker")
    response = client.post(
        url(sar, "withhold/"),
        {"withhold": note + professional, "reason": "third party", "version": sar.version},
    )
    assert response.status_code == 302
    sar.refresh_from_db()
    assert sar.redactions == dict.fromkeys(note + professional, "third party")
    assert client.post(url(sar, "release/"), {"version": sar.version}).status_code == 302
    sar.refresh_from_db()
    assert sar.released_by == lead
    assert sar.released_at

    response = client.post(url(sar, "download/"))
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="subject-access-{sar.pk}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["bundle.html", "bundle.json"]
    released = json.loads(archive.read("bundle.json"))
    html = archive.read("bundle.html").decode()
    assert items(released)[note[0]]["value"] == "[withheld: third party]"
    assert items(released)[note[0]]["withheld"] is True
    assert released["released_by"] == lead.full_name
    for text in ("Synthetic team note.", "Petra Testsocialworker"):
        assert text not in html
        assert text not in json.dumps(released)
    assert html.count("[withheld: third party]") == len(note + professional)
    assert "Synthetic why-now answer on the second referral." in html
    for secret in OTHER_FAMILY:
        assert secret not in html


def test_a_new_tick_needs_a_reason_and_keeps_what_was_ticked(client):
    lead, _, _, second, _ = family()
    sign_in(client, lead)
    sar = produced(client, second)
    note = _keys_with(sar.content, "Synthetic team note.")
    response = client.post(url(sar, "withhold/"), {"withhold": note, "version": sar.version})
    assert response.status_code == 200
    assert "Enter why the ticked items are withheld" in response.content.decode()
    assert response.context["ticked"] == set(note)
    sar.refresh_from_db()
    assert sar.redactions == {}


def test_a_released_bundle_cannot_change_and_a_stale_page_is_told(client):
    lead, _, _, second, _ = family()
    sign_in(client, lead)
    sar = produced(client, second)
    stale = sar.version
    client.post(url(sar, "release/"), {"version": sar.version})
    note = _keys_with(sar.content, "Synthetic team note.")
    response = client.post(
        url(sar, "withhold/"), {"withhold": note, "reason": "late", "version": stale}
    )
    assert "released this bundle" in response.content.decode()
    assert "late" in response.content.decode()  # what was typed is still there
    sar.refresh_from_db()
    assert sar.redactions == {}
    response = client.post(url(sar, "produce/"), {"version": sar.version}, follow=True)
    assert "can no longer change" in response.content.decode()


def test_the_download_waits_for_release(client):
    lead, _, _, second, _ = family()
    sign_in(client, lead)
    sar = produced(client, second)
    response = client.post(url(sar, "download/"))
    assert response.status_code == 302
    assert response.url == url(sar)


@pytest.mark.parametrize(
    "search",
    [
        {"number": CHI},
        {"number": "140 225 0126"},
        {
            "given_name": "isla",
            "family_name": "TESTSUBJECT",
            "date_of_birth_day": "14",
            "date_of_birth_month": "2",
            "date_of_birth_year": "2025",
        },
    ],
)
def test_the_search_is_posted_and_finds_only_this_baby(client, search):
    lead, _, first, second, _other = family()
    response = sign_in(client, lead).post(INDEX, search)
    assert response.status_code == 200  # drawn in the answer: nothing typed reaches an address
    found = [row["reference"] for row in response.context["results"]]
    assert sorted(found) == sorted([first.reference, second.reference])
    assert "Zara" not in response.content.decode()


def test_a_search_by_reference_and_its_errors(client):
    lead, _, first, _, _ = family()
    sign_in(client, lead)
    response = client.post(INDEX, {"number": first.reference.lower()})
    assert [row["reference"] for row in response.context["results"]] == [first.reference]
    page = client.post(INDEX, {"number": "12345"}).content.decode()
    assert "Enter a 10-digit CHI number or a reference like IMH-2026-00012" in page
    page = client.post(INDEX, {"given_name": "Isla"}).content.decode()
    assert "Enter the baby&#x27;s last name" in page
    assert "Enter the baby&#x27;s date of birth" in page
    page = client.post(INDEX, {}).content.decode()
    assert "Enter a CHI number or reference, or the baby&#x27;s name and date of birth" in page


def test_the_due_date_is_a_calendar_month_and_shown(client):
    assert one_month_after(datetime.date(2026, 1, 31)) == datetime.date(2026, 2, 28)
    assert one_month_after(datetime.date(2028, 1, 31)) == datetime.date(2028, 2, 29)
    assert one_month_after(datetime.date(2026, 3, 3)) == datetime.date(2026, 4, 3)
    assert one_month_after(datetime.date(2026, 12, 15)) == datetime.date(2027, 1, 15)
    lead, _, first, _, _ = family()
    sign_in(client, lead)
    start(client, first, day=timezone.localdate() - datetime.timedelta(days=40))
    sar = SubjectAccessRequest.objects.get()
    page = client.get(url(sar)).content.decode()
    assert "(overdue)" in page
    assert "Overdue" in client.get(INDEX).content.decode()


def test_a_request_received_in_the_future_is_refused(client):
    lead, _, first, _, _ = family()
    sign_in(client, lead)
    response = start(client, first, day=timezone.localdate() + datetime.timedelta(days=1))
    assert "must be today or in the past" in response.content.decode()
    assert not SubjectAccessRequest.objects.exists()


@pytest.mark.parametrize("who", ["member", "referrer"])
def test_anyone_but_a_service_lead_gets_a_404_and_it_is_recorded(client, who):
    lead, member, first, second, _ = family()
    sign_in(client, lead)
    sar = produced(client, second)
    client.post(url(sar, "release/"), {"version": sar.version})
    sar.refresh_from_db()
    user = member if who == "member" else ReferrerFactory()
    sign_in(client, user)
    before = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user).count()
    for path in (
        INDEX,
        url(sar),
        url(sar, "print/"),
        f"/team/subject-access/new/{first.reference}/",
    ):
        assert client.get(path).status_code == 404
    for path in (
        INDEX,
        url(sar, "produce/"),
        url(sar, "withhold/"),
        url(sar, "release/"),
        url(sar, "download/"),
    ):
        assert client.post(path, {"version": sar.version, "number": CHI}).status_code == 404
    after = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user).count()
    assert after - before == 9
    version = sar.version
    sar.refresh_from_db()
    assert sar.version == version


def test_every_step_is_audited(client):
    lead, _, first, second, _ = family()
    sign_in(client, lead)
    mark = AuditEvent.objects.count()
    sar = produced(client, second)
    note = _keys_with(sar.content, "Synthetic team note.")
    client.post(url(sar, "withhold/"), {"withhold": note, "reason": "x", "version": sar.version})
    sar.refresh_from_db()
    client.post(url(sar, "release/"), {"version": sar.version})
    client.get(url(sar, "print/"))
    client.post(url(sar, "download/"))
    events = AuditEvent.objects.filter(pk__gt=mark).order_by("pk")
    on_sar = [
        (e.action, e.detail.get("step") or e.detail.get("bundle"))
        for e in events.filter(object_type="referrals.subjectaccessrequest", object_id=str(sar.pk))
    ]
    assert on_sar == [
        (AuditAction.CREATE, "requested"),
        (AuditAction.CHANGE, "produced"),
        (AuditAction.CHANGE, "redacted"),
        (AuditAction.CHANGE, "released"),
        (AuditAction.EXPORT, "print"),
        (AuditAction.EXPORT, "download"),
    ]
    exported = events.filter(action=AuditAction.EXPORT, object_type="referrals.referral")
    assert sorted(e.object_id for e in exported) == sorted([str(first.pk), str(second.pk)])
    # No event holds the bundle's content or the reason typed.
    assert "Synthetic team note." not in json.dumps([e.detail for e in events])
