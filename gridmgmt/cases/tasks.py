"""Celery tasks; the beat schedule is in settings (CELERY_BEAT_SCHEDULE)."""

from dataclasses import asdict

from celery import shared_task

from gridmgmt.cases.deadlines import cases_check_deadlines


@shared_task(name="gridmgmt.cases.tasks.check_deadlines")
def check_deadlines() -> dict:
    return asdict(cases_check_deadlines())
