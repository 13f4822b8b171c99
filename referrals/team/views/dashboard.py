"""Pages for the Infant Mental Health Team: the triage dashboard and referral pages."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from imhs import audit, search_terms
from imhs.accounts.access import is_service_lead, team_member_required
from imhs.models import AuditAction
from referrals.models import Referral
from referrals.pagination import keyset_pagination
from referrals.team import alerts, unchanged
from referrals.team import dashboard as board


@team_member_required
@require_http_methods(["GET", "POST"])
def dashboard(request):
    """The queues, filtered by GET parameters, oldest received first. The search box posts,
    so what was searched for (often a name) stays out of the address (imhs.search_terms)."""
    if request.method == "POST":
        return search_terms.posted(request, keep=board.SEARCH_KEEPS)
    data, links, search_key = search_terms.unfold(request)
    now = timezone.now()
    kept = unchanged.Kept(day=timezone.localdate(now))
    staff = kept("staff", board.staff)
    form = board.DashboardFilterForm(data, staff=staff)
    filters = form.filters()
    referrals = board.filtered(request.user, filters)

    counts, page = board.counts_and_page(referrals, filters, request.GET, now, kept)
    alert_list = kept(alerts.kept_name(), lambda: alerts.alerts(request.user, now))
    count = counts[filters.queue]
    # The rows name babies: one event for the list. What was searched for is not stored (it
    # is often a name).
    audit.record(
        AuditAction.VIEW,
        by=request.user,
        object_type=Referral._meta.label_lower,
        request=request,
        detail={"list": True},
    )
    queues = board.queue_links(links, filters, counts)
    context = {
        "form": form,
        "filters": filters,
        "queues": queues,
        "matches_elsewhere": board.matches_elsewhere(queues, filters),
        "search_keeps": board.search_keeps(filters),
        "search_key": search_key,
        "rows": board.rows(page.rows, now, staff),
        "caption": board.caption(filters, page, count),
        "pagination": keyset_pagination(page, links, board.key_of),
        "clear_filters": board.clear_filters_href(filters, search_key),
        "can_export_audit": is_service_lead(request.user),
        "alerts": alert_list,
    }
    return render(request, "referrals/team/dashboard.html", context)
