"""The team's alerts: referrals that have waited too long at a step where nothing moves them
on by itself (docs/safety/hazard-log.md, H3 and H4). Shown on the dashboard."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from imhs.nhsuk.text import plural
from referrals.models import Referral, start_of
from referrals.team.pages import page_url

# An alert lists this many referrals, longest waiting first, says when there are more, and
# links to the list that holds them all (the New queue, oldest first; the waiting list): the
# dashboard draws it on every visit, and a long alert is read no better than a short one.
LISTED = 10


@dataclass(frozen=True)
class AlertRow:
    reference: str
    baby_name: str
    days: int
    url: str


@dataclass(frozen=True)
class Alert:
    key: str
    title: str
    rows: list
    more: bool  # more than LISTED: the rest are not listed
    see_all: str  # the list where every one of them is

    @property
    def count_words(self):
        return f"more than {LISTED}" if self.more else str(len(self.rows))


def _cutoff(today, days):
    """Before this moment is `days` days ago or more: on or before today - days."""
    return start_of(today - datetime.timedelta(days=days - 1))


def _rows(referrals, field, today, fragment):
    # Only what a row shows: a referral has ~80 columns (JSON among them), LISTED + 1 rows here.
    shown = ("reference", field, "infant__given_name", "infant__family_name")
    found = list(
        referrals.select_related("infant").only(*shown).order_by(field, "pk")[: LISTED + 1]
    )
    # The referral page's address made once, the reference put in for each row (reverse() is
    # the dearest part of a row, 51 times a list).
    slot = "IMH-0000-00000"
    url = page_url(Referral(reference=slot), fragment)
    rows = [
        AlertRow(
            reference=referral.reference,
            baby_name=referral.infant.full_name or "Name not given",
            days=(today - timezone.localdate(getattr(referral, field))).days,
            url=url.replace(slot, referral.reference),
        )
        for referral in found[:LISTED]
    ]
    return rows, len(found) > LISTED


def kept_name():
    """What `alerts` answers is kept under this name (referrals.team.unchanged): with the
    settings it reads, so an answer worked out under other settings is never given."""
    return f"alerts {settings.ALERT_NO_APPOINTMENT_DAYS} {settings.ALERT_NOT_REVIEWED_DAYS}"


def alerts(user, now):
    """The alerts with something in them (two queries however many referrals). An alert starts
    on the Nth day: accepted (or received) N days ago or more, N from the settings."""
    today = timezone.localdate(now)
    visible = Referral.objects.visible_to(user)
    no_appointment = settings.ALERT_NO_APPOINTMENT_DAYS
    not_reviewed = settings.ALERT_NOT_REVIEWED_DAYS
    candidates = [
        (
            "no_appointment",
            f"Accepted {plural(no_appointment, 'day')} ago or more with no appointment booked",
            visible.accepted_without_appointment(
                start_of(today - datetime.timedelta(days=no_appointment - 1))
            ),
            "decided_at",
            "appointments",
            reverse("referrals:team_waiting_list"),
        ),
        (
            "not_reviewed",
            f"Received {plural(not_reviewed, 'day')} ago or more and not yet reviewed",
            visible.not_reviewed(_cutoff(today, not_reviewed)),
            "submitted_at",
            "",
            reverse("referrals:dashboard") + "?queue=new",
        ),
    ]
    found = []
    for key, title, referrals, field, fragment, see_all in candidates:
        rows, more = _rows(referrals, field, today, fragment)
        if rows:
            found.append(Alert(key=key, title=title, rows=rows, more=more, see_all=see_all))
    return found
