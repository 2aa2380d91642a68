"""``manage.py import_health_facilities FILE.csv``: health facilities (columns id, name, kind, lng, lat; WGS84)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gridmgmt.duties.facilities import FacilityImportError, health_facilities_import_csv
from spatial.input_files import file_argument


class Command(BaseCommand):
    help = "Load health facilities from CSV (id, name, kind, lng, lat); all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("path", type=file_argument)
        parser.add_argument("--encoding", help="the file's encoding (default: detected; UTF-8, GBK/GB18030 or UTF-16)")

    def handle(self, *args, path: Path, encoding: str | None = None, **opts):
        try:
            count = health_facilities_import_csv(path=path, encoding=encoding)
        except FacilityImportError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"health facilities: {count} loaded")
