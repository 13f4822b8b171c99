"""The reports area: a month's figures, the 13 months' trends with their charts, the files
(POST, streamed, audited as exports) and, for service leads, the national codes and the
patient-level extract. The month travels as `?month=YYYY-MM` (a GET) or in the POST body."""

from functools import wraps

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from imhs import audit
from imhs.accounts.access import is_service_lead, service_lead_required, team_member_required
from imhs.models import AuditAction
from referrals import national_codes
from referrals.reports.downloads import XLSX_TYPE, national_csv, tables_csv, workbook_bytes
from referrals.reports.extract import build_extract, extract_csv
from referrals.reports.figures import MonthReport
from referrals.reports.trends import trend_tables
from referrals.team import reports as presenters
from referrals.team.forms.reports import MonthForm, NationalCodesForm

CSV_TYPE = "text/csv; charset=utf-8"
FILE_NAMES = {"national": "imhs-national", "extract": "imhs-extract"}


def _record(request, action, month, report):
    audit.record(
        action,
        by=request.user,
        object_type="report",
        object_id=month.key,
        request=request,
        detail={"report": report, "month": month.key},
    )


def _picked(request):
    """(form, month): the month asked for in the query string, the default when none was."""
    form = MonthForm(request.GET if "month" in request.GET else None)
    return form, form.chosen()


@team_member_required
@require_GET
def month_report(request):
    form, month = _picked(request)
    context = {"form": form, "month": month, "is_lead": is_service_lead(request.user)}
    if month is not None:
        context["sections"] = presenters.sections(MonthReport.build(month))
        if context["is_lead"]:
            context["gaps"] = presenters.gap_words(build_extract(month).gaps)
        _record(request, AuditAction.VIEW, month, "month")
    return render(request, "referrals/team/reports/month.html", context)


@team_member_required
@require_GET
def trends(request):
    form, month = _picked(request)
    context = {"form": form, "month": month}
    if month is not None:
        context["trends"] = presenters.trend_views(trend_tables(month))
        _record(request, AuditAction.VIEW, month, "trends")
    return render(request, "referrals/team/reports/trends.html", context)


def _report_url(month=None):
    url = reverse("referrals:team_reports")
    return f"{url}?month={month.key}" if month else url


def _posted_month(request):
    """The month a download names, or None (after saying why) when it names none we know."""
    form = MonthForm(request.POST)
    month = form.chosen()
    if month is None:
        messages.error(request, "No file was made: select a month from the list and try again.")
    return month


def download(kind):
    """A download's view: a GET goes to the report page; a POST names the month, and
    `make(request, month)` gives the file as (chunks, content type, extension), streamed and
    audited as an export of `kind` - or a page saying why not."""

    def decorate(make):
        @wraps(make)
        def view(request):
            if request.method == "GET":
                return redirect(_report_url())
            month = _posted_month(request)
            if month is None:
                return redirect(_report_url())
            made = make(request, month)
            if not isinstance(made, tuple):
                return made  # refused: a page saying why
            chunks, content_type, extension = made
            _record(request, AuditAction.EXPORT, month, kind)
            response = StreamingHttpResponse(chunks, content_type=content_type)
            # The month and the kind only: never anything about a person.
            name = FILE_NAMES.get(kind, "imhs-report")
            response["Content-Disposition"] = (
                f'attachment; filename="{name}-{month.key}.{extension}"'
            )
            return response

        return require_http_methods(["GET", "POST"])(view)

    return decorate


@team_member_required
@download("csv")
def download_csv(request, month):
    """The month's tables as CSV: one line per figure."""
    return tables_csv(MonthReport.build(month)), CSV_TYPE, "csv"


@team_member_required
@download("xlsx")
def download_xlsx(request, month):
    """The month's tables and the trends as a workbook."""
    report = MonthReport.build(month)
    return [workbook_bytes(report, trends=trend_tables(month))], XLSX_TYPE, "xlsx"


@team_member_required
@download("national")
def download_national(request, month):
    """The national aggregate row."""
    return national_csv(MonthReport.build(month)), CSV_TYPE, "csv"


@service_lead_required
@download("extract")
def download_extract(request, month):
    """The patient-level extract: personal data, service leads only, refused while any value
    has no national code (a code is never guessed)."""
    extract = build_extract(month)
    if extract.gaps:
        _record(request, AuditAction.VIEW, month, "extract-refused")
        context = {"month": month, "gaps": presenters.gap_words(extract.gaps)}
        return render(request, "referrals/team/reports/extract_refused.html", context)
    return extract_csv(extract), CSV_TYPE, "csv"


@service_lead_required
@require_http_methods(["GET", "POST"])
def codes(request):
    stored = national_codes.current()
    form = NationalCodesForm(request.POST if request.method == "POST" else None, codes=stored)
    if request.method == "POST" and form.is_valid():
        changed = national_codes.save(form.codes(), by=request.user, request=request)
        messages.success(
            request, f"National codes saved: {changed} changed." if changed else "No codes changed."
        )
        return redirect("referrals:team_national_codes")
    audit.record(
        AuditAction.VIEW,
        by=request.user,
        object_type="referrals.nationalcode",
        request=request,
        detail={"list": True},
    )
    gaps = sum(1 for key in form.values.values() if not stored.get(key))
    return render(request, "referrals/team/reports/codes.html", {"form": form, "unmapped": gaps})
