"""The records-governance pages' rows, in the service's words (views: team/views/records.py)."""

from django.db.models import Prefetch

from imhs.nhsuk.text import nhs_date, plural
from referrals.models import LegalHold, RetentionReview

UNIT_WORDS = {"days": "day", "months": "month", "years": "year"}


def period_words(rule):
    if rule.kind == "sessions" and rule.period == 0:
        return "Until they expire"
    return plural(rule.period, UNIT_WORDS[rule.unit])


def rule_rows(rules):
    return [
        {
            "kind": rule.kind,
            "title": rule.get_kind_display(),
            "period": period_words(rule),
            "clock": rule.get_clock_start_display(),
            "action": rule.get_action_display(),
            "source": rule.source,
            "to_be_confirmed": rule.to_be_confirmed,
            "updated": nhs_date(rule.updated_at.date()) if rule.updated_by_id else "",
        }
        for rule in rules
    ]


def open_reviews():
    """Open reviews with what their rows show, in two queries however many there are."""
    active = LegalHold.objects.filter(lifted_at__isnull=True)
    return (
        RetentionReview.objects.filter(status=RetentionReview.State.OPEN)
        .select_related("referral")
        .prefetch_related(Prefetch("referral__legal_holds", queryset=active, to_attr="holds"))
    )


def review_rows(reviews):
    rows = []
    for review in reviews:
        holds = getattr(review.referral, "holds", None) if review.referral else None
        hold = holds[0] if holds else None
        rows.append(
            {
                "id": review.pk,
                "reference": review.reference,
                "kind": review.get_kind_display(),
                "clock_started_on": nhs_date(review.clock_started_on),
                "due_on": nhs_date(review.due_on),
                "hold": hold.get_reason_display() if hold else "",
            }
        )
    return rows


def register_rows(records):
    return [
        {
            "reference": record.reference or "(a draft)",
            "kind": record.get_kind_display(),
            "received_on": nhs_date(record.received_on) if record.received_on else "",
            "closed_on": nhs_date(record.closed_on) if record.closed_on else "",
            "due_on": nhs_date(record.due_on) if record.due_on else "",
            "rule": record.rule,
            "authorised_by": record.authorised_by.full_name
            if record.authorised_by
            else "The rule (no review)",
            "destroyed_on": nhs_date(record.destroyed_at.date()),
        }
        for record in records
    ]
