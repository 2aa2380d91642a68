"""Celery tasks of the duties app (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from gridmgmt.duties.models import MonthlyReport
from gridmgmt.duties.reports import monthly_reports_build, previous_month


@shared_task
def build_monthly_reports() -> int:
    """Last month's reports, once: run daily, it builds them on the first run of a month and then skips."""
    month = previous_month()
    if MonthlyReport.objects.filter(level="district", month=month).exists():
        return 0
    return len(monthly_reports_build(month=month))
