"""Subject access requests, for service leads only (anyone else: a 404, audited): find the baby
(the search is posted, so no name or CHI number reaches an address), start the request, produce
the bundle, withhold items, release it, and download it (a zip of bundle.html and bundle.json).
"""

import io
import json
import zipfile

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from imhs import audit
from imhs.accounts.access import get_or_404, service_lead_or_404
from imhs.models import AuditAction
from referrals import subject_access
from referrals.models import Referral, SubjectAccessRequest
from referrals.team import subject_access as bundles
from referrals.team.forms.subject_access import FindForm, StartForm, StepForm, WithholdForm
from referrals.team.pages import record_view

RESULTS_LIMIT = 20
LIST_LIMIT = 100


def _find_request(request, request_id):
    queryset = SubjectAccessRequest.objects.select_related(
        "infant", "created_by", "produced_by", "released_by"
    )
    return get_or_404(request, queryset, pk=request_id)


def request_url(sar):
    return reverse("referrals:team_subject_access_request", args=[sar.pk])


@service_lead_or_404
@require_http_methods(["GET", "POST"])
def index(request):
    """The requests, the one due soonest first; a posted search shows the babies it found."""
    form = FindForm(request.POST if request.method == "POST" else None)
    results = None
    if form.is_valid():
        found = (
            Referral.objects.visible_to(request.user)
            .find_subject(form.criteria())
            .select_related("infant")
            .order_by("-submitted_at")[:RESULTS_LIMIT]
        )
        results = list(found)
        for referral in results:
            record_view(request, referral, detail={"subject_access": "search"})
    sars = list(
        SubjectAccessRequest.objects.select_related("infant").order_by(
            "released_at", "requested_on", "pk"
        )[:LIST_LIMIT]
    )
    audit.record(
        AuditAction.VIEW,
        by=request.user,
        object_type=SubjectAccessRequest._meta.label_lower,
        request=request,
        detail={"list": len(sars)},
    )
    return render(
        request,
        "referrals/team/subject_access/index.html",
        {
            "form": form,
            "results": None if results is None else [bundles.result_row(r) for r in results],
            "requests": [bundles.request_row(sar, timezone.localdate()) for sar in sars],
        },
    )


@service_lead_or_404
@require_http_methods(["GET", "POST"])
def new(request, reference):
    referral = get_or_404(
        request,
        Referral.objects.visible_to(request.user).select_related("infant"),
        reference=reference,
    )
    form = StartForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        sar = subject_access.start(
            infant=referral.infant,
            requested_on=form.cleaned_data["requested_on"],
            by=request.user,
            request=request,
        )
        messages.success(request, "Subject access request started")
        return redirect(request_url(sar))
    record_view(request, referral, detail={"subject_access": "new"})
    return render(
        request,
        "referrals/team/subject_access/new.html",
        {
            "referral": referral,
            "found": bundles.result_row(referral),
            "covered": [bundles.result_row(r) for r in bundles.referrals_about(referral.infant)],
            "form": form,
        },
    )


def _render_request(request, sar, *, withhold_form=None):
    content = sar.content
    if withhold_form is None and sar.is_produced and not sar.is_released:
        withhold_form = WithholdForm(
            keys=subject_access.item_keys(content),
            withheld=sar.redactions,
            initial={"withhold": list(sar.redactions), "version": sar.version},
        )
    ticked = set(withhold_form["withhold"].value() or ()) if withhold_form is not None else set()
    return render(
        request,
        "referrals/team/subject_access/request.html",
        {
            "sar": sar,
            "summary": bundles.request_summary(sar, timezone.localdate()),
            "bundle": subject_access.apply_redactions(content, sar.redactions)
            if sar.is_produced
            else None,
            "form": withhold_form,
            "ticked": ticked,
        },
    )


@service_lead_or_404
@require_GET
def show(request, request_id):
    sar = _find_request(request, request_id)
    audit.record(AuditAction.VIEW, by=request.user, obj=sar, request=request)
    return _render_request(request, sar)


def _step(request, request_id, write, success):
    sar = _find_request(request, request_id)
    if request.method == "GET":
        return redirect(request_url(sar))
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, "This page was out of date. Check the request, then try again.")
        return redirect(request_url(sar))
    try:
        write(sar, form.cleaned_data["version"])
    except subject_access.BundleConflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, success)
    return redirect(request_url(sar))


@service_lead_or_404
@require_http_methods(["GET", "POST"])
def produce(request, request_id):
    def write(sar, version):
        content, referrals = bundles.build(sar)
        subject_access.produce(
            sar,
            by=request.user,
            version=version,
            content=content,
            referrals=referrals,
            request=request,
        )

    return _step(request, request_id, write, "Bundle produced. Review the flagged items.")


@service_lead_or_404
@require_http_methods(["GET", "POST"])
def release(request, request_id):
    def write(sar, version):
        subject_access.release(sar, by=request.user, version=version, request=request)

    return _step(request, request_id, write, "Bundle released. It can now be downloaded.")


@service_lead_or_404
@require_http_methods(["GET", "POST"])
def redact(request, request_id):
    sar = _find_request(request, request_id)
    if request.method == "GET" or not sar.is_produced:
        return redirect(request_url(sar))
    form = WithholdForm(
        request.POST, keys=subject_access.item_keys(sar.content), withheld=sar.redactions
    )
    if form.is_valid():
        try:
            subject_access.redact(
                sar,
                by=request.user,
                version=form.cleaned_data["version"],
                withhold=form.cleaned_data["withhold"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except subject_access.BundleConflict as conflict:
            messages.error(request, conflict.message)
            sar.refresh_from_db()
            return _render_request(request, sar, withhold_form=form)
        messages.success(request, "Items to withhold saved")
        return redirect(request_url(sar))
    audit.record(AuditAction.VIEW, by=request.user, obj=sar, request=request)
    return _render_request(request, sar, withhold_form=form)


def _bundle_context(sar, *, standalone):
    return {
        "sar": sar,
        "bundle": subject_access.apply_redactions(sar.content, sar.redactions),
        "standalone": standalone,
    }


@service_lead_or_404
@require_GET
def print_bundle(request, request_id):
    """The bundle as a printable page: as released, or, before release, a preview marked so."""
    sar = _find_request(request, request_id)
    if not sar.is_produced:
        return redirect(request_url(sar))
    audit.record(
        AuditAction.EXPORT, by=request.user, obj=sar, request=request, detail={"bundle": "print"}
    )
    return render(
        request,
        "referrals/team/subject_access/bundle_page.html",
        {**_bundle_context(sar, standalone=False), "back_url": request_url(sar)},
    )


@service_lead_or_404
@require_http_methods(["GET", "POST"])
def download(request, request_id):
    """The released bundle in one file: bundle.html (printable, styles inside it) and
    bundle.json (the same items, withheld ones replaced by their reason)."""
    sar = _find_request(request, request_id)
    if request.method == "GET" or not sar.is_released:
        return redirect(request_url(sar))
    context = _bundle_context(sar, standalone=True)
    released = {
        **context["bundle"],
        "released_at": timezone.localtime(sar.released_at).isoformat(),
        "released_by": sar.released_by.full_name,
        "produced_by": sar.produced_by.full_name,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "bundle.html",
            render_to_string("referrals/team/subject_access/bundle_file.html", context),
        )
        archive.writestr("bundle.json", json.dumps(released, indent=2, ensure_ascii=False))
    buffer.seek(0)
    audit.record(
        AuditAction.EXPORT, by=request.user, obj=sar, request=request, detail={"bundle": "download"}
    )
    # A name without personal data: the request's number only.
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=f"subject-access-{sar.pk}.zip",
        content_type="application/zip",
    )
