from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gridmgmt.events.catalogue import DEFAULT_CATALOGUE, CatalogueError, catalogue_load, catalogue_read
from spatial.input_files import file_argument


class Command(BaseCommand):
    help = "Load (or update) departments and event/component classes from fixtures/catalogue; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=file_argument, default=str(DEFAULT_CATALOGUE))
        parser.add_argument("--encoding", default=None,
                            help="the file's encoding (default: UTF-8 with or without BOM, else GB18030/GBK)")

    def handle(self, *args, path, encoding, **options):
        try:
            counts = catalogue_load(data=catalogue_read(Path(path), encoding=encoding))
        except CatalogueError as exc:
            raise CommandError(f"nothing loaded: {exc}") from None
        self.stdout.write(", ".join(f"{n} {kind}" for kind, n in counts.items()))
