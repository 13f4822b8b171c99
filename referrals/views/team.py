"""Pages for the Infant Mental Health Team: the triage dashboard and referral pages."""

from django.shortcuts import render

from imhs.access import team_member_required


@team_member_required
def dashboard(request):
    # Queues, filters and counts arrive in issue 6 with the Referral model.
    return render(request, "referrals/dashboard.html", {"referrals": []})
