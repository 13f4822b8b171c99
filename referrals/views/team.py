"""Pages for the Infant Mental Health Team: the triage dashboard and referral pages."""

from django.shortcuts import render
from django.utils import timezone

from imhs.access import team_member_required
from referrals import dashboard as board


@team_member_required
def dashboard(request):
    """The queues, filtered and searched by GET parameters, oldest received first."""
    form = board.DashboardFilterForm(request.GET)
    filters = form.filters()
    now = timezone.now()
    referrals = board.filtered(request.user, filters)
    page = board.paginate(board.in_queue(referrals, filters, now), request.GET.get("page"))
    context = {
        "form": form,
        "filters": filters,
        "queues": board.queue_links(request.GET, filters, board.queue_counts(referrals, now)),
        "rows": board.rows(page, timezone.localdate(now)),
        "caption": board.caption(filters, page),
        "pagination": board.pagination(page, request.GET),
        "clear_filters": board.clear_filters_href(filters),
    }
    return render(request, "referrals/team/dashboard.html", context)
