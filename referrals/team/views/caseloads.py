"""Caseloads: "My caseload" for every team member; every member's counts, their caseloads and
reassigning referrals between members for service leads. A team member may open only their
own caseload (anyone else's is a 403)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from imhs import audit
from imhs.accounts.access import (
    deny,
    get_or_404,
    service_lead_required,
    team_member_required,
)
from imhs.models import AuditAction
from imhs.nhsuk.text import plural
from referrals import workflow
from referrals.models import Referral
from referrals.team import caseloads
from referrals.team.forms.caseloads import ReassignForm

PAGE = "referrals/team/caseload.html"


def _record_list(request, **detail):
    audit.record(
        AuditAction.VIEW,
        by=request.user,
        object_type=Referral._meta.label_lower,
        request=request,
        detail={"list": "caseload", **detail},
    )


def _caseload_page(request, member, *, form=None, mine=False):
    rows = caseloads.case_rows(caseloads.caseload(request.user, member), timezone.localdate())
    _record_list(request, member=member.pk)
    can_reassign = not mine and request.user.is_service_lead and bool(rows)
    if can_reassign and form is None:
        form = ReassignForm(member=member)
    context = {
        "member": member,
        "mine": mine,
        "rows": rows,
        "summary": caseloads.caseload_summary(rows),
        "form": form if can_reassign else None,
        # What was ticked stays ticked when the form comes back with an error.
        "selected": set(form.data.getlist("selected")) if form and form.is_bound else set(),
    }
    return render(request, PAGE, context)


@team_member_required
@require_GET
def my_caseload(request):
    return _caseload_page(request, request.user, mine=True)


def _member(request, user_id):
    member = get_or_404(request, caseloads.staff(), pk=user_id)
    if member != request.user and not request.user.is_service_lead:
        deny(request, member)
    return member


@team_member_required
@require_GET
def member_caseload(request, user_id):
    return _caseload_page(request, _member(request, user_id))


@service_lead_required
@require_GET
def overview(request):
    _record_list(request, overview=True)
    members = caseloads.member_counts()
    return render(request, "referrals/team/caseloads.html", {"members": members})


@service_lead_required
@require_http_methods(["GET", "POST"])
def reassign(request, user_id):
    """Reassign the ticked referrals, each through the workflow (its own event and audit). A
    referral that changed since the page was shown is named in the message and left as it
    was; the others are reassigned."""
    member = _member(request, user_id)
    page = reverse("referrals:team_caseload", args=[member.pk])
    if request.method == "GET":  # a reload of the POST: the caseload itself
        return redirect(page)
    form = ReassignForm(request.POST, member=member)
    if not form.is_valid():
        return _caseload_page(request, member, form=form)
    to = form.cleaned_data["to"]
    on_caseload = {
        referral.reference: referral
        for referral in caseloads.on_caseload(request.user, member).filter(
            reference__in=[reference for reference, _version in form.cleaned_data["selected"]]
        )
    }
    done, changed = [], []
    for reference, version in form.cleaned_data["selected"]:
        referral = on_caseload.get(reference)
        if referral is None:
            changed.append(reference)
            continue
        try:
            workflow.allocate(referral, by=request.user, version=version, to=to, request=request)
        except workflow.Conflict:
            changed.append(reference)
        else:
            done.append(reference)
    if done:
        messages.success(request, f"{plural(len(done), 'referral')} reassigned to {to.full_name}.")
    if changed:
        messages.error(
            request,
            f"Not reassigned, because {'it' if len(changed) == 1 else 'they'} changed or left "
            f"this caseload after the page was opened: {', '.join(changed)}. Check "
            f"{'it' if len(changed) == 1 else 'them'} and try again.",
        )
    return redirect(page)
