"""``manage.py check_deadlines``: the Celery deadline job, for cron."""

from django.core.management.base import BaseCommand

from gridmgmt.cases.deadlines import cases_check_deadlines


class Command(BaseCommand):
    help = "Warn about near deadlines, mark overdue cases and escalate them (idempotent)."

    def handle(self, *args, **options):
        run = cases_check_deadlines()
        self.stdout.write(f"warned {run.warned}, overdue {run.overdue}, failed {run.failed} (logged)")
