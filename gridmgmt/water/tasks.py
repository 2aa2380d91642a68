"""Celery tasks of the water app (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from gridmgmt.water.patrols import patrols_check


@shared_task
def check_patrols() -> dict:
    """Warn about water bodies whose patrol is due soon or missed (see patrols_check)."""
    return patrols_check()
