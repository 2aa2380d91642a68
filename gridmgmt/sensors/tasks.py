"""Celery tasks of the sensors app (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from gridmgmt.sensors.ingest import reading_keys_forget


@shared_task
def forget_reading_keys() -> int:
    """Delete reading keys past the readings' age limit (see reading_keys_forget); how many."""
    return reading_keys_forget()
