from datetime import date

from django.core.management.base import BaseCommand, CommandError

from gridmgmt.areas.osm_import import osm_import
from gridmgmt.areas.services import BoundaryImportRefused
from spatial.crs import UnknownCRSError
from spatial.osm_reader import OsmReadError


class Command(BaseCommand):
    help = ("Import an OSM extract offline: administrative boundaries (chosen admin levels), buildings with "
            "households, roads (grid cut lines, traffic view) and health facilities (medical view).")

    def add_arguments(self, parser):
        parser.add_argument("file", help=".osm or .osm.bz2")
        parser.add_argument("--street-admin-level", type=int, help="OSM admin_level imported as streets")
        parser.add_argument("--community-admin-level", type=int, help="OSM admin_level imported as communities")
        parser.add_argument("--dwelling-area", type=float, default=90.0,
                            help="Floor area per household in m², for buildings without a flats tag")
        parser.add_argument("--default-levels", type=int, default=1, help="Storeys when building:levels is missing")
        parser.add_argument("--crs", help="Source CRS when not WGS84: an EPSG code or gcj02")
        parser.add_argument("--valid-from", type=date.fromisoformat)

    def handle(self, *args, **opts):
        try:
            report = osm_import(
                path=opts["file"], street_admin_level=opts["street_admin_level"],
                community_admin_level=opts["community_admin_level"], dwelling_area_m2=opts["dwelling_area"],
                default_levels=opts["default_levels"], crs=opts["crs"], valid_from=opts["valid_from"])
        except BoundaryImportRefused as exc:
            for line in exc.report.refused:
                self.stderr.write(f"refused {line}")
            raise CommandError(f"import refused, nothing written: {exc.report.summary()}") from None
        except (OsmReadError, UnknownCRSError, ValueError) as exc:
            raise CommandError(f"{exc}; nothing written") from None
        for line in report.summary():
            self.stdout.write(line)
