"""The team's referral page: what it shows, every action through it, conflicts turned into
friendly messages, re-assessment, internal notes, printable letters, and who may see it."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from imhs.models import AuditAction, AuditEvent
from imhs.nhsuk.text import nhs_date
from patients.chi import format_chi
from referrals import invitations, workflow
from referrals.models import (
    Appointment,
    InformationRequest,
    ParentViews,
    Referral,
    SignpostService,
    Status,
    TeamNote,
)
from tests.factories import (
    AppointmentFactory,
    ReferralFactory,
    ReferrerFactory,
    TeamMemberFactory,
    UnavailabilityFactory,
)
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


def page(response):
    return html.unescape(response.content.decode())


def flat(response):
    """The page's text with tags and runs of whitespace collapsed, for phrases across tags."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page(response)))


def url(referral, name="team_referral", *args):
    return reverse(f"referrals:{name}", args=[referral.reference, *args])


def act(client, referral, action, *, follow=True, version=None, **data):
    referral.refresh_from_db()
    data["version"] = referral.version if version is None else version
    return client.post(url(referral, "team_action", action), data, follow=follow)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def member(client, team_member):
    sign_in(client, team_member)
    return team_member


@pytest.fixture
def referral():
    return ReferralFactory(submitted=True)


@pytest.fixture
def in_review(referral, member):
    workflow.start_review(referral, by=TeamMemberFactory(), version=referral.version)
    referral.refresh_from_db()
    return referral


@pytest.fixture
def accepted(in_review):
    workflow.accept(
        in_review, by=TeamMemberFactory(), version=in_review.version, priority="routine"
    )
    in_review.refresh_from_db()
    return in_review


@pytest.fixture
def service():
    return SignpostService.objects.create(
        name="Test Parenting Support Service", contact="01698 000123, example.org"
    )


# --- the page --------------------------------------------------------------------------------

# The referral form's sections, in the team's words.
TEAM_SECTIONS = [
    "About the baby",
    "Parents and carers",
    "Concerns",
    "Safety and other support",
    "Consent and the family's views",
    "Referrer",
]


def headings(response, level):
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", heading)).strip()
        for heading in re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", page(response), re.S)
    ]


def test_the_page_names_the_referral_once_in_the_teams_words(client, member, referral):
    response = client.get(url(referral))

    infant = referral.infant
    assert headings(response, 1) == [infant.full_name]
    text = flat(response)
    assert f"Referral {referral.reference} {infant.full_name}" in text  # caption, then heading
    assert text.count(referral.reference) == text.count(f"Referral {referral.reference}") + 1
    assert f"{referral.reference}: {infant.full_name}" not in text
    level_3 = headings(response, 3)
    for title in TEAM_SECTIONS:
        assert title in level_3
    for referrers_words in ("Your concerns", "About you", "Where you are based"):
        assert referrers_words not in text


def test_the_page_starts_with_a_summary_at_a_glance_and_links_to_its_sections(
    client, member, in_review
):
    response = client.get(url(in_review))

    glance = [(row.label, row.value) for row in response.context["glance"]]
    assert [label for label, _ in glance] == [
        "Status",
        "Waiting",
        "Eligibility",
        "Parents' views",
        "Allocated to",
        "Next step",
    ]
    assert dict(glance)["Status"] == "In review"
    assert dict(glance)["Next step"] == (
        "Decide: accept, decline or ask the referrer for information"
    )
    text = page(response)
    assert text.index('id="at-a-glance"') < text.index('id="actions"')
    ids = set(re.findall(r'id="([^"]+)"', text))
    links = set(re.findall(r'href="#([^"]+)"', text))
    assert {"actions", "summary", "eligibility", "parents-views", "answers", "notes"} <= links
    assert links <= ids  # every in-page link has its target
    assert 'aria-label="On this page"' in text


def test_the_summary_says_where_the_parents_views_are(client, member):
    referral = ReferralFactory(submitted=True, parent_views_method="secure_link")

    def parents_glance():
        response = client.get(url(referral))
        return {row.label: row.value for row in response.context["glance"]}["Parents' views"]

    assert parents_glance() == "Secure link to be sent"
    carer = referral.infant.care_relationships.first().carer
    invitations.create(referral, carer=carer, by=member, send_email=False)
    assert parents_glance() == "Secure link sent"
    ParentViews.objects.create(
        referral=referral, carer=carer, saved_at=timezone.now(), submitted_at=timezone.now()
    )
    assert parents_glance() == "Received from 1 parent"


def test_the_signposted_service_is_named_once_with_its_contact_on_its_own_line(client, member):
    service = SignpostService.objects.create(
        name="Test Child Mental Health Service", contact="Via the family's GP"
    )
    referral = ReferralFactory(declined=True, signposted_to=service, signposted_other="")

    text = flat(client.get(url(referral)))

    assert "Test Child Mental Health Service Contact: Via the family's GP" in text
    assert "(Via the family's GP)" not in text


def test_the_page_shows_every_answer_the_eligibility_with_the_override_reason_and_the_history(
    client, member
):
    draft = ReferralFactory(
        infant__postcode="EH1 1AA",  # outside Lanarkshire: the check fails, the referrer overrides
        residence_override_reason="Synthetic: the family moved last week.",
    )
    referral = workflow.submit(draft, by=draft.referrer)

    response = client.get(url(referral))

    text = page(response)
    assert response.status_code == 200
    for title in TEAM_SECTIONS:
        assert title in text
    assert referral.infant.given_name in text
    assert "Synthetic reason for tests." in text  # why now
    assert "As assessed when the referral was sent" in text
    assert "Some checks are for the team to look at." in text
    assert "Overridden by the referrer" in text
    assert "EH1 1AA is not in Lanarkshire." in text
    assert (
        "The referrer overrode the check “Where the family lives”. Their reason: “Synthetic: the "
        "family moved last week.”" in text
    )
    assert "Sent by the referrer" in text
    assert draft.referrer.full_name in text
    assert "Start review" in text
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_id=str(referral.pk), actor=member
    ).exists()


def test_the_page_shows_the_parents_views_written_on_the_form(client, member):
    referral = ReferralFactory(
        submitted=True,
        parent_views_method="written_here",
        parent_views_written="Synthetic: we would like help with bedtimes.",
    )

    text = page(client.get(url(referral)))

    assert "The parents' views are written here, in their own words" in text
    assert "Synthetic: we would like help with bedtimes." in text


def test_waiting_times_show_the_received_date_the_clock_and_a_passed_breach_date(client, member):
    received = timezone.now() - datetime.timedelta(days=130)
    referral = ReferralFactory(submitted=True, submitted_at=received)
    received_on = timezone.localdate(received)

    text = flat(client.get(url(referral)))

    assert f"Received {nhs_date(received_on)}" in text
    assert f"Clock started {nhs_date(received_on)} (the day the referral was received)" in text
    assert "Paused Not paused" in text
    assert "Waiting 19 weeks adjusted (130 days); 19 weeks unadjusted (130 days)" in text
    breach = received_on + datetime.timedelta(weeks=18)
    assert f"18 weeks run out on {nhs_date(breach)}: breached" in text


def test_waiting_times_of_a_new_referral_show_the_breach_date_to_come(client, member, referral):
    text = flat(client.get(url(referral)))

    breach = referral.received_on + datetime.timedelta(weeks=18)
    assert "Waiting 0 weeks adjusted (0 days); 0 weeks unadjusted (0 days)" in text
    assert f"18 weeks run out on {nhs_date(breach)}" in text
    assert "breached" not in text


def test_the_clock_restarts_after_a_did_not_attend_and_pauses_while_the_family_is_away(
    client, member
):
    today = timezone.localdate()
    referral = ReferralFactory(
        accepted=True, submitted_at=timezone.now() - datetime.timedelta(days=100)
    )
    missed = today - datetime.timedelta(days=40)
    appointment = AppointmentFactory(referral=referral, on=missed)
    Appointment.objects.filter(pk=appointment.pk).update(
        attendance="did_not_attend", outcome_by=member, outcome_at=timezone.now()
    )
    UnavailabilityFactory(
        referral=referral,
        start=today - datetime.timedelta(days=20),
        end=today - datetime.timedelta(days=11),
    )

    text = flat(client.get(url(referral)))

    assert (
        f"Clock started {nhs_date(missed)} "
        "(the family did not attend an appointment that day)" in text
    )
    assert "Paused 10 days (the family was unavailable)" in text
    assert "Waiting 5 weeks adjusted (30 days); 15 weeks unadjusted (100 days)" in text
    breach = missed + datetime.timedelta(weeks=18, days=10)
    assert f"18 weeks run out on {nhs_date(breach)}" in text
    assert "Did not attend" in text


def test_treatment_started_stops_the_clock_and_shows_the_4_week_measure(client, member):
    now = timezone.now()
    today = timezone.localdate()
    referral = ReferralFactory(
        accepted=True,
        status=Status.IN_TREATMENT,
        submitted_at=now - datetime.timedelta(days=60),
        decided_at=now - datetime.timedelta(days=50),
        priority="urgent",
    )
    seen = today - datetime.timedelta(days=10)
    appointment = AppointmentFactory(referral=referral, on=seen, purpose="first_treatment")
    Appointment.objects.filter(pk=appointment.pk).update(
        attendance="attended", outcome_by=member, outcome_at=now
    )

    text = flat(client.get(url(referral)))

    assert f"Treatment started {nhs_date(seen)}" in text
    assert "Waited 8 weeks adjusted (50 days)" in text
    assert "18 weeks run out on" not in text
    assert f"First appointment attended {nhs_date(seen)}" in text
    assert "First appointment within 4 weeks of acceptance No" in text
    assert "Allocated to Awaiting allocation" in text
    assert "Priority Urgent" in text


def test_before_the_first_appointment_the_4_week_result_is_not_known(client, member, accepted):
    text = flat(client.get(url(accepted)))

    assert "First appointment attended Not yet" in text
    assert "First appointment within 4 weeks of acceptance Not known yet" in text


# --- actions -----------------------------------------------------------------------------------


def test_start_review_claims_the_referral_and_shows_who_is_reviewing(client, member, referral):
    response = act(client, referral, "start_review")

    referral.refresh_from_db()
    assert referral.status == Status.IN_REVIEW
    assert referral.review_started_by == member
    assert response.redirect_chain[-1][0] == url(referral)
    assert "You are reviewing this referral." in messages_of(response)[0]
    assert f"Reviewed by {member.full_name}, since" in flat(response)


def test_request_information_sends_the_question_and_shows_it(client, member, in_review):
    response = act(
        client, in_review, "request_information", question="Synthetic: who lives at home?"
    )

    in_review.refresh_from_db()
    assert in_review.status == Status.INFORMATION_REQUESTED
    question = InformationRequest.objects.get(referral=in_review)
    assert (question.question, question.asked_by) == ("Synthetic: who lives at home?", member)
    text = page(response)
    assert "Your question has been sent." in text
    assert "Questions to the referrer" in text
    assert "Not answered yet" in text


def test_an_empty_question_is_refused_with_the_error_and_nothing_changes(client, member, in_review):
    version = in_review.version

    response = act(client, in_review, "request_information", question="  ")

    assert response.status_code == 200
    text = page(response)
    assert "There is a problem" in text
    assert "Enter your question to the referrer" in text
    assert "<title>Error: " in text
    assert 'id="action-request_information" open' in text
    in_review.refresh_from_db()
    assert (in_review.status, in_review.version) == (Status.IN_REVIEW, version)


def test_accept_records_priority_and_allocation(client, member, in_review):
    colleague = TeamMemberFactory()

    response = act(
        client,
        in_review,
        "accept",
        priority="urgent",
        allocate_to=colleague.pk,
        note="Synthetic note.",
    )

    in_review.refresh_from_db()
    assert in_review.status == Status.ACCEPTED
    assert (in_review.priority, in_review.allocated_to) == ("urgent", colleague)
    assert in_review.decided_by == member
    assert "Referral accepted." in messages_of(response)[0]
    assert f"Allocated to {colleague.full_name}" in flat(response)


def test_accept_may_allocate_later_and_allocation_follows(client, member, in_review):
    act(client, in_review, "accept", priority="routine", allocate_to="")
    in_review.refresh_from_db()
    assert in_review.status == Status.ACCEPTED
    assert in_review.allocated_to is None

    colleague = TeamMemberFactory()
    response = act(client, in_review, "allocate", to=colleague.pk)

    in_review.refresh_from_db()
    assert in_review.allocated_to == colleague
    assert messages_of(response) == [f"Referral allocated to {colleague.full_name}."]


def test_a_team_members_name_is_shown_as_text_never_as_markup(client, member, accepted):
    """Issue 12, point 2: the allocation form's hint names the person allocated now; a name is
    typed by people, so it is escaped like everything else on the page."""
    named = TeamMemberFactory(given_name='<b id="x">', family_name="Testfamily")
    workflow.allocate(accepted, by=member, version=accepted.version, to=named)

    response = client.get(url(accepted))

    content = response.content.decode()
    assert '<b id="x">' not in content
    assert "Allocated now to &lt;b id=&quot;x&quot;&gt; Testfamily." in content


def test_accept_without_a_priority_is_refused(client, member, in_review):
    response = act(client, in_review, "accept", note="Synthetic typed note.")

    text = page(response)
    assert "Select whether the referral is routine or urgent" in text
    assert "Synthetic typed note." in text  # what was typed is kept
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


def test_decline_with_reason_service_and_explanation(client, member, in_review, service):
    response = act(
        client,
        in_review,
        "decline",
        reason="another_service",
        signposted_to=service.pk,
        explanation="Synthetic explanation for the family.",
    )

    in_review.refresh_from_db()
    assert in_review.status == Status.DECLINED
    assert (in_review.decline_reason, in_review.signposted_to) == ("another_service", service)
    assert in_review.decision_explanation == "Synthetic explanation for the family."
    text = flat(response)
    assert "Referral declined." in text
    assert "Signposted to Test Parenting Support Service Contact: 01698 000123, example.org" in text
    assert "Letter to the referrer" in text


def test_decline_to_another_service_typed_in(client, member, referral):
    act(
        client,
        referral,
        "decline",
        reason="other",
        signposted_to="other",
        signposted_other="Synthetic Community Group",
        explanation="Synthetic explanation.",
    )

    referral.refresh_from_db()
    assert referral.status == Status.DECLINED
    assert (referral.signposted_to, referral.signposted_other) == (
        None,
        "Synthetic Community Group",
    )


def test_decline_without_reason_service_or_explanation_is_refused(
    client, member, in_review, service
):
    response = act(client, in_review, "decline", explanation="")

    text = page(response)
    assert "Select why the referral is being declined" in text
    assert "Select the service you have signposted the family to, or Other" in text
    assert "Enter an explanation for the family and the referrer" in text
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


def test_decline_to_other_needs_the_service_named(client, member, in_review, service):
    response = act(
        client,
        in_review,
        "decline",
        reason="duplicate",
        signposted_to="other",
        signposted_other="",
        explanation="Synthetic explanation kept.",
    )

    text = page(response)
    assert "Enter the name of the service you have signposted the family to" in text
    assert "Synthetic explanation kept." in text
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


def test_withdraw_with_a_reason(client, member, in_review):
    response = act(client, in_review, "withdraw", reason="Synthetic: the family moved away.")

    in_review.refresh_from_db()
    assert in_review.status == Status.WITHDRAWN
    assert in_review.withdraw_reason == "Synthetic: the family moved away."
    assert "Reason withdrawn Synthetic: the family moved away." in flat(response)
    assert "There are no actions open on a withdrawn referral." in flat(response)


def test_close_with_a_coded_reason_cancels_later_appointments(client, member, accepted):
    today = timezone.localdate()
    later = AppointmentFactory(referral=accepted, on=today + datetime.timedelta(days=5))

    response = act(
        client,
        accepted,
        "close",
        reason="treatment_completed",
        closed_on_day=today.day,
        closed_on_month=today.month,
        closed_on_year=today.year,
    )

    accepted.refresh_from_db()
    assert accepted.status == Status.CLOSED
    assert (accepted.closed_on, accepted.close_reason) == (today, "treatment_completed")
    assert messages_of(response) == ["Case closed."]
    assert "Reason closed Treatment completed" in flat(response)
    later.refresh_from_db()
    assert (later.attendance, later.cancelled_on) == ("clinic_cancelled", today)


def test_close_is_refused_while_an_earlier_appointment_has_no_outcome(client, member, accepted):
    today = timezone.localdate()
    AppointmentFactory(referral=accepted, on=today)

    response = act(
        client,
        accepted,
        "close",
        reason="moved_away",
        closed_on_day=today.day,
        closed_on_month=today.month,
        closed_on_year=today.year,
    )

    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED
    assert messages_of(response) == [
        f"Record what happened at the appointment on {nhs_date(today)} before closing the "
        "case. Nothing was changed."
    ]


def test_close_for_other_needs_a_note_kept_on_the_page(client, member, accepted):
    today = timezone.localdate()
    response = act(
        client,
        accepted,
        "close",
        reason="other",
        closed_on_day=today.day,
        closed_on_month=today.month,
        closed_on_year=today.year,
    )
    assert "Say why the case is closing" in flat(response)
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED


def test_close_on_a_future_date_is_refused(client, member, accepted):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = act(
        client,
        accepted,
        "close",
        reason="moved_away",
        closed_on_day=tomorrow.day,
        closed_on_month=tomorrow.month,
        closed_on_year=tomorrow.year,
    )

    assert "The date it closed must be today or in the past" in page(response)
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED


# --- conflicts ---------------------------------------------------------------------------------


def test_a_stale_page_gets_a_message_naming_who_changed_it_and_nothing_changes(
    client, member, accepted
):
    first, second = TeamMemberFactory(), TeamMemberFactory()
    shown = accepted.version  # the page was opened at this version
    workflow.allocate(accepted, by=first, version=shown, to=first)

    response = act(client, accepted, "allocate", version=shown, to=second.pk)

    [message] = messages_of(response)
    assert f"This referral was changed by {first.full_name}" in message
    assert "nothing was changed" in message
    accepted.refresh_from_db()
    assert accepted.allocated_to == first


def test_an_action_taken_first_by_someone_else_gets_a_message_naming_them(
    client, member, in_review, service
):
    colleague = TeamMemberFactory()
    shown = in_review.version
    workflow.accept(in_review, by=colleague, version=shown, priority="routine")

    response = act(
        client,
        in_review,
        "decline",
        version=shown,
        reason="duplicate",
        signposted_to=service.pk,
        explanation="Synthetic.",
    )

    [message] = messages_of(response)
    assert message.startswith(
        "You cannot decline this referral now: its status is Accepted (last changed by "
    )
    assert colleague.full_name in message
    in_review.refresh_from_db()
    assert (in_review.status, in_review.decline_reason) == (Status.ACCEPTED, "")


def test_an_action_not_allowed_now_gets_a_friendly_message(client, member, referral):
    response = act(client, referral, "close", reason="Synthetic.")

    assert response.status_code == 200
    [message] = messages_of(response)
    assert message.startswith("You cannot close this referral now: its status is Submitted")
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED


def test_a_double_click_is_told_the_first_click_worked(client, member, referral):
    # The second click (or a browser resending the form after an app server died between
    # committing and answering, issue 17) gets the first click's answer; it is applied once.
    shown = referral.version
    [first] = messages_of(act(client, referral, "start_review", version=shown))

    response = act(client, referral, "start_review", version=shown)

    assert messages_of(response) == [first]
    assert referral.events.filter(to_status="in_review").count() == 1


def test_an_unknown_action_is_not_found(client, member, referral):
    response = act(client, referral, "explode", follow=False)

    assert response.status_code == 404


@pytest.mark.parametrize(
    "action",
    [
        "start_review",
        "request_information",
        "accept",
        "allocate",
        "decline",
        "withdraw",
        "close",
    ],
)
def test_a_get_on_an_action_url_shows_the_page_with_its_form_open(client, member, action):
    """A reload (or Enter in the address bar) after a refused action: never a blank 405."""
    referral = ReferralFactory(submitted=True)
    if action in ("allocate", "close"):
        Referral.objects.filter(pk=referral.pk).update(
            status="accepted", decided_at=timezone.now(), decided_by=member, priority="routine"
        )
    if action == "accept":
        workflow.start_review(referral, by=member, version=referral.version)
    referral.refresh_from_db()
    version = referral.version

    response = client.get(url(referral, "team_action", action), follow=True)

    assert response.redirect_chain == [(f"{url(referral)}?open={action}#action-{action}", 302)]
    assert response.status_code == 200
    assert headings(response, 1) == [referral.infant.full_name]
    [panel] = [p for p in response.context["actions"] if p.action == action]
    assert panel.open or not panel.has_fields
    if panel.has_fields:
        opened = f'<details class="nhsuk-details" id="action-{action}" open>'
        assert opened in page(response)
    referral.refresh_from_db()
    assert referral.version == version  # a GET changes nothing


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("team_note", []),
        ("team_reassess", []),
        ("team_invite", []),
        ("team_invite_resend", [1]),
        ("team_invite_revoke", [1]),
    ],
)
def test_a_get_on_the_other_post_urls_shows_the_page(client, member, referral, name, args):
    response = client.get(url(referral, name, *args), follow=True)

    assert response.status_code == 200
    assert response.templates[0].name == "referrals/team/referral.html"


def test_a_failed_decline_reloaded_shows_the_page_with_the_decline_form_open(
    client, member, in_review
):
    refused = act(client, in_review, "decline", follow=False, reason="")
    assert refused.status_code == 200  # the errors, shown at the action's URL

    reloaded = client.get(url(in_review, "team_action", "decline"), follow=True)

    assert reloaded.status_code == 200
    assert '<details class="nhsuk-details" id="action-decline" open>' in page(reloaded)


def test_an_unknown_action_to_open_is_ignored(client, member, referral):
    response = client.get(url(referral), {"open": "explode"})

    assert response.status_code == 200
    assert not any(panel.open for panel in response.context["actions"])


def test_a_get_on_an_action_url_of_a_draft_is_not_found(client, member):
    draft = ReferralFactory()
    response = client.get(reverse("referrals:team_action", args=[str(draft.pk), "decline"]))
    assert response.status_code == 404


# --- re-assessing ------------------------------------------------------------------------------


def test_reassess_shows_todays_assessment_and_saves_nothing(client, member):
    draft = ReferralFactory()
    referral = workflow.submit(draft, by=draft.referrer)
    stored, version = dict(referral.eligibility), referral.version

    response = client.post(url(referral, "team_reassess"))

    assert response.status_code == 200
    assert "Re-assessed against today's postcode and GP practice data" in page(response)
    referral.refresh_from_db()
    assert (referral.eligibility, referral.version) == (stored, version)
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_id=str(referral.pk), detail={"reassessed": True}
    ).exists()


# --- notes -------------------------------------------------------------------------------------


def test_notes_are_added_with_who_and_when_and_never_shown_to_the_referrer(
    client, member, referral
):
    response = client.post(
        url(referral, "team_note"), {"text": "Synthetic internal note."}, follow=True
    )

    assert response.redirect_chain[-1][0] == url(referral) + "#notes"
    assert "Note added." in messages_of(response)
    note = TeamNote.objects.get(referral=referral)
    assert (note.text, note.by) == ("Synthetic internal note.", member)
    text = page(response)
    assert "Synthetic internal note." in text
    assert member.full_name in text

    sign_in(client, referral.referrer)
    own_page = page(client.get(reverse("referrals:detail", args=[referral.pk])))
    assert referral.reference in own_page
    assert "Synthetic internal note." not in own_page


def test_an_empty_note_is_refused(client, member, referral):
    response = client.post(url(referral, "team_note"), {"text": " "})

    assert response.status_code == 200
    assert "Enter the note" in page(response)
    assert not TeamNote.objects.exists()


# --- letters -----------------------------------------------------------------------------------


@pytest.mark.parametrize("recipient", ["referrer", "gp"])
def test_letters_exist_only_once_the_team_has_decided(client, member, in_review, recipient):
    response = client.get(url(in_review, "team_letter", recipient))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_an_unknown_letter_is_not_found(client, member, accepted):
    assert client.get(url(accepted, "team_letter", "family")).status_code == 404


def test_the_acceptance_letter_to_the_referrer(client, member, in_review):
    colleague = TeamMemberFactory(job_title="Child Psychotherapist")
    workflow.accept(
        in_review, by=member, version=in_review.version, priority="urgent", allocate_to=colleague
    )
    in_review.refresh_from_db()
    infant = in_review.infant
    letter_url = url(in_review, "team_letter", "referrer")

    response = client.get(letter_url)

    assert response.status_code == 200
    text = flat(response)
    assert "Buchanan Centre" in text
    assert "ML5 3BJ" in text
    assert f"Dear {in_review.referrer_name}" in text
    assert (
        f"Re: {infant.full_name}, date of birth {nhs_date(infant.date_of_birth)}, "
        f"CHI {format_chi(infant.chi_number)}"
    ) in text
    assert "as an urgent referral" in text
    assert f"{colleague.full_name}, Child Psychotherapist, will work with the family" in text
    assert f"{member.full_name} {member.job_title}" in text  # signed by who decided
    assert "Print this letter" in text
    assert 'src="/static/js/print.js"' in page(response)
    # The reference is the only thing about the referral in the address (its digits may be
    # anything, "2025" among them): nothing of the baby's is.
    born = infant.date_of_birth.isoformat()
    beyond_reference = letter_url.replace(in_review.reference, "")
    for personal in (infant.given_name, infant.family_name, infant.chi_number, born, "2025"):
        assert personal not in beyond_reference
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.object_id, event.detail) == (
        member,
        str(in_review.pk),
        {"letter": "referrer"},
    )


def test_the_decline_letter_to_the_gp_practice_explains_and_signposts(
    client, member, in_review, service
):
    workflow.decline(
        in_review,
        by=member,
        version=in_review.version,
        reason="another_service",
        signposted_to=service,
        explanation="Synthetic: another service can help the family sooner.",
    )
    practice = in_review.infant.gp_practice

    response = client.get(url(in_review, "team_letter", "gp"))

    text = flat(response)
    assert practice.name in text
    assert practice.address_line_1 in text
    assert "Dear colleague" in text
    assert "a patient registered with your practice" in text
    assert "The referral has not been accepted" in text
    assert "Synthetic: another service can help the family sooner." in text
    assert "Test Parenting Support Service 01698 000123, example.org" in text
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).detail == {"letter": "gp"}


def test_the_page_links_to_the_letters_of_a_declined_referral(client, member):
    referral = ReferralFactory(declined=True)

    text = page(client.get(url(referral)))

    assert url(referral, "team_letter", "referrer") in text
    assert url(referral, "team_letter", "gp") in text
    assert "Test Family Support Service" in text


# --- who may see it ----------------------------------------------------------------------------


def test_referrers_are_refused_every_team_url(client):
    referral = ReferralFactory(declined=True)
    sign_in(client, referral.referrer)

    assert client.get(url(referral)).status_code == 403
    assert client.post(url(referral, "team_action", "start_review")).status_code == 403
    assert client.post(url(referral, "team_note"), {"text": "x"}).status_code == 403
    assert client.post(url(referral, "team_reassess")).status_code == 403
    assert client.get(url(referral, "team_letter", "referrer")).status_code == 403
    assert not TeamNote.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).count() == 5


def test_anonymous_people_are_sent_to_sign_in(client, referral):
    response = client.get(url(referral))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_unknown_references_and_drafts_are_not_found(client, member):
    draft = ReferralFactory(referrer=ReferrerFactory())

    for reference in ("IMH-2026-99999", "None", str(draft.pk)):
        response = client.get(reverse("referrals:team_referral", args=[reference]))
        assert response.status_code == 404
    assert Referral.objects.filter(pk=draft.pk, status=Status.DRAFT).exists()
