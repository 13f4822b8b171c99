"""Audit coverage (issue 8, point 7): every page that shows or changes a referral or a patient
record writes exactly the audit events it should (one a request: no VIEW before a CHANGE), and
every refused access writes an ACCESS_DENIED naming the object type and the id asked for.

The pages are listed as data: who asks, how, and which events the request must leave.
"""

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from imhs.models import AuditAction, AuditEvent
from referrals import invitations, retention, subject_access, workflow
from referrals.models import (
    NationalCode,
    ParentInvitation,
    ParentViews,
    Referral,
    RetentionReview,
    RetentionRule,
    SubjectAccessRequest,
    TeamNote,
)
from referrals.reports.extract import MAPPED
from referrals.reports.figures import Month
from referrals.team import subject_access as bundles
from tests.factories import (
    AppointmentFactory,
    CareRelationshipFactory,
    ReferralFactory,
    ReferrerFactory,
    ServiceLeadFactory,
    TeamMemberFactory,
    UnavailabilityFactory,
)
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

VIEW, CREATE, CHANGE = AuditAction.VIEW, AuditAction.CREATE, AuditAction.CHANGE
DELETE, EXPORT, DENIED = AuditAction.DELETE, AuditAction.EXPORT, AuditAction.ACCESS_DENIED
REFERRAL, INFANT, CARER = "referrals.referral", "patients.infant", "patients.carer"
RELATIONSHIP, INVITATION = "patients.carerelationship", "referrals.parentinvitation"
APPOINTMENT = "referrals.appointment"
UNKNOWN_REFERENCE = "IMH-2026-99999"
CARER_DATA = {
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
def w():
    """Everything the pages need: a referrer's draft, sent and asked referrals, another
    referrer's, referrals in the team's hands, and a parent's secure link."""
    referrer, member = ReferrerFactory(), TeamMemberFactory()
    asked = ReferralFactory(submitted=True, referrer=referrer)
    workflow.request_information(asked, by=member, version=asked.version, question="Synthetic?")
    in_review = ReferralFactory(submitted=True)
    workflow.start_review(in_review, by=member, version=in_review.version)
    other_sent = ReferralFactory(submitted=True)
    draft = ReferralFactory(referrer=referrer)
    world = SimpleNamespace(
        referrer=referrer,
        member=member,
        lead=ServiceLeadFactory(),
        draft=draft,
        relationship=draft.infant.care_relationships.get(),
        incomplete=ReferralFactory(referrer=referrer, section_states={}),
        sent=ReferralFactory(submitted=True, referrer=referrer),
        asked=Referral.objects.get(pk=asked.pk),
        in_review=Referral.objects.get(pk=in_review.pk),
        declined=ReferralFactory(declined=True),
        other_draft=ReferralFactory(),
        other_sent=other_sent,
        other_relationship=CareRelationshipFactory(),
    )
    # A case with an appointment today (its outcome may be recorded) and a period away.
    world.accepted = ReferralFactory(accepted=True)
    world.appointment = AppointmentFactory(referral=world.accepted, on=timezone.localdate())
    world.other_appointment = AppointmentFactory()
    world.period = UnavailabilityFactory(referral=world.accepted)
    world.sent_relationship = world.sent.infant.care_relationships.get()
    carer = world.sent_relationship.carer
    world.invitation, world.token = invitations.create(
        world.sent, carer=carer, by=member, send_email=False
    )
    other_carer = other_sent.infant.care_relationships.get().carer
    world.other_invitation, _ = invitations.create(
        other_sent, carer=other_carer, by=member, send_email=False
    )
    return world


def events_since(mark):
    return [
        (event.action, event.actor, event.object_type, event.object_id)
        for event in AuditEvent.objects.filter(pk__gt=mark).order_by("id")
    ]


def last_event_id():
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def referrer_url(name, referral, *args):
    return reverse(f"referrals:{name}", args=[referral.pk, *args])


def team_url(name, referral, *args):
    return reverse(f"referrals:{name}", args=[referral.reference, *args])


def version(referral):
    return Referral.objects.get(pk=referral.pk).version


def open_parent_session(client, w):
    response = client.post(
        reverse("parents:open", args=[w.token]),
        {
            "date_of_birth_day": str(w.sent.infant.date_of_birth.day),
            "date_of_birth_month": str(w.sent.infant.date_of_birth.month),
            "date_of_birth_year": str(w.sent.infant.date_of_birth.year),
        },
    )
    assert response.status_code == 302


def parent_saves_views(client, w):
    open_parent_session(client, w)
    client.post(reverse("parents:views"), {"worries": "Synthetic.", "save": ""})


@dataclass(frozen=True)
class Page:
    """One request: who makes it (an attribute of the world, or None for a parent), the URL and
    data (functions of the world), and the events it must leave, as (action, object type,
    object id) functions of the world after the request."""

    name: str
    who: str | None
    url: object
    expected: object
    method: str = "get"
    data: object = field(default=lambda w: {})
    setup: object = None
    status: tuple = (200, 302)


def ref(action, name):
    return lambda w: [(action, REFERRAL, str(getattr(w, name).pk))]


REFERRER_PAGES = [
    Page("my referrals", "referrer", lambda w: reverse("referrals:mine"),
         lambda w: [(VIEW, REFERRAL, "")]),
    Page("task list", "referrer", lambda w: referrer_url("detail", w.draft), ref(VIEW, "draft")),
    Page("sent referral", "referrer", lambda w: referrer_url("detail", w.sent),
         ref(VIEW, "sent")),
    Page("section GET", "referrer", lambda w: referrer_url("section", w.draft, "concerns"),
         ref(VIEW, "draft")),
    Page("carers GET", "referrer", lambda w: referrer_url("carers", w.draft), ref(VIEW, "draft")),
    Page("carer add GET", "referrer", lambda w: referrer_url("carer_add", w.draft),
         ref(VIEW, "draft")),
    Page("carer change GET", "referrer",
         lambda w: referrer_url("carer_change", w.draft, w.relationship.pk), ref(VIEW, "draft")),
    Page("carer remove GET", "referrer",
         lambda w: referrer_url("carer_remove", w.draft, w.relationship.pk), ref(VIEW, "draft")),
    Page("practice search", "referrer",
         lambda w: referrer_url("find_practice", w.draft) + "?q=Testville", ref(VIEW, "draft")),
    Page("check GET", "referrer", lambda w: referrer_url("check", w.draft), ref(VIEW, "draft")),
    Page("sent page", "referrer", lambda w: referrer_url("submitted", w.sent), ref(VIEW, "sent")),
    Page("delete GET", "referrer", lambda w: referrer_url("delete", w.draft), ref(VIEW, "draft")),
    Page("new draft", "referrer", lambda w: reverse("referrals:new"),
         lambda w: [(CREATE, REFERRAL, str(Referral.objects.latest("pk").pk))], method="post"),
    Page("section saved", "referrer", lambda w: referrer_url("section", w.draft, "safety"),
         ref(CHANGE, "draft"), method="post",
         data=lambda w: {"child_protection_concerns": "no", "version": version(w.draft)}),
    Page("section with errors", "referrer",
         lambda w: referrer_url("section", w.draft, "concerns"), ref(CHANGE, "draft"),
         method="post", data=lambda w: {"version": version(w.draft)}),
    Page("carers saved", "referrer", lambda w: referrer_url("carers", w.draft),
         ref(CHANGE, "draft"), method="post", data=lambda w: {"version": version(w.draft)}),
    Page("carer added", "referrer", lambda w: referrer_url("carer_add", w.draft),
         ref(CHANGE, "draft"), method="post",
         data=lambda w: {**CARER_DATA, "version": version(w.draft)}),
    Page("carer removed", "referrer",
         lambda w: referrer_url("carer_remove", w.draft, w.relationship.pk), ref(CHANGE, "draft"),
         method="post", data=lambda w: {"version": version(w.draft)}),
    Page("practice chosen", "referrer", lambda w: referrer_url("find_practice", w.draft),
         ref(CHANGE, "draft"), method="post",
         data=lambda w: {"practice": w.draft.infant.gp_practice.code,
                         "version": version(w.draft)}),
    Page("practice not chosen", "referrer", lambda w: referrer_url("find_practice", w.draft),
         ref(VIEW, "draft"), method="post", data=lambda w: {"version": version(w.draft)}),
    Page("sent to the team", "referrer", lambda w: referrer_url("check", w.draft),
         ref(CHANGE, "draft"), method="post", data=lambda w: {"version": version(w.draft)}),
    Page("sending refused", "referrer", lambda w: referrer_url("check", w.incomplete),
         ref(VIEW, "incomplete"), method="post",
         data=lambda w: {"version": version(w.incomplete)}),
    Page("draft deleted", "referrer", lambda w: referrer_url("delete", w.draft),
         ref(DELETE, "draft"), method="post"),
    Page("question answered", "referrer", lambda w: referrer_url("answer_question", w.asked),
         ref(CHANGE, "asked"), method="post", data=lambda w: {"answer": "Synthetic answer."}),
    Page("answer with errors", "referrer", lambda w: referrer_url("answer_question", w.asked),
         ref(VIEW, "asked"), method="post", data=lambda w: {"answer": ""}),
    Page("sub-page discarded", "referrer",
         lambda w: referrer_url("discard", w.draft, "carers:new"), ref(CHANGE, "draft"),
         method="post", data=lambda w: {"version": version(w.draft)},
         setup=lambda client, w: Referral.objects.filter(pk=w.draft.pk).update(
             section_drafts={"carers:new": {"given_name": ["Typed"]}})),
]  # fmt: skip

TEAM_PAGES = [
    Page("dashboard", "member", lambda w: reverse("referrals:dashboard"),
         lambda w: [(VIEW, REFERRAL, "")]),
    Page("team referral page", "member", lambda w: team_url("team_referral", w.sent),
         ref(VIEW, "sent")),
    Page("reassess", "member", lambda w: team_url("team_reassess", w.sent), ref(VIEW, "sent"),
         method="post"),
    Page("note added", "member", lambda w: team_url("team_note", w.sent),
         lambda w: [(CREATE, "referrals.teamnote", str(TeamNote.objects.get().pk))],
         method="post", data=lambda w: {"text": "Synthetic note."}),
    Page("note with errors", "member", lambda w: team_url("team_note", w.sent),
         ref(VIEW, "sent"), method="post", data=lambda w: {"text": ""}),
    Page("letter", "member", lambda w: team_url("team_letter", w.declined, "referrer"),
         ref(EXPORT, "declined")),
    Page("action taken", "member", lambda w: team_url("team_action", w.sent, "start_review"),
         ref(CHANGE, "sent"), method="post", data=lambda w: {"version": version(w.sent)}),
    Page("action with errors", "member", lambda w: team_url("team_action", w.in_review, "decline"),
         ref(VIEW, "in_review"), method="post", data=lambda w: {"version": version(w.in_review)}),
    Page("link made", "member", lambda w: team_url("team_invite", w.sent),
         lambda w: [(CREATE, INVITATION, str(ParentInvitation.objects.latest("pk").pk))],
         method="post", data=lambda w: {"carer": w.invitation.carer_id, "seen": w.invitation.pk}),
    Page("link form with errors", "member", lambda w: team_url("team_invite", w.sent),
         ref(VIEW, "sent"), method="post", data=lambda w: {"seen": 0}),
    Page("link revoked", "member",
         lambda w: team_url("team_invite_revoke", w.sent, w.invitation.pk),
         lambda w: [(CHANGE, INVITATION, str(w.invitation.pk))], method="post"),
    Page("link resent", "member",
         lambda w: team_url("team_invite_resend", w.sent, w.invitation.pk),
         lambda w: [(CHANGE, INVITATION, str(w.invitation.pk)),
                    (CREATE, INVITATION, str(ParentInvitation.objects.latest("pk").pk))],
         method="post"),
    Page("book form", "member", lambda w: team_url("team_book_appointment", w.accepted),
         ref(VIEW, "accepted")),
    Page("appointment booked", "member", lambda w: team_url("team_book_appointment", w.accepted),
         ref(CHANGE, "accepted"), method="post", data=lambda w: booking(w)),
    Page("booking with errors", "member",
         lambda w: team_url("team_book_appointment", w.accepted), ref(VIEW, "accepted"),
         method="post", data=lambda w: {**booking(w), "time": "25:61"}),
    Page("appointment page", "member",
         lambda w: team_url("team_appointment", w.accepted, w.appointment.pk),
         ref(VIEW, "accepted")),
    Page("attendance recorded", "member",
         lambda w: team_url("team_appointment_attendance", w.accepted, w.appointment.pk),
         ref(CHANGE, "accepted"), method="post",
         data=lambda w: {"attendance": "attended", "version": version(w.accepted)}),
    Page("attendance with errors", "member",
         lambda w: team_url("team_appointment_attendance", w.accepted, w.appointment.pk),
         ref(VIEW, "accepted"), method="post", data=lambda w: {"version": version(w.accepted)}),
    Page("appointment cancelled", "member",
         lambda w: team_url("team_appointment_cancel", w.accepted, w.appointment.pk),
         ref(CHANGE, "accepted"), method="post",
         data=lambda w: {"cancelled_by": "service", "version": version(w.accepted)}),
    Page("appointment rebooked", "member",
         lambda w: team_url("team_appointment_rebook", w.accepted, w.appointment.pk),
         ref(CHANGE, "accepted"), method="post",
         data=lambda w: {**booking(w), "cancelled_by": "family"}),
    Page("appointment letter", "member",
         lambda w: team_url("team_appointment_letter", w.accepted, w.appointment.pk),
         ref(EXPORT, "accepted")),
    Page("appointment emailed", "member",
         lambda w: team_url("team_appointment_email", w.accepted, w.appointment.pk),
         ref(EXPORT, "accepted"), method="post",
         data=lambda w: {"carer": w.accepted.infant.care_relationships.get().carer_id}),
    Page("unavailability added", "member", lambda w: team_url("team_unavailability", w.accepted),
         ref(CHANGE, "accepted"), method="post",
         data=lambda w: {"start_day": "1", "start_month": "1", "start_year": "2030",
                         "end_day": "2", "end_month": "1", "end_year": "2030",
                         "reason": "Away", "version": version(w.accepted)}),
    Page("unavailability with errors", "member",
         lambda w: team_url("team_unavailability", w.accepted), ref(VIEW, "accepted"),
         method="post", data=lambda w: {"reason": "", "version": version(w.accepted)}),
    Page("unavailability removed", "member",
         lambda w: team_url("team_remove_unavailability", w.accepted, w.period.pk),
         ref(CHANGE, "accepted"), method="post", data=lambda w: {"version": version(w.accepted)}),
]  # fmt: skip


def booking(w):
    on = timezone.localdate() + datetime.timedelta(days=3)
    return {
        "on_day": on.day,
        "on_month": on.month,
        "on_year": on.year,
        "time": "10:00",
        "purpose": "review",
        "mode": "clinic",
        "staff": [w.member.pk],
        "version": version(w.accepted),
    }


def cases_of_member(client, w):
    """Two accepted referrals allocated to the team member, for the reassign pages."""
    w.cases = [
        ReferralFactory(submitted=True, status="accepted", decided_at=timezone.now(),
                        decided_by=w.lead, allocated_to=w.member, allocated_at=timezone.now())
        for _ in range(2)
    ]  # fmt: skip


def reassigned(w):
    return {"selected": [f"{r.reference}:{r.version}" for r in w.cases], "to": w.lead.pk}


def caseload_url(w, name="team_caseload"):
    return reverse(f"referrals:{name}", args=[w.member.pk])


LIST_PAGES = [
    Page("waiting list", "member", lambda w: reverse("referrals:team_waiting_list"),
         lambda w: [(VIEW, REFERRAL, "")]),
    Page("my caseload", "member", lambda w: reverse("referrals:team_my_caseload"),
         lambda w: [(VIEW, REFERRAL, "")]),
    Page("caseloads", "lead", lambda w: reverse("referrals:team_caseloads"),
         lambda w: [(VIEW, REFERRAL, "")]),
    Page("a member's caseload", "lead", caseload_url, lambda w: [(VIEW, REFERRAL, "")],
         setup=cases_of_member),
    Page("referrals reassigned", "lead", lambda w: caseload_url(w, "team_reassign"),
         lambda w: [(CHANGE, REFERRAL, str(r.pk)) for r in w.cases], method="post",
         data=reassigned, setup=cases_of_member),
    Page("reassign with errors", "lead", lambda w: caseload_url(w, "team_reassign"),
         lambda w: [(VIEW, REFERRAL, "")], method="post", data=lambda w: {"to": w.lead.pk},
         setup=cases_of_member),
]  # fmt: skip


def report_url(name):
    return reverse(f"referrals:{name}")


def month_event(action, report, month="2026-10"):
    return lambda w: [(action, "report", month)]


def map_every_value(client, w):
    NationalCode.objects.bulk_create(
        NationalCode(field=column, value=value, code="N1")
        for column, (_title, labels) in MAPPED.items()
        for value in labels
    )


MONTH = {"month": "2026-10"}
# The world's referrals were sent this month: the extract of this month has rows (and gaps).
THIS_MONTH = Month.of(timezone.localdate()).key
# Each view and download of a report leaves one event naming the month (detail: which report).
REPORT_PAGES = [
    Page("month report", "member", lambda w: report_url("team_reports"),
         month_event(VIEW, "month"), data=lambda w: MONTH),
    Page("trends", "member", lambda w: report_url("team_report_trends"),
         month_event(VIEW, "trends"), data=lambda w: MONTH),
    *(
        Page(f"report download {kind}", "member", lambda w, k=kind: report_url(f"team_report_{k}"),
             month_event(EXPORT, kind), method="post", data=lambda w: MONTH)
        for kind in ("csv", "xlsx", "national")
    ),
    Page("extract refused", "lead", lambda w: report_url("team_report_extract"),
         month_event(VIEW, "extract-refused", THIS_MONTH), method="post",
         data=lambda w: {"month": THIS_MONTH}),
    Page("extract", "lead", lambda w: report_url("team_report_extract"),
         month_event(EXPORT, "extract", THIS_MONTH), method="post",
         data=lambda w: {"month": THIS_MONTH}, setup=map_every_value),
    Page("national codes", "lead", lambda w: report_url("team_national_codes"),
         lambda w: [(VIEW, "referrals.nationalcode", "")]),
    Page("national code saved", "lead", lambda w: report_url("team_national_codes"),
         lambda w: [(CREATE, "referrals.nationalcode", str(NationalCode.objects.get().pk))],
         method="post", data=lambda w: {"sex-0": "F"}),
    Page("national codes with errors", "lead", lambda w: report_url("team_national_codes"),
         lambda w: [(VIEW, "referrals.nationalcode", "")], method="post",
         data=lambda w: {"sex-0": "not a code"}),
]  # fmt: skip

PARENT_PAGES = [
    Page("secure link", None, lambda w: reverse("parents:open", args=[w.token]),
         lambda w: [(VIEW, INVITATION, str(w.invitation.pk))]),
    Page("parent's views", None, lambda w: reverse("parents:views"),
         lambda w: [(VIEW, INVITATION, str(w.invitation.pk))], setup=open_parent_session),
    Page("parent's views saved", None, lambda w: reverse("parents:views"),
         lambda w: [(CHANGE, "referrals.parentviews", str(ParentViews.objects.get().pk))],
         method="post", data=lambda w: {"worries": "Synthetic.", "save": ""},
         setup=open_parent_session),
    Page("parent's answers to check", None, lambda w: reverse("parents:check"),
         lambda w: [(VIEW, "referrals.parentviews", str(ParentViews.objects.get().pk))],
         setup=parent_saves_views),
    Page("parent's views without a session", None, lambda w: reverse("parents:views"),
         lambda w: [(DENIED, INVITATION, "")], status=(404,)),
]  # fmt: skip


def admin_url(model, view, *args):
    return reverse(f"admin:{model.replace('.', '_')}_{view}", args=args)


ADMIN_PAGES = [
    *(
        Page(f"admin list of {model}", "lead", lambda w, m=model: admin_url(m, "changelist"),
             lambda w, m=model: [(VIEW, m, "")])
        for model in (INFANT, CARER, RELATIONSHIP, REFERRAL)
    ),
    Page("admin baby", "lead", lambda w: admin_url(INFANT, "change", w.sent.infant_id),
         lambda w: [(VIEW, INFANT, str(w.sent.infant_id))]),
    Page("admin carer", "lead", lambda w: admin_url(CARER, "change", w.invitation.carer_id),
         lambda w: [(VIEW, CARER, str(w.invitation.carer_id))]),
    Page("admin care relationship", "lead",
         lambda w: admin_url(RELATIONSHIP, "change", w.sent_relationship.pk),
         lambda w: [(VIEW, RELATIONSHIP, str(w.sent_relationship.pk))]),
    Page("admin referral", "lead", lambda w: admin_url(REFERRAL, "change", w.sent.pk),
         ref(VIEW, "sent")),
    Page("admin baby's history", "lead", lambda w: admin_url(INFANT, "history", w.sent.infant_id),
         lambda w: [(VIEW, INFANT, str(w.sent.infant_id))]),
    Page("admin triage action form", "lead",
         lambda w: admin_url(REFERRAL, "action", w.sent.pk, "start_review"), ref(VIEW, "sent")),
]  # fmt: skip

ALL_PAGES = REFERRER_PAGES + TEAM_PAGES + LIST_PAGES + REPORT_PAGES + PARENT_PAGES + ADMIN_PAGES
SAR = "referrals.subjectaccessrequest"


def sar_started(client, w):
    w.sar = subject_access.start(infant=w.sent.infant, requested_on=timezone.localdate(), by=w.lead)


def sar_produced(client, w):
    sar_started(client, w)
    content, referrals = bundles.build(w.sar)
    w.sar = subject_access.produce(
        w.sar, by=w.lead, version=w.sar.version, content=content, referrals=referrals
    )


def sar_released(client, w):
    sar_produced(client, w)
    w.sar = subject_access.release(w.sar, by=w.lead, version=w.sar.version)


def sar_url(step=""):
    return lambda w: f"/team/subject-access/{w.sar.pk}/{step}"


def sar_id(w):
    return str(SubjectAccessRequest.objects.latest("pk").pk)


SUBJECT_ACCESS_PAGES = [
    Page("subject access requests", "lead", lambda w: "/team/subject-access/",
         lambda w: [(VIEW, SAR, "")]),
    # The babies found are recorded as viewed; the text searched for is not recorded.
    Page("subject access search", "lead", lambda w: "/team/subject-access/",
         lambda w: [(VIEW, REFERRAL, str(w.sent.pk)), (VIEW, SAR, "")], method="post",
         data=lambda w: {"number": w.sent.reference}),
    Page("subject access, start", "lead",
         lambda w: f"/team/subject-access/new/{w.sent.reference}/",
         lambda w: [(VIEW, REFERRAL, str(w.sent.pk))]),
    Page("subject access started", "lead",
         lambda w: f"/team/subject-access/new/{w.sent.reference}/",
         lambda w: [(CREATE, SAR, sar_id(w))], method="post",
         data=lambda w: {"requested_on_day": "1", "requested_on_month": "1",
                         "requested_on_year": str(timezone.localdate().year)}),
    Page("subject access request", "lead", sar_url(), lambda w: [(VIEW, SAR, sar_id(w))],
         setup=sar_started),
    Page("subject access bundle produced", "lead", sar_url("produce/"),
         lambda w: [(EXPORT, REFERRAL, str(w.sent.pk)), (CHANGE, SAR, sar_id(w))],
         method="post", data=lambda w: {"version": w.sar.version}, setup=sar_started),
    Page("subject access items withheld", "lead", sar_url("withhold/"),
         lambda w: [(CHANGE, SAR, sar_id(w))], method="post",
         data=lambda w: {"version": w.sar.version, "reason": "third party",
                         "withhold": w.sar.content["sections"][0]["items"][0]["key"]},
         setup=sar_produced),
    Page("subject access withholding with errors", "lead", sar_url("withhold/"),
         lambda w: [(VIEW, SAR, sar_id(w))], method="post",
         data=lambda w: {"version": w.sar.version,
                         "withhold": w.sar.content["sections"][0]["items"][0]["key"]},
         setup=sar_produced),
    Page("subject access bundle released", "lead", sar_url("release/"),
         lambda w: [(CHANGE, SAR, sar_id(w))], method="post",
         data=lambda w: {"version": w.sar.version}, setup=sar_produced),
    Page("subject access bundle printed", "lead", sar_url("print/"),
         lambda w: [(EXPORT, SAR, sar_id(w))], setup=sar_produced),
    Page("subject access bundle downloaded", "lead", sar_url("download/"),
         lambda w: [(EXPORT, SAR, sar_id(w))], method="post", setup=sar_released),
]  # fmt: skip

ALL_PAGES = (
    REFERRER_PAGES + TEAM_PAGES + LIST_PAGES + PARENT_PAGES + ADMIN_PAGES + SUBJECT_ACCESS_PAGES
)
RULE, REVIEW = "referrals.retentionrule", "referrals.retentionreview"


def due_for_review(client, w):
    """The declined referral, on the review queue; the retention rules in place."""
    retention.ensure_default_rules()
    w.rule = RetentionRule.objects.get(kind="declined_or_withdrawn")
    w.review = RetentionReview.objects.create(
        referral=w.declined, reference=w.declined.reference, kind="declined_or_withdrawn",
        clock_started_on=timezone.localdate(), due_on=timezone.localdate(),
        created_at=timezone.now(),
    )  # fmt: skip


def review_url(name):
    return lambda w: reverse(f"referrals:{name}", args=[w.review.pk])


def hold_url(name):
    return lambda w: reverse(f"referrals:{name}", args=[w.declined.reference])


def on_hold(client, w):
    due_for_review(client, w)
    retention.place_hold(w.declined, by=w.lead, reason="complaint")


RECORDS_PAGES = [
    Page("retention rules", "lead", lambda w: reverse("referrals:team_retention_rules"),
         lambda w: [(VIEW, RULE, "")]),
    Page("a retention rule", "lead",
         lambda w: reverse("referrals:team_retention_rule", args=["declined_or_withdrawn"]),
         lambda w: [(VIEW, RULE, str(w.rule.pk))], setup=due_for_review),
    Page("a retention rule changed", "lead",
         lambda w: reverse("referrals:team_retention_rule", args=["declined_or_withdrawn"]),
         lambda w: [(CHANGE, RULE, str(w.rule.pk))], method="post", setup=due_for_review,
         data=lambda w: {"period": "4", "unit": "years", "action": "review"}),
    Page("the review queue", "lead", lambda w: reverse("referrals:team_retention_reviews"),
         lambda w: [(VIEW, REVIEW, "")], setup=due_for_review),
    Page("a record due for review", "lead", review_url("team_retention_review"),
         lambda w: [(VIEW, REVIEW, str(w.review.pk))], setup=due_for_review),
    Page("a record kept longer", "lead", review_url("team_retention_keep"),
         lambda w: [(CHANGE, REVIEW, str(w.review.pk))], method="post", setup=due_for_review,
         data=lambda w: {"reason": "Kept", "keep_until_day": "1", "keep_until_month": "1",
                         "keep_until_year": "2040"}),
    Page("keep longer with errors", "lead", review_url("team_retention_keep"),
         lambda w: [(VIEW, REVIEW, str(w.review.pk))], method="post", setup=due_for_review,
         data=lambda w: {"reason": ""}),
    Page("a record destroyed", "lead", review_url("team_retention_destroy"),
         ref(DELETE, "declined"), method="post", setup=due_for_review,
         data=lambda w: {"confirm": "yes"}),
    Page("destroy not confirmed", "lead", review_url("team_retention_destroy"),
         lambda w: [(VIEW, REVIEW, str(w.review.pk))], method="post", setup=due_for_review),
    Page("destroy refused on legal hold", "lead", review_url("team_retention_destroy"),
         lambda w: [(VIEW, REVIEW, str(w.review.pk))], method="post", setup=on_hold,
         data=lambda w: {"confirm": "yes"}),
    Page("the destruction register", "lead",
         lambda w: reverse("referrals:team_destruction_register"),
         lambda w: [(VIEW, "referrals.destructionrecord", "")]),
    Page("legal hold", "lead", hold_url("team_legal_hold"), ref(VIEW, "declined")),
    Page("legal hold placed", "lead", hold_url("team_legal_hold"), ref(CHANGE, "declined"),
         method="post", data=lambda w: {"reason": "complaint"}),
    Page("legal hold with errors", "lead", hold_url("team_legal_hold"), ref(VIEW, "declined"),
         method="post"),
    Page("legal hold lifted", "lead", hold_url("team_lift_legal_hold"), ref(CHANGE, "declined"),
         method="post", setup=on_hold),
]  # fmt: skip

# A load balancer's probes show nothing and are not page views: they leave no event.
HEALTH_PAGES = [
    Page("liveness", None, lambda w: reverse("healthz"), lambda w: []),
    Page("readiness", None, lambda w: reverse("readyz"), lambda w: []),
]

ALL_PAGES = (
    REFERRER_PAGES + TEAM_PAGES + LIST_PAGES + PARENT_PAGES + ADMIN_PAGES + RECORDS_PAGES
    + HEALTH_PAGES
)  # fmt: skip


@pytest.mark.parametrize("page", ALL_PAGES, ids=lambda page: page.name)
def test_each_page_writes_its_audit_events_once(client, w, page):
    actor = getattr(w, page.who) if page.who else None
    if actor is not None:
        sign_in(client, actor)
    if page.setup:
        page.setup(client, w)
    mark = last_event_id()

    response = getattr(client, page.method)(page.url(w), page.data(w))

    assert response.status_code in page.status, response.content[:500]
    expected = [(action, actor, kind, object_id) for action, kind, object_id in page.expected(w)]
    assert events_since(mark) == expected


# --- refused access ------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    name: str
    who: str
    url: object
    asked: object  # (object type, id) as a function of the world
    method: str = "get"
    status: int = 404


def asked_referral(name):
    return lambda w: (REFERRAL, str(getattr(w, name).pk))


REFUSALS = [
    *(
        Refusal(f"another referrer's {page}", "referrer",
                lambda w, p=page, a=args: referrer_url(p, w.other_draft, *a),
                asked_referral("other_draft"), method=method)
        for page, args, method in [
            ("detail", (), "get"),
            ("section", ("concerns",), "get"),
            ("section", ("concerns",), "post"),
            ("carers", (), "get"),
            ("carer_add", (), "post"),
            ("find_practice", (), "get"),
            ("check", (), "post"),
            ("delete", (), "post"),
            ("discard", ("carers:new",), "post"),
        ]
    ),
    Refusal("another referrer's sent page", "referrer",
            lambda w: referrer_url("submitted", w.other_sent), asked_referral("other_sent")),
    Refusal("another referrer's question", "referrer",
            lambda w: referrer_url("answer_question", w.other_sent),
            asked_referral("other_sent"), method="post"),
    Refusal("another baby's carer", "referrer",
            lambda w: referrer_url("carer_change", w.draft, w.other_relationship.pk),
            lambda w: (RELATIONSHIP, str(w.other_relationship.pk))),
    *(
        Refusal(f"unknown reference: {name}", "member",
                lambda w, n=name, a=args: reverse(f"referrals:{n}", args=[UNKNOWN_REFERENCE, *a]),
                lambda w: (REFERRAL, UNKNOWN_REFERENCE), method=method)
        for name, args, method in [
            ("team_referral", (), "get"),
            ("team_reassess", (), "post"),
            ("team_note", (), "post"),
            ("team_letter", ("referrer",), "get"),
            ("team_action", ("start_review",), "post"),
            ("team_invite", (), "post"),
            ("team_book_appointment", (), "post"),
            ("team_unavailability", (), "post"),
        ]
    ),
    Refusal("another referral's appointment", "member",
            lambda w: team_url("team_appointment", w.accepted, w.other_appointment.pk),
            lambda w: (APPOINTMENT, str(w.other_appointment.pk))),
    Refusal("another referral's appointment cancelled", "member",
            lambda w: team_url("team_appointment_cancel", w.accepted, w.other_appointment.pk),
            lambda w: (APPOINTMENT, str(w.other_appointment.pk)), method="post"),
    Refusal("another referral's appointment letter", "member",
            lambda w: team_url("team_appointment_letter", w.accepted, w.other_appointment.pk),
            lambda w: (APPOINTMENT, str(w.other_appointment.pk))),
    Refusal("another referral's link revoked", "member",
            lambda w: team_url("team_invite_revoke", w.sent, w.other_invitation.pk),
            lambda w: (INVITATION, str(w.other_invitation.pk)), method="post"),
    Refusal("another referral's link resent", "member",
            lambda w: team_url("team_invite_resend", w.sent, w.other_invitation.pk),
            lambda w: (INVITATION, str(w.other_invitation.pk)), method="post"),
    Refusal("a draft in the admin", "lead",
            lambda w: admin_url(REFERRAL, "change", w.other_draft.pk),
            asked_referral("other_draft"), status=302),
    Refusal("a draft's admin action", "lead",
            lambda w: admin_url(REFERRAL, "action", w.other_draft.pk, "start_review"),
            asked_referral("other_draft")),
    # 403s: the wrong role for the page, recorded against the referral its URL names.
    Refusal("a referrer on a team page", "referrer", lambda w: team_url("team_referral", w.sent),
            lambda w: (REFERRAL, w.sent.reference), status=403),
    Refusal("a team member on a referrer page", "member",
            lambda w: referrer_url("detail", w.sent), asked_referral("sent"), status=403),
    Refusal("a team member on the audit export", "member", lambda w: reverse("audit_export"),
            lambda w: ("", ""), status=403),
    Refusal("a team member on the national codes", "member",
            lambda w: report_url("team_national_codes"), lambda w: ("", ""), status=403),
    Refusal("a team member asking for the extract", "member",
            lambda w: report_url("team_report_extract"), lambda w: ("", ""), method="post",
            status=403),
    Refusal("a referrer on the reports", "referrer", lambda w: report_url("team_reports"),
            lambda w: ("", ""), status=403),
    Refusal("a team member on every member's caseloads", "member",
            lambda w: reverse("referrals:team_caseloads"), lambda w: ("", ""), status=403),
    Refusal("a team member on another member's caseload", "member",
            lambda w: reverse("referrals:team_caseload", args=[w.lead.pk]),
            lambda w: ("imhs.user", str(w.lead.pk)), status=403),
    Refusal("a team member reassigning", "member",
            lambda w: reverse("referrals:team_reassign", args=[w.member.pk]),
            lambda w: ("", ""), method="post", status=403),
    # Subject access: a 404 for anyone but a service lead, naming nothing.
    Refusal("a team member on subject access", "member",
            lambda w: "/team/subject-access/", lambda w: ("", "")),
    Refusal("a referrer producing a bundle", "referrer",
            lambda w: "/team/subject-access/1/produce/", lambda w: ("", ""), method="post"),
    Refusal("a team member on the review queue", "member",
            lambda w: reverse("referrals:team_retention_reviews"), lambda w: ("", ""), status=403),
    Refusal("a team member placing a legal hold", "member", hold_url("team_legal_hold"),
            lambda w: (REFERRAL, w.declined.reference), method="post", status=403),
    Refusal("the caseload of someone not in the team", "lead",
            lambda w: reverse("referrals:team_caseload", args=[w.referrer.pk]),
            lambda w: ("imhs.user", str(w.referrer.pk))),
]  # fmt: skip


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda refusal: refusal.name)
def test_refused_access_writes_one_access_denied_naming_what_was_asked_for(client, w, refusal):
    actor = getattr(w, refusal.who)
    sign_in(client, actor)
    mark = last_event_id()

    response = getattr(client, refusal.method)(refusal.url(w))

    assert response.status_code == refusal.status
    kind, object_id = refusal.asked(w)
    assert events_since(mark) == [(DENIED, actor, kind, object_id)]
    event = AuditEvent.objects.get(pk__gt=mark)
    assert set(event.detail) <= {"view", "lookup"}  # nothing else: no names, nothing typed


def test_anonymous_people_are_sent_to_sign_in_and_nothing_is_recorded_as_viewed(w):
    client = Client()
    mark = last_event_id()

    for url in (referrer_url("detail", w.draft), team_url("team_referral", w.sent)):
        assert client.get(url).status_code == 302

    assert events_since(mark) == []


def test_the_admins_search_box_for_babies_is_audited_without_the_search(client, w):
    sign_in(client, w.lead)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Searchedname",
            "app_label": "patients",
            "model_name": "carerelationship",
            "field_name": "infant",
        },
    )

    assert response.status_code == 200
    event = AuditEvent.objects.get(actor=w.lead, detail__autocomplete="infant")
    assert (event.action, event.object_type) == (VIEW, "patients.carerelationship")
    assert "Searchedname" not in str(event.detail)
