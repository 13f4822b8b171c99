"""What the team's referral page shows of the parents' secure links and of the views parents
sent through them, worked out here so the template holds no decisions.

The parents' views are their own words and are kept apart from the referrer's account. Views
a parent has saved but not sent are not shown: the parent has not chosen to send them, and may
still change them. The team sees only that they have started.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from imhs.nhsuk.text import nhs_date, when
from referrals import invitations
from referrals.labels import INVITATION_STATE_TAGS
from referrals.models import OPEN_STATUSES, ParentViews
from referrals.team.forms.invitations import carer_label, invitable

REVOCABLE_STATES = ("sent", "opened", "locked")

# The parent's answers, in the order their form asks them.
VIEW_QUESTIONS = (
    ("going_well", "What is going well"),
    ("worries", "What worries them"),
    ("relationship", "Their relationship with their baby"),
    ("help_wanted", "What they would like help with"),
    ("anything_else", "Anything else"),
)
PRACTICAL_NEEDS = (
    ("interpreter_language", "Interpreter"),
    ("contact_how", "How to contact them"),
    ("contact_times", "Good times to contact them"),
    ("near_me", "Video appointments (Near Me)"),
)
NEAR_ME_ANSWERS = {"yes": "Yes", "no": "No", "not_sure": "Not sure", "maybe": "Maybe"}
NOT_ANSWERED = "Not answered"


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class Invitation:
    """One secure link: whom it is for, its state, its dates, and the buttons allowed now."""

    id: int
    carer: str
    state: str
    label: str
    tag_class: str
    explanation: str
    rows: list
    can_resend: bool
    can_revoke: bool
    resend_url: str
    revoke_url: str

    @property
    def form_url(self):
        """The buttons share one form; each sends it to its own URL (`formaction`)."""
        return self.resend_url if self.can_resend else self.revoke_url


@dataclass(frozen=True)
class Views:
    """One parent's or carer's views, as they sent them."""

    carer: str
    sent: str
    answers: list
    practical: list


def name_of(relationships, carer):
    relationship = relationships.get(carer.pk)
    return carer_label(relationship) if relationship else carer.full_name


def _explanation(invitation, state):
    if state == "revoked":  # revoked_at and revoked_by are set together (a constraint)
        return (
            f"Revoked by {invitation.revoked_by.full_name} at {when(invitation.revoked_at)}. "
            "The link no longer opens."
        )
    return {
        "sent": "Not opened yet.",
        "opened": "The parent or carer opened the link and gave the baby's date of birth.",
        "locked": "Locked after too many wrong dates of birth: the link no longer opens. "
        "Send a new link if the family still wants to add their views.",
        "submitted": "The parent or carer has sent their views.",
        "expired": f"The link stopped working at {when(invitation.expires_at)}. Send a new "
        "link if the family still wants to add their views.",
    }[state]


def _views_progress(views):
    if views is None or views.saved_at is None:
        return "Not started"
    if views.submitted_at:
        return f"Sent at {when(views.submitted_at)}"
    return f"Started, not sent yet (last saved at {when(views.saved_at)})"


def invitation(item, *, reference, now, name, views, latest, referral_open):
    """`latest`: whether this is the carer's newest link (older ones were replaced, so
    offering a new link from them would leave two working links)."""
    state = item.state(now)
    label, tag_class = INVITATION_STATE_TAGS[state]
    views_sent = bool(views and views.submitted_at)
    expires_label = "Expired" if state == "expired" else "Works until"
    rows = [
        Row("Created", f"{when(item.created_at)} by {item.created_by.full_name}"),
        Row("Emailed", "Yes" if item.emailed else "No: shown to copy, or printed in a letter"),
        Row(expires_label, when(item.expires_at)),
        Row("First opened", when(item.first_opened_at) if item.first_opened_at else "Not yet"),
        Row("Wrong dates of birth", str(item.failed_checks)),
        Row("Their views", _views_progress(views)),
    ]
    return Invitation(
        id=item.pk,
        carer=name,
        state=state,
        label=label,
        tag_class=tag_class,
        explanation=_explanation(item, state),
        rows=rows,
        can_resend=referral_open and latest and state != "submitted" and not views_sent,
        can_revoke=state in REVOCABLE_STATES,
        resend_url=reverse("referrals:team_invite_resend", args=[reference, item.pk]),
        revoke_url=reverse("referrals:team_invite_revoke", args=[reference, item.pk]),
    )


def sent_views(views, name):
    def answer(field):
        value = getattr(views, field)
        if field == "near_me":
            value = NEAR_ME_ANSWERS.get(value, value)
        return value or NOT_ANSWERED

    return Views(
        carer=name,
        sent=when(views.submitted_at) if views.submitted_at else "",
        answers=[Row(label, answer(field)) for field, label in VIEW_QUESTIONS],
        practical=[Row(label, answer(field)) for field, label in PRACTICAL_NEEDS],
    )


def can_invite(referral):
    """Links are sent while the referral is open: not once declined, withdrawn or closed."""
    return referral.status in OPEN_STATUSES


def care_relationships(referral):
    return list(referral.infant.care_relationships.select_related("carer"))


def views_sent_by(referral):
    """Ids of the carers who have sent their views on this referral."""
    return set(
        ParentViews.objects.filter(referral=referral, submitted_at__isnull=False).values_list(
            "carer_id", flat=True
        )
    )


def invitable_relationships(referral):
    """The care relationships whose carer may be sent a new link now (none once the referral
    is declined, withdrawn or closed)."""
    if not can_invite(referral):
        return []
    return invitable(care_relationships(referral), views_sent_by=views_sent_by(referral))


def section(referral, *, now=None):
    """Everything the "The parents' views" section shows beyond how the referrer said the
    parents would give their views: each secure link, the views sent, and the invite form."""
    now = now or timezone.now()
    relationships = {r.carer_id: r for r in care_relationships(referral)}
    views_by_carer = {
        views.carer_id: views
        for views in ParentViews.objects.filter(referral=referral).select_related("carer")
    }
    items = list(
        referral.invitations.select_related("carer", "created_by", "revoked_by").order_by(
            "created_at", "id"
        )
    )
    latest = {item.carer_id: item.pk for item in items}  # ordered oldest first
    referral_open = can_invite(referral)
    links = []
    for item in reversed(items):  # newest first
        links.append(
            invitation(
                item,
                reference=referral.reference,
                now=now,
                name=name_of(relationships, item.carer),
                views=views_by_carer.get(item.carer_id),
                latest=latest[item.carer_id] == item.pk,
                referral_open=referral_open,
            )
        )
    sent = sorted(
        (views for views in views_by_carer.values() if views.submitted_at),
        key=lambda views: views.submitted_at,
    )
    started = [
        name_of(relationships, views.carer)
        for views in views_by_carer.values()
        if views.saved_at and not views.submitted_at
    ]
    choices = invitable(relationships.values(), views_sent_by={v.carer_id for v in sent})
    return {
        "invitations": links,
        "views": [sent_views(views, name_of(relationships, views.carer)) for views in sent],
        "started": started,
        # Who may be sent a new link (the view draws the form), and the newest link so far.
        "invite_choices": choices if referral_open else [],
        "invite_seen": max((item.pk for item in items), default=0),
        "invite_url": reverse("referrals:team_invite", args=[referral.reference]),
        "no_one_with_responsibility": not any(
            r.has_parental_responsibility for r in relationships.values()
        ),
        "referral_open": referral_open,
    }


def link_page(referral, invitation, token, *, resent=False):
    """The page that shows a new link, once: to copy into a text message, and in a letter for
    the family. Neither the message nor the letter names anyone: either may be read by
    someone else."""
    link = settings.SITE_URL.rstrip("/") + invitations.link_path(token)
    expires_on = nhs_date(timezone.localdate(invitation.expires_at))
    service = settings.SERVICE
    relationship = referral.infant.care_relationships.filter(carer=invitation.carer).first()
    return {
        "referral": referral,
        "carer": carer_label(relationship) if relationship else invitation.carer.full_name,
        "email": invitation.carer.email if invitation.emailed else "",
        "link": link,
        "expires_on": expires_on,
        "resent": resent,
        "today": nhs_date(timezone.localdate()),
        "text_message": (
            f"{service['organisation']} {service['team']}: we would like to hear about your "
            f"baby, in your own words. Open this link (you will need your baby's date of birth): "
            f"{link} It works until {expires_on}. Please do not share it. Any questions, phone "
            f"us on {service['phone']}."
        ),
        "back_url": reverse("referrals:team_referral", args=[referral.reference])
        + "#parents-views",
    }
