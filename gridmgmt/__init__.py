# Load the Celery app with Django so that @shared_task binds to it.
from gridmgmt.celery import app as celery_app  # noqa: E402,F401
