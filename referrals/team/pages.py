"""What the team's referral pages share: finding a referral the signed-in team member may see,
recording its views, and sending a GET of a POST-only URL back to the referral's page."""

from functools import wraps

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from imhs import audit
from imhs.accounts.access import get_or_404
from imhs.models import AuditAction
from referrals.models import Appointment, Referral, Unavailability


def find_referral(request, reference):
    """The referral with this reference, if the signed-in team member may see it (404 if not)."""
    if "\x00" in reference:
        # A hand-made URL ("%00"): PostgreSQL cannot even compare such text (a 500).
        raise Http404
    referrals = (
        Referral.objects.visible_to(request.user)
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
            # The clock, the appointments and the unavailability on the page: one query each,
            # however many there are.
            Prefetch(
                "appointments",
                queryset=Appointment.objects.select_related("rebooked_as").prefetch_related(
                    "staff"
                ),
            ),
            Prefetch(
                "unavailability", queryset=Unavailability.objects.select_related("recorded_by")
            ),
        )
    )
    return get_or_404(request, referrals, reference=reference)


def team_lookup(request, reference, *, detail=None):
    """`find_referral`, recorded as viewed."""
    referral = find_referral(request, reference)
    record_view(request, referral, detail=detail)
    return referral


def record_view(request, referral, *, detail=None):
    audit.record(AuditAction.VIEW, by=request.user, obj=referral, request=request, detail=detail)


def page_url(referral, fragment=""):
    url = reverse("referrals:team_referral", args=[referral.reference])
    return f"{url}#{fragment}" if fragment else url


def get_shows_page(fragment):
    """For a POST-only URL under a referral: a GET (a reload, Enter in the address bar) goes to
    the referral page's `fragment` instead of a blank 405."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, reference, *args, **kwargs):
            if request.method == "GET":
                return redirect(page_url(find_referral(request, reference), fragment))
            return view(request, reference, *args, **kwargs)

        return require_http_methods(["GET", "POST"])(wrapped)

    return decorate
