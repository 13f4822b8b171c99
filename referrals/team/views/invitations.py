"""The team's side of the parents' secure links: send one, send a new one, revoke one.

All the writing (and its audit events) is in `referrals.invitations`. A new link exists only in
the response that creates it: the page shows it once, to copy into a text message, and in a
letter for the family; the database keeps only its hash. That page is never cached and sends
no Referer, so the link stays out of caches and other sites' logs.
"""

from functools import wraps

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from imhs.accounts.access import get_or_404, team_member_required
from referrals import invitations
from referrals.labels import INVITATION_STATE_TAGS
from referrals.team import invitation_presenters
from referrals.team.forms.invitations import InviteForm, carer_label
from referrals.team.pages import find_referral, get_shows_page, page_url, record_view

LINK_PAGE = "referrals/team/invitation_link.html"
INVITE_PAGE = "referrals/team/invite.html"
SECTION = "parents-views"
# A GET (a reload of the page a POST here showed) goes to the referral's parents' views.
post_only = get_shows_page(SECTION)


def no_referrer(view):
    """`Referrer-Policy: no-referrer` on the response, whatever the site-wide policy."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapped


def _invitation(request, referral, invitation_id, *, lock=False):
    """The invitation, if it belongs to this referral (404, audited, if not)."""
    invitations_of_referral = referral.invitations.select_related("carer")
    if lock:
        invitations_of_referral = invitations_of_referral.select_for_update(of=("self",))
    return get_or_404(request, invitations_of_referral, pk=invitation_id)


def _carer(referral, invitation):
    relationship = referral.infant.care_relationships.filter(carer=invitation.carer).first()
    return carer_label(relationship) if relationship else invitation.carer.full_name


def _not_open(request, referral):
    messages.error(
        request,
        f"Secure links cannot be sent on a {referral.get_status_display().lower()} referral.",
    )
    return redirect(page_url(referral, SECTION))


def _link_page(request, referral, invitation, token, *, resent=False):
    context = invitation_presenters.link_page(referral, invitation, token, resent=resent)
    return render(request, LINK_PAGE, context)


@team_member_required
@post_only
@no_referrer
def invite(request, reference):
    referral = find_referral(request, reference)
    choices = invitation_presenters.invitable_relationships(referral)
    form = InviteForm(request.POST, relationships=choices) if choices else None
    if form is None:
        if not invitation_presenters.can_invite(referral):
            return _not_open(request, referral)
        messages.error(
            request,
            "No one can be sent a link: there is no parent or carer with parental "
            "responsibility who has not sent their views already.",
        )
        return redirect(page_url(referral, SECTION))
    if not form.is_valid():
        record_view(request, referral)  # the page names the baby's carers; nothing written
        return render(
            request,
            INVITE_PAGE,
            {"referral": referral, "form": form, "back_url": page_url(referral, SECTION)},
        )
    if form.made_since_drawn(referral):
        messages.error(
            request,
            f"A link was made for {form.cleaned_data['carer'].full_name} a moment ago (the "
            "form may have been sent twice). It is listed below; if it is lost, send a new link "
            "from there.",
        )
        return redirect(page_url(referral, SECTION))
    invitation, token = invitations.create(
        referral, carer=form.cleaned_data["carer"], by=request.user, request=request
    )
    return _link_page(request, referral, invitation, token)


@team_member_required
@post_only
@no_referrer
def resend(request, reference, invitation_id):
    referral = find_referral(request, reference)
    # Looked up before the transaction: a refusal's audit event must not be rolled back with it.
    _invitation(request, referral, invitation_id)  # a 404 for another referral's link
    if not invitation_presenters.can_invite(referral):
        return _not_open(request, referral)
    with transaction.atomic():
        # Locked, so two team members pressing at once make one new link, not two.
        invitation = _invitation(request, referral, invitation_id, lock=True)
        carer = _carer(referral, invitation)
        newer = referral.invitations.filter(carer=invitation.carer, pk__gt=invitation.pk)
        views = invitations.views_for(invitation)
        if invitation.state(timezone.now()) == "submitted" or (views and views.submitted_at):
            problem = f"{carer} has already sent their views, so a new link is not needed."
        elif newer.exists():
            problem = (
                f"A newer link has already been made for {carer}. The page below shows it; "
                "send a new link from that one if you need to."
            )
        else:
            problem = None
            invitation, token = invitations.resend(invitation, by=request.user, request=request)
    if problem:
        messages.error(request, problem)
        return redirect(page_url(referral, SECTION))
    return _link_page(request, referral, invitation, token, resent=True)


@team_member_required
@post_only
def revoke(request, reference, invitation_id):
    referral = find_referral(request, reference)
    invitation = _invitation(request, referral, invitation_id)
    carer = _carer(referral, invitation)
    state = invitation.state(timezone.now())
    if state not in invitation_presenters.REVOCABLE_STATES:
        label = INVITATION_STATE_TAGS[state][0].lower()
        messages.error(request, f"The link for {carer} is {label}: it cannot be revoked.")
    else:
        invitations.revoke(invitation, by=request.user, request=request)
        messages.success(request, f"The link for {carer} has been revoked. It no longer opens.")
    return redirect(page_url(referral, SECTION))
