"""``manage.py check_patrols``: the patrol reminder, once (the Celery beat task runs the same core)."""

from django.core.management.base import BaseCommand

from gridmgmt.water.patrols import patrols_check


class Command(BaseCommand):
    help = "Warn river chiefs and grid workers of water bodies whose patrol is due within a day or missed."

    def handle(self, *args, **opts):
        counts = patrols_check()
        self.stdout.write(f"due soon {counts['due_soon']}, missed {counts['missed']}, "
                          f"notifications {counts['notified']}")
