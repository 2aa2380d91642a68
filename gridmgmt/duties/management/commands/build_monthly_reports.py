"""``manage.py build_monthly_reports [--month YYYY-MM] [--street CODE] [--no-pdf]``: folium reports on demand."""

from django.core.management.base import BaseCommand, CommandError

from gridmgmt.api_params import code_argument, iso_day
from gridmgmt.areas.models import Street
from gridmgmt.duties.reports import ReportError, monthly_report_build, monthly_reports_build, previous_month


class Command(BaseCommand):
    help = "Build the monthly map reports (district and every street, or one street); default: last month."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: the previous month)")
        parser.add_argument("--street", type=code_argument(9), help="9-digit street code: only this street's report")
        parser.add_argument("--no-pdf", action="store_true", help="HTML only (no headless Chromium)")

    def handle(self, *args, month=None, street=None, no_pdf=False, **opts):
        first = iso_day(f"{month}-01") if month else previous_month()
        if first is None:
            raise CommandError(f"--month must be YYYY-MM, got {month[:40]!r}")
        if street and not Street.objects.filter(code=street).exists():
            raise CommandError(f"unknown street {street!r}")
        try:
            reports = ([monthly_report_build(level="street", area_code=street, month=first, pdf=not no_pdf)]
                       if street else monthly_reports_build(month=first, pdf=not no_pdf))
        except ReportError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{len(reports)} reports for {first:%Y-%m}")
