"""The Celery app: Redis broker, settings read from Django's CELERY_* names."""

import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridmgmt.settings")

app = Celery("gridmgmt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def check_deadlines_at_start(sender, **kwargs):
    """Beat's interval schedule first fires one interval after start: after downtime the
    deadlines are checked at once instead (the job is idempotent)."""
    sender.app.send_task("gridmgmt.cases.tasks.check_deadlines")
