"""What the referrer's pages share: finding the signed-in referrer's own referral, recording
its views, saving a draft without overwriting a newer one, and drawing a section's page."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from imhs import audit
from imhs.accounts.access import get_or_404
from imhs.models import AuditAction
from referrals import drafts, presenters
from referrals.models import Referral
from referrals.referrer import presenters as referrer_presenters


def own_referral(request, pk, *, draft=None, viewed=True):
    """The signed-in referrer's referral `pk` (404 otherwise), recorded as viewed for a GET.

    A POST is recorded by what it writes, or by `record_view` when it only draws the page
    again: one event a request, not a VIEW before every CHANGE. `viewed=False` leaves the
    VIEW to the caller, which has more to look up (and perhaps refuse) first.
    """
    referrals = Referral.objects.visible_to(request.user).select_related(
        "infant", "infant__gp_practice"
    )
    referral = get_or_404(request, referrals, pk=pk)
    if draft is not None and referral.is_draft != draft:
        raise Http404  # their own referral, in the wrong state for this page: not a refusal
    if viewed:
        record_get(request, referral)
    return referral


def record_get(request, referral):
    """A VIEW, when the request is a GET (see `own_referral`)."""
    if request.method in ("GET", "HEAD"):
        record_view(request, referral)


def record_view(request, referral):
    audit.record(AuditAction.VIEW, by=request.user, obj=referral, request=request)


def stale_message(request, referral):
    messages.error(
        request,
        "This referral was changed in another tab or window at "
        f"{timezone.localtime(referral.updated_at):%H:%M}. Your last changes on that page were "
        "not saved, so that nothing newer is overwritten: here is the latest version.",
    )


def draft_write(request, referral, write, *, back, redraw=None):
    """Run `write(by=, version=, request=)` (a `drafts` function) for this page's POST.

    Returns (result, None); or (None, response) when the draft had moved on: a draft sent
    meanwhile goes to its own page; a stale tab's save is refused, so that nothing newer is
    overwritten, but nothing typed is lost either: `redraw(latest)` (pages with a form) draws
    the page again with what was typed, the answers saved meanwhile beside it and the latest
    version, so saving again keeps it. Without `redraw`, the message and `back()`.
    """
    try:
        result = write(by=request.user, version=request.POST.get("version"), request=request)
    except drafts.StaleDraft as stale:
        if redraw is not None:
            record_view(request, stale.referral)  # nothing written: the page is drawn again
            return None, redraw(stale.referral)
        stale_message(request, stale.referral)
        return None, back()
    except drafts.NotADraft:
        return None, redirect("referrals:detail", referral.pk)
    return result, None


def kept(form):
    """A refused form as typed, without errors: it was never checked against the latest draft
    (its errors, if any, show when it is saved again)."""
    form.errors.clear()
    return form


def section_page(request, referral, section, form, *, stale=False):
    """A section's page; `stale`: what was typed was refused (see `draft_write`)."""
    return render(
        request,
        "referrals/section.html",
        {
            "referral": referral,
            "section": section,
            "form": form,
            "heading": presenters.baby_heading(referral),
            "stale": referrer_presenters.saved_meanwhile(referral, section) if stale else None,
        },
    )
