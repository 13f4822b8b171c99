"""The subject access bundle: everything held about a baby and the family, drawn once by the
team's own presenters (the answers, eligibility, decision, letters, appointments, notes, history
and access log the referral page shows) into plain data that is kept with the request, shown for
review, and released as HTML and JSON.

The bundle is a list of sections, each a list of items (a key, a label, a value and, for the
reviewer, a flag saying why it may need withholding). The keys name the referral and the record
(`IMH-2026-00012:notes:3`), so a withheld item stays withheld when the bundle is produced again.
Only referrals about this baby (`Referral.objects.about_baby`) are read: another family's records
never enter it.
"""

import re

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from imhs.nhsuk.text import nhs_date, when
from referrals import labels
from referrals.models import Appointment, ParentViews, Referral, Unavailability
from referrals.presenters import chi as format_chi
from referrals.team import access_log, invitation_presenters, presenters

FORMAT = "imhs-subject-access-bundle/1"

# Why the reviewer should look at an item before release.
THIRD_PARTY_CARER = "About a parent or carer: a third party, unless they are the person asking"
THIRD_PARTY_REFERRER = "About the referrer: a third party"
THIRD_PARTY_PROFESSIONALS = "Names other professionals: third parties"
SERIOUS_HARM = "Child protection information: check that releasing it would not cause serious harm"
TEAM_NOTE = "A team note: written for the team, review before release"
PARENT_VIEWS = "One carer's own words: a third party, unless they are the person asking"
# The answers' sections and rows that need a look, by the section's id and the row's label.
SECTION_FLAGS = {"form-carers": THIRD_PARTY_CARER, "form-about-you": THIRD_PARTY_REFERRER}
ROW_FLAGS = {
    ("form-safety", "Other professionals and agencies"): THIRD_PARTY_PROFESSIONALS,
    ("form-safety", "The child protection concerns"): SERIOUS_HARM,
    ("form-safety", "Other risks"): SERIOUS_HARM,
}


def referrals_about(infant):
    """The referrals this bundle covers, oldest first, with what the presenters read."""
    return list(
        Referral.objects.about_baby(infant)
        .exclude(status="draft")
        .select_related(
            "infant",
            "infant__gp_practice",
            "referrer",
            "review_started_by",
            "decided_by",
            "allocated_to",
            "signposted_to",
        )
        .prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.select_related("rebooked_as").prefetch_related(
                    "staff"
                ),
            ),
            Prefetch(
                "unavailability", queryset=Unavailability.objects.select_related("recorded_by")
            ),
            "professionals",
        )
        .order_by("submitted_at", "pk")
    )


def _item(key, label, value, flag=""):
    return {"key": key, "label": str(label), "value": str(value or ""), "flag": flag}


def _section(key, title, reference, items):
    return {"key": key, "title": title, "referral": reference, "items": items}


def _letter_text(referral, recipient, today):
    """The letter's own words (the template the printed letter uses), as plain text."""
    content = presenters.letter(referral, recipient, today)
    if content is None:
        return ""
    html = render_to_string(
        "referrals/letters/_outcome_body.html",
        {"letter": content, "referral": referral, "service": settings.SERVICE},
    )
    lines = (re.sub(r"\s+", " ", line).strip() for line in strip_tags(html).splitlines())
    return "\n".join(line for line in lines if line)


def _referral_sections(referral, today):
    ref = referral.reference
    sections = []
    for shown in presenters.answers(referral):
        section_id = shown["id"]
        items = [
            _item(
                f"{ref}:answers:{section_id}:{number}",
                label,
                value,
                SECTION_FLAGS.get(section_id) or ROW_FLAGS.get((section_id, label), ""),
            )
            for number, (label, value) in enumerate(shown["rows"])
        ]
        sections.append(_section(f"{ref}:{section_id}", shown["title"], ref, items))

    checks = presenters.eligibility(referral, today=today)
    items = [_item(f"{ref}:eligibility:when", "Assessed", checks["when"])]
    items += [
        _item(f"{ref}:eligibility:{row.rule}", row.title, f"{row.tag_label}. {row.message}")
        for row in checks["rows"]
    ]
    items += [
        _item(f"{ref}:eligibility:override:{number}", f"Reason given: {title}", reason)
        for number, (title, reason) in enumerate(checks["overrides"])
    ]
    sections.append(_section(f"{ref}:eligibility", "Eligibility checks", ref, items))

    items = [_item(f"{ref}:decision:status", "Status", referral.get_status_display())]
    items += [
        _item(f"{ref}:decision:{number}", row.label, row.value)
        for number, row in enumerate(presenters.decision(referral))
    ]
    sections.append(_section(f"{ref}:decision", "Decisions and explanations", ref, items))

    items = []
    for number, asked in enumerate(presenters.information_requests(referral)):
        items.append(
            _item(f"{ref}:questions:{number}:q", f"Question ({asked['asked']})", asked["question"])
        )
        items.append(
            _item(
                f"{ref}:questions:{number}:a",
                f"Answer ({asked['answered']})" if asked["answered"] else "Answer",
                asked["answer"] or "Not answered",
            )
        )
    sections.append(
        _section(f"{ref}:questions", "The team's questions and the referrer's answers", ref, items)
    )

    items = [
        _item(
            f"{ref}:letters:{link_recipient}", label, _letter_text(referral, link_recipient, today)
        )
        for link_recipient, label in (
            ("referrer", "Letter to the referrer"),
            ("gp", "Letter to the GP practice"),
        )
        if presenters.letter(referral, link_recipient, today) is not None
    ]
    sections.append(_section(f"{ref}:letters", "Letters", ref, items))

    items = []
    for row in presenters.appointments(referral)["rows"]:
        value = [
            f"{row.on}, {row.time}",
            row.purpose,
            f"How: {row.how}" + (f", {row.where}" if row.where else ""),
            f"With: {', '.join(row.who) or 'Not recorded'}",
            f"What happened: {row.attendance}",
        ]
        if row.rebooked_to:
            value.append(row.rebooked_to)
        items.append(
            _item(f"{ref}:appointments:{row.id}", f"Appointment on {row.on}", "\n".join(value))
        )
    sections.append(_section(f"{ref}:appointments", "Appointments", ref, items))

    items = [
        _item(
            f"{ref}:unavailability:{period['id']}",
            f"{period['start']} to {period['end']}",
            f"{period['reason']} (recorded by {period['recorded']})",
        )
        for period in presenters.unavailability(referral)
    ]
    sections.append(
        _section(f"{ref}:unavailability", "When the family was unavailable", ref, items)
    )

    sections.append(_section(f"{ref}:parents", "Parents' views", ref, _parent_view_items(referral)))

    items = [
        _item(
            f"{ref}:notes:{number}", f"{note['who']}, {when(note['at'])}", note["text"], TEAM_NOTE
        )
        for number, note in enumerate(reversed(presenters.notes(referral)))
    ]
    sections.append(_section(f"{ref}:notes", "Team notes", ref, items))

    events = referral.events.select_related("by").order_by("at", "id")
    items = [
        _item(
            f"{ref}:history:{number}",
            f"{when(row.at)}, {row.who}",
            f"{row.what}\n{row.note}".strip(),
        )
        for number, row in enumerate(presenters.timeline(events))
    ]
    sections.append(_section(f"{ref}:history", "Status history", ref, items))

    items = [
        _item(f"{ref}:access:{number}", when(row.at), f"{row.who}: {row.what}")
        for number, row in enumerate(access_log.rows(referral))
    ]
    sections.append(_section(f"{ref}:access", "Who has accessed the records", ref, items))
    return sections


def _parent_view_items(referral):
    ref = referral.reference
    way = presenters.parent_views(referral)
    items = [
        _item(f"{ref}:parents:method", "How the parents were to give their views", way["method"])
    ]
    if way["written"]:
        items.append(
            _item(
                f"{ref}:parents:written", "Their views, as written on the referral", way["written"]
            )
        )
    relationships = {r.carer_id: r for r in invitation_presenters.care_relationships(referral)}
    saved = ParentViews.objects.filter(referral=referral, saved_at__isnull=False)
    for each in saved.select_related("carer").order_by("pk"):
        shown = invitation_presenters.sent_views(
            each, invitation_presenters.name_of(relationships, each.carer)
        )
        status = f"sent at {shown.sent}" if shown.sent else "started, not sent"
        for number, row in enumerate([*shown.answers, *shown.practical]):
            items.append(
                _item(
                    f"{ref}:parents:{each.pk}:{number}",
                    f"{shown.carer} ({status}): {row.label}",
                    row.value,
                    PARENT_VIEWS,
                )
            )
    return items


def build(sar, *, now=None):
    """(content, referrals): the bundle for request `sar` as it stands `now`."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    infant = sar.infant
    referrals = referrals_about(infant)
    sections = []
    for referral in referrals:
        sections += _referral_sections(referral, today)
    content = {
        "format": FORMAT,
        "service": settings.SERVICE["name"],
        "organisation": settings.SERVICE["organisation"],
        "subject": {
            "name": infant.full_name,
            "date_of_birth": nhs_date(infant.date_of_birth) if infant.date_of_birth else "",
            "chi": format_chi(infant.chi_number),
        },
        "requested_on": nhs_date(sar.requested_on),
        "due_on": nhs_date(sar.due_on),
        "produced_at": when(now),
        "referrals": [referral.reference for referral in referrals],
        "sections": sections,
    }
    return content, referrals


# --- the pages' rows -------------------------------------------------------------------------


def request_row(sar, today):
    """One request as the list and its own page show it: the state and whether it is overdue."""
    words, tag_class = labels.SUBJECT_ACCESS_TAGS[sar.state]
    overdue = not sar.is_released and sar.due_on < today
    return {
        "id": sar.pk,
        "url": reverse("referrals:team_subject_access_request", args=[sar.pk]),
        "baby": sar.infant.full_name,
        "requested_on": nhs_date(sar.requested_on),
        "due_on": nhs_date(sar.due_on),
        "state": "Overdue" if overdue else words,
        "tag_class": "nhsuk-tag--red" if overdue else tag_class,
        "overdue": overdue,
    }


def result_row(referral):
    """A referral the lead's search found: enough to tell one baby from another."""
    infant = referral.infant
    return {
        "reference": referral.reference,
        "baby": infant.full_name,
        "date_of_birth": nhs_date(infant.date_of_birth) if infant.date_of_birth else "Not given",
        "chi": format_chi(infant.chi_number) or "Not given",
        "status": referral.get_status_display(),
        "received_on": nhs_date(referral.received_on),
        "new_url": reverse("referrals:team_subject_access_new", args=[referral.reference]),
    }


def request_summary(sar, today):
    """The request's own rows: who asked when, when due, who produced and released it."""
    row = request_row(sar, today)
    rows = [
        ("Baby", sar.infant.full_name),
        ("Request received", row["requested_on"]),
        ("Response due", row["due_on"] + (" (overdue)" if row["overdue"] else "")),
        ("Started by", f"{sar.created_by.full_name}, {when(sar.created_at)}"),
        (
            "Produced by",
            f"{sar.produced_by.full_name}, {when(sar.produced_at)}"
            if sar.is_produced
            else "Not produced yet",
        ),
        ("Items withheld", str(len(sar.redactions))),
        (
            "Released by",
            f"{sar.released_by.full_name}, {when(sar.released_at)}"
            if sar.is_released
            else "Not released yet",
        ),
    ]
    return {**row, "rows": rows}
