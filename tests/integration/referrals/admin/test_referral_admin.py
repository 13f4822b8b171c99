"""The referral admin: lists and searches sent referrals, edits no field of a referral, makes
every decision through referrals.workflow, refuses stale saves, adds team notes through the
workflow, and audits it all. The signpost services list is kept by service leads."""

import datetime
import html
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape

from imhs.models import AuditAction, AuditEvent
from imhs.nhsuk.text import nhs_date
from referrals import workflow
from referrals.models import (
    Attendance,
    DeclineReason,
    Priority,
    Referral,
    ReferralEvent,
    SignpostService,
    Status,
    TeamNote,
)
from tests.factories import InfantFactory, ReferralFactory, TeamMemberFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:referrals_referral_changelist"


def change_url(referral):
    return reverse("admin:referrals_referral_change", args=[referral.pk])


def action_url(referral, action):
    return reverse("admin:referrals_referral_action", args=[referral.pk, action])


class _FormFields(HTMLParser):
    """The values a browser would send for the form with id `form_id`."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data, self._textarea = form_id, False, {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "__prefix__" in attrs.get("name", "__prefix__"):
            return
        if tag == "input" and attrs.get("type") not in ("submit", "checkbox", "radio"):
            self.data[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.data[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.lstrip("\n")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.inside = False


def change_form_data(response):
    parser = _FormFields("referral_form")
    parser.feed(response.content.decode())
    return parser.data


def sent_referral(**kwargs):
    return ReferralFactory(submitted=True, **kwargs)


def in_review(by):
    referral = sent_referral()
    workflow.start_review(referral, by=by, version=referral.version)
    return referral


# --- the list ---------------------------------------------------------------------------------


def test_list_filters_and_search_narrow_the_referrals(client, team_member):
    wanted = sent_referral(
        infant=InfantFactory(given_name="Findable", chi_number="0101011237", postcode="ML5 3BJ")
    )
    other = sent_referral(infant=InfantFactory(given_name="Otherbaby", postcode="ML1 1AA"))
    workflow.start_review(other, by=team_member, version=other.version)
    sign_in(client, team_member)
    url = reverse(CHANGELIST)

    def listed(params):
        page = client.get(url, params)
        assert page.status_code == 200
        return {ref for ref in (wanted.reference, other.reference) if ref in page.content.decode()}

    assert listed({}) == {wanted.reference, other.reference}
    assert listed({"status": "in_review"}) == {other.reference}
    assert listed({"status": "submitted"}) == {wanted.reference}
    assert listed({"q": "Findable"}) == {wanted.reference}
    assert listed({"q": wanted.reference}) == {wanted.reference}
    assert listed({"q": "010 101 1237"}) == {wanted.reference}
    assert listed({"q": "ml53bj"}) == {wanted.reference}


def test_list_filters_by_priority_and_allocated_team_member(client, team_member):
    colleague = TeamMemberFactory(given_name="Allocatedcolleague")
    urgent, routine = in_review(team_member), in_review(team_member)
    workflow.accept(
        urgent,
        by=team_member,
        version=urgent.version,
        priority=Priority.URGENT,
        allocate_to=colleague,
    )
    workflow.accept(routine, by=team_member, version=routine.version, priority=Priority.ROUTINE)
    sign_in(client, team_member)
    url = reverse(CHANGELIST)

    by_priority = client.get(url, {"priority__exact": "urgent"}).content.decode()
    assert urgent.reference in by_priority
    assert routine.reference not in by_priority
    by_person = client.get(url, {"allocated_to__id__exact": colleague.pk}).content.decode()
    assert urgent.reference in by_person
    assert routine.reference not in by_person


def visible_text(response):
    """The page's text as read on screen: no tags, attributes or class names."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", response.content.decode())).split())


def test_the_list_names_eligibility_outcomes_in_the_services_words(client, team_member):
    """Issue 12, point 15: the list and its filter showed "eligible" and "needs_review"."""
    eligible = sent_referral(eligibility_outcome="eligible")
    to_look_at = sent_referral(eligibility_outcome="needs_review")
    sign_in(client, team_member)

    response = client.get(reverse(CHANGELIST))

    text = visible_text(response)
    assert "For the team to look at" in text
    assert "Not eligible" in text  # the filter offers every outcome
    assert "needs_review" not in text
    assert "ineligible" not in text
    assert re.search(r">\s*Eligible\s*<", response.content.decode())
    assert not re.search(r">\s*eligible\s*<", response.content.decode())
    filtered = client.get(reverse(CHANGELIST), {"eligibility_outcome": "needs_review"})
    assert to_look_at.reference in filtered.content.decode()
    assert eligible.reference not in filtered.content.decode()


def test_the_change_page_shows_the_services_words_not_codes(client, team_member):
    """Issue 12, point 15: "health_visitor" and "age (pass)" on the change page."""
    draft = ReferralFactory(appointment_places=["home", "clinic"])
    referral = workflow.submit(draft, by=draft.referrer)
    sign_in(client, team_member)

    text = visible_text(client.get(change_url(referral)))

    assert referral.referrer_profession == "health_visitor"
    assert "Referrer's profession: Health visitor" in text
    assert "Age (Met): The baby is" in text
    assert "Who the baby lives with (Met)" in text
    assert "Eligibility outcome: Eligible" in text
    assert "At home, At a clinic" in text
    assert "Draft → Submitted" in text  # each row of the history names its step
    for code in ("health_visitor", "(pass)", "age (", ": eligible", "home, clinic", "submitted"):
        assert code not in text


def test_drafts_are_neither_listed_nor_opened(client, team_member):
    draft = ReferralFactory(infant=InfantFactory(given_name="Draftbaby"))
    sign_in(client, team_member)

    assert "Draftbaby" not in client.get(reverse(CHANGELIST)).content.decode()
    assert list(client.get(reverse(CHANGELIST), {"q": "Draftbaby"}).context["cl"].result_list) == []
    response = client.get(change_url(draft))
    assert response.status_code == 302  # "doesn't exist", back to the admin index
    assert client.get(action_url(draft, "withdraw")).status_code == 404


def test_list_and_change_page_views_are_audited(client, team_member):
    referral = sent_referral()
    sign_in(client, team_member)

    client.get(reverse(CHANGELIST))
    client.get(change_url(referral))

    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="referrals.referral", detail__list=True
    ).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, actor=team_member, object_id=str(referral.pk)
    ).exists()


def test_referrers_cannot_use_the_referral_admin(client, referrer):
    referral = sent_referral(referrer=referrer)
    sign_in(client, referrer)
    assert client.get(change_url(referral)).status_code == 403
    assert client.post(action_url(referral, "withdraw"), {"reason": "x"}).status_code == 403
    assert Referral.objects.get(pk=referral.pk).status == Status.SUBMITTED


def test_referrals_cannot_be_added_or_deleted(client, service_lead):
    referral = sent_referral()
    sign_in(client, service_lead)
    assert client.get(reverse("admin:referrals_referral_add")).status_code == 403
    delete = reverse("admin:referrals_referral_delete", args=[referral.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Referral.objects.filter(pk=referral.pk).exists()


# --- the change page ---------------------------------------------------------------------------


def test_change_page_offers_only_the_actions_allowed_now(client, team_member):
    referral = sent_referral()
    sign_in(client, team_member)

    page = client.get(change_url(referral)).content.decode()

    for action in workflow.allowed_actions(referral):
        assert action_url(referral, action) in page
    for action in ("accept", "allocate", "close"):
        assert action_url(referral, action) not in page


def test_posting_the_change_form_never_changes_status_or_decisions(client, team_member):
    referral = sent_referral()
    sign_in(client, team_member)
    data = change_form_data(client.get(change_url(referral)))
    data |= {
        "status": "declined",
        "decline_reason": DeclineReason.OTHER,
        "decision_explanation": "Typed into a crafted request.",
        "priority": "urgent",
        "reference": "IMH-2026-99999",
        "version": "99",
    }

    response = client.post(change_url(referral), data)

    assert response.status_code == 302
    saved = Referral.objects.get(pk=referral.pk)
    assert (saved.status, saved.decline_reason, saved.priority) == (Status.SUBMITTED, "", "")
    assert (saved.reference, saved.version) == (referral.reference, referral.version)
    assert not ReferralEvent.objects.filter(referral=referral).exists()


def test_team_note_is_added_through_the_workflow_and_audited(client, team_member):
    referral = sent_referral()
    sign_in(client, team_member)
    data = change_form_data(client.get(change_url(referral)))
    data["team_notes-0-text"] = "Synthetic note: discussed at the weekly meeting."

    response = client.post(change_url(referral), data)

    assert response.status_code == 302
    note = TeamNote.objects.get(referral=referral)
    assert (note.text, note.by) == ("Synthetic note: discussed at the weekly meeting.", team_member)
    audit = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="referrals.teamnote")
    assert (audit.actor, audit.object_id, audit.detail) == (
        team_member,
        str(note.pk),
        {"referral": referral.pk},
    )
    # Notes change nothing of the referral itself.
    assert Referral.objects.get(pk=referral.pk).version == referral.version


def test_existing_team_notes_are_read_only(client, team_member):
    referral = sent_referral()
    note = workflow.add_note(referral, by=team_member, text="Synthetic original note.")
    sign_in(client, team_member)
    page = client.get(change_url(referral))
    assert "Synthetic original note." in page.content.decode()
    data = change_form_data(page)
    assert "team_notes-0-text" not in data  # drawn as text, not a box
    data |= {"team_notes-0-text": "Rewritten note.", "team_notes-0-DELETE": "on"}

    client.post(change_url(referral), data)

    assert TeamNote.objects.get(pk=note.pk).text == "Synthetic original note."


def test_stale_change_form_save_is_refused_and_keeps_the_typed_note(client, team_member):
    referral = sent_referral()
    colleague = TeamMemberFactory(given_name="Quickcolleague")
    sign_in(client, team_member)
    data = change_form_data(client.get(change_url(referral)))
    workflow.start_review(referral, by=colleague, version=referral.version)
    data["team_notes-0-text"] = "Synthetic note typed on an old page."

    response = client.post(change_url(referral), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "This referral was changed by Quickcolleague" in page
    assert "Synthetic note typed on an old page." in page
    assert not TeamNote.objects.exists()
    # The page now shows the latest version: saving again is deliberate, and goes through.
    again = change_form_data(response)
    assert again["opened_version"] == str(Referral.objects.get(pk=referral.pk).version)
    assert client.post(change_url(referral), again).status_code == 302
    assert TeamNote.objects.get().text == "Synthetic note typed on an old page."


# --- the workflow actions ----------------------------------------------------------------------


def _accepted(by):
    referral = in_review(by)
    workflow.accept(referral, by=by, version=referral.version, priority=Priority.ROUTINE)
    return referral


def _information_requested(by):
    referral = sent_referral()
    workflow.request_information(referral, by=by, version=referral.version, question="Q?")
    return referral


def date_fields(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


TODAY = timezone.localdate()

ACTION_CASES = [
    ("start_review", sent_referral, {}, Status.IN_REVIEW),
    (
        "request_information",
        in_review,
        {"question": "Synthetic question: is the family still at this address?"},
        Status.INFORMATION_REQUESTED,
    ),
    ("accept", in_review, {"priority": "urgent", "allocate_to": ""}, Status.ACCEPTED),
    (
        "decline",
        in_review,
        {
            "reason": DeclineReason.ANOTHER_SERVICE,
            "signposted_to": "other",
            "signposted_other": "Test Family Support Service",
            "explanation": "Synthetic explanation for the family and referrer.",
        },
        Status.DECLINED,
    ),
    ("allocate", _accepted, {"to": "COLLEAGUE"}, Status.ACCEPTED),
    (
        "close",
        _accepted,
        {**date_fields("closed_on", TODAY), "reason": "moved_away", "note": "Synthetic note."},
        Status.CLOSED,
    ),
    ("withdraw", _information_requested, {"reason": "Synthetic reason."}, Status.WITHDRAWN),
]


@pytest.mark.parametrize(("action", "make", "fields", "expected"), ACTION_CASES)
def test_each_action_calls_the_workflow_and_is_audited(
    client, team_member, action, make, fields, expected
):
    referral = make() if make is sent_referral else make(team_member)
    referral.refresh_from_db()
    colleague = TeamMemberFactory()
    fields = {k: colleague.pk if v == "COLLEAGUE" else v for k, v in fields.items()}
    events_before = referral.events.count()
    sign_in(client, team_member)
    assert action in workflow.allowed_actions(referral)
    assert (
        client.get(action_url(referral, action), {"version": referral.version}).status_code == 200
    )

    response = client.post(action_url(referral, action), {"version": referral.version, **fields})

    assert response.status_code == 302
    assert response.url == change_url(referral)
    saved = Referral.objects.get(pk=referral.pk)
    assert saved.status == expected
    assert saved.version == referral.version + 1
    assert saved.events.count() == events_before + 1
    assert saved.events.last().by == team_member
    audit = (
        AuditEvent.objects.filter(
            action=AuditAction.CHANGE, object_id=str(referral.pk), actor=team_member
        )
        .order_by("pk")
        .last()
    )
    assert audit.detail["action"] == action
    if action == "allocate":
        assert saved.allocated_to == colleague
    if action == "close":
        assert (saved.close_reason, saved.close_note, saved.closed_on) == (
            "moved_away",
            "Synthetic note.",
            TODAY,
        )


def test_accept_from_the_admin_records_priority_and_allocation(client, team_member):
    referral = in_review(team_member)
    colleague = TeamMemberFactory()
    sign_in(client, team_member)

    client.post(
        action_url(referral, "accept"),
        {"version": referral.version, "priority": "urgent", "allocate_to": colleague.pk},
    )

    saved = Referral.objects.get(pk=referral.pk)
    assert (saved.priority, saved.allocated_to, saved.decided_by) == (
        "urgent",
        colleague,
        team_member,
    )


def test_decline_from_the_admin_offers_only_active_services_and_needs_signposting(
    client, team_member
):
    referral = in_review(team_member)
    active = SignpostService.objects.create(name="Test Active Service", contact="01698 000001")
    SignpostService.objects.create(name="Test Retired Service", active=False)
    sign_in(client, team_member)

    page = client.get(action_url(referral, "decline")).content.decode()
    assert "Test Active Service" in page
    assert "Test Retired Service" not in page

    refused = client.post(
        action_url(referral, "decline"),
        {"version": referral.version, "reason": "other", "explanation": "Synthetic."},
    )
    assert refused.status_code == 200
    assert "Select the service you have signposted the family to" in refused.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == Status.IN_REVIEW

    client.post(
        action_url(referral, "decline"),
        {
            "version": referral.version,
            "reason": "other",
            "explanation": "Synthetic.",
            "signposted_to": active.pk,
        },
    )
    assert Referral.objects.get(pk=referral.pk).signposted_to == active


def test_action_with_missing_input_is_refused_next_to_the_field(client, team_member):
    referral = in_review(team_member)
    sign_in(client, team_member)

    response = client.post(action_url(referral, "request_information"), {"version": 2})

    assert response.status_code == 200
    assert "Enter your question to the referrer" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == Status.IN_REVIEW


def test_action_someone_already_took_is_shown_as_a_message(client, team_member):
    referral = in_review(team_member)
    colleague = TeamMemberFactory(given_name="Fastcolleague")
    sign_in(client, team_member)
    version = referral.version
    workflow.accept(referral, by=colleague, version=version, priority=Priority.ROUTINE)

    response = client.post(
        action_url(referral, "accept"), {"version": version, "priority": "urgent"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "You cannot accept this referral now: its status is Accepted (last changed by Fastcolleague"
    ) in page
    assert "Nothing was changed." in page
    assert 'name="_action"' not in page  # nothing to send: the action is no longer open
    saved = Referral.objects.get(pk=referral.pk)
    assert (saved.priority, saved.decided_by) == ("routine", colleague)


def test_a_refused_decline_keeps_the_explanation_with_the_team_pages_message(
    client, team_member, service_lead
):
    """Issue 12, point 16: a conflict used to send the admin back to the change page with an
    ungrammatical message ("it is information requested (...") and the typed text lost."""
    referral = in_review(team_member)
    colleague = TeamMemberFactory(given_name="Askingcolleague")
    opened = referral.version
    workflow.request_information(referral, by=colleague, version=opened, question="Synthetic?")
    typed = {
        "version": opened,
        "reason": "another_service",
        "signposted_to": "other",
        "signposted_other": "Test Family Support Service",
        "explanation": "A long synthetic explanation, typed before the colleague's question.",
    }
    sign_in(client, team_member)

    admin_page = client.post(action_url(referral, "decline"), typed).content.decode()
    team_page = client.post(
        reverse("referrals:team_action", args=[referral.reference, "decline"]), typed, follow=True
    )

    [message] = [str(m) for m in team_page.context["messages"]]
    assert message.startswith(
        "You cannot decline this referral now: its status is Information requested "
        "(last changed by Askingcolleague"
    )
    assert message.endswith("Nothing was changed.")
    assert escape(message) in admin_page  # one wording, from referrals.workflow
    assert "A long synthetic explanation, typed before the colleague&#x27;s question." in (
        admin_page
    )
    assert "Test Family Support Service" in admin_page
    assert "Status now: <strong>Information requested</strong>" in admin_page
    assert Referral.objects.get(pk=referral.pk).status == Status.INFORMATION_REQUESTED


def test_opening_an_action_no_longer_allowed_goes_back_with_a_message(client, team_member):
    referral = sent_referral()
    sign_in(client, team_member)

    response = client.get(action_url(referral, "close"), follow=True)

    assert "You cannot close this referral now: its status is Submitted" in (
        response.content.decode()
    )


def test_stale_action_is_refused_and_keeps_what_was_typed(client, team_member):
    referral = sent_referral()
    colleague = TeamMemberFactory(given_name="Quickcolleague")
    opened = referral.version
    workflow.start_review(referral, by=colleague, version=opened)  # still declinable after
    sign_in(client, team_member)
    typed = {
        "reason": "another_service",
        "signposted_to": "other",
        "signposted_other": "Test Family Support Service",
        "explanation": "Synthetic explanation typed on an old page.",
    }

    response = client.post(action_url(referral, "decline"), {"version": opened, **typed})

    assert response.status_code == 200
    page = response.content.decode()
    assert "This referral was changed by Quickcolleague" in page
    assert "Synthetic explanation typed on an old page." in page
    assert "Status now: <strong>In review</strong>" in page
    assert Referral.objects.get(pk=referral.pk).status == Status.IN_REVIEW
    latest = Referral.objects.get(pk=referral.pk).version
    assert f'name="version" value="{latest}"' in page

    client.post(action_url(referral, "decline"), {"version": latest, **typed})
    assert Referral.objects.get(pk=referral.pk).status == Status.DECLINED


def test_unknown_action_is_not_found(client, team_member):
    referral = sent_referral()
    sign_in(client, team_member)
    assert client.get(action_url(referral, "delete")).status_code == 404
    assert client.post(action_url(referral, "submit"), {"version": 1}).status_code == 404


def test_answered_information_request_shows_in_the_admin_read_only(client, team_member):
    referral = _information_requested(team_member)
    workflow.answer_information_request(
        referral, by=referral.referrer, answer="Synthetic answer from the referrer."
    )
    sign_in(client, team_member)

    page = client.get(change_url(referral))

    assert "Synthetic answer from the referrer." in page.content.decode()
    data = change_form_data(page)
    assert "information_requests-0-answer" not in data  # drawn as text, not a box
    assert "information_requests-0-question" not in data


# --- signpost services -------------------------------------------------------------------------


def test_team_members_see_but_cannot_change_signpost_services(client, team_member):
    service = SignpostService.objects.create(name="Test Parenting Service")
    sign_in(client, team_member)
    change = reverse("admin:referrals_signpostservice_change", args=[service.pk])

    assert client.get(reverse("admin:referrals_signpostservice_changelist")).status_code == 200
    assert client.get(reverse("admin:referrals_signpostservice_add")).status_code == 403
    assert client.post(change, {"name": "Renamed", "active": ""}).status_code == 403
    assert SignpostService.objects.get(pk=service.pk).name == "Test Parenting Service"


def test_service_leads_keep_the_signpost_services_list_audited(client, service_lead):
    sign_in(client, service_lead)

    added = client.post(
        reverse("admin:referrals_signpostservice_add"),
        {"name": "Test Baby Group", "contact": "01698 000002", "active": "on"},
    )
    assert added.status_code == 302
    service = SignpostService.objects.get(name="Test Baby Group")
    change = reverse("admin:referrals_signpostservice_change", args=[service.pk])
    client.post(change, {"name": "Test Baby Group", "contact": "01698 000002"})  # inactive

    assert SignpostService.objects.get(pk=service.pk).active is False
    assert list(
        AuditEvent.objects.filter(object_type="referrals.signpostservice")
        .exclude(action=AuditAction.VIEW)
        .values_list("action", flat=True)
        .order_by("at")
    ) == [AuditAction.CREATE, AuditAction.CHANGE]


def test_a_signpost_service_in_use_is_never_deleted(client, service_lead, team_member):
    service = SignpostService.objects.create(name="Test Used Service")
    referral = in_review(team_member)
    workflow.decline(
        referral,
        by=team_member,
        version=referral.version,
        reason="another_service",
        explanation="Synthetic.",
        signposted_to=service,
    )
    sign_in(client, service_lead)
    delete = reverse("admin:referrals_signpostservice_delete", args=[service.pk])

    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert SignpostService.objects.filter(pk=service.pk).exists()


def test_an_action_pages_date_boxes_are_labelled(client, team_member):
    """Issue 12, point 17 (axe `label`): the team's date boxes had no labels in the admin."""
    referral = in_review(team_member)
    workflow.accept(referral, by=team_member, version=referral.version, priority="routine")
    sign_in(client, team_member)

    page = client.get(action_url(referral, "close")).content.decode()

    for part in ("day", "month", "year"):
        assert f'<label for="close-closed_on_{part}">{part.capitalize()}</label>' in page
        assert f'id="close-closed_on_{part}"' in page


# --- appointments, unavailability and the clock (issue 14) ---------------------------------------


DAY = datetime.timedelta(days=1)


def _case(by, *, weeks_ago=10):
    """An accepted referral received `weeks_ago` weeks ago (the factory stamps the received
    date; the workflow would stamp now)."""
    referral = sent_referral(submitted_at=timezone.now() - datetime.timedelta(weeks=weeks_ago))
    workflow.start_review(referral, by=by, version=referral.version)
    workflow.accept(referral, by=by, version=referral.version, priority=Priority.ROUTINE)
    return referral


def _book(referral, by, on, purpose="treatment", mode="clinic", staff=None, **kwargs):
    return workflow.book_appointment(
        referral,
        by=by,
        version=referral.version,
        on=on,
        time=datetime.time(10, 30),
        purpose=purpose,
        mode=mode,
        staff=staff or [by],
        **kwargs,
    )


def _attended(referral, by, appointment):
    workflow.record_attendance(
        referral, appointment=appointment, by=by, version=referral.version, attendance="attended"
    )


def _in_treatment(by, *, sessions=1, staff=None):
    """A case in treatment: an assessment the family moved, then `sessions` treatment
    sessions attended, a period of unavailability, and one more session booked."""
    referral = _case(by)
    assessment = _book(referral, by, TODAY - 40 * DAY, purpose="assessment", mode="home_visit")
    moved = workflow.rebook_appointment(
        referral,
        appointment=assessment,
        by=by,
        version=referral.version,
        on=TODAY - 35 * DAY,
        time=datetime.time(14, 0),
        cancelled_by="family",
        cancelled_on=TODAY - 41 * DAY,
    )
    _attended(referral, by, moved)
    for n in range(sessions):
        purpose = "first_treatment" if n == 0 else "treatment"
        _attended(referral, by, _book(referral, by, TODAY - (30 - n) * DAY, purpose, staff=staff))
    workflow.record_unavailability(
        referral,
        by=by,
        version=referral.version,
        start=TODAY + 3 * DAY,
        end=TODAY + 9 * DAY,
        reason="Synthetic: family holiday",
    )
    _book(referral, by, TODAY + 14 * DAY, mode="near_me", location="Near Me room (synthetic)")
    return referral


def test_change_page_shows_appointments_and_unavailability_read_only(client, team_member):
    colleague = TeamMemberFactory(given_name="Secondclinician", family_name="Synthetic")
    referral = _in_treatment(team_member, staff=[team_member, colleague])
    sign_in(client, team_member)

    page = client.get(change_url(referral))

    text = visible_text(page)
    assert "Status: In treatment" in text
    assert "Cancelled by the family" in text
    assert "Home visit" in text
    assert "Near Me video call" in text
    assert "Near Me room (synthetic)" in text
    assert re.search(
        rf"({team_member.full_name}, Secondclinician Synthetic|Secondclinician Synthetic, "
        rf"{team_member.full_name})",
        text,
    )
    assert "First treatment session" in text
    # The moved assessment names the appointment it was rebooked as.
    moved_to = f"{date_format(TODAY - 35 * DAY)}, 2 p.m."
    assert f"Cancelled by the family {date_format(TODAY - 41 * DAY)} {moved_to}" in text
    assert "Synthetic: family holiday" in text
    # The clock in the team page's words.
    assert f"Treatment started: {nhs_date(TODAY - 30 * DAY)}" in text
    data = change_form_data(page)
    # Drawn as text, not boxes: the rows carry only the formset's hidden ids.
    boxes = {
        name.split("-")[-1]
        for name in data
        if name.startswith(("appointments-0", "unavailability-0"))
    }
    assert boxes == {"id", "referral"}
    # A note saved on this page changes none of them.
    before = list(referral.appointments.values())
    data |= {"team_notes-0-text": "Synthetic note.", "appointments-0-attendance": "attended"}
    assert client.post(change_url(referral), data).status_code == 302
    assert list(referral.appointments.values()) == before
    assert TeamNote.objects.get(referral=referral).text == "Synthetic note."


def test_the_clock_on_the_change_page_says_when_the_18_weeks_run_out(client, team_member):
    referral = _case(team_member, weeks_ago=20)
    missed = _book(referral, team_member, TODAY - 70 * DAY, purpose="assessment")
    workflow.record_attendance(
        referral,
        appointment=missed,
        by=team_member,
        version=referral.version,
        attendance="did_not_attend",
    )
    sign_in(client, team_member)

    text = visible_text(client.get(change_url(referral)))

    assert (
        f"Clock started: {nhs_date(TODAY - 70 * DAY)} (the family did not attend an "
        "appointment that day)"
    ) in text
    assert f"18 weeks run out on: {nhs_date(TODAY - 70 * DAY + 126 * DAY)}" in text


def test_the_change_pages_queries_do_not_grow_with_appointments(client, team_member):
    small = _in_treatment(team_member, sessions=1)
    colleagues = TeamMemberFactory.create_batch(3)
    large = _in_treatment(team_member, sessions=8, staff=[team_member, *colleagues])
    for n in range(4):
        workflow.add_note(large, by=colleagues[n % 3], text=f"Synthetic note {n}.")
    sign_in(client, team_member)

    def queries(referral):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(change_url(referral)).status_code == 200
        return len(captured)

    queries(small)  # the session's first page loads what every later page reuses
    assert queries(large) == queries(small)


def test_list_and_status_filter_show_in_treatment(client, team_member):
    treated = _in_treatment(team_member)
    waiting = _case(team_member)
    sign_in(client, team_member)

    listed = client.get(reverse(CHANGELIST))
    filtered = client.get(reverse(CHANGELIST), {"status": "in_treatment"}).content.decode()

    assert "In treatment" in visible_text(listed)
    assert "in_treatment" not in visible_text(listed)
    assert treated.reference in filtered
    assert waiting.reference not in filtered


def test_closing_from_the_admin_cancels_the_appointments_still_booked(client, team_member):
    referral = _in_treatment(team_member)
    booked = referral.appointments.get(attendance=Attendance.BOOKED)
    sign_in(client, team_member)

    response = client.post(
        action_url(referral, "close"),
        {
            "version": referral.version,
            "reason": "treatment_completed",
            **date_fields("closed_on", TODAY),
        },
    )

    assert response.status_code == 302
    saved = Referral.objects.get(pk=referral.pk)
    assert (saved.status, saved.close_reason) == (Status.CLOSED, "treatment_completed")
    booked.refresh_from_db()
    assert (booked.attendance, booked.cancelled_on) == (Attendance.CLINIC_CANCELLED, TODAY)
    assert saved.events.last().note == "Treatment completed"


def test_closing_from_the_admin_is_refused_while_an_appointment_has_no_outcome(client, team_member):
    referral = _case(team_member)
    _book(referral, team_member, TODAY - 2 * DAY, purpose="assessment")
    sign_in(client, team_member)

    response = client.post(
        action_url(referral, "close"),
        {
            "version": referral.version,
            "reason": "other",
            "note": "Synthetic: the family asked to stop.",
            **date_fields("closed_on", TODAY),
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        f"Record what happened at the appointment on {nhs_date(TODAY - 2 * DAY)} before closing "
        "the case. Nothing was changed."
    ) in page
    assert "Synthetic: the family asked to stop." in page
    assert Referral.objects.get(pk=referral.pk).status == Status.ACCEPTED


def test_closing_from_the_admin_with_other_needs_a_note(client, team_member):
    referral = _case(team_member)
    sign_in(client, team_member)

    response = client.post(
        action_url(referral, "close"),
        {"version": referral.version, "reason": "other", **date_fields("closed_on", TODAY)},
    )

    assert response.status_code == 200
    assert "Say why the case is closing" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == Status.ACCEPTED


# --- appointments and the family's unavailability through the admin's action pages ----------


def row_action_url(referral, kind, row, action):
    return reverse(f"admin:referrals_referral_{kind}_action", args=[referral.pk, row.pk, action])


def test_the_change_page_links_each_rows_open_actions(client, team_member):
    referral = _case(team_member)
    past = _book(referral, team_member, TODAY - 2 * DAY)
    future = _book(referral, team_member, TODAY + 5 * DAY)
    workflow.record_unavailability(
        referral,
        by=team_member,
        version=referral.version,
        start=TODAY + 20 * DAY,
        end=TODAY + 22 * DAY,
        reason="Synthetic",
    )
    period = referral.unavailability.get()
    sign_in(client, team_member)

    page = client.get(change_url(referral)).content.decode()

    version = f"?version={referral.version}"
    for url in (
        row_action_url(referral, "appointment", past, "record_attendance"),
        row_action_url(referral, "appointment", past, "cancel_appointment"),
        row_action_url(referral, "appointment", future, "rebook_appointment"),
        row_action_url(referral, "unavailability", period, "remove_unavailability"),
        action_url(referral, "book_appointment"),
        action_url(referral, "record_unavailability"),
    ):
        assert escape(url + version) in page
    # What happened at an appointment is recorded from its day on.
    assert row_action_url(referral, "appointment", future, "record_attendance") not in page


def test_booking_from_the_admin_goes_through_the_workflow(client, team_member):
    referral = _case(team_member)
    sign_in(client, team_member)
    url = action_url(referral, "book_appointment")
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "version": referral.version,
            **date_fields("on", TODAY + 7 * DAY),
            "time": "09:30",
            "purpose": "assessment",
            "mode": "telephone",
            "location": "",
            "staff": [team_member.pk],
        },
    )

    assert response.status_code == 302
    appointment = referral.appointments.get()
    assert (appointment.on, appointment.time, appointment.mode) == (
        TODAY + 7 * DAY,
        datetime.time(9, 30),
        "telephone",
    )
    assert referral.events.last().note.startswith("Booked: Assessment")
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGE, detail__action="book_appointment"
    ).exists()


def test_recording_what_happened_from_the_admin_starts_treatment(client, team_member):
    referral = _case(team_member)
    session = _book(referral, team_member, TODAY - DAY, purpose="first_treatment")
    sign_in(client, team_member)

    response = client.post(
        row_action_url(referral, "appointment", session, "record_attendance"),
        {"version": referral.version, "attendance": "attended"},
    )

    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.treatment_started_on) == (Status.IN_TREATMENT, TODAY - DAY)


def test_cancelling_and_rebooking_from_the_admin(client, team_member):
    referral = _case(team_member)
    first = _book(referral, team_member, TODAY + 3 * DAY)
    second = _book(referral, team_member, TODAY + 4 * DAY)
    sign_in(client, team_member)

    client.post(
        row_action_url(referral, "appointment", first, "cancel_appointment"),
        {
            "version": referral.version,
            "cancelled_by": "family",
            **date_fields("cancelled_on", TODAY),
        },
    )
    referral.refresh_from_db()
    client.post(
        row_action_url(referral, "appointment", second, "rebook_appointment"),
        {
            "version": referral.version,
            **date_fields("on", TODAY + 10 * DAY),
            "time": "11:00",
            "cancelled_by": "service",
            **date_fields("cancelled_on", TODAY),
            "mode": "clinic",
            "staff": [team_member.pk],
        },
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attendance, first.cancelled_on) == (Attendance.PATIENT_CANCELLED, TODAY)
    assert second.attendance == Attendance.CLINIC_CANCELLED
    assert second.rebooked_as.on == TODAY + 10 * DAY


def test_recording_and_removing_unavailability_from_the_admin(client, team_member):
    referral = _case(team_member)
    sign_in(client, team_member)

    client.post(
        action_url(referral, "record_unavailability"),
        {
            "version": referral.version,
            **date_fields("start", TODAY + 2 * DAY),
            **date_fields("end", TODAY + 4 * DAY),
            "reason": "Synthetic: family away",
        },
    )
    period = referral.unavailability.get()
    referral.refresh_from_db()
    client.post(
        row_action_url(referral, "unavailability", period, "remove_unavailability"),
        {"version": referral.version},
    )

    assert not referral.unavailability.exists()
    notes = list(referral.events.values_list("note", flat=True))
    assert any(note.startswith("Family unavailable") for note in notes)
    assert any(note.startswith("Removed: family unavailable") for note in notes)


def test_a_second_outcome_from_a_stale_admin_page_is_refused_and_says_who(client, team_member):
    referral = _case(team_member)
    session = _book(referral, team_member, TODAY - DAY)
    opened = referral.version
    _attended(referral, team_member, session)
    sign_in(client, team_member)

    response = client.post(
        row_action_url(referral, "appointment", session, "record_attendance"),
        {"version": opened, "attendance": "did_not_attend"},
    )

    assert response.status_code == 200
    assert "after you opened the page" in html.unescape(response.content.decode())
    session.refresh_from_db()
    assert session.attendance == Attendance.ATTENDED


def test_another_referrals_appointment_or_a_wrong_action_is_not_found(client, team_member):
    referral, other = _case(team_member), _case(team_member)
    theirs = _book(other, team_member, TODAY + DAY)
    sign_in(client, team_member)

    assert (
        client.get(
            row_action_url(referral, "appointment", theirs, "cancel_appointment")
        ).status_code
        == 404
    )
    assert (
        client.get(
            row_action_url(other, "appointment", theirs, "remove_unavailability")
        ).status_code
        == 404
    )
    assert client.get(row_action_url(other, "appointment", theirs, "accept")).status_code == 404
