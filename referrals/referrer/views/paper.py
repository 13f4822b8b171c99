"""The blank paper Request for Assistance (referrals.blank_form), for when the service is down."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from imhs.accounts.access import referrer_or_team_required
from referrals import blank_form


@referrer_or_team_required
@require_GET
def paper_form(request):
    """Signed-in referrers and the team print it ahead of an outage; during one, the copy made
    by `manage.py paper_form` (docs/safety/paper-referrals.md) stands in."""
    return render(request, "referrals/paper_form.html", {"sections": blank_form.sections()})
