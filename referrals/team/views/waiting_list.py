"""The team's waiting list: accepted referrals not yet in treatment, longest adjusted wait
first, filtered by band and allocation (GET codes only)."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from imhs import audit
from imhs.accounts.access import team_member_required
from imhs.models import AuditAction
from referrals.models import Referral
from referrals.pagination import pagination
from referrals.team import waiting_list as wl


@team_member_required
@require_GET
def waiting_list(request):
    form = wl.WaitingListFilterForm(request.GET)
    filters = form.filters()
    today = timezone.localdate()
    referrals = wl.filtered(wl.waiting_set(request.user), filters)
    rows = wl.rows(referrals, filters, today)
    page = wl.paginate(rows, request.GET.get("page"))
    # The rows name babies: one event for the list, as the dashboard records.
    audit.record(
        AuditAction.VIEW,
        by=request.user,
        object_type=Referral._meta.label_lower,
        request=request,
        detail={"list": "waiting_list"},
    )
    context = {
        "form": form,
        "filters": filters,
        "rows": page,
        "summary": wl.summary(rows),
        "caption": wl.caption(page),
        "pagination": pagination(page, request.GET),
        "today": today,
    }
    return render(request, "referrals/team/waiting_list.html", context)
