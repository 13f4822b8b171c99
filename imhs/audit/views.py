"""The service lead's audit export: a date range in, a CSV file of audit events out."""

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from imhs import audit
from imhs.accounts.access import service_lead_required
from imhs.audit import export as audit_export
from imhs.models import AuditAction, AuditEvent


@service_lead_required
@require_http_methods(["GET", "POST"])
def audit_export_page(request):
    """GET shows the form; a valid POST streams the file. POST, so that the dates (and nothing
    else) travel in the body, and the export cannot be set off by a link."""
    form = audit_export.AuditExportForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return render(
            request, "audit/export.html", {"form": form, "max_days": audit_export.MAX_DAYS}
        )
    start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    since, until = audit_export.time_range(start, end, timezone.now())
    events = audit_export.events_between(since, until)
    # Counted and recorded before the file streams: the export is on record even if the
    # download is abandoned.
    audit.record(
        AuditAction.EXPORT,
        by=request.user,
        object_type=AuditEvent._meta.label_lower,
        request=request,
        detail={"from": start.isoformat(), "to": end.isoformat(), "rows": events.count()},
    )
    response = StreamingHttpResponse(
        audit_export.csv_chunks(events), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{audit_export.filename(start, end)}"'
    return response
