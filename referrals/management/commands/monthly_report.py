"""A month's report from the command line, for scheduled jobs: the same tables, workbook and
national row the reports page downloads (referrals.reports). Audited as an export with no user
(the job's own account is the operating system's)."""

from django.core.management.base import BaseCommand, CommandError

from imhs import audit
from imhs.models import AuditAction
from referrals.reports.downloads import national_csv, tables_csv, workbook_bytes
from referrals.reports.extract import GapsRemain, build_extract, extract_csv
from referrals.reports.figures import Month, MonthReport
from referrals.reports.trends import trend_tables

FORMATS = ("csv", "xlsx", "national", "extract")


class Command(BaseCommand):
    help = (
        "Write one month's report: its tables (csv), the workbook (xlsx), the national row, or "
        "the patient-level extract (personal data: keep it where the board says)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="The month, as YYYY-MM.")
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument(
            "--output", help="Write to this file (default: standard output; xlsx needs a file)."
        )

    def _extract(self, month):
        try:
            return "".join(extract_csv(build_extract(month)))
        except GapsRemain as gaps:
            listed = "; ".join(gap.words for gap in gaps.gaps)
            raise CommandError(
                f"No extract written: these values have no national code yet ({listed}). A "
                "service lead maps them on the reports page's national codes."
            ) from gaps

    def handle(self, *args, month, format, output, **options):
        try:
            month = Month.parse(month)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if format == "xlsx" and not output:
            raise CommandError("A workbook is not text: give --output FILE.")
        if format == "extract":
            content = self._extract(month)
        else:
            report = MonthReport.build(month)
            if format == "xlsx":
                content = workbook_bytes(report, trends=trend_tables(month))
            else:
                content = "".join((tables_csv if format == "csv" else national_csv)(report))
        audit.record(
            AuditAction.EXPORT,
            object_type="report",
            object_id=month.key,
            detail={"report": format, "command": "monthly_report"},
        )
        if output is None:
            self.stdout.write(content, ending="")
        elif isinstance(content, bytes):
            with open(output, "wb") as file:
                file.write(content)
        else:
            with open(output, "w", newline="", encoding="utf-8") as file:
                file.write(content)
        if output:
            self.stderr.write(f"Wrote the {month.label} report ({format}) to {output}.")
