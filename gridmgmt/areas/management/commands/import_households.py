from django.core.management.base import BaseCommand, CommandError

from gridmgmt.areas.building_services import BuildingImportError, buildings_set_households
from spatial.input_files import file_argument


class Command(BaseCommand):
    help = ("Set real household counts per building from a CSV (columns households [, population] and osm_id "
            "like way/123 or building_id); all rows or none. Later OSM imports keep these counts.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=file_argument, help="CSV: UTF-8, GBK/GB18030 or UTF-16")
        parser.add_argument("--encoding", help="the file's encoding (default: detected; UTF-8, GBK/GB18030 or UTF-16)")

    def handle(self, *args, **opts):
        try:
            count = buildings_set_households(path=opts["file"], encoding=opts["encoding"])
        except BuildingImportError as exc:
            raise CommandError(f"{exc}; nothing written") from None
        self.stdout.write(f"households set for {count} buildings")
