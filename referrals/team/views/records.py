"""Records governance, for service leads (issue 16; ADR 0013): the retention rules, the review
queue (destroy, or keep longer), the destruction register, and a referral's legal hold. Every
page is recorded as viewed and every change audited (in referrals.retention)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from imhs import audit
from imhs.accounts.access import service_lead_required
from imhs.models import AuditAction
from referrals import retention
from referrals.models import DestructionRecord, RecordKind, RetentionReview, RetentionRule
from referrals.team import records
from referrals.team.forms.records import DestroyForm, KeepLongerForm, LegalHoldForm, RuleForm
from referrals.team.pages import find_referral, page_url, record_view

REGISTER_ROWS = 200


def _record_list(request, model, name):
    audit.record(AuditAction.VIEW, by=request.user, object_type=model._meta.label_lower,
                 request=request, detail={"list": name})  # fmt: skip


@service_lead_required
@require_GET
def rules(request):
    _record_list(request, RetentionRule, "retention_rules")
    rows = records.rule_rows(retention.rules().values())
    return render(request, "referrals/team/records/rules.html", {"rows": rows})


@service_lead_required
@require_http_methods(["GET", "POST"])
def rule(request, kind):
    if kind not in RecordKind.values:
        raise Http404
    retention.ensure_default_rules()
    current = RetentionRule.objects.get(kind=kind)
    form = RuleForm(request.POST or None, rule=current)
    if request.method == "POST" and form.is_valid():
        retention.update_rule(current, by=request.user, request=request, **form.cleaned_data)
        messages.success(request, f"{current.get_kind_display()}: rule saved.")
        return redirect("referrals:team_retention_rules")
    if request.method == "GET":
        audit.record(AuditAction.VIEW, by=request.user, obj=current, request=request)
    context = {"rule": current, "row": records.rule_rows([current])[0], "form": form}
    return render(request, "referrals/team/records/rule.html", context)


@service_lead_required
@require_GET
def reviews(request):
    _record_list(request, RetentionReview, "retention_reviews")
    rows = records.review_rows(records.open_reviews())
    return render(request, "referrals/team/records/reviews.html", {"rows": rows})


def _open_review(review_id):
    review = records.open_reviews().filter(pk=review_id).first()
    if review is None:
        raise Http404
    return review


def _review_page(request, review, *, keep_form=None, destroy_form=None):
    audit.record(AuditAction.VIEW, by=request.user, obj=review, request=request,
                 detail={"referral": review.referral_id})  # fmt: skip
    context = {
        "review": review,
        "row": records.review_rows([review])[0],
        "keep_form": keep_form or KeepLongerForm(),
        "destroy_form": destroy_form or DestroyForm(),
    }
    return render(request, "referrals/team/records/review.html", context)


@service_lead_required
@require_GET
def review(request, review_id):
    return _review_page(request, _open_review(review_id))


@service_lead_required
@require_http_methods(["GET", "POST"])
def destroy(request, review_id):
    if request.method == "GET":  # a reload of the POST: the review itself
        return redirect("referrals:team_retention_review", review_id)
    found = _open_review(review_id)
    form = DestroyForm(request.POST)
    if not form.is_valid():
        return _review_page(request, found, destroy_form=form)
    try:
        record = retention.destroy_reviewed(found, by=request.user, request=request)
    except retention.Conflict as conflict:
        messages.error(request, conflict.message)
        return _review_page(request, found, destroy_form=form)
    messages.success(request, f"{record.reference} destroyed and entered in the register.")
    return redirect("referrals:team_retention_reviews")


@service_lead_required
@require_http_methods(["GET", "POST"])
def keep(request, review_id):
    if request.method == "GET":
        return redirect("referrals:team_retention_review", review_id)
    found = _open_review(review_id)
    form = KeepLongerForm(request.POST)
    if not form.is_valid():
        return _review_page(request, found, keep_form=form)
    try:
        retention.keep_longer(found, by=request.user, request=request, **form.cleaned_data)
    except retention.Conflict as conflict:
        messages.error(request, conflict.message)
        return _review_page(request, found, keep_form=form)
    messages.success(request, f"{found.reference} kept; it will be reviewed again then.")
    return redirect("referrals:team_retention_reviews")


@service_lead_required
@require_GET
def register(request):
    _record_list(request, DestructionRecord, "destruction_register")
    rows = DestructionRecord.objects.select_related("authorised_by")[:REGISTER_ROWS]
    context = {"rows": records.register_rows(rows), "limit": REGISTER_ROWS}
    return render(request, "referrals/team/records/register.html", context)


def _hold_page(request, referral, form=None):
    record_view(request, referral, detail={"page": "legal_hold"})
    context = {
        "referral": referral,
        "hold": retention.active_hold(referral),
        "form": form or LegalHoldForm(),
        "back_url": page_url(referral),
    }
    return render(request, "referrals/team/records/legal_hold.html", context)


@service_lead_required
@require_http_methods(["GET", "POST"])
def legal_hold(request, reference):
    referral = find_referral(request, reference)
    if request.method == "GET":
        return _hold_page(request, referral)
    form = LegalHoldForm(request.POST)
    if not form.is_valid():
        return _hold_page(request, referral, form)
    try:
        retention.place_hold(referral, by=request.user, request=request, **form.cleaned_data)
    except retention.Conflict as conflict:
        messages.error(request, conflict.message)
        return _hold_page(request, referral, form)
    messages.success(request, f"{referral.reference} is on legal hold: it will not be destroyed.")
    return redirect(reverse("referrals:team_legal_hold", args=[referral.reference]))


@service_lead_required
@require_http_methods(["GET", "POST"])
def lift_legal_hold(request, reference):
    if request.method == "GET":  # a reload of the POST: the hold's page
        return redirect("referrals:team_legal_hold", reference)
    referral = find_referral(request, reference)
    try:
        retention.lift_hold(referral, by=request.user, request=request)
    except retention.Conflict as conflict:
        messages.error(request, conflict.message)
        return _hold_page(request, referral)
    messages.success(request, f"The legal hold on {referral.reference} is lifted.")
    return redirect(reverse("referrals:team_legal_hold", args=[referral.reference]))
