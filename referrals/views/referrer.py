"""Pages for referrers: health visitors, family nurses, nursery, MNPI and PMHT practitioners."""

from django.shortcuts import render

from imhs.access import referrer_required


@referrer_required
def my_referrals(request):
    # The Request for Assistance form arrives in issue 5; until then the list is empty.
    return render(request, "referrals/my_referrals.html", {"referrals": []})
