from pathlib import Path

from django.core.management.base import BaseCommand

from gridmgmt.events.catalogue import DEFAULT_CATALOGUE, catalogue_load, catalogue_read


class Command(BaseCommand):
    help = "Load (or update) departments and event/component classes from fixtures/catalogue; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_CATALOGUE))

    def handle(self, *args, path, **options):
        counts = catalogue_load(data=catalogue_read(Path(path)))
        self.stdout.write(", ".join(f"{n} {kind}" for kind, n in counts.items()))
