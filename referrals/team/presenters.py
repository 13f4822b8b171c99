"""What the team's referral page and the outcome letters show, worked out here so templates hold
no decisions. (The referrer's pages use `referrals.presenters`; these reuse what they can.)"""

import dataclasses
import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from imhs.nhsuk.text import nhs_date, plural, when
from patients.models import Carer
from referrals import labels, presenters, waiting_times, workflow
from referrals.assessment import OVERRIDABLE, assessment_for
from referrals.eligibility import REVIEW, Assessment, Check
from referrals.models import (
    CASE_STATUSES,
    OPEN_STATUSES,
    WAITING_STATUSES,
    ParentViewsMethod,
    Status,
)
from referrals.sections import SECTIONS

# Letters are written once the team has decided (accepted, declined), and when a case closes.
LETTER_STATUSES = (*CASE_STATUSES, Status.DECLINED, Status.CLOSED)
LETTER_RECIPIENTS = {"referrer": "the referrer", "gp": "the GP practice"}


@dataclass(frozen=True)
class Row:
    """One row of a summary list: a label, a value, and an optional NHS.UK tag class."""

    label: str
    value: str
    tag_class: str = ""


def _yes_no_row(label, result, unknown):
    if result is None:
        return Row(label, unknown)
    return Row(label, "Yes" if result else "No", "nhsuk-tag--green" if result else "nhsuk-tag--red")


# The referral form's sections as the team calls them: the referrer's own headings ("Your
# concerns", "About you") are written to the referrer.
TEAM_SECTION_TITLES = {"concerns": "Concerns", "about-you": "Referrer"}
TEAM_ROW_LABELS = {"Where you are based": "Where the referrer is based"}


def heading(referral):
    """The page's one heading: the baby's name (the reference is the caption above it)."""
    return referral.infant.full_name or "Baby's name not given"


def answers(referral):
    """The referral form's answers in the team's words, each section with an id to link to
    (`presenters.answers` lists them in SECTIONS order)."""
    shown_sections = presenters.answers(referral, editable=False)
    return [
        {
            **shown,
            "id": f"form-{section.slug}",
            "title": TEAM_SECTION_TITLES.get(section.slug, shown["title"]),
            "rows": [(TEAM_ROW_LABELS.get(label, label), value) for label, value in shown["rows"]],
        }
        for section, shown in zip(SECTIONS, shown_sections, strict=True)
    ]


def status_tag(referral):
    return {
        "label": referral.get_status_display(),
        "tag_class": labels.STATUS_TAGS[referral.status],
    }


# Why the clock started when it did (Wait.clock_start_reason), after "Clock started".
CLOCK_START_REASONS = {
    "received": "the day the referral was received",
    "did_not_attend": "the family did not attend an appointment that day",
    "could_not_wait": "the family could not wait for an appointment that day",
    "patient_cancelled": "the family cancelled an appointment that day",
}


def weeks(n):
    return f"{n} {'week' if n == 1 else 'weeks'}"


def wait_summary(wait):
    """ "9 weeks (adjusted)", or the treatment start: the dashboard, lists and glance say this."""
    if wait.waiting:
        return f"{weeks(wait.adjusted_weeks)} waiting (adjusted)"
    return f"Treatment started {nhs_date(wait.treatment_started_on)}"


def breach_words(wait, today):
    """("18 weeks run out on 3 July 2026", breached?) while waiting."""
    breached = today > wait.breach_on
    verb = "ran" if breached else "run"
    return f"18 weeks {verb} out on {nhs_date(wait.breach_on)}", breached


def _accepted_on(referral):
    if referral.decided_at and referral.status in (*CASE_STATUSES, Status.CLOSED):
        return timezone.localdate(referral.decided_at)
    return None


def waiting_times_rows(referral, today):
    """The clock in words: received, when the clock started and why, days paused, adjusted and
    unadjusted weeks, and the breach date while waiting; then the local 4-week measure."""
    wait = referral.wait(today)
    if wait is None:
        return []
    rows = [Row("Received", nhs_date(wait.received_on))]
    rows.append(
        Row(
            "Clock started",
            f"{nhs_date(wait.clock_start)} ({CLOCK_START_REASONS[wait.clock_start_reason]})",
        )
    )
    rows.append(
        Row(
            "Paused",
            f"{plural(wait.paused_days, 'day')} (the family was unavailable)"
            if wait.paused_days
            else "Not paused",
        )
    )
    still_waiting = wait.waiting and referral.status in WAITING_STATUSES
    if not wait.waiting:
        rows.append(Row("Treatment started", nhs_date(wait.treatment_started_on)))
    label = "Waiting" if still_waiting else "Waited"
    rows.append(
        Row(
            label,
            f"{weeks(wait.adjusted_weeks)} adjusted ({plural(wait.adjusted_days, 'day')}); "
            f"{weeks(wait.unadjusted_weeks)} unadjusted ({plural(wait.unadjusted_days, 'day')})",
            "nhsuk-tag--red" if wait.adjusted_weeks > waiting_times.TREATMENT_WEEKS else "",
        )
    )
    if still_waiting:
        breached = today > wait.breach_on
        rows.append(
            Row(
                "18 weeks run out on",
                f"{nhs_date(wait.breach_on)}: breached" if breached else nhs_date(wait.breach_on),
                "nhsuk-tag--red" if breached else "",
            )
        )
    elif referral.status == Status.CLOSED and wait.waiting:
        rows.append(Row("Treatment started", "No: closed before treatment"))
    accepted_on = _accepted_on(referral)
    if accepted_on:
        measure = waiting_times.first_appointment(
            accepted_on=accepted_on,
            today=today,
            appointments=[a.for_clock() for a in referral.appointments.all()],
        )
        rows.append(Row("Accepted", nhs_date(accepted_on)))
        rows.append(
            Row(
                "First appointment attended",
                nhs_date(measure.attended_on) if measure.attended_on else "Not yet",
            )
        )
        rows.append(
            _yes_no_row(
                "First appointment within 4 weeks of acceptance",
                measure.met,
                f"Not known yet (4 weeks from acceptance: {nhs_date(measure.due_on)})",
            )
        )
    return rows


def _signposted(referral):
    """The service's name, and how to reach it on a line of its own (a name such as "… (through
    the GP)" followed by "(Via the family's GP)" said the same thing twice)."""
    service = referral.signposted_to
    if service is not None:
        return f"{service.name}\nContact: {service.contact}" if service.contact else service.name
    return referral.signposted_other


def decision(referral):
    """Who is reviewing it and what was decided, as summary rows (empty while new)."""
    rows = []
    if referral.review_started_by_id:
        rows.append(
            Row(
                "Reviewed by",
                f"{referral.review_started_by.full_name}, since {when(referral.review_started_at)}",
            )
        )
    if referral.decided_at:
        rows.append(
            Row(
                "Declined by" if referral.decline_reason else "Accepted by",
                f"{referral.decided_by.full_name}, {when(referral.decided_at)}",
            )
        )
    if referral.priority:
        rows.append(Row("Priority", referral.get_priority_display()))
    if referral.status in (*CASE_STATUSES, Status.CLOSED):
        if referral.allocated_to_id:
            rows.append(
                Row(
                    "Allocated to",
                    f"{referral.allocated_to.full_name}, since "
                    f"{nhs_date(timezone.localdate(referral.allocated_at))}",
                )
            )
        else:
            rows.append(Row("Allocated to", "Awaiting allocation", "nhsuk-tag--orange"))
    if referral.decline_reason:
        rows += [
            Row("Reason declined", referral.get_decline_reason_display()),
            Row("Signposted to", _signposted(referral)),
            Row("Explanation for the family and referrer", referral.decision_explanation),
        ]
    if referral.withdraw_reason:
        rows.append(Row("Reason withdrawn", referral.withdraw_reason))
    if referral.closed_on:
        rows += [
            Row("Closed on", nhs_date(referral.closed_on)),
            Row("Reason closed", referral.get_close_reason_display()),
        ]
        if referral.close_note:
            rows.append(Row("More about why", referral.close_note))
    return rows


@dataclass(frozen=True)
class Glance:
    """One row of the summary at the top of the page; `href` links to the section with more."""

    label: str
    value: str
    tag_class: str = ""
    detail: str = ""
    href: str = ""


def _waiting_glance(referral, today):
    wait = referral.wait(today)
    if wait is None:
        return Glance("Waiting", "Not received yet")
    if not wait.waiting:
        return Glance("Waiting", "In treatment", detail=wait_summary(wait), href="#waiting-times")
    if referral.status not in WAITING_STATUSES:
        return Glance("Waiting", "Not waiting", detail=f"Received {nhs_date(wait.received_on)}")
    words, breached = breach_words(wait, today)
    return Glance(
        "Waiting",
        wait_summary(wait),
        "nhsuk-tag--red" if breached else "",
        detail=words,
        href="#waiting-times",
    )


def _parent_views_glance(referral, parents):
    """Views sent through a secure link, else the newest link's state, else the referrer's
    answer on how the parents would give them."""
    if parents["views"]:
        count = len(parents["views"])
        value = f"Received from {count} {'parent' if count == 1 else 'parents'}"
        return Glance("Parents' views", value, "nhsuk-tag--green", href="#parents-views")
    if parents["invitations"]:
        newest = parents["invitations"][0]
        value = f"Secure link {newest.label.lower()}"
        return Glance("Parents' views", value, newest.tag_class, href="#parents-views")
    method = referral.parent_views_method
    value = {
        ParentViewsMethod.WRITTEN_HERE: "Written in the referral",
        ParentViewsMethod.SECURE_LINK: "Secure link to be sent",
        ParentViewsMethod.NOT_NOW: "Not now",
    }.get(method, "Not given")
    return Glance("Parents' views", value, href="#parents-views")


def _allocation_glance(referral):
    if referral.allocated_to_id:
        return Glance("Allocated to", referral.allocated_to.full_name)
    if referral.status in CASE_STATUSES:
        return Glance("Allocated to", "Awaiting allocation", "nhsuk-tag--orange")
    if referral.review_started_by_id and referral.status in OPEN_STATUSES:
        return Glance(
            "Allocated to",
            "Not yet",
            detail=(f"Reviewed by {referral.review_started_by.full_name}"),
        )
    return Glance("Allocated to", "Not allocated")


def next_step(referral):
    """What the team does next, in a few words."""
    status = referral.status
    if referral.answer_received_at and status in (Status.SUBMITTED, Status.IN_REVIEW):
        return "Read the referrer's answer, then decide"
    if status == Status.SUBMITTED:
        return "Start the review (or ask the referrer, or decline)"
    if status == Status.IN_REVIEW:
        return "Decide: accept, decline or ask the referrer for information"
    if status == Status.INFORMATION_REQUESTED:
        return "Wait for the referrer's answer"
    if status in CASE_STATUSES and not referral.allocated_to_id:
        return "Allocate a team member"
    if status in CASE_STATUSES and not any(a.is_booked for a in referral.appointments.all()):
        return "Book the next appointment"
    if status == Status.ACCEPTED:
        return "See the family for their first treatment appointment"
    if status == Status.IN_TREATMENT:
        return "Close the case when the work is done"
    return "None: the referral is " + referral.get_status_display().lower()


def at_a_glance(referral, *, today, eligibility, parents):
    """The summary at the top of the page: status, waiting time, eligibility, the parents'
    views, allocation and the next step, each linking to the section with the details."""
    status = status_tag(referral)
    rows = [
        Glance(
            "Status",
            status["label"],
            status["tag_class"],
            detail=" ".join(
                part
                for part in (
                    "Answer received." if referral.answer_received_at else "",
                    "Possible duplicate." if referral.possible_duplicate else "",
                )
                if part
            ),
            href="#summary",
        ),
        _waiting_glance(referral, today),
    ]
    label, tag_class = labels.TEAM_ELIGIBILITY_TAGS[eligibility["outcome"]]
    rows.append(Glance("Eligibility", label, tag_class, href="#eligibility"))
    rows.append(_parent_views_glance(referral, parents))
    rows.append(_allocation_glance(referral))
    actions = bool(workflow.allowed_actions(referral))
    rows.append(Glance("Next step", next_step(referral), href="#actions" if actions else ""))
    return rows


@dataclass(frozen=True)
class TimelineRow:
    at: object
    who: str
    what: str
    note: str


def timeline(events):
    """Every step, with who, when and its note (the question, the explanation, the reason)."""
    rows = []
    for event in events:
        if event.from_status == event.to_status:
            what, note = event.note, ""
        else:
            what = labels.TEAM_EVENT_LABELS.get(
                (event.from_status, event.to_status), event.get_to_status_display()
            )
            note = event.note
        rows.append(TimelineRow(at=event.at, who=event.by.full_name, what=what, note=note))
    return rows


def information_requests(referral):
    return [
        {
            "question": request.question,
            "asked": f"{request.asked_by.full_name}, {when(request.asked_at)}",
            "answer": request.answer,
            "answered": f"{request.answered_by.full_name}, {when(request.answered_at)}"
            if request.answered_at
            else "",
            "is_open": request.is_open,
        }
        for request in referral.information_requests.select_related("asked_by", "answered_by")
    ]


def notes(referral):
    return [
        {"text": note.text, "who": note.by.full_name, "at": note.at}
        for note in referral.team_notes.select_related("by").order_by("-at", "-id")
    ]


def parent_views(referral):
    """The parents' views: how they were to give them and, when written on the form, what they
    said. (Their own submissions through a secure link arrive in issue 7.)"""
    method = referral.parent_views_method
    return {
        "method": ParentViewsMethod(method).label if method else "Not given",
        "written": referral.parent_views_written
        if method == ParentViewsMethod.WRITTEN_HERE
        else "",
    }


def stored_assessment(referral):
    """The assessment stored when the referral was sent, or None if none was stored."""
    stored = referral.eligibility or {}
    if not stored.get("checks"):
        return None
    birthday = stored.get("third_birthday")
    return Assessment(
        checks=tuple(Check(c["rule"], c["outcome"], c["message"]) for c in stored["checks"]),
        third_birthday=datetime.date.fromisoformat(birthday) if birthday else None,
    )


def eligibility(referral, *, reassess=False, today=None):
    """The eligibility checks as the team sees them: as stored when the referral was sent, or
    re-assessed against today's reference data (nothing is saved), with the referrer's
    overrides and their reasons."""
    today = today or timezone.localdate()
    assessment = None if reassess else stored_assessment(referral)
    if assessment is None:
        assessment = assessment_for(referral, on=today)
        when = (
            f"Re-assessed against today's postcode and GP practice data, {nhs_date(today)}. "
            "Nothing has been saved."
            if reassess
            else f"Assessed against today's postcode and GP practice data, {nhs_date(today)}."
        )
    else:
        when = (
            "As assessed when the referral was sent, "
            f"{nhs_date(referral.received_on)}, with the referrer's answers."
        )
    shown = presenters.eligibility(assessment, referral)
    # An override counts where it turned a failed check into one for the team to look at.
    shown["rows"] = [
        dataclasses.replace(row, overridden=row.overridden and row.outcome == REVIEW)
        for row in shown["rows"]
    ]
    titles = labels.RULE_TITLES
    return {
        **shown,
        "outcome": assessment.outcome,
        "headline": labels.TEAM_HEADLINES[assessment.outcome],
        "when": when,
        "reassessed": reassess,
        "overrides": [
            (titles[rule], getattr(referral, field).strip())
            for rule, field in OVERRIDABLE.items()
            if getattr(referral, field).strip()
        ],
    }


def letter_links(referral):
    if referral.status not in LETTER_STATUSES:
        return []
    links = [("referrer", "Letter to the referrer")]
    if gp_recipient(referral) is not None:
        links.append(("gp", "Letter to the GP practice"))
    return [
        {
            "label": label,
            "url": reverse("referrals:team_letter", args=[referral.reference, recipient]),
        }
        for recipient, label in links
    ]


# --- letters ------------------------------------------------------------------------------


def gp_recipient(referral):
    """The GP practice's name and address lines, or None when the baby has no known practice."""
    infant = referral.infant
    practice = infant.gp_practice
    if practice is not None:
        lines = [
            practice.address_line_1,
            practice.address_line_2,
            practice.address_line_3,
            practice.address_line_4,
            practice.postcode,
        ]
        return {"name": practice.name, "lines": [line for line in lines if line]}
    if infant.gp_practice_not_listed:
        return {"name": infant.gp_practice_not_listed, "lines": []}
    return None


def referrer_recipient(referral):
    name = referral.referrer_name or referral.referrer.full_name
    lines = [referral.referrer_job_title, referral.referrer_base]
    return {"name": name, "lines": [line for line in lines if line]}


def letter(referral, recipient, today):
    """Everything an outcome letter says; None when there is no such letter."""
    if referral.status not in LETTER_STATUSES or recipient not in LETTER_RECIPIENTS:
        return None
    to = referrer_recipient(referral) if recipient == "referrer" else gp_recipient(referral)
    if to is None:
        return None
    infant = referral.infant
    address = [infant.address_line_1, infant.address_line_2, infant.town, infant.postcode]
    signed_by = referral.decided_by
    return {
        "recipient": recipient,
        "to": to,
        "salutation": f"Dear {to['name']}" if recipient == "referrer" else "Dear colleague",
        "date": nhs_date(today),
        "reference": referral.reference,
        "baby": {
            "name": infant.full_name,
            "date_of_birth": nhs_date(infant.date_of_birth),
            "chi": presenters.chi(infant.chi_number),
            "address": ", ".join(line for line in address if line),
        },
        "referrer": referrer_recipient(referral),
        "received_on": nhs_date(referral.received_on),
        "decided_on": nhs_date(timezone.localdate(referral.decided_at))
        if referral.decided_at
        else "",
        "accepted": referral.status in CASE_STATUSES,
        "closed": _closed_for_letter(referral),
        "priority": referral.get_priority_display().lower() if referral.priority else "",
        "allocated_to": referral.allocated_to,
        "explanation": referral.decision_explanation,
        "signposted": _signpost_for_letter(referral),
        "signed_by": signed_by,
    }


def _closed_for_letter(referral):
    """When and why a case closed, in plain words (never the team's private note)."""
    if referral.status != Status.CLOSED or not referral.closed_on:
        return None
    return {
        "on": nhs_date(referral.closed_on),
        "reason": labels.CLOSE_REASON_LETTER_WORDS[referral.close_reason],
    }


def _signpost_for_letter(referral):
    service = referral.signposted_to
    if service is not None:
        return {"name": service.name, "contact": service.contact}
    if referral.signposted_other:
        return {"name": referral.signposted_other, "contact": ""}
    return None


# --- appointments and the family's unavailability ------------------------------------------


@dataclass(frozen=True)
class AppointmentRow:
    """One appointment as the referral page and its own page show it."""

    id: int
    on: str
    time: str
    purpose: str
    treatment: bool
    how: str
    where: str
    who: list
    attendance: str
    tag_class: str
    rebooked_to: str
    url: str


def appointment_row(referral, appointment):
    """Read from prefetched appointments (staff and rebooked_as): no query per row."""
    label, tag_class = labels.ATTENDANCE_TAGS[appointment.attendance]
    rebooked = appointment.rebooked_as
    return AppointmentRow(
        id=appointment.pk,
        on=nhs_date(appointment.on),
        time=f"{appointment.time:%H:%M}" if appointment.time else "Not recorded",
        purpose=appointment.get_purpose_display(),
        treatment=appointment.counts_as_treatment,
        how=appointment.get_mode_display() or "Not recorded",
        where=appointment.location,
        who=[f"{user.full_name} ({user.professional_group})" for user in appointment.staff.all()],
        attendance=label,
        tag_class=tag_class,
        rebooked_to=f"Rebooked to {nhs_date(rebooked.on)}" if rebooked else "",
        url=reverse("referrals:team_appointment", args=[referral.reference, appointment.pk]),
    )


def appointments(referral):
    """Every appointment, oldest first, and whether one can be booked now."""
    return {
        "rows": [appointment_row(referral, each) for each in referral.appointments.all()],
        "can_book": workflow.allowed(referral, "book_appointment"),
        "book_url": reverse("referrals:team_book_appointment", args=[referral.reference]),
    }


def unavailability(referral):
    can_change = workflow.allowed(referral, "remove_unavailability")
    return [
        {
            "id": period.pk,
            "start": nhs_date(period.start),
            "end": nhs_date(period.end),
            "reason": period.reason,
            "recorded": f"{period.recorded_by.full_name}, {when(period.recorded_at)}",
            "remove_url": reverse(
                "referrals:team_remove_unavailability", args=[referral.reference, period.pk]
            )
            if can_change
            else "",
        }
        for period in referral.unavailability.all()
    ]


def outcome_opens_on(appointment, today):
    """None when what happened can be recorded now, else the day it can be."""
    return appointment.on if appointment.on > today else None


def appointment_letter(referral, appointment, today):
    """Everything the appointment letter to the family says; None when there is no letter (a
    cancelled or past appointment)."""
    if not appointment.is_booked:
        return None
    infant = referral.infant
    address = [infant.address_line_1, infant.address_line_2, infant.town, infant.postcode]
    return {
        "date": nhs_date(today),
        "reference": referral.reference,
        "baby": {
            "name": infant.full_name,
            "date_of_birth": nhs_date(infant.date_of_birth),
        },
        "address": [line for line in address if line],
        "on": nhs_date(appointment.on),
        "weekday": f"{appointment.on:%A}",
        "time": f"{appointment.time:%H:%M}" if appointment.time else "",
        "mode": appointment.mode,
        "how": appointment.get_mode_display(),
        "where": appointment.location,
        "who": [user.full_name for user in appointment.staff.all()],
    }


def carers_with_email(referral):
    """The baby's carers who have an email address (whom an appointment may be emailed to)."""
    return list(
        Carer.objects.filter(care_relationships__infant_id=referral.infant_id)
        .exclude(email="")
        .order_by("care_relationships__id")
    )
